/**
 * A FORWARDER: publishers connect to the device's XSUB, subscribers to its
 * XPUB, and zmq.proxy passes messages down and subscriptions up, so a
 * subscriber's filter reaches the publisher through the device.
 *
 *   deno run -A examples/zmq_forwarder.ts      or      bun examples/zmq_forwarder.ts
 */
import { zmq } from "../mod.ts";

const decoder = new TextDecoder();
const frontend = new zmq.XSub(); // publishers connect here
const backend = new zmq.XPub(); // subscribers connect here
const { url: pubsUrl } = await frontend.bind("tcp://127.0.0.1:0");
const { url: subsUrl } = await backend.bind("tcp://127.0.0.1:0");
const device = zmq.proxy(frontend, backend);

const pub = new zmq.Pub();
await pub.connect(pubsUrl);
const sub = new zmq.Sub();
sub.subscribe("news");
await sub.connect(subsUrl);

// repeat until the subscription has travelled sub → device → publisher
let got: string | undefined;
const receiving = sub.recv().then(([m]) => (got = decoder.decode(m)));
for (let i = 0; got === undefined && i < 200; i++) {
  await pub.send(`ads: buy now ${i}`);
  await pub.send(`news: item ${i}`);
  await new Promise((r) => setTimeout(r, 10));
}
await receiving;
console.log(`sub got "${got}" through the forwarder`);
for (const s of [pub, sub, frontend, backend]) await s.close();
await device;
