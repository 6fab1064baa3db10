/**
 * A bus of four nodes, fully meshed: each node's message reaches the three others.
 *
 *   deno run -A examples/bus.ts      or      bun examples/bus.ts
 */
import { sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

const nodes = [new sp.Bus(), new sp.Bus(), new sp.Bus(), new sp.Bus()];
const urls: string[] = [];
for (const node of nodes) urls.push((await node.listen("tcp://127.0.0.1:0")).url);
// a bus does not forward: every node dials every node before it (a full mesh)
for (let i = 0; i < nodes.length; i++) {
  for (let j = 0; j < i; j++) await nodes[i]!.dial(urls[j]!);
}
while (nodes.some((n) => n.stats.pipes < nodes.length - 1)) {
  await new Promise((r) => setTimeout(r, 5));
}
for (const [i, node] of nodes.entries()) await node.send(`hello from node ${i}`);
for (const [i, node] of nodes.entries()) {
  const heard: string[] = [];
  for (let n = 0; n < nodes.length - 1; n++) heard.push(text(await node.recv()));
  console.log(`node ${i} heard: ${heard.sort().join(", ")}`);
}
for (const node of nodes) await node.close();
