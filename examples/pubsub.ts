/**
 * PUB/SUB: a publisher sends weather and sports updates; one subscriber
 * takes only "weather", another everything. Over ipc, so run it on Linux or
 * macOS.
 *
 *   deno run -A examples/pubsub.ts      or      bun examples/pubsub.ts
 */
import { sp } from "../mod.ts";

const decoder = new TextDecoder();
const url = `ipc:///tmp/edgemq-pubsub-${Date.now()}.ipc`;

await using pub = new sp.Pub();
await using weather = new sp.Sub();
await using everything = new sp.Sub();
weather.subscribe("weather");
everything.subscribe("");

await pub.listen(url);
await weather.dial(url);
await everything.dial(url);
// Subscribers that are not connected yet miss what is published (PUB never
// waits), so wait until both are attached.
while (pub.stats.pipes < 2) await new Promise((r) => setTimeout(r, 5));

for (const update of ["weather: sunny", "sports: 2-1", "weather: rain"]) await pub.send(update);

for (let i = 0; i < 2; i++) {
  console.log(`weather sub got "${decoder.decode(await weather.recv())}"`);
}
for (let i = 0; i < 3; i++) {
  console.log(`everything sub got "${decoder.decode(await everything.recv())}"`);
}
