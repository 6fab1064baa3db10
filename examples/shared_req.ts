/**
 * Why concurrent handlers must not share one REQ socket's own `send`/`recv`: a REQ has one
 * request outstanding, and a new `send` abandons it, so the earlier handler's `recv` fails with
 * ECANCELED. Twenty handlers (as in an HTTP app, a couple of milliseconds apart) ask a service
 * that takes 20 ms to answer: through the shared socket almost all of them fail; with a context
 * each, all of them get their own answer.
 *
 *   deno run -A examples/shared_req.ts      or      bun examples/shared_req.ts
 */
import { MqError, sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const service = new sp.Rep();
const { url } = await service.listen("tcp://127.0.0.1:0");
const answering = Array.from({ length: 20 }, async () => {
  const ctx = service.context();
  try {
    for (;;) {
      const question = text(await ctx.recv());
      await sleep(20);
      await ctx.send(`answer to ${question}`);
    }
  } catch (e) {
    if (!(e instanceof MqError && e.code === "ECLOSED")) throw e;
  }
});

await using req = new sp.Req({ recvTimeout: 2000 });
await req.dial(url);
while (req.stats.pipes < 1) await sleep(5);

/** Runs twenty handlers, 2 ms apart, each asking once through `ask`; counts the outcomes. */
async function twentyHandlers(ask: (question: string) => Promise<string>): Promise<string> {
  const outcomes = new Map<string, number>();
  await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    await sleep(2 * i);
    let outcome: string;
    try {
      outcome = await ask(`question ${i}`) === `answer to question ${i}` ? "answered" : "wrong";
    } catch (e) {
      if (!(e instanceof MqError)) throw e;
      outcome = e.code;
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }));
  return [...outcomes].map(([outcome, n]) => `${n} ${outcome}`).join(", ");
}

console.log(
  "one shared REQ: " +
    await twentyHandlers(async (question) => {
      await req.send(question); // abandons whatever request another handler has outstanding
      return text(await req.recv());
    }),
);
console.log(
  "a context per handler: " +
    await twentyHandlers(async (question) => {
      await using ctx = req.context();
      await ctx.send(question);
      return text(await ctx.recv());
    }),
);

await service.close();
await Promise.all(answering);
