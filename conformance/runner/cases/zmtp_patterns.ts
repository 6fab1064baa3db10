/**
 * ZMTP cases: what each socket type does with messages, seen from the wire (RFC 28 request-reply,
 * RFC 29 publish-subscribe, RFC 30 pipeline, RFC 31 exclusive pair), under the target contract of
 * the runner's README (echoers echo, senders send periodically, SUB subscribes).
 *
 * @module
 */
import type { Case, CaseContext } from "../case.ts";
import { bytes, expectFrames, same, show, showFrames, type ZmtpPeer } from "../zmtp_peer.ts";
import { expect, NotApplicable } from "../verdict.ts";
import {
  connect,
  expectEchoOf,
  expectedEcho,
  recvSubscription,
  subscribe,
  zmtpCase,
} from "./_zmtp.ts";

const REQREP = "RFC 28 Request-reply";
const PUBSUB = "RFC 29 Publish-subscribe";
const PIPELINE = "RFC 30 Pipeline";
const PAIR = "RFC 31 Exclusive pair";
const empty = new Uint8Array(0);

/** Every message that arrives within `ms` (the link must stay open). */
async function drain(peer: ZmtpPeer, ms: number): Promise<Uint8Array[][]> {
  const end = Date.now() + ms;
  const got: Uint8Array[][] = [];
  while (Date.now() < end && !peer.link.ended) {
    if (!(await peer.link.hasData(end - Date.now()))) break;
    got.push(await peer.recvBodies());
  }
  return got;
}

/** Subscribes to everything and returns the first message published. */
async function firstPublished(ctx: CaseContext): Promise<{ peer: ZmtpPeer; msg: Uint8Array[] }> {
  const peer = await connect(ctx);
  subscribe(peer, empty);
  return { peer, msg: await peer.recvBodies('a message published after SUBSCRIBE ""') };
}

export const patternCases: readonly Case[] = [
  zmtpCase({
    section: REQREP,
    name: "REP answers a request and puts the empty delimiter back [ZMTP-REP-1, ZMTP-REP-3]",
    types: ["REP"],
    async run(ctx) {
      await expectEchoOf(
        await connect(ctx),
        ctx.target,
        [empty, "hello"],
        "the reply with its delimiter",
      );
    },
  }),
  zmtpCase({
    section: REQREP,
    name: "REP returns a multi-hop envelope byte for byte [ZMTP-REP-3, ZMTP-ROUTER-5]",
    types: ["REP"],
    async run(ctx) {
      const envelope = [bytes("hop-1"), new Uint8Array([0, 1, 2, 3, 4]), empty];
      await expectEchoOf(
        await connect(ctx),
        ctx.target,
        [...envelope, "body"],
        "the reply under the same envelope",
      );
    },
  }),
  zmtpCase({
    section: REQREP,
    name: "REP drops a request without a delimiter and goes on serving [ZMTP-REP-4]",
    types: ["REP"],
    async run(ctx) {
      const peer = await connect(ctx);
      peer.send(["no delimiter"]);
      const back = await peer.link.collect(ctx.quietMs);
      expect(
        back.length === 0,
        "no answer to a request without a delimiter",
        `${back.length} bytes`,
      );
      await expectEchoOf(
        peer,
        ctx.target,
        [empty, "then a good one"],
        "the answer to the next request",
      );
    },
  }),
  zmtpCase({
    section: REQREP,
    name: "REP answers each of two peers on its own connection [ZMTP-REP-5]",
    types: ["REP"],
    role: "dial",
    async run(ctx) {
      const a = await connect(ctx);
      const b = await connect(ctx);
      const [fromA, fromB] = [[empty, bytes("from a")], [empty, bytes("from b")]];
      b.send(fromB);
      a.send(fromA);
      expectFrames(
        await a.recvBodies("a's answer"),
        expectedEcho(ctx.target, fromA),
        "a's answer on a",
      );
      expectFrames(
        await b.recvBodies("b's answer"),
        expectedEcho(ctx.target, fromB),
        "b's answer on b",
      );
    },
  }),
  zmtpCase({
    section: REQREP,
    name: "REQ sends each request with an empty delimiter frame first [ZMTP-REQ-1]",
    types: ["REQ"],
    async run(ctx) {
      const peer = await connect(ctx);
      const req = await peer.recvBodies("a request");
      expect(
        req.length >= 2 && req[0]!.length === 0,
        "an empty delimiter, then the body",
        showFrames(req),
      );
    },
  }),
  zmtpCase({
    section: REQREP,
    name: "REQ takes a reply and asks again, delimiter first [ZMTP-REQ-1, ZMTP-REQ-2]",
    types: ["REQ"],
    async run(ctx) {
      const peer = await connect(ctx);
      const req = await peer.recvBodies("a request");
      peer.send([empty, ...req.slice(1)]);
      const next = await peer.recvBodies("the next request");
      expect(
        next.length >= 2 && next[0]!.length === 0,
        "an empty delimiter, then the body",
        showFrames(next),
      );
    },
  }),
  zmtpCase({
    section: REQREP,
    name:
      "DEALER passes messages both ways without adding or removing frames [ZMTP-DEALER-4, ZMTP-MODEL-5]",
    types: ["DEALER"],
    async run(ctx) {
      await expectEchoOf(await connect(ctx), ctx.target, ["x", empty, "y"], "the same frames back");
    },
  }),
  zmtpCase({
    section: REQREP,
    name:
      "ROUTER routes the answer back by the Identity the peer announced [ZMTP-ROUTER-1, ZMTP-ROUTER-6]",
    types: ["ROUTER"],
    async run(ctx) {
      const peer = await connect(ctx, { identity: bytes("conformance-peer") });
      await expectEchoOf(peer, ctx.target, ["to myself"], "the answer, routed to us");
    },
  }),
  zmtpCase({
    section: REQREP,
    name:
      "ROUTER gives an anonymous peer an id of its own and routes its answer back [ZMTP-ROUTER-1]",
    types: ["ROUTER"],
    async run(ctx) {
      await expectEchoOf(await connect(ctx), ctx.target, ["anonymous"], "the answer, routed to us");
    },
  }),
  zmtpCase({
    section: REQREP,
    name:
      "ROUTER keeps two peers apart: each answer reaches the peer that asked [ZMTP-ROUTER-2, ZMTP-MODEL-5]",
    types: ["ROUTER"],
    role: "dial",
    async run(ctx) {
      const a = await connect(ctx, { identity: bytes("peer-a") });
      const b = await connect(ctx, { identity: bytes("peer-b") });
      b.send(["for b"]);
      a.send(["for a"]);
      const [ga, gb] = [await a.recvBodies("a's answer"), await b.recvBodies("b's answer")];
      const want = (s: string) => ctx.target.reply ?? bytes(s);
      expect(
        ga.length === 1 && same(ga[0]!, want("for a")),
        `a gets ${show(want("for a"))}`,
        showFrames(ga),
      );
      expect(
        gb.length === 1 && same(gb[0]!, want("for b")),
        `b gets ${show(want("for b"))}`,
        showFrames(gb),
      );
    },
  }),
  zmtpCase({
    section: PUBSUB,
    name:
      "PUB sends nothing to a peer with no subscription, or one nothing matches [ZMTP-PS-1, ZMTP-MODEL-7]",
    types: ["PUB", "XPUB"],
    async run(ctx) {
      const none = await connect(ctx);
      const quiet = await none.link.collect(ctx.quietMs);
      expect(quiet.length === 0, "nothing without a subscription", `${quiet.length} bytes`);
      subscribe(none, new Uint8Array([0xff, 0xfe, 0x00]));
      const still = await none.link.collect(ctx.quietMs);
      expect(
        still.length === 0,
        "nothing for a topic no message starts with",
        `${still.length} bytes`,
      );
    },
  }),
  zmtpCase({
    section: PUBSUB,
    name: "PUB sends everything to a peer subscribed to the empty topic [ZMTP-SUB-1, ZMTP-PS-1]",
    types: ["PUB", "XPUB"],
    async run(ctx) {
      const { msg } = await firstPublished(ctx);
      expect(msg.length >= 1, "a published message", showFrames(msg));
    },
  }),
  zmtpCase({
    section: PUBSUB,
    name:
      "PUB sends only messages whose first frame starts with the subscribed prefix [ZMTP-PS-1, ZMTP-MODEL-7]",
    types: ["PUB", "XPUB"],
    async run(ctx) {
      // one connection (a target that dials makes one at a time): learn a message, then narrow
      const { peer, msg } = await firstPublished(ctx);
      const first = msg[0]!;
      const prefix = first.subarray(0, Math.max(1, Math.floor(first.length / 2)));
      subscribe(peer, prefix);
      subscribe(peer, empty, true);
      await drain(peer, ctx.quietMs); // messages already under way
      const got = await drain(peer, ctx.stepMs);
      expect(got.length > 0, `messages starting with ${show(prefix)}`, "none");
      for (const m of got) {
        const ok = m[0]!.length >= prefix.length && same(m[0]!.subarray(0, prefix.length), prefix);
        expect(ok, `every message starts with ${show(prefix)}`, showFrames(m));
      }
      ctx.note(`${got.length} messages for prefix ${show(prefix)}`);
    },
  }),
  zmtpCase({
    section: PUBSUB,
    name: "PUB takes a ZMTP 3.0 subscription message, 0x01 + topic [ZMTP-SUB-2, ZMTP-SUBCMD-3]",
    types: ["PUB", "XPUB"],
    async run(ctx) {
      const peer = await connect(ctx, { minor: 0 });
      subscribe(peer, empty);
      await peer.recvBodies("a message published after the 0x01 subscription");
    },
  }),
  zmtpCase({
    section: PUBSUB,
    name: "PUB stops sending a topic after CANCEL [ZMTP-SUB-1, ZMTP-PS-2]",
    types: ["PUB", "XPUB"],
    async run(ctx) {
      const { peer } = await firstPublished(ctx);
      subscribe(peer, empty, true);
      await drain(peer, ctx.quietMs); // messages already under way
      const after = await peer.link.collect(ctx.quietMs);
      expect(
        after.length === 0,
        "nothing once the subscription is cancelled",
        `${after.length} bytes`,
      );
    },
  }),
  zmtpCase({
    section: PUBSUB,
    name:
      "SUB sends its subscriptions to a ZMTP 3.1 peer as SUBSCRIBE commands [ZMTP-SUBCMD-1, ZMTP-PS-3]",
    types: ["SUB", "XSUB"],
    differs: "libzmq before 4.3.3 sends 0x01 messages to 3.1 peers too.",
    async run(ctx) {
      const peer = await connect(ctx);
      if (peer.greeting?.minor === 0) {
        throw new NotApplicable(
          "the target greets as ZMTP 3.0, so the session is 3.0, where subscriptions are messages",
        );
      }
      const sub = await recvSubscription(peer);
      expect(sub.form === "command", "a SUBSCRIBE command", "a 0x01 message");
      ctx.note(`subscribed to ${show(sub.topic)}`);
    },
  }),
  zmtpCase({
    section: PIPELINE,
    name: "PUSH sends its messages to a PULL peer whole, without an envelope [ZMTP-PIPE-1]",
    types: ["PUSH"],
    async run(ctx) {
      const peer = await connect(ctx);
      const msg = await peer.recvBodies("a message from the PUSH");
      expect(
        msg.length >= 1 && msg[0]!.length > 0,
        "a message whose first frame is not an empty delimiter",
        showFrames(msg),
      );
    },
  }),
  zmtpCase({
    section: PIPELINE,
    name: "PULL takes messages and sends nothing back [ZMTP-PIPE-2]",
    types: ["PULL"],
    async run(ctx) {
      const peer = await connect(ctx);
      for (let i = 0; i < 10; i++) peer.send(["pushed", String(i)]);
      const back = await peer.link.collect(ctx.quietMs);
      expect(back.length === 0, "nothing from a PULL", `${back.length} bytes`);
      expect(!peer.link.ended, "the connection stays open", "closed by the target");
    },
  }),
  zmtpCase({
    section: PAIR,
    name: "PAIR carries multipart messages both ways unchanged [ZMTP-PAIR-4]",
    types: ["PAIR"],
    async run(ctx) {
      const peer = await connect(ctx);
      await expectEchoOf(peer, ctx.target, ["pair", empty, "message"], "the same frames back");
      await expectEchoOf(peer, ctx.target, ["second"], "the second message back");
    },
  }),
];
