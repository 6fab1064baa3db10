/**
 * A SUB that connects before its PUB binds: the connect succeeds at once and
 * keeps retrying in the background (reconnectIvl); once the PUB appears the
 * SUB connects and its subscription goes upstream.
 *
 *   deno run -A examples/zmq_late_pub.ts      or      bun examples/zmq_late_pub.ts
 */
import { zmq } from "../mod.ts";

const decoder = new TextDecoder();
// pick a free port by binding and releasing it
const probe = new zmq.Pub();
const { url } = await probe.bind("tcp://127.0.0.1:0");
await probe.close();

const sub = new zmq.Sub({ reconnectIvl: 50 });
sub.subscribe("");
await sub.connect(url); // nobody listens yet
console.log(`sub connecting to ${url} before any publisher exists`);
await new Promise((r) => setTimeout(r, 200));

const pub = new zmq.Pub();
await pub.bind(url);
console.log("publisher bound");
let got: string | undefined;
const receiving = sub.recv().then(([m]) => (got = decoder.decode(m)));
for (let i = 0; got === undefined && i < 300; i++) {
  await pub.send(`hello ${i}`);
  await new Promise((r) => setTimeout(r, 10));
}
await receiving;
console.log(`sub got "${got}"`);
await sub.close();
await pub.close();
