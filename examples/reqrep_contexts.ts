/**
 * Request/reply with contexts on both sides: a REP server works on four requests at once, and a
 * REQ client has eight requests in flight on one socket. Each context has a request of its own,
 * so answers that come back out of order still reach the right caller.
 *
 *   deno run -A examples/reqrep_contexts.ts      or      bun examples/reqrep_contexts.ts
 */
import { MqError, sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const server = new sp.Rep();
const { url } = await server.listen("tcp://127.0.0.1:0");

// four workers on one REP socket, each with its own context: recv a request, send its reply
const workers = [1, 2, 3, 4].map(async (worker) => {
  const ctx = server.context();
  try {
    for (;;) {
      const n = Number(text(await ctx.recv()));
      await sleep((8 - n) * 10); // later numbers are quicker: replies come back out of order
      await ctx.send(`${n * n} (worker ${worker})`);
    }
  } catch (e) {
    if (!(e instanceof MqError && e.code === "ECLOSED")) throw e; // the server closed: done
  }
});

// one REQ socket, a context per request in flight
await using client = new sp.Req();
await client.dial(url);
await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(async (n) => {
  await using ctx = client.context();
  await ctx.send(String(n));
  console.log(`${n} squared is ${text(await ctx.recv())}`);
}));

await server.close();
await Promise.all(workers);
console.log("all 8 requests answered");
