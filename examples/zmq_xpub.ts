/**
 * XPUB: a publisher that sees its subscribers' subscriptions, as single frames: 0x01 + topic for
 * a subscribe, 0x00 + topic for a cancel. Here it publishes a price only after someone asked for
 * it, and sees the subscriber go.
 *
 *   deno run -A examples/zmq_xpub.ts      or      bun examples/zmq_xpub.ts
 */
import { zmq } from "../mod.ts";

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
const describe = ([note]: Uint8Array[]): string =>
  `${note![0] === 1 ? "subscribe" : "cancel"} "${text(note!.subarray(1))}"`;

await using xpub = new zmq.XPub();
const { url } = await xpub.bind("tcp://127.0.0.1:0");

const sub = new zmq.Sub();
sub.subscribe("prices/eur");
await sub.connect(url);

console.log(`xpub saw: ${describe(await xpub.recv())}`);
await xpub.send(["prices/eur", "1.08"]); // the subscription is in: this one is delivered
await xpub.send(["prices/usd", "1.00"]); // nobody asked: filtered out at the publisher
const [topic, price] = await sub.recv();
console.log(`sub got ${text(topic)} ${text(price)}`);

sub.unsubscribe("prices/eur");
console.log(`xpub saw: ${describe(await xpub.recv())}`);
await sub.close();
