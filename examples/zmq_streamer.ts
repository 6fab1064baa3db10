/**
 * A STREAMER: PUSH producers feed a PULL frontend, zmq.proxy passes every
 * message to a PUSH backend, and PULL consumers take them from there.
 *
 *   deno run -A examples/zmq_streamer.ts      or      bun examples/zmq_streamer.ts
 */
import { zmq } from "../mod.ts";

const decoder = new TextDecoder();
const frontend = new zmq.Pull();
const backend = new zmq.Push();
const { url: inUrl } = await frontend.bind("tcp://127.0.0.1:0");
const { url: outUrl } = await backend.bind("tcp://127.0.0.1:0");
const streamer = zmq.proxy(frontend, backend);

const consumer = new zmq.Pull();
await consumer.connect(outUrl);
const producer = new zmq.Push();
await producer.connect(inUrl);

for (let i = 0; i < 5; i++) await producer.send(`item ${i}`);
for (let i = 0; i < 5; i++) {
  console.log(`consumer got "${decoder.decode((await consumer.recv())[0])}"`);
}

for (const s of [producer, consumer, frontend, backend]) await s.close();
await streamer;
