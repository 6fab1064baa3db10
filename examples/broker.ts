/**
 * A request/reply broker: `sp.device` forwards between a raw REP, which clients dial, and a raw
 * REQ, which servers dial. Each request goes to a server that can take it, and its reply finds the
 * way back along the request's backtrace; clients and servers know only the broker's address.
 *
 *   deno run -A examples/broker.ts      or      bun examples/broker.ts
 *
 * Given two URLs it only brokers, so NNG peers can use it:
 *   deno run -A examples/broker.ts tcp://127.0.0.1:5555 tcp://127.0.0.1:5556
 *   nngcat --rep0 --dial tcp://127.0.0.1:5556 --data pong --quoted
 *   nngcat --req0 --dial tcp://127.0.0.1:5555 --data ping --quoted
 */
import { sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as { process?: { argv: string[] } }).process?.argv.slice(2) ?? [];

const front = new sp.Rep({ raw: true }); // clients dial here
const back = new sp.Req({ raw: true }); // servers dial here
const { url: clients } = await front.listen(args[0] ?? "tcp://127.0.0.1:0");
const { url: servers } = await back.listen(args[1] ?? "tcp://127.0.0.1:0");
console.log(`broker: clients dial ${clients}, servers dial ${servers}`);
const brokering = sp.device(front, back); // runs until either socket closes

if (args.length < 2) {
  await using server = new sp.Rep();
  await using client = new sp.Req();
  await server.dial(servers);
  await client.dial(clients);
  await client.send("ping");
  await server.send(`${text(await server.recv())} -> pong`);
  console.log(`client got "${text(await client.recv())}" through the broker`);
  await front.close();
  await back.close();
}
await brokering;
