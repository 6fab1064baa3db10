/**
 * Two pushers and two pullers: each PUSH connects to both PULLs and deals
 * its tasks round robin over them; each PULL fair-queues what both pushers
 * send.
 *
 *   deno run -A examples/zmq_pipeline.ts      or      bun examples/zmq_pipeline.ts
 */
import { zmq } from "../mod.ts";

const decoder = new TextDecoder();
const tasks = 8;

const pullers = [new zmq.Pull(), new zmq.Pull()];
const urls: string[] = [];
for (const p of pullers) urls.push((await p.bind("tcp://127.0.0.1:0")).url);

let received = 0;
const done = Promise.all(pullers.map(async (pull, i) => {
  for await (const [task] of pull) {
    console.log(`puller ${i} got "${decoder.decode(task)}"`);
    if (++received === tasks) { for (const p of pullers) await p.close(); }
  }
}));

// Round robin only spreads over the peers a PUSH is connected to, so wait
// until each pusher has both pullers before dealing (connects are async).
const pushers = [new zmq.Push(), new zmq.Push()];
for (const push of pushers) {
  let connected = 0;
  const both = new Promise<void>((resolve) => {
    const stop = push.monitor.on((e) => {
      if (e.type === "connected" && ++connected === urls.length) (stop(), resolve());
    });
  });
  for (const url of urls) await push.connect(url);
  await both;
}

for (let t = 0; t < tasks; t++) await pushers[t % 2]!.send(`task ${t} from pusher ${t % 2}`);
await done;
for (const push of pushers) await push.close();
