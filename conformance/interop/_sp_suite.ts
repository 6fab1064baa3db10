/**
 * The live SP interop matrix, declared once for every peer program (nngcat, nanocat): each
 * protocol both ways, edgemq listening and dialing, over tcp and ipc; then large messages,
 * bursts, several peers at once and a peer restart, in one role. The case bodies are in
 * `_peers.ts`; requirement ids in `rfc/sp-interop.md`.
 *
 * @module
 */
import { describe, test } from "../../testing/test.ts";
import {
  BURST,
  burstFromPeerPush,
  burstToPeerPull,
  largeFromPeerPush,
  largeToPeerPull,
  MANY,
  manyPeerReqsToRep,
  pairBothWays,
  peerCaseOptions,
  type PeerDialect,
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
import { busBothWays, peerSurveyToRespondent, surveyToPeerRespondent } from "./_survey_bus.ts";

const TRANSPORTS: [Transport, string][] = [
  ["tcp", "[SP-INTEROP-TCP-1]"],
  ["ipc", "[SP-INTEROP-IPC-1]"],
];
const SIDES: [Side, string][] = [
  ["edgemq listens", "[SP-INTEROP-ROLE-1]"],
  ["edgemq dials", "[SP-INTEROP-ROLE-2]"],
];

/** What one peer program has beyond the common cases. */
export interface PeerFeatures {
  /** It speaks pair1 (NNG does; nanomsg has no pair1). */
  readonly pair1: boolean;
  /** It can send a counted burst at full speed (nngcat `--count` alone; nanocat cannot). */
  readonly burstFromPeer: boolean;
}

/** Declares the whole matrix against `d`'s peer program, under `title`. */
export function describeSpInterop(title: string, d: PeerDialect, features: PeerFeatures): void {
  const peer = d.tool;
  const opts = peerCaseOptions(peer);
  describe(title, peerGroupOptions(peer), () => {
    for (const [transport, tid] of TRANSPORTS) {
      for (const [side, rid] of SIDES) {
        const where = `over ${transport}, ${side} ${tid} ${rid}`;
        const cases: [string, () => Promise<void>][] = [
          [
            `REQ(edgemq) → REP(${peer}) ${where} [SP-INTEROP-REQREP-1]`,
            () => reqToPeerRep(d, transport, side),
          ],
          [
            `REQ(${peer}) → REP(edgemq) ${where} [SP-INTEROP-REQREP-2]`,
            () => peerReqToRep(d, transport, side),
          ],
          [
            `PUSH(edgemq) → PULL(${peer}) ${where} [SP-INTEROP-PIPELINE-1]`,
            () => pushToPeerPull(d, transport, side),
          ],
          [
            `PUSH(${peer}) → PULL(edgemq) ${where} [SP-INTEROP-PIPELINE-2]`,
            () => peerPushToPull(d, transport, side),
          ],
          [
            `PUB(edgemq) → SUB(${peer}) filtering ${where} [SP-INTEROP-PUBSUB-1]`,
            () => pubToPeerSub(d, transport, side),
          ],
          [
            `PUB(${peer}) → SUB(edgemq) filtering ${where} [SP-INTEROP-PUBSUB-2]`,
            () => peerPubToSub(d, transport, side),
          ],
          [
            `PAIR0(edgemq) ⇄ PAIR0(${peer}) both ways ${where} [SP-INTEROP-PAIR-1]`,
            () => pairBothWays(d, transport, side, "pair0"),
          ],
          [
            `SURVEYOR(edgemq) → RESPONDENT(${peer}) ${where} [SP-INTEROP-SURVEY-1]`,
            () => surveyToPeerRespondent(d, transport, side),
          ],
          [
            `SURVEYOR(${peer}) → RESPONDENT(edgemq) ${where} [SP-INTEROP-SURVEY-2]`,
            () => peerSurveyToRespondent(d, transport, side),
          ],
          [
            `BUS(edgemq) ⇄ BUS(${peer}) both ways ${where} [SP-INTEROP-BUS-1]`,
            () => busBothWays(d, transport, side),
          ],
        ];
        if (features.pair1) {
          cases.push([
            `PAIR1(edgemq) ⇄ PAIR1(${peer}) both ways ${where} [SP-INTEROP-PAIR1-1]`,
            () => pairBothWays(d, transport, side, "pair1"),
          ]);
        }
        for (const [name, body] of cases) test(name, opts, body);
      }
      // large messages, bursts and a restart of the peer (one role is enough for these)
      const [side, rid] = SIDES[0]!;
      const where = `over ${transport}, ${side} ${tid} ${rid}`;
      test(
        `PUSH(edgemq) → PULL(${peer}) 300 KiB ${where} [SP-INTEROP-LARGE-1]`,
        opts,
        () => largeToPeerPull(d, transport, side),
      );
      test(
        `PUSH(${peer}) → PULL(edgemq) 300 KiB ${where} [SP-INTEROP-LARGE-2]`,
        opts,
        () => largeFromPeerPush(d, transport, side),
      );
      test(
        `PUSH(edgemq) → PULL(${peer}) ${BURST} in order ${where} [SP-INTEROP-BURST-1]`,
        opts,
        () => burstToPeerPull(d, transport, side),
      );
      if (features.burstFromPeer) {
        test(
          `PUSH(${peer}) → PULL(edgemq) ${BURST} at full speed ${where} [SP-INTEROP-BURST-2]`,
          opts,
          () => burstFromPeerPush(d, transport, side),
        );
      }
      test(
        `${MANY} REQ(${peer}) → one REP(edgemq), each answer to its asker ${where} [SP-INTEROP-REQREP-3]`,
        opts,
        () => manyPeerReqsToRep(d, transport),
      );
      test(
        `one PUB(edgemq) → ${MANY} SUB(${peer}), each its own topic ${where} [SP-INTEROP-PUBSUB-3]`,
        opts,
        () => pubToManyPeerSubs(d, transport),
      );
      test(
        `REQ(edgemq) redials a REP(${peer}) that restarts, over ${transport} ${tid} [SP-INTEROP-RECONNECT-1]`,
        opts,
        () => reconnectAfterPeerRestart(d, transport),
      );
    }
  });
}
