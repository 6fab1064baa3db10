/**
 * Live interop of edgemq's SP sockets with nanomsg 1.1.5 through `nanocat`:
 * every protocol it has (req, rep, push, pull, pub, sub, pair0; nanomsg has
 * no pair1), edgemq listening and dialing, over tcp and ipc, checking the
 * message bytes at both ends.
 * Requirement ids: `rfc/sp-interop.md`; the case bodies are in `_peers.ts`,
 * shared with the nngcat suite. Without nanocat the cases are SKIPPED (and
 * fail when CI=true).
 *
 * @module
 */
import { describe, test, type TestOptions } from "../../testing/test.ts";
import {
  BURST,
  burstToPeerPull,
  largeFromPeerPush,
  largeToPeerPull,
  MANY,
  manyPeerReqsToRep,
  NANOCAT,
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
  return peerCaseOptions("nanocat");
}

describe("sp interop with nanocat (nanomsg 1.1.5)", peerGroupOptions("nanocat"), () => {
  for (const [transport, tid] of TRANSPORTS) {
    for (const [side, rid] of SIDES) {
      const where = `over ${transport}, ${side} ${tid} ${rid}`;
      const opts = options(side);
      test(
        `REQ(edgemq) → REP(nanocat) ${where} [SP-INTEROP-REQREP-1]`,
        opts,
        () => reqToPeerRep(NANOCAT, transport, side),
      );
      test(
        `REQ(nanocat) → REP(edgemq) ${where} [SP-INTEROP-REQREP-2]`,
        opts,
        () => peerReqToRep(NANOCAT, transport, side),
      );
      test(
        `PUSH(edgemq) → PULL(nanocat) ${where} [SP-INTEROP-PIPELINE-1]`,
        opts,
        () => pushToPeerPull(NANOCAT, transport, side),
      );
      test(
        `PUSH(nanocat) → PULL(edgemq) ${where} [SP-INTEROP-PIPELINE-2]`,
        opts,
        () => peerPushToPull(NANOCAT, transport, side),
      );
      test(
        `PUB(edgemq) → SUB(nanocat) filtering ${where} [SP-INTEROP-PUBSUB-1]`,
        opts,
        () => pubToPeerSub(NANOCAT, transport, side),
      );
      test(
        `PUB(nanocat) → SUB(edgemq) filtering ${where} [SP-INTEROP-PUBSUB-2]`,
        opts,
        () => peerPubToSub(NANOCAT, transport, side),
      );
      test(
        `PAIR0(edgemq) ⇄ PAIR0(nanocat) both ways ${where} [SP-INTEROP-PAIR-1]`,
        opts,
        () => pairBothWays(NANOCAT, transport, side, "pair0"),
      );
    }
    // large messages, bursts and a restart of the peer (one role is enough for these)
    const [side, rid] = SIDES[0]!;
    const where = `over ${transport}, ${side} ${tid} ${rid}`;
    test(
      `PUSH(edgemq) → PULL(nanocat) 300 KiB ${where} [SP-INTEROP-LARGE-1]`,
      options(side),
      () => largeToPeerPull(NANOCAT, transport, side),
    );
    test(
      `PUSH(nanocat) → PULL(edgemq) 300 KiB ${where} [SP-INTEROP-LARGE-2]`,
      options(side),
      () => largeFromPeerPush(NANOCAT, transport, side),
    );
    test(
      `PUSH(edgemq) → PULL(nanocat) ${BURST} in order ${where} [SP-INTEROP-BURST-1]`,
      options(side),
      () => burstToPeerPull(NANOCAT, transport, side),
    );
    test(
      `${MANY} REQ(nanocat) → one REP(edgemq), each answer to its asker ${where} [SP-INTEROP-REQREP-3]`,
      options(side),
      () => manyPeerReqsToRep(NANOCAT, transport),
    );
    test(
      `one PUB(edgemq) → ${MANY} SUB(nanocat), each its own topic ${where} [SP-INTEROP-PUBSUB-3]`,
      options(side),
      () => pubToManyPeerSubs(NANOCAT, transport),
    );
    test(
      `REQ(edgemq) redials a REP(nanocat) that restarts, over ${transport} ${tid} [SP-INTEROP-RECONNECT-1]`,
      options("edgemq dials"),
      () => reconnectAfterPeerRestart(NANOCAT, transport),
    );
  }
});
