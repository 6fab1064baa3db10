/**
 * One SUB connected to two PUBs: it subscribes to "weather" and gets the
 * weather of both publishers, fair-queued, and none of their sports news.
 * Filtering happens at the publishers (ZMTP 3.1 sends the subscription
 * upstream), so sports news never crosses the wire.
 *
 *   deno run -A examples/zmq_pubsub.ts      or      bun examples/zmq_pubsub.ts
 */
import { zmq } from "../mod.ts";

const decoder = new TextDecoder();
const pubs = [new zmq.Pub(), new zmq.Pub()];
const urls: string[] = [];
for (const pub of pubs) urls.push((await pub.bind("tcp://127.0.0.1:0")).url);

const sub = new zmq.Sub();
sub.subscribe("weather");
for (const url of urls) await sub.connect(url);

// A PUB drops what it sends before a subscriber's subscription arrives (the
// "slow joiner"), so each publisher repeats its news until the SUB has
// heard from both.
const heard = new Set<string>();
const publishing = pubs.map(async (pub, i) => {
  for (let round = 0; heard.size < 2 && round < 200; round++) {
    await pub.send(`sports: ${i}-${round}`);
    await pub.send(`weather from publisher ${i}`);
    await new Promise((r) => setTimeout(r, 10));
  }
});
while (heard.size < 2) {
  const [msg] = await sub.recv();
  const text = decoder.decode(msg);
  if (!heard.has(text)) console.log(`sub got "${text}"`);
  heard.add(text);
}
await Promise.all(publishing);
for (const s of [sub, ...pubs]) await s.close();
