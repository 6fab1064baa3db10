/**
 * PUB/SUB fan-out: one publisher, many subscribers, each with its own topics.
 *
 *   deno run -A examples/fanout.ts      or      bun examples/fanout.ts
 */
import { sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

await using pub = new sp.Pub();
const { url } = await pub.listen("tcp://127.0.0.1:0");
const topics = ["prices/", "news/", "prices/eur", ""];
const subs = topics.map((topic) => {
  const sub = new sp.Sub();
  sub.subscribe(topic);
  return sub;
});
for (const sub of subs) await sub.dial(url);
// a publisher never waits, so what it sends before a subscriber is connected is lost
while (pub.stats.pipes < subs.length) await new Promise((r) => setTimeout(r, 5));

const updates = ["prices/eur 1.08", "news/today calm", "prices/usd 1.00", "weather/ rain"];
for (const update of updates) await pub.send(update);

for (const [i, sub] of subs.entries()) {
  const expected = updates.filter((u) => u.startsWith(topics[i]!)).length;
  const got: string[] = [];
  for (let n = 0; n < expected; n++) got.push(text(await sub.recv()));
  console.log(`subscriber "${topics[i]}" got ${got.length}: ${got.join(" | ")}`);
  await sub.close();
}
