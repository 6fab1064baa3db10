/**
 * Live interop of edgemq's SP sockets with NNG 1.5.2 through `nngcat`: every
 * protocol (req, rep, push, pull, pub, sub, pair0, pair1), edgemq listening
 * and dialing, over tcp and ipc, checking the message bytes at both ends.
 * Requirement ids: `rfc/sp-interop.md`; the case bodies are in `_peers.ts`,
 * shared with the nanocat suite. Without nngcat the cases are SKIPPED (and
 * fail when CI=true).
 *
 * @module
 */
import { describe, test, type TestOptions } from "../../testing/test.ts";
import assert from "node:assert/strict";
import {
  BURST,
  burstFromPeerPush,
  burstToPeerPull,
  foundOrFail,
  largeFromPeerPush,
  largeToPeerPull,
  MANY,
  manyPeerReqsToRep,
  NNGCAT,
  pairBothWays,
  peerCaseOptions,
  peerGroupOptions,
  peerPubToSub,
  peerPushToPull,
  peerReqToRep,
  pubToManyPeerSubs,
  pubToPeerSub,
  pushToPeerPull,
  reconnectAfterPeerRestart,
  reqToPeerRep,
  type Side,
  skipReason,
  type Transport,
} from "./_peers.ts";

const TRANSPORTS: [Transport, string][] = [
  ["tcp", "[SP-INTEROP-TCP-1]"],
  ["ipc", "[SP-INTEROP-IPC-1]"],
];
const SIDES: [Side, string][] = [
  ["edgemq listens", "[SP-INTEROP-ROLE-1]"],
  ["edgemq dials", "[SP-INTEROP-ROLE-2]"],
];

function options(_side: Side): TestOptions {
  return peerCaseOptions("nngcat");
}

test("a missing peer is SKIPPED outside CI and fails the cases in CI [SP-INTEROP-SKIP-1]", () => {
  assert.equal(skipReason("nngcat", "/usr/bin/nngcat", false), undefined);
  assert.equal(skipReason("nngcat", "/usr/bin/nngcat", true), undefined);
  assert.equal(skipReason("nngcat", undefined, false), "nngcat not installed — SKIPPED");
  // in CI the cases run, and each one fails when it asks for the binary
  assert.equal(skipReason("nanocat", undefined, true), undefined);
  assert.throws(() => foundOrFail("nanocat", undefined), /not installed but CI=true/);
  assert.equal(foundOrFail("nngcat", "/opt/bin/nngcat"), "/opt/bin/nngcat");
});

describe("sp interop with nngcat (NNG 1.5.2)", peerGroupOptions("nngcat"), () => {
  for (const [transport, tid] of TRANSPORTS) {
    for (const [side, rid] of SIDES) {
      const where = `over ${transport}, ${side} ${tid} ${rid}`;
      const opts = options(side);
      test(
        `REQ(edgemq) → REP(nngcat) ${where} [SP-INTEROP-REQREP-1]`,
        opts,
        () => reqToPeerRep(NNGCAT, transport, side),
      );
      test(
        `REQ(nngcat) → REP(edgemq) ${where} [SP-INTEROP-REQREP-2]`,
        opts,
        () => peerReqToRep(NNGCAT, transport, side),
      );
      test(
        `PUSH(edgemq) → PULL(nngcat) ${where} [SP-INTEROP-PIPELINE-1]`,
        opts,
        () => pushToPeerPull(NNGCAT, transport, side),
      );
      test(
        `PUSH(nngcat) → PULL(edgemq) ${where} [SP-INTEROP-PIPELINE-2]`,
        opts,
        () => peerPushToPull(NNGCAT, transport, side),
      );
      test(
        `PUB(edgemq) → SUB(nngcat) filtering ${where} [SP-INTEROP-PUBSUB-1]`,
        opts,
        () => pubToPeerSub(NNGCAT, transport, side),
      );
      test(
        `PUB(nngcat) → SUB(edgemq) filtering ${where} [SP-INTEROP-PUBSUB-2]`,
        opts,
        () => peerPubToSub(NNGCAT, transport, side),
      );
      test(
        `PAIR0(edgemq) ⇄ PAIR0(nngcat) both ways ${where} [SP-INTEROP-PAIR-1]`,
        opts,
        () => pairBothWays(NNGCAT, transport, side, "pair0"),
      );
      test(
        `PAIR1(edgemq) ⇄ PAIR1(nngcat) both ways ${where} [SP-INTEROP-PAIR1-1]`,
        opts,
        () => pairBothWays(NNGCAT, transport, side, "pair1"),
      );
    }
    // large messages, bursts and a restart of the peer (one role is enough for these)
    const [side, rid] = SIDES[0]!;
    const where = `over ${transport}, ${side} ${tid} ${rid}`;
    test(
      `PUSH(edgemq) → PULL(nngcat) 300 KiB ${where} [SP-INTEROP-LARGE-1]`,
      options(side),
      () => largeToPeerPull(NNGCAT, transport, side),
    );
    test(
      `PUSH(nngcat) → PULL(edgemq) 300 KiB ${where} [SP-INTEROP-LARGE-2]`,
      options(side),
      () => largeFromPeerPush(NNGCAT, transport, side),
    );
    test(
      `PUSH(edgemq) → PULL(nngcat) ${BURST} in order ${where} [SP-INTEROP-BURST-1]`,
      options(side),
      () => burstToPeerPull(NNGCAT, transport, side),
    );
    test(
      `PUSH(nngcat) → PULL(edgemq) ${BURST} at full speed ${where} [SP-INTEROP-BURST-2]`,
      options(side),
      () => burstFromPeerPush(NNGCAT, transport, side),
    );
    test(
      `${MANY} REQ(nngcat) → one REP(edgemq), each answer to its asker ${where} [SP-INTEROP-REQREP-3]`,
      options(side),
      () => manyPeerReqsToRep(NNGCAT, transport),
    );
    test(
      `one PUB(edgemq) → ${MANY} SUB(nngcat), each its own topic ${where} [SP-INTEROP-PUBSUB-3]`,
      options(side),
      () => pubToManyPeerSubs(NNGCAT, transport),
    );
    test(
      `REQ(edgemq) redials a REP(nngcat) that restarts, over ${transport} ${tid} [SP-INTEROP-RECONNECT-1]`,
      options("edgemq dials"),
      () => reconnectAfterPeerRestart(NNGCAT, transport),
    );
  }
});
