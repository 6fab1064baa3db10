/**
 * A polyamorous PAIR1 (NNG's pair1 "poly" mode): one hub, many pair1 peers. `recvFrom` says which
 * peer (pipe) each message came from, and `sendTo` answers that peer alone.
 *
 *   deno run -A examples/pair_poly.ts      or      bun examples/pair_poly.ts
 */
import { sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

await using hub = new sp.Pair1({ polyamorous: true });
const { url } = await hub.listen("tcp://127.0.0.1:0");

const names = ["ann", "bob", "cid"];
const peers = names.map(() => new sp.Pair1()); // plain pair1 peers: they need no poly mode
for (const peer of peers) await peer.dial(url);
for (const [i, peer] of peers.entries()) await peer.send(names[i]!);

for (let i = 0; i < peers.length; i++) {
  const { pipe, data } = await hub.recvFrom();
  await hub.sendTo(pipe, `hello ${text(data)}, you are pipe ${pipe}`);
}
for (const [i, peer] of peers.entries()) {
  console.log(`${names[i]} got "${text(await peer.recv())}"`);
  await peer.close();
}
