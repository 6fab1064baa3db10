/**
 * A device between two networks: a pipeline whose producers are on one network (here a tcp
 * port) and whose consumers are on another (here an ipc path), joined by a PULL → PUSH device.
 *
 *   deno run -A examples/bridge.ts      or      bun examples/bridge.ts
 */
import { sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

const inside = new sp.Pull({ raw: true });
const outside = new sp.Push({ raw: true });
const { url: producers } = await inside.listen("tcp://127.0.0.1:0");
const consumers = `ipc:///tmp/edgemq-bridge-${Date.now()}.ipc`;
await outside.listen(consumers);
const bridge = sp.device(inside, outside);

await using producer = new sp.Push();
await using consumer = new sp.Pull();
await producer.dial(producers);
await consumer.dial(consumers);
for (let i = 0; i < 3; i++) await producer.send(`reading ${i} from the tcp side`);
for (let i = 0; i < 3; i++) console.log(`ipc side got "${text(await consumer.recv())}"`);

await inside.close();
await outside.close();
await bridge;
