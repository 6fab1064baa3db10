/**
 * PAIR: two peers talk both ways over one connection. A third peer that dials in is refused
 * after its handshake: a pair has one peer at a time.
 *
 *   deno run -A examples/pair.ts      or      bun examples/pair.ts
 */
import { sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

await using left = new sp.Pair1(); // sp.Pair is pair0, for nanomsg peers
await using right = new sp.Pair1();
const { url } = await left.listen("tcp://127.0.0.1:0");
await right.dial(url);

await right.send("ping"); // waits until the pair is connected
console.log(`left got "${text(await left.recv())}"`);
await left.send("pong");
console.log(`right got "${text(await right.recv())}"`);

await using third = new sp.Pair1();
const refused = left.monitor.next("rejected");
await third.dial(url);
console.log(`a third peer was refused: ${(await refused).reason}`);
