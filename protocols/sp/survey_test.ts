import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { MqError } from "../errors.ts";
import { until, within } from "../../testing/async.ts";
import { RawPeer, spHeader, u32, words } from "../../conformance/_raw_sp.ts";
import { device, Respondent, Surveyor } from "./mod.ts";
import { RESPONDENT, SURVEYOR } from "./respondent.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const code = (c: string) => (e: unknown): boolean => e instanceof MqError && e.code === c;
let n = 0;
const url = (what: string): string => `inproc://survey-${what}-${n++}`;

/** A surveyor listening at a fresh name with `count` respondents dialed in. */
async function group(count: number, surveyTime: number) {
  const at = url("group");
  const surveyor = new Surveyor({ surveyTime });
  await surveyor.listen(at);
  const respondents = Array.from({ length: count }, () => new Respondent());
  for (const r of respondents) await r.dial(at);
  return {
    surveyor,
    respondents,
    async [Symbol.asyncDispose]() {
      for (const s of [surveyor, ...respondents]) await s.close();
    },
  };
}

test("a survey reaches every respondent; their responses come back until the deadline, then recv fails with ETIMEDOUT and later with ESTATE [SP-SURV-1, SP-SURV-2]", async () => {
  await using g = await group(3, 150);
  await g.surveyor.send("who?");
  for (const [i, r] of g.respondents.entries()) {
    assert.equal(text(await within(2000, r.recv(), "the survey")), "who?");
    await r.send(`me ${i}`);
  }
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(text(await within(2000, g.surveyor.recv(), "answer")));
  assert.deepEqual(answers.sort(), ["me 0", "me 1", "me 2"]);
  const started = Date.now();
  await assert.rejects(g.surveyor.recv(), code("ETIMEDOUT"));
  assert.ok(Date.now() - started < 1000, "the wait ended at the deadline");
  await assert.rejects(g.surveyor.recv(), code("ESTATE"));
});

test("recv before any survey fails with ESTATE; send with no respondent is not an error [SP-SURV-2, SP-SURV-4]", async () => {
  await using surveyor = new Surveyor({ surveyTime: 50 });
  await assert.rejects(surveyor.recv(), code("ESTATE"));
  await surveyor.send("anyone?"); // never waits
  assert.equal(surveyor.stats.dropped, 1);
  await assert.rejects(surveyor.recv(), code("ETIMEDOUT"));
});

test("a new survey cancels the old: its waiting recv fails with ECANCELED and late answers to it are dropped [SP-SURV-3]", async () => {
  await using g = await group(1, 2000);
  const [r] = g.respondents;
  await g.surveyor.send("first");
  await within(2000, r!.recv(), "first survey");
  const waiting = g.surveyor.recv();
  await g.surveyor.send("second");
  await assert.rejects(waiting, code("ECANCELED"));
  await r!.send("answer to first"); // its survey id is no longer open
  assert.equal(text(await within(2000, r!.recv(), "second survey")), "second");
  await r!.send("answer to second");
  assert.equal(text(await within(2000, g.surveyor.recv(), "answer")), "answer to second");
  assert.equal(g.surveyor.stats.dropped, 1);
});

test("answers after the deadline are dropped [SP-SURV-3]", async () => {
  await using g = await group(1, 50);
  const [r] = g.respondents;
  await g.surveyor.send("quick");
  await within(2000, r!.recv(), "survey");
  await assert.rejects(g.surveyor.recv(), code("ETIMEDOUT"));
  await r!.send("too late");
  await until(() => g.surveyor.stats.dropped === 1, 2000, "the late answer dropped");
});

test("surveyor contexts run surveys at once, each collecting its own answers [SP-SURV-5]", async () => {
  await using g = await group(2, 1000);
  await using a = g.surveyor.context();
  await using b = g.surveyor.context();
  await a.send("a?");
  await b.send("b?");
  for (const r of g.respondents) {
    await using worker = r.context();
    for (let i = 0; i < 2; i++) {
      const survey = text(await within(2000, worker.recv(), "survey"));
      await worker.send(survey.replace("?", "!"));
    }
  }
  const got = async (ctx: typeof a) => [text(await ctx.recv()), text(await ctx.recv())];
  assert.deepEqual(await within(2000, got(a), "a's answers"), ["a!", "a!"]);
  assert.deepEqual(await within(2000, got(b), "b's answers"), ["b!", "b!"]);
});

test("respondent: send before a survey fails with ESTATE; raw respondent and surveyor keep no state [SP-SURV-6, SP-SURV-7]", async () => {
  await using cooked = new Respondent();
  await assert.rejects(cooked.send("x"), code("ESTATE"));
  await using surveyor = new Surveyor({ raw: true });
  await using respondent = new Respondent({ raw: true });
  const at = url("raw");
  await surveyor.listen(at);
  await respondent.dial(at);
  const id = 0x80000042;
  await surveyor.send(words([id], "raw survey"));
  const got = await within(2000, respondent.recv(), "raw survey");
  assert.equal(u32(got, 4), id);
  assert.equal(text(got.subarray(8)), "raw survey");
  await respondent.send(new Uint8Array([...got.subarray(0, 8), ...new TextEncoder().encode("ok")]));
  const answer = await within(2000, surveyor.recv(), "raw answer");
  assert.equal(u32(answer, 0), id);
  assert.equal(text(answer.subarray(4)), "ok");
  assert.throws(() => surveyor.context(), code("ENOTSUP"));
});

test("a survey crosses a device and its answers come back [SP-SURV-8, SP-DEV-1]", async () => {
  const front = new Respondent({ raw: true }), back = new Surveyor({ raw: true });
  const up = url("dev-up"), down = url("dev-down");
  await front.dial(up);
  await back.listen(down);
  await using surveyor = new Surveyor({ surveyTime: 1000 });
  await surveyor.listen(up);
  const running = device(front, back);
  try {
    await using respondent = new Respondent();
    await respondent.dial(down);
    await surveyor.send("through?");
    assert.equal(text(await within(2000, respondent.recv(), "survey via device")), "through?");
    await respondent.send("yes");
    assert.equal(text(await within(2000, surveyor.recv(), "answer via device")), "yes");
  } finally {
    await front.close();
    await back.close();
  }
  await running;
});

test("bad input: a survey without a survey id closes the respondent's pipe, a response without one closes the surveyor's [SP-SURV-9]", async () => {
  await using respondent = new Respondent();
  const reasons: string[] = [];
  respondent.monitor.on((e) => e.type === "protocol-error" && reasons.push(e.reason));
  const { url: r } = await respondent.listen("tcp://127.0.0.1:0");
  const toRespondent = await RawPeer.dial(r, spHeader(SURVEYOR));
  await toRespondent.header();
  toRespondent.send(words([1, 2], "no survey id")); // no word has bit 31 set
  await toRespondent.closedByPeer();
  assert.match(reasons[0] ?? "", /survey without a survey id/);

  await using surveyor = new Surveyor({ surveyTime: 1000 });
  const errors: string[] = [];
  surveyor.monitor.on((e) => e.type === "protocol-error" && errors.push(e.reason));
  const { url: s } = await surveyor.listen("tcp://127.0.0.1:0");
  const toSurveyor = await RawPeer.dial(s, spHeader(RESPONDENT));
  await toSurveyor.header();
  toSurveyor.send(new Uint8Array([1, 2])); // shorter than a survey id
  await toSurveyor.closedByPeer();
  assert.match(errors[0] ?? "", /response without a survey id/);
  await toRespondent.close();
  await toSurveyor.close();
});
