/**
 * What the ZMTP cases share: how a case is declared for some socket types, the peer the runner
 * plays for each type, and the probe that shows a connection carries the type's pattern (used by
 * the version and framing cases, so each of them holds for every type).
 *
 * @module
 */
import type { Case, CaseContext } from "../case.ts";
import { type CaseSpec, wireCase } from "./_spec.ts";
import type { Target } from "../target.ts";
import { ZMTP_PEER } from "../target.ts";
import { bytes, expectFrames, type Hello, show, showFrames, ZmtpPeer } from "../zmtp_peer.ts";
import { expect } from "../verdict.ts";

/** How a ZMTP case is declared. */
export type ZmtpCaseSpec = CaseSpec;

/**
 * A ZMTP case from its spec.
 *
 * @example
 * ```ts
 * import { zmtpCase } from "./_zmtp.ts";
 * const c = zmtpCase({ section: "x", name: "y [ZMTP-REP-1]", types: ["REP"], run: async () => {} });
 * console.log(c.appliesTo({ wire: "zmtp", type: "REP", url: "tcp://h:1", role: "dial" })); // true
 * ```
 */
export function zmtpCase(spec: ZmtpCaseSpec): Case {
  return wireCase("zmtp", spec);
}

/** Types that answer what they receive (the runner's target contract). */
export const ECHO_TYPES = ["REP", "DEALER", "ROUTER", "PAIR"] as const;
/** Types the ZMTP 2.0 greeting knows (RFC 15). */
export const V2_TYPES = ["PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH"];

/** The runner's greeting for this target: a valid peer type, announced as ZMTP 3.1 unless told. */
export function helloFor(target: Target, more: Partial<Hello> = {}): Hello {
  return { socketType: ZMTP_PEER[target.type]!, ...more };
}

/** Opens a connection and completes the ZMTP 3.x handshake as a valid peer. */
export async function connect(ctx: CaseContext, more: Partial<Hello> = {}): Promise<ZmtpPeer> {
  return await ZmtpPeer.connect(() => ctx.open(), helloFor(ctx.target, more));
}

/** What an echo type should send back for `frames` (the contract; `--reply` replaces the body). */
export function expectedEcho(target: Target, frames: readonly Uint8Array[]): Uint8Array[] {
  const reply = target.reply;
  if (target.type === "REP") {
    const cut = frames.findIndex((f) => f.length === 0);
    const envelope = frames.slice(0, cut + 1);
    return [...envelope, ...(reply === undefined ? frames.slice(cut + 1) : [reply])];
  }
  return reply === undefined ? [...frames] : [reply];
}

/** Sends `frames` to an echo type and checks the answer is exactly the expected echo. */
export async function expectEchoOf(
  peer: ZmtpPeer,
  target: Target,
  frames: readonly (Uint8Array | string)[],
  what: string,
): Promise<void> {
  const sent = frames.map(bytes);
  peer.send(sent);
  await expectEcho(peer, target, sent, what);
}

/** Waits for the target's answer to `sent` (already written, however) and checks it is the echo. */
export async function expectEcho(
  peer: ZmtpPeer,
  target: Target,
  sent: readonly Uint8Array[],
  what: string,
): Promise<void> {
  const got = await peer.recvBodies(`the answer to ${showFrames(sent)}`);
  expectFrames(got, expectedEcho(target, sent), what);
}

/** The body a REP-facing probe sends: the delimiter and one frame. */
function probeRequest(type: string): Uint8Array[] {
  return type === "REP" ? [new Uint8Array(0), bytes("probe")] : [bytes("probe")];
}

/**
 * Sends a subscription for `topic` the way the session's version asks (ZMTP-SUB-1/2): commands
 * only when both sides greeted with ZMTP 3.1 or later; a target that greets as 3.0 (JeroMQ, zmq.rs)
 * makes the session 3.0, where subscriptions are messages.
 */
export function subscribe(peer: ZmtpPeer, topic: Uint8Array, cancel = false): void {
  if (peer.framing === 3 && peer.announcedMinor >= 1 && (peer.greeting?.minor ?? 1) >= 1) {
    peer.sendCommand(cancel ? "CANCEL" : "SUBSCRIBE", topic);
  } else {
    const msg = new Uint8Array(topic.length + 1);
    msg[0] = cancel ? 0 : 1;
    msg.set(topic, 1);
    peer.send([msg]);
  }
}

/** Reads the target's next subscription, in whichever form the version allows; returns the topic. */
export async function recvSubscription(
  peer: ZmtpPeer,
): Promise<{ topic: Uint8Array; form: "command" | "message" }> {
  for (;;) {
    const item = await peer.next("a subscription (SUBSCRIBE command or 0x01 + topic message)");
    if (item.kind === "command") {
      if (item.command.name === "SUBSCRIBE") return { topic: item.command.data, form: "command" };
      continue;
    }
    const msg = item.frames.map((f) => f.body);
    expect(msg.length === 1 && msg[0]![0] === 1, "a subscription: 0x01 + topic", showFrames(msg));
    return { topic: msg[0]!.subarray(1), form: "message" };
  }
}

/**
 * Shows the connection carries the target's pattern: an echo type answers, a sender sends, a SUB
 * subscribes, PUB publishes after a subscription to everything, PULL takes a message in silence.
 */
export async function probe(ctx: CaseContext, peer: ZmtpPeer): Promise<void> {
  const t = ctx.target;
  switch (t.type) {
    case "REP":
    case "DEALER":
    case "ROUTER":
    case "PAIR":
      return await expectEchoOf(peer, t, probeRequest(t.type), "the echo");
    case "REQ": {
      const req = await peer.recvBodies("a request");
      expect(
        req.length >= 2 && req[0]!.length === 0,
        "a request: empty delimiter, then the body",
        showFrames(req),
      );
      return;
    }
    case "PUSH":
      await peer.recvBodies("a message from the PUSH");
      return;
    case "PUB":
    case "XPUB":
      subscribe(peer, new Uint8Array(0));
      await peer.recvBodies("a published message");
      return;
    case "SUB":
    case "XSUB":
      await recvSubscription(peer);
      return;
    case "PULL": {
      peer.send(["probe"]);
      const back = await peer.link.collect(ctx.quietMs);
      expect(back.length === 0, "nothing back from a PULL", `${back.length} bytes: ${show(back)}`);
      expect(!peer.link.ended, "the connection stays open", "the PULL closed it");
      return;
    }
  }
}
