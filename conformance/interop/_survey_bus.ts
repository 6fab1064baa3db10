/**
 * The live cases of the survey and bus protocols, shared by the nngcat and nanocat matrices
 * (`_sp_suite.ts`): SURVEYOR and RESPONDENT each way, and BUS both ways. Like `_peers.ts`, each
 * case checks the bytes on both ends; requirement ids in `rfc/sp-interop.md`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { sp } from "../../mod.ts";
import { until, within } from "../../testing/async.ts";
import {
  bytesOf,
  DEADLINE,
  DIAL_OPTIONS,
  type PeerDialect,
  type PeerProcess,
  printedMessages,
  session,
  type Side,
  text,
  type Transport,
  uniqueTag,
} from "./_peers.ts";

/** Waits until `sock` has a peer: surveys and bus messages sent to nobody are simply lost. */
function connected(sock: sp.SpSocket): Promise<void> {
  return until(() => sock.stats.pipes > 0, DEADLINE, "the peer's connection");
}

/** Repeats `step` until `done` holds (each step may be lost to a peer that was not ready). */
async function repeatUntil(
  step: () => Promise<void>,
  done: () => boolean,
  what: string,
): Promise<void> {
  const end = Date.now() + DEADLINE;
  while (!done()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${DEADLINE} ms`);
    await step();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SURVEYOR(edgemq) → RESPONDENT(peer): the peer sees our survey and its answer reaches us. */
export async function surveyToPeerRespondent(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const survey = `who\t"${tag}"?`;
  const answer = `me ${tag}`;
  const surveyor = new sp.Surveyor({ ...DIAL_OPTIONS, surveyTime: 1000 });
  await session(d, transport, side, surveyor, (where) => [
    d.protocol("respondent0"),
    ...where,
    "--data",
    answer,
    "--quoted",
  ], async (peer: PeerProcess) => {
    await connected(surveyor);
    await surveyor.send(survey);
    assert.equal(text(await within(DEADLINE, surveyor.recv(), "the peer's answer")), answer);
    await peer.waitForLines(1, DEADLINE, "the peer printing our survey");
    assert.deepEqual(printedMessages(peer), [bytesOf(survey)]);
  });
}

/** SURVEYOR(peer) → RESPONDENT(edgemq): we see the peer's survey, it prints our answer. */
export async function peerSurveyToRespondent(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const survey = `who ${tag}?`;
  const answer = `me\t"${tag}"\\`;
  const respondent = new sp.Respondent(DIAL_OPTIONS);
  await session(d, transport, side, respondent, (where) => [
    d.protocol("surveyor0"),
    ...where,
    "--data",
    survey,
    "--quoted",
    "--interval",
    d.repeat, // a survey sent before we were connected is lost: the peer repeats it
  ], async (peer: PeerProcess) => {
    // answer each survey until the peer has printed an answer within one of its deadlines
    await repeatUntil(
      async () => {
        assert.equal(text(await within(DEADLINE, respondent.recv(), "the peer's survey")), survey);
        await respondent.send(answer);
      },
      () => peer.lines.length > 0,
      "the peer printing our answer",
    );
    assert.deepEqual(printedMessages(peer).slice(0, 1), [bytesOf(answer)]);
  });
}

/** BUS(edgemq) ⇄ BUS(peer): each side gets the other's message. */
export async function busBothWays(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const theirs = `hello ${tag}`;
  const ours = `world\t"${tag}"`;
  const bus = new sp.Bus(DIAL_OPTIONS);
  await session(d, transport, side, bus, (where) => [
    d.protocol("bus0"),
    ...where,
    "--data",
    theirs,
    "--quoted",
    "--interval",
    d.repeat,
  ], async (peer: PeerProcess) => {
    assert.equal(text(await within(DEADLINE, bus.recv(), "the peer's bus message")), theirs);
    await repeatUntil(() => bus.send(ours), () => peer.lines.length > 0, "the peer printing ours");
    assert.deepEqual(printedMessages(peer).slice(0, 1), [bytesOf(ours)]);
  });
}
