/**
 * A REQ survives a server that dies mid-request: the client dials two REP servers; the one that
 * gets the request crashes before answering, and the REQ sends the request again, at once, to
 * the other one. No application code retries: resending is REQ's job (after `resendTime` if a
 * reply is just late, at once if the connection it went over is lost).
 *
 *   deno run -A examples/reqrep_failover.ts      or      bun examples/reqrep_failover.ts
 */
import { sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

const servers = [new sp.Rep(), new sp.Rep()];
const urls: string[] = [];
for (const server of servers) urls.push((await server.listen("tcp://127.0.0.1:0")).url);

let crashed = false;
const serving = servers.map(async (server, i) => {
  for await (const request of server) {
    if (!crashed) {
      crashed = true;
      console.log(`server ${i} got "${text(request)}" and crashes before answering`);
      await server.close(); // its connection drops: the client sees it go
    } else {
      await server.send(`answer from server ${i}`);
    }
  }
});

await using client = new sp.Req({ resendTime: 60000, recvTimeout: 5000 });
for (const url of urls) await client.dial(url);
while (client.stats.pipes < 2) await new Promise((resolve) => setTimeout(resolve, 5));
await client.send("what time is it?");
console.log(`client got "${text(await client.recv())}"`);

for (const server of servers) await server.close();
await Promise.all(serving);
