/**
 * SP cases: what each protocol puts on the wire and does with what it gets (nanomsg's
 * sp-request-reply-01, sp-publish-subscribe-01, sp-pipeline-01, sp-survey-01, and NNG's pair and
 * bus), under the target contract of the runner's README.
 *
 * @module
 */
import type { Case } from "../case.ts";
import { withWords, wordAt } from "../sp_peer.ts";
import { bytes, same, show } from "../zmtp_peer.ts";
import { toHex } from "../transcript.ts";
import { CaseFailure, expect } from "../verdict.ts";
import { checkEcho, connect, expectEcho, request, spCase } from "./_sp.ts";

const REQREP = "SP request-reply";
const PUBSUB = "SP publish-subscribe";
const PIPELINE = "SP pipeline";
const PAIR = "SP pair";
const SURVEY = "SP survey";
const BUS = "SP bus";

export const spPatternCases: readonly Case[] = [
  spCase({
    section: REQREP,
    name: "rep0 answers with the request id in front, byte for byte [SP-REP-1]",
    types: ["rep0"],
    async run(ctx) {
      await expectEcho(await connect(ctx), ctx.target, request("rep0", "hello", 0x8000abcd));
    },
  }),
  spCase({
    section: REQREP,
    name: "rep0 sends a multi-hop backtrace back whole [SP-REP-1]",
    types: ["rep0"],
    async run(ctx) {
      const peer = await connect(ctx);
      const sent = withWords([0x00000005, 0x00000007, 0x80000042], bytes("through two devices"));
      peer.send(sent);
      const got = await peer.recv("the answer");
      const body = ctx.target.reply ?? bytes("through two devices");
      expect(
        same(got.subarray(0, 12), sent.subarray(0, 12)),
        `the backtrace ${toHex(sent.subarray(0, 12))}`,
        toHex(got.subarray(0, 12)),
      );
      expect(same(got.subarray(12), body), `the body ${show(body)}`, show(got.subarray(12)));
    },
  }),
  spCase({
    section: REQREP,
    name: "rep0 never answers a request without a word with bit 31 set [SP-REP-3]",
    disruptive: true,
    types: ["rep0"],
    differs:
      "NNG and edgemq close the connection; nanomsg and mangos drop the request. Both pass: no answer is the rule.",
    async run(ctx) {
      const peer = await connect(ctx);
      peer.send(withWords([0x00000001], bytes("no request id")));
      const back = await peer.link.collect(ctx.quietMs);
      expect(back.length === 0, "no answer", toHex(back));
      ctx.note(
        peer.link.ended ? "the target closed the connection" : "the target kept the connection",
      );
    },
  }),
  spCase({
    section: REQREP,
    name: "rep0 drops a request with more hops than its limit and keeps the connection [SP-REP-2]",
    types: ["rep0"],
    async run(ctx) {
      const peer = await connect(ctx);
      const hops = Array.from({ length: 16 }, (_, i) => i + 1);
      peer.send(withWords([...hops, 0x80000010], bytes("too far")));
      const back = await peer.link.collect(ctx.quietMs);
      expect(back.length === 0, "no answer to 17 backtrace words", toHex(back));
      await expectEcho(peer, ctx.target, request("rep0", "near", 0x80000011));
    },
  }),
  spCase({
    section: REQREP,
    name: "rep0 answers each of two peers on its own connection [SP-REP-7]",
    types: ["rep0"],
    role: "dial",
    async run(ctx) {
      const a = await connect(ctx);
      const b = await connect(ctx);
      const [ra, rb] = [
        request("rep0", "from a", 0x8000000a),
        request("rep0", "from b", 0x8000000b),
      ];
      b.send(rb);
      a.send(ra);
      checkEcho(ctx.target, ra, await a.recv("a's answer"));
      checkEcho(ctx.target, rb, await b.recv("b's answer"));
    },
  }),
  spCase({
    section: REQREP,
    name: "req0 sends a request id with bit 31 set before the body [SP-REQ-1]",
    types: ["req0"],
    async run(ctx) {
      const msg = await (await connect(ctx)).recv("a request");
      expect(
        msg.length >= 4 && (wordAt(msg, 0) & 0x80000000) !== 0,
        "a request id word with bit 31 set",
        toHex(msg),
      );
    },
  }),
  spCase({
    section: REQREP,
    name: "req0 takes the reply to its request and asks again under a new id [SP-REQ-2, SP-REQ-1]",
    types: ["req0"],
    async run(ctx) {
      const peer = await connect(ctx);
      const first = await peer.recv("a request");
      peer.send(first); // the reply: the same id, the body echoed
      const next = await peer.recv("the next request");
      expect(
        next.length >= 4 && (wordAt(next, 0) & 0x80000000) !== 0,
        "a request id with bit 31 set",
        toHex(next),
      );
      expect(
        wordAt(next, 0) !== wordAt(first, 0),
        `a new id (not 0x${wordAt(first, 0).toString(16)})`,
        `0x${wordAt(next, 0).toString(16)}`,
      );
    },
  }),
  spCase({
    section: PUBSUB,
    name: "pub0 sends its messages to a sub0 peer [SP-PUB-1]",
    types: ["pub0"],
    async run(ctx) {
      const msg = await (await connect(ctx)).recv("a published message");
      ctx.note(`first message ${show(msg)}`);
    },
  }),
  spCase({
    section: PUBSUB,
    name: "pub0 ignores what a subscriber sends and keeps publishing [SP-PUB-4]",
    types: ["pub0"],
    differs:
      "NNG 1.5.2 closes the connection when a sub0 peer sends anything (observed with nngcat).",
    async run(ctx) {
      const peer = await connect(ctx);
      for (let i = 0; i < 5; i++) peer.send(bytes(`upstream ${i}`));
      await peer.recv("a published message after ours");
    },
  }),
  spCase({
    section: PUBSUB,
    name: "sub0 sends nothing but its header: subscriptions stay local [SP-PUB-1]",
    types: ["sub0"],
    async run(ctx) {
      const peer = await connect(ctx);
      peer.send(bytes("alpha from the runner"));
      const back = await peer.link.collect(ctx.quietMs);
      expect(back.length === 0, "nothing after the header", toHex(back));
      expect(!peer.link.ended, "the connection stays open", "closed by the target");
    },
  }),
  spCase({
    section: PIPELINE,
    name: "push0 sends its messages to a pull0 peer, with no header words [SP-PUSH-1]",
    types: ["push0"],
    async run(ctx) {
      const msg = await (await connect(ctx)).recv("a message from the PUSH");
      ctx.note(`first message ${show(msg)}`);
    },
  }),
  spCase({
    section: PIPELINE,
    name: "pull0 takes messages and sends nothing back [SP-PULL-4]",
    types: ["pull0"],
    async run(ctx) {
      const peer = await connect(ctx);
      for (let i = 0; i < 10; i++) peer.send(bytes(`job ${i}`));
      const back = await peer.link.collect(ctx.quietMs);
      expect(back.length === 0, "nothing after the header", toHex(back));
      expect(!peer.link.ended, "the connection stays open", "closed by the target");
    },
  }),
  spCase({
    section: PAIR,
    name: "pair0 carries messages both ways with no header [SP-PAIR-1]",
    types: ["pair0"],
    async run(ctx) {
      const peer = await connect(ctx);
      await expectEcho(peer, ctx.target, bytes("pair0 one"));
      await expectEcho(peer, ctx.target, bytes("pair0 two"));
    },
  }),
  spCase({
    section: PAIR,
    name:
      "pair0 and pair1 refuse a second peer while the first is connected [SP-PAIR-2, SP-PAIR1-4]",
    types: ["pair0", "pair1"],
    role: "dial",
    differs:
      "nanomsg accepts the second connection and leaves it idle; NNG, mangos and edgemq close it.",
    async run(ctx) {
      const first = await connect(ctx);
      await expectEcho(first, ctx.target, request(ctx.target.type, "first"));
      const second = await connect(ctx).catch(() => undefined);
      if (second === undefined) return; // refused before its header: also a refusal
      const closed = await second.link.closedWithin(ctx.stepMs);
      expect(closed, "the second connection is closed", `still open after ${ctx.stepMs} ms`);
      await expectEcho(first, ctx.target, request(ctx.target.type, "still first"));
    },
  }),
  spCase({
    section: PAIR,
    name: "pair1 sends a hop count word before the body [SP-PAIR1-1]",
    types: ["pair1"],
    async run(ctx) {
      await expectEcho(await connect(ctx), ctx.target, request("pair1", "counted"));
    },
  }),
  spCase({
    section: PAIR,
    name:
      "pair1 drops a message with more hops than its limit and keeps the connection [SP-PAIR1-3]",
    types: ["pair1"],
    async run(ctx) {
      const peer = await connect(ctx);
      peer.send(withWords([200], bytes("too far")));
      const back = await peer.link.collect(ctx.quietMs);
      expect(back.length === 0, "no answer to a hop count of 200", toHex(back));
      await expectEcho(peer, ctx.target, request("pair1", "near"));
    },
  }),
  spCase({
    section: PAIR,
    name: "pair1 closes the connection on a message shorter than its hop count [SP-PAIR1-2]",
    disruptive: true,
    types: ["pair1"],
    differs: "mangos drops such a message; NNG and edgemq close the connection.",
    async run(ctx) {
      const peer = await connect(ctx);
      peer.send(new Uint8Array([0, 1]));
      const closed = await peer.link.closedWithin(ctx.stepMs);
      expect(closed, "the target closes the connection", `still open after ${ctx.stepMs} ms`);
    },
  }),
  spCase({
    section: SURVEY,
    name: "surveyor0 sends a survey id with bit 31 set before the body [SP-SURV-1]",
    types: ["surveyor0"],
    async run(ctx) {
      const msg = await (await connect(ctx)).recv("a survey");
      expect(
        msg.length >= 4 && (wordAt(msg, 0) & 0x80000000) !== 0,
        "a survey id with bit 31 set",
        toHex(msg),
      );
    },
  }),
  spCase({
    section: SURVEY,
    name: "surveyor0 gives each new survey a new id [SP-SURV-1]",
    types: ["surveyor0"],
    async run(ctx) {
      const peer = await connect(ctx);
      const first = await peer.recv("a survey");
      peer.send(first); // an answer
      let next = await peer.recv("the next survey");
      while (wordAt(next, 0) === wordAt(first, 0)) next = await peer.recv("a survey with a new id");
      expect((wordAt(next, 0) & 0x80000000) !== 0, "a survey id with bit 31 set", toHex(next));
    },
  }),
  spCase({
    section: SURVEY,
    name: "respondent0 answers with the survey id in front [SP-SURV-6, SP-SURV-1]",
    types: ["respondent0"],
    async run(ctx) {
      await expectEcho(
        await connect(ctx),
        ctx.target,
        request("respondent0", "how are you?", 0x80001234),
      );
    },
  }),
  spCase({
    section: SURVEY,
    name: "respondent0 never answers a survey without a word with bit 31 set [SP-SURV-9]",
    disruptive: true,
    types: ["respondent0"],
    differs: "NNG and edgemq close the connection; others may drop the survey. Both pass.",
    async run(ctx) {
      const peer = await connect(ctx);
      peer.send(withWords([0x00000002], bytes("no survey id")));
      const back = await peer.link.collect(ctx.quietMs);
      expect(back.length === 0, "no answer", toHex(back));
      ctx.note(
        peer.link.ended ? "the target closed the connection" : "the target kept the connection",
      );
    },
  }),
  spCase({
    section: BUS,
    name: "bus0 carries messages with no header words [SP-BUS-1]",
    types: ["bus0"],
    async run(ctx) {
      const peer = await connect(ctx);
      await expectEcho(peer, ctx.target, bytes("on the bus"));
      if (peer.link.available > 0) throw new CaseFailure("one answer per message", "more bytes");
    },
  }),
];
