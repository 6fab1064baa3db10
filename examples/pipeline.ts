/**
 * A pipeline: a ventilator PUSHes nine tasks, dealt round robin to three workers; each worker
 * PUSHes its result to one sink, whose PULL fair-queues them.
 *
 *   deno run -A examples/pipeline.ts      or      bun examples/pipeline.ts
 */
import { sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

await using ventilator = new sp.Push();
await using sink = new sp.Pull();
const { url: tasks } = await ventilator.listen("tcp://127.0.0.1:0");
const { url: results } = await sink.listen("tcp://127.0.0.1:0");

const workers = [1, 2, 3].map((name) => ({ name, tasks: new sp.Pull(), results: new sp.Push() }));
const working = workers.map(async (worker) => {
  await worker.tasks.dial(tasks);
  await worker.results.dial(results);
  for await (const task of worker.tasks) {
    await worker.results.send(`${text(task)} done by worker ${worker.name}`);
  }
});

// round robin only spreads over the workers connected at the time: wait for all three
while (ventilator.stats.pipes < workers.length) await new Promise((r) => setTimeout(r, 5));
for (let i = 1; i <= 9; i++) await ventilator.send(`task ${i}`);
for (let i = 1; i <= 9; i++) console.log(`sink got "${text(await sink.recv())}"`);

for (const worker of workers) await worker.tasks.close(); // ends each worker's loop
await Promise.all(working);
for (const worker of workers) await worker.results.close();
