/**
 * ROUTER/DEALER: a ROUTER server talks to several DEALER clients at once and addresses each by
 * the routing id it announced; a DEALER sends without waiting for answers. With `mandatory`, a
 * message for a peer that is not connected fails with EHOSTUNREACH instead of vanishing.
 *
 *   deno run -A examples/zmq_router_dealer.ts      or      bun examples/zmq_router_dealer.ts
 */
import { MqError, zmq } from "../mod.ts";

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

await using server = new zmq.Router({ mandatory: true });
const { url } = await server.bind("tcp://127.0.0.1:0");

const clients = ["alice", "bob"].map((name) => new zmq.Dealer({ routingId: name }));
for (const client of clients) await client.connect(url);
for (const client of clients) {
  await client.send("job 1"); // queued until connected, then sent; no reply awaited
  await client.send("job 2");
}

// a received message starts with the sender's routing id; a sent one with its addressee's
for (let i = 0; i < 4; i++) {
  const [who, job] = await server.recv();
  await server.send([who!, `${text(job)} done for ${text(who)}`]);
}
for (const client of clients) {
  for (let i = 0; i < 2; i++) console.log(`${text((await client.recv())[0])}`);
}

try {
  await server.send(["carol", "are you there?"]);
} catch (e) {
  if (!(e instanceof MqError)) throw e;
  console.log(`to carol: ${e.code}`); // EHOSTUNREACH: no peer has that routing id
}
for (const client of clients) await client.close();
