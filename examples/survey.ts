/**
 * A survey with a deadline: a surveyor asks five respondents; three answer at once, two too late.
 * Late answers are dropped; recv fails with ETIMEDOUT when the deadline passes.
 *
 *   deno run -A examples/survey.ts      or      bun examples/survey.ts
 */
import { MqError, sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

await using surveyor = new sp.Surveyor({ surveyTime: 300 });
const { url } = await surveyor.listen("tcp://127.0.0.1:0");
const respondents = [0, 0, 0, 600, 900].map((delay, i) => {
  const r = new sp.Respondent();
  const done = (async () => {
    await r.dial(url);
    const question = text(await r.recv());
    await new Promise((resolve) => setTimeout(resolve, delay));
    await r.send(`respondent ${i} answers "${question}" after ${delay} ms`);
  })();
  return { r, done };
});
while (surveyor.stats.pipes < respondents.length) await new Promise((r) => setTimeout(r, 5));

await surveyor.send("who is up?");
let answers = 0;
try {
  for (;;) {
    console.log(text(await surveyor.recv()));
    answers++;
  }
} catch (e) {
  if (!(e instanceof MqError && e.code === "ETIMEDOUT")) throw e;
}
console.log(`deadline passed: ${answers} answers in time`);
await Promise.all(respondents.map((x) => x.done));
await new Promise((r) => setTimeout(r, 50)); // the late answers arrive, and are dropped
console.log(`late answers dropped: ${surveyor.statistics().drop}`);
for (const { r } of respondents) await r.close();
