/**
 * Request/reply among stateless workers: clients ask a broker (a device between a raw REP and a
 * raw REQ), and any free worker answers; the reply finds its way back through the device.
 *
 *   deno run -A examples/workers.ts      or      bun examples/workers.ts
 */
import { sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

// the broker: clients dial its front, workers dial its back
const front = new sp.Rep({ raw: true });
const back = new sp.Req({ raw: true });
const { url: clients } = await front.listen("tcp://127.0.0.1:0");
const { url: workers } = await back.listen("tcp://127.0.0.1:0");
const broker = sp.device(front, back);

// three stateless workers: each answers whatever comes, with its own name
const pool = ["w1", "w2", "w3"].map((name) => {
  const rep = new sp.Rep();
  const done = (async () => {
    await rep.dial(workers);
    for await (const request of rep) await rep.send(`${text(request)} -> done by ${name}`);
  })();
  return { rep, done };
});

// two clients, four jobs each, many in flight at once through contexts
await using client = new sp.Req();
await client.dial(clients);
const jobs = Array.from({ length: 8 }, async (_, i) => {
  await using ctx = client.context();
  await ctx.send(`job ${i}`);
  console.log(text(await ctx.recv()));
});
await Promise.all(jobs);

for (const { rep } of pool) await rep.close();
await Promise.all(pool.map((w) => w.done));
await front.close();
await back.close();
await broker;
console.log("all 8 jobs answered");
