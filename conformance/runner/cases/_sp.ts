/**
 * What the SP cases share: how a case is declared for some protocols, the peer the runner plays,
 * the echo each protocol gives back under the target contract, and the probe that shows a
 * connection carries the protocol.
 *
 * @module
 */
import type { Case, CaseContext } from "../case.ts";
import { type CaseSpec, wireCase } from "./_spec.ts";
import { SP_PROTOCOLS, type Target } from "../target.ts";
import { SpPeer, withWords, wordAt } from "../sp_peer.ts";
import { bytes, same, show } from "../zmtp_peer.ts";
import { toHex } from "../transcript.ts";
import { CaseFailure, expect } from "../verdict.ts";

/** How an SP case is declared. */
export type SpCaseSpec = CaseSpec;

/**
 * An SP case from its spec.
 *
 * @example
 * ```ts
 * import { spCase } from "./_sp.ts";
 * const c = spCase({ section: "x", name: "y [SP-REP-1]", types: ["rep0"], run: async () => {} });
 * console.log(c.appliesTo({ wire: "sp", type: "rep0", url: "tcp://h:1", role: "dial" })); // true
 * ```
 */
export function spCase(spec: SpCaseSpec): Case {
  return wireCase("sp", spec);
}

/** Protocols that answer what they get (the target contract). */
export const SP_ECHO = ["rep0", "respondent0", "pair0", "pair1", "bus0"] as const;

/** The protocol id of the peer the runner plays. */
export function peerId(target: Target): number {
  return SP_PROTOCOLS[target.type]!.peer;
}

/** The target's own protocol id. */
export function ownId(target: Target): number {
  return SP_PROTOCOLS[target.type]!.id;
}

/** Opens a connection and exchanges headers as a valid peer. */
export async function connect(ctx: CaseContext): Promise<SpPeer> {
  return await SpPeer.connect(() => ctx.open(), peerId(ctx.target));
}

/** Header words the runner puts before a body for an echo protocol (request/survey id, hops). */
export function leadWords(type: string, id = 0x80000001): number[] {
  if (type === "rep0" || type === "respondent0") return [id];
  if (type === "pair1") return [1];
  return [];
}

/** A message to an echo protocol: its header words and `body`. */
export function request(type: string, body: Uint8Array | string, id?: number): Uint8Array {
  return withWords(leadWords(type, id), bytes(body));
}

/**
 * Checks an echo protocol's answer to `sent` (words + body): the same words back (pair1: a hop
 * count of at most 255), then the body, or the fixed `--reply`.
 */
export function checkEcho(target: Target, sent: Uint8Array, got: Uint8Array): void {
  const words = 4 * leadWords(target.type).length;
  const body = target.reply ?? sent.subarray(words);
  if (target.type === "pair1") {
    expect(
      got.length >= 4 && wordAt(got, 0) <= 255,
      "a pair1 hop count word (0-255) first",
      toHex(got),
    );
    expect(
      same(got.subarray(4), body),
      `the body ${show(body)} after the hop count`,
      show(got.subarray(4)),
    );
    return;
  }
  const want = new Uint8Array(words + body.length);
  want.set(sent.subarray(0, words));
  want.set(body, words);
  if (!same(got, want)) throw new CaseFailure(`the answer ${toHex(want)}`, toHex(got));
}

/** Sends `sent` to an echo protocol and checks the answer. */
export async function expectEcho(peer: SpPeer, target: Target, sent: Uint8Array): Promise<void> {
  peer.send(sent);
  checkEcho(target, sent, await peer.recv("the answer"));
}

/** Shows the connection carries the protocol (answer, a sent message, or silence for receivers). */
export async function probe(ctx: CaseContext, peer: SpPeer): Promise<void> {
  const t = ctx.target;
  switch (t.type) {
    case "req0":
    case "surveyor0": {
      const msg = await peer.recv(`a ${t.type === "req0" ? "request" : "survey"}`);
      expect(
        msg.length >= 4 && (wordAt(msg, 0) & 0x80000000) !== 0,
        "an id word with bit 31 set first",
        toHex(msg),
      );
      return;
    }
    case "pub0":
    case "push0":
      await peer.recv("a message");
      return;
    case "sub0":
    case "pull0": {
      peer.send(bytes("probe"));
      const back = await peer.link.collect(ctx.quietMs);
      expect(back.length === 0, `nothing back from ${t.type}`, toHex(back));
      expect(!peer.link.ended, "the connection stays open", "closed by the target");
      return;
    }
    default:
      return await expectEcho(peer, t, request(t.type, "probe"));
  }
}
