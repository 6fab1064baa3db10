/**
 * Raw sockets and contexts against the SP peers that have them (our mangos and pynng peer
 * programs; nngcat and nanocat have neither): edgemq's raw REP, REQ, PAIR1, BUS, SURVEYOR and
 * RESPONDENT against the peer's cooked counterpart, the peer's raw sockets against our cooked
 * ones, and many contexts on either side. Declared once per peer; every case runs over tcp and
 * ipc, edgemq listening and dialing, and checks the bytes at both ends: the SP header too, where
 * a raw socket shows it. Requirement ids in `rfc/sp-interop.md`.
 *
 * A raw peer socket prints each message as `H:<header hex> "<body>"` (the header apart, as
 * mangos' Message.Header and NNG's nng_msg_header keep it); edgemq's raw sockets carry the
 * header at the front of the message itself.
 *
 * @module
 */
import assert from "node:assert/strict";
import { sp } from "../../mod.ts";
import { until, within } from "../../testing/async.ts";
import { describe, test } from "../../testing/test.ts";
import {
  bytesOf,
  cleanupAddress,
  DEADLINE,
  DIAL_OPTIONS,
  freshAddress,
  ipcPath,
  peerCaseOptions,
  type PeerDialect,
  peerGroupOptions,
  type PeerProcess,
  printedMessages,
  session,
  type Side,
  startPeer,
  text,
  type Transport,
  uniqueTag,
  unquote,
} from "./_peers.ts";

// ---- headers -------------------------------------------------------------------------------

/** Four big-endian bytes per word. */
export function words(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0));
  return out;
}

/** `head` then `tail` (text as UTF-8) in one message. */
export function join(head: Uint8Array, tail: string | Uint8Array): Uint8Array {
  const body = bytesOf(tail);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** The big-endian word at `offset`. */
function wordAt(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);
}

/** Lower-case hex of `bytes`. */
function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** One message a raw peer socket printed: its SP header and its body. */
export interface RawLine {
  readonly header: Uint8Array;
  readonly body: Uint8Array;
}

/** Parses a raw peer's `H:<hex> "<quoted body>"` line. */
export function parseRawLine(line: string): RawLine {
  const m = /^H:([0-9a-f]*) (".*")$/.exec(line);
  if (m === null) throw new Error(`not a raw message line: ${JSON.stringify(line)}`);
  const digits = m[1]!;
  const header = Uint8Array.from(
    { length: digits.length / 2 },
    (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16),
  );
  return { header, body: unquote(m[2]!) };
}

/** The messages a raw peer socket printed so far. */
function rawPrinted(peer: PeerProcess): RawLine[] {
  return peer.lines.map(parseRawLine);
}

/** A request or survey id as the protocols make them: bit 31 set. */
function requestId(): number {
  return (0x80000000 | Math.floor(Math.random() * 0x7fffffff)) >>> 0;
}

/** Waits until `sock` has a peer: what a raw or best-effort socket sends to nobody is lost. */
function connected(sock: sp.SpSocket): Promise<void> {
  return until(() => sock.stats.pipes > 0, DEADLINE, "the peer's connection");
}

// ---- edgemq raw, the peer cooked ---------------------------------------------------------------

/** raw REP(edgemq) ← REQ(peer): we see pipe id, request id and body; the echoed header routes our reply. */
async function rawRepFromPeerReq(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const request = `ask\t"${tag}"`;
  const reply = `answer ${tag}\\`;
  const rep = new sp.Rep({ ...DIAL_OPTIONS, raw: true });
  await session(d, transport, side, rep, (where) => [
    d.protocol("req0"),
    ...where,
    "--data",
    request,
    "--quoted",
  ], async (peer) => {
    const got = await within(DEADLINE, rep.recv(), "the peer's request");
    assert.ok(got.length >= 8, "a pipe id and a request id before the body");
    assert.ok(wordAt(got, 4) & 0x80000000, "the request id (last hop) has bit 31 set");
    assert.equal(text(got.subarray(8)), request);
    await within(DEADLINE, rep.send(join(got.subarray(0, 8), reply)), "send to the peer");
    await peer.waitForLines(1, DEADLINE, "the peer REQ printing our reply");
    assert.deepEqual(printedMessages(peer), [bytesOf(reply)]);
    assert.equal((await peer.waitForExit(DEADLINE)).code, 0, "the peer REQ accepted the reply");
  });
}

/** raw REQ(edgemq) → REP(peer): two requests outstanding under our ids; each reply comes back under its id. */
async function rawReqToPeerRep(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const ids = [requestId(), requestId()];
  const req = new sp.Req({ ...DIAL_OPTIONS, raw: true });
  await session(d, transport, side, req, (where) => [
    d.protocol("rep0"),
    ...where,
    "--data",
    `re ${tag}`, // the same answer to both: the ids tell them apart
    "--quoted",
  ], async (peer) => {
    await connected(req);
    for (const [i, id] of ids.entries()) await req.send(join(words(id), `q${i} ${tag}`));
    const replies = [];
    for (let i = 0; i < ids.length; i++) {
      replies.push(await within(DEADLINE, req.recv(), `reply ${i}`));
    }
    assert.deepEqual(replies.map((r) => wordAt(r, 0)), ids, "each reply under its request's id");
    assert.deepEqual(replies.map((r) => text(r.subarray(4))), [`re ${tag}`, `re ${tag}`]);
    await peer.waitForLines(2, DEADLINE, "the peer REP printing our requests");
    assert.deepEqual(printedMessages(peer).map(text), [`q0 ${tag}`, `q1 ${tag}`]);
  });
}

/**
 * Where a stack counts a pair1 hop. NNG (and edgemq) count it when sending: a cooked PAIR1 puts 1
 * on the wire, a raw one hands over the count it received and adds 1 on the way out (NNG's
 * `src/sp/protocol/pair1/pair1.c`). mangos counts it when receiving: a cooked PAIR1 puts 0 on
 * the wire, and a raw one adds 1 to the count it received before handing it over
 * (mangos `protocol/xpair1/xpair1.go`, `protocol/pair1/pair1.go`). Over a device both add one
 * per hop; what a raw socket shows differs, and so does the count a cooked sender starts with.
 */
export type HopCounting = "on send" | "on receive";

/** What one peer program has, and how its stack behaves where stacks differ. */
export interface RawFeatures {
  /** Where its pair1 counts a hop; undefined when it has no pair1 (nanomsg). */
  readonly pair1Hops?: HopCounting;
  /** It opens raw sockets itself (our mangos and pynng peers; not nngcat, not nanocat). */
  readonly rawSockets: boolean;
  /** It runs contexts (our mangos and pynng peers). */
  readonly contexts: boolean;
}

/** raw PAIR1(edgemq) ⇄ PAIR1(peer): we see the hop count the peer put on the wire; ours (sent with 0) arrives bare. */
async function rawPair1WithPeer(
  d: PeerDialect,
  transport: Transport,
  side: Side,
  f: RawFeatures,
): Promise<void> {
  const tag = uniqueTag();
  const theirs = `hello ${tag}`;
  const ours = `world\t"${tag}"`;
  const pair = new sp.Pair1({ ...DIAL_OPTIONS, raw: true });
  await session(d, transport, side, pair, (where) => [
    d.protocol("pair1"),
    ...where,
    "--data",
    theirs,
    "--quoted",
    "--interval",
    d.repeat,
  ], async (peer) => {
    const got = await within(DEADLINE, pair.recv(), "the peer's message");
    const wire = f.pair1Hops === "on send" ? 1 : 0; // a cooked mangos PAIR1 sends 0
    assert.deepEqual(got, join(words(wire), theirs), `hop count ${wire}, then the body`);
    await within(DEADLINE, pair.send(join(words(0), ours)), "send to the peer");
    await peer.waitForLines(1, DEADLINE, "the peer printing ours");
    assert.deepEqual(printedMessages(peer).slice(0, 1), [bytesOf(ours)]);
  });
}

/** raw BUS(edgemq) ⇄ BUS(peer): theirs comes with its pipe id; ours, sent under pipe id 0, reaches it. */
async function rawBusWithPeer(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const theirs = `hello ${tag}`;
  const ours = `world\t"${tag}"`;
  const bus = new sp.Bus({ ...DIAL_OPTIONS, raw: true });
  await session(d, transport, side, bus, (where) => [
    d.protocol("bus0"),
    ...where,
    "--data",
    theirs,
    "--quoted",
    "--interval",
    d.repeat,
  ], async (peer) => {
    const got = await within(DEADLINE, bus.recv(), "the peer's bus message");
    assert.equal(text(got.subarray(4)), theirs, "a 4-byte pipe id, then the body");
    assert.notEqual(wordAt(got, 0), 0, "the pipe id names a pipe");
    await within(DEADLINE, bus.send(join(words(0), ours)), "send to the peer");
    await peer.waitForLines(1, DEADLINE, "the peer printing ours");
    assert.deepEqual(printedMessages(peer).slice(0, 1), [bytesOf(ours)]);
  });
}

/** raw SURVEYOR(edgemq) → RESPONDENT(peer): our survey id comes back on its answer. */
async function rawSurveyToPeer(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const survey = `who\t"${tag}"?`;
  const id = requestId();
  const surveyor = new sp.Surveyor({ ...DIAL_OPTIONS, raw: true });
  await session(d, transport, side, surveyor, (where) => [
    d.protocol("respondent0"),
    ...where,
    "--data",
    `me ${tag}`,
    "--quoted",
  ], async (peer) => {
    await connected(surveyor);
    await within(DEADLINE, surveyor.send(join(words(id), survey)), "send to the peer");
    const got = await within(DEADLINE, surveyor.recv(), "the peer's answer");
    assert.deepEqual(got, join(words(id), `me ${tag}`), "the survey id, then the answer");
    await peer.waitForLines(1, DEADLINE, "the peer printing our survey");
    assert.deepEqual(printedMessages(peer), [bytesOf(survey)]);
  });
}

/** raw RESPONDENT(edgemq) ← SURVEYOR(peer): pipe id and survey id in front; echoing them answers. */
async function rawRespondToPeer(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const survey = `who ${tag}?`;
  const answer = `me\t"${tag}"\\`;
  const respondent = new sp.Respondent({ ...DIAL_OPTIONS, raw: true });
  await session(d, transport, side, respondent, (where) => [
    d.protocol("surveyor0"),
    ...where,
    "--data",
    survey,
    "--quoted",
    "--interval",
    d.repeat, // surveys sent before the connection are lost: the peer repeats
  ], async (peer) => {
    const end = Date.now() + DEADLINE;
    while (peer.lines.length === 0) {
      if (Date.now() > end) throw new Error(`no answer printed; ${peer.report()}`);
      const got = await within(DEADLINE, respondent.recv(), "the peer's survey");
      assert.ok(wordAt(got, 4) & 0x80000000, "the survey id has bit 31 set");
      assert.equal(text(got.subarray(8)), survey);
      await within(DEADLINE, respondent.send(join(got.subarray(0, 8), answer)), "send to the peer");
      await peer.waitFor((p) => p.lines.length > 0, 300, "an answer").catch(() => {});
    }
    assert.deepEqual(printedMessages(peer).slice(0, 1), [bytesOf(answer)]);
  });
}

// ---- the peer raw, edgemq cooked -----------------------------------------------------------------

/** REQ(edgemq) → raw REP(peer): it sees pipe id + our request id; its echoed header brings the reply back. */
async function reqToPeerRawRep(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const request = `ping\t"${tag}"`;
  const req = new sp.Req(DIAL_OPTIONS);
  await session(d, transport, side, req, (where) => [
    "--xrep0",
    ...where,
    "--data",
    "re:",
    "--echo",
    "--echo-header",
  ], async (peer) => {
    await within(DEADLINE, req.send(request), "send to the peer");
    assert.equal(text(await within(DEADLINE, req.recv(), "the reply")), `re:${request}`);
    await peer.waitForLines(1, DEADLINE, "the peer printing our request");
    const [got] = rawPrinted(peer);
    assert.equal(got!.header.length, 8, "pipe id and request id");
    assert.ok(wordAt(got!.header, 4) & 0x80000000, "our request id has bit 31 set");
    assert.equal(text(got!.body), request);
  });
}

/** raw REQ(peer) → REP(edgemq): the peer's request id comes back on our reply. */
async function peerRawReqToRep(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const id = requestId();
  const reply = `pong\t"${tag}"`;
  const rep = new sp.Rep(DIAL_OPTIONS);
  await session(d, transport, side, rep, (where) => [
    "--xreq0",
    ...where,
    "--header",
    hex(words(id)),
    "--data",
    `ping ${tag}`,
    "--interval",
    d.repeat, // a request sent before the connection is lost: the raw REQ does not resend
  ], async (peer) => {
    assert.equal(text(await within(DEADLINE, rep.recv(), "the raw request")), `ping ${tag}`);
    await within(DEADLINE, rep.send(reply), "send to the peer");
    await peer.waitForLines(1, DEADLINE, "the peer printing our reply");
    assert.deepEqual(rawPrinted(peer)[0], { header: words(id), body: bytesOf(reply) });
  });
}

/**
 * raw PAIR1(peer) ⇄ PAIR1(edgemq): its message (header hop count 0) arrives bare; ours, with 1
 * on the wire, shows hop count 1 (2 on mangos, which counts the hop on receipt).
 */
async function peerRawPair1(
  d: PeerDialect,
  transport: Transport,
  side: Side,
  f: RawFeatures,
): Promise<void> {
  const tag = uniqueTag();
  const theirs = `hello ${tag}`;
  const ours = `world\t"${tag}"`;
  const pair = new sp.Pair1(DIAL_OPTIONS);
  await session(d, transport, side, pair, (where) => [
    "--xpair1",
    ...where,
    "--header",
    "00000000",
    "--data",
    theirs,
    "--interval",
    d.repeat,
  ], async (peer) => {
    assert.equal(text(await within(DEADLINE, pair.recv(), "the peer's message")), theirs);
    await within(DEADLINE, pair.send(ours), "send to the peer");
    await peer.waitForLines(1, DEADLINE, "the peer printing ours");
    const shown = f.pair1Hops === "on send" ? 1 : 2;
    assert.deepEqual(rawPrinted(peer)[0], { header: words(shown), body: bytesOf(ours) });
  });
}

/** raw BUS(peer) ⇄ BUS(edgemq): its message reaches us; ours reaches it with our pipe's id in front. */
async function peerRawBus(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const theirs = `hello ${tag}`;
  const ours = `world\t"${tag}"`;
  const bus = new sp.Bus(DIAL_OPTIONS);
  await session(d, transport, side, bus, (where) => [
    "--xbus0",
    ...where,
    "--data",
    theirs,
    "--interval",
    d.repeat,
  ], async (peer) => {
    assert.equal(text(await within(DEADLINE, bus.recv(), "the peer's message")), theirs);
    const end = Date.now() + DEADLINE;
    while (peer.lines.length === 0) {
      if (Date.now() > end) throw new Error(`ours never printed; ${peer.report()}`);
      await within(DEADLINE, bus.send(ours), "send to the peer"); // best effort: repeated until the peer has one
      await peer.waitFor((p) => p.lines.length > 0, 100, "ours").catch(() => {});
    }
    const [got] = rawPrinted(peer);
    assert.equal(got!.header.length, 4, "the pipe id it came in on");
    assert.deepEqual(got!.body, bytesOf(ours));
  });
}

/** raw SURVEYOR(peer) → RESPONDENT(edgemq): its survey id comes back on our answer. */
async function peerRawSurvey(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const id = requestId();
  const answer = `me\t"${tag}"`;
  const respondent = new sp.Respondent(DIAL_OPTIONS);
  await session(d, transport, side, respondent, (where) => [
    "--xsurveyor0",
    ...where,
    "--header",
    hex(words(id)),
    "--data",
    `who ${tag}?`,
    "--interval",
    d.repeat,
  ], async (peer) => {
    assert.equal(text(await within(DEADLINE, respondent.recv(), "the survey")), `who ${tag}?`);
    await within(DEADLINE, respondent.send(answer), "send to the peer");
    await peer.waitForLines(1, DEADLINE, "the peer printing our answer");
    assert.deepEqual(rawPrinted(peer)[0], { header: words(id), body: bytesOf(answer) });
  });
}

/** SURVEYOR(edgemq) → raw RESPONDENT(peer): it sees pipe id + our survey id; its echo answers us. */
async function surveyToPeerRawRespondent(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const survey = `who\t"${tag}"?`;
  const surveyor = new sp.Surveyor({ ...DIAL_OPTIONS, surveyTime: 2000 });
  await session(d, transport, side, surveyor, (where) => [
    "--xrespondent0",
    ...where,
    "--data",
    "me:",
    "--echo",
    "--echo-header",
  ], async (peer) => {
    await connected(surveyor);
    await within(DEADLINE, surveyor.send(survey), "send to the peer");
    assert.equal(text(await within(DEADLINE, surveyor.recv(), "the answer")), `me:${survey}`);
    await peer.waitForLines(1, DEADLINE, "the peer printing our survey");
    const [got] = rawPrinted(peer);
    assert.equal(got!.header.length, 8, "pipe id and survey id");
    assert.ok(wordAt(got!.header, 4) & 0x80000000, "our survey id has bit 31 set");
    assert.equal(text(got!.body), survey);
  });
}

// ---- contexts ------------------------------------------------------------------------------------

/** How many contexts the context cases run on our side. */
export const CONTEXTS = 24;
/** How many contexts the peer's REP or RESPONDENT serves with. */
const PEER_CONTEXTS = 4;

/** REQ(edgemq) with many contexts → REP(peer) with a few: every context gets the answer to its own request. */
async function reqContextsToPeerRepContexts(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const req = new sp.Req(DIAL_OPTIONS);
  await session(d, transport, side, req, (where) => [
    d.protocol("rep0"),
    ...where,
    "--contexts",
    String(PEER_CONTEXTS),
    "--data",
    "re:",
    "--echo",
    "--quoted",
  ], async (peer) => {
    const contexts = Array.from({ length: CONTEXTS }, () => req.context());
    try {
      const asks = contexts.map((_, i) => `ask ${tag} ${i}`);
      await Promise.all(contexts.map((c, i) => c.send(asks[i]!))); // all outstanding at once
      const replies = await within(
        DEADLINE,
        Promise.all(contexts.map((c) => c.recv())),
        `${CONTEXTS} replies`,
      );
      assert.deepEqual(replies.map(text), asks.map((a) => `re:${a}`));
      await peer.waitForLines(CONTEXTS, DEADLINE, "the peer printing every request");
      assert.deepEqual(printedMessages(peer).map(text).sort(), [...asks].sort());
    } finally {
      for (const c of contexts) c.close();
    }
  });
}

/** REQ(peer) with contexts → REP(edgemq) with contexts answering in reverse: each peer context prints its own answer. */
async function peerReqContextsToRepContexts(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const n = 8;
  const rep = new sp.Rep(DIAL_OPTIONS);
  const workers = Array.from({ length: n }, () => rep.context());
  try {
    await session(d, transport, side, rep, (where) => [
      d.protocol("req0"),
      ...where,
      "--contexts",
      String(n),
      "--data",
      `ask ${tag}`,
      "--quoted",
    ], async (peer) => {
      // all requests are taken before any is answered, so all are outstanding on the peer at once
      const requests = await within(
        DEADLINE,
        Promise.all(workers.map((w) => w.recv())),
        `${n} requests`,
      );
      for (let i = n - 1; i >= 0; i--) await workers[i]!.send(`re:${text(requests[i]!)}`);
      await peer.waitForLines(n, DEADLINE, "the peer's contexts printing their answers");
      const expected = Array.from({ length: n }, (_, i) => `re:ask ${tag} ${i}`);
      assert.deepEqual(printedMessages(peer).map(text).sort(), expected.sort());
      assert.equal((await peer.waitForExit(DEADLINE)).code, 0, "every peer context got its reply");
    });
  } finally {
    for (const w of workers) w.close();
  }
}

/** SURVEYOR(edgemq) with contexts → RESPONDENT(peer) with contexts: each survey's answer reaches its context. */
async function surveyContextsToPeerRespondentContexts(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const n = 8;
  const surveyor = new sp.Surveyor({ ...DIAL_OPTIONS, surveyTime: 3000 });
  await session(d, transport, side, surveyor, (where) => [
    d.protocol("respondent0"),
    ...where,
    "--contexts",
    String(PEER_CONTEXTS),
    "--data",
    "me:",
    "--echo",
    "--quoted",
  ], async (peer) => {
    await connected(surveyor);
    const contexts = Array.from({ length: n }, () => surveyor.context());
    try {
      const surveys = contexts.map((_, i) => `who ${tag} ${i}?`);
      await Promise.all(contexts.map((c, i) => c.send(surveys[i]!)));
      const answers = await within(
        DEADLINE,
        Promise.all(contexts.map((c) => c.recv())),
        `${n} answers`,
      );
      assert.deepEqual(answers.map(text), surveys.map((s) => `me:${s}`));
      await peer.waitForLines(n, DEADLINE, "the peer printing every survey");
      assert.deepEqual(printedMessages(peer).map(text).sort(), [...surveys].sort());
    } finally {
      for (const c of contexts) c.close();
    }
  });
}

/**
 * REQ(peer) with 8 contexts → edgemq device (raw REP | raw REQ) → REP(peer) with 4 contexts:
 * the device passes each request on with its backtrace and each reply back along it, so every
 * peer context prints the answer to its own request and the peer REP saw each request once.
 */
async function peerThroughDevice(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const n = 8;
  const front = new sp.Rep({ ...DIAL_OPTIONS, raw: true });
  const back = new sp.Req({ ...DIAL_OPTIONS, raw: true });
  const urls: string[] = [];
  const peers: PeerProcess[] = [];
  let running: Promise<void> = Promise.resolve();
  try {
    const local = (): string => transport === "tcp" ? "tcp://127.0.0.1:0" : `ipc://${ipcPath()}`;
    for (const sock of [front, back]) {
      urls.push(
        side === "edgemq listens"
          ? (await sock.listen(local())).url
          : await freshAddress(transport),
      );
    }
    const [frontUrl, backUrl] = urls as [string, string];
    const where = (url: string): string[] =>
      side === "edgemq listens" ? d.dial(url) : d.listen(url);
    const server = startPeer(d.tool, [
      d.protocol("rep0"),
      ...where(backUrl),
      "--contexts",
      String(PEER_CONTEXTS),
      "--data",
      "re:",
      "--echo",
      "--quoted",
    ]);
    peers.push(server);
    const client = startPeer(d.tool, [
      d.protocol("req0"),
      ...where(frontUrl),
      "--contexts",
      String(n),
      "--data",
      `ask ${tag}`,
      "--quoted",
    ]);
    peers.push(client);
    if (side === "edgemq dials") {
      await front.dial(frontUrl);
      await back.dial(backUrl);
    }
    running = sp.device(front, back);
    await client.waitForLines(n, DEADLINE, "the peer's contexts printing their answers");
    const asks = Array.from({ length: n }, (_, i) => `ask ${tag} ${i}`);
    assert.deepEqual(printedMessages(client).map(text).sort(), asks.map((a) => `re:${a}`).sort());
    assert.equal((await client.waitForExit(DEADLINE)).code, 0, "every peer context got its reply");
    assert.deepEqual(printedMessages(server).map(text).sort(), [...asks].sort());
  } finally {
    await Promise.all(peers.map((p) => p.kill()));
    await front.close({ linger: 0 });
    await back.close({ linger: 0 });
    await running;
    for (const url of urls) cleanupAddress(url);
  }
}

/**
 * REQ(edgemq) with 8 contexts → the peer's device (its raw REP | raw REQ: mangos.Device,
 * nng_device) → REP(edgemq) with 8 contexts answering in reverse: our backtrace crosses the
 * peer's device both ways and every context gets the answer to its own request.
 */
async function throughPeerDevice(d: PeerDialect, transport: Transport, side: Side): Promise<void> {
  const tag = uniqueTag();
  const n = 8;
  const req = new sp.Req(DIAL_OPTIONS);
  const rep = new sp.Rep(DIAL_OPTIONS);
  const urls: string[] = [];
  let device: PeerProcess | undefined;
  const asking = Array.from({ length: n }, () => req.context());
  const workers = Array.from({ length: n }, () => rep.context());
  try {
    const local = (): string => transport === "tcp" ? "tcp://127.0.0.1:0" : `ipc://${ipcPath()}`;
    for (const sock of [req, rep]) {
      urls.push(
        side === "edgemq listens"
          ? (await sock.listen(local())).url
          : await freshAddress(transport),
      );
    }
    const [frontUrl, backUrl] = urls as [string, string];
    device = startPeer(
      d.tool,
      side === "edgemq listens"
        ? ["--xrep0", ...d.dial(frontUrl), "--device-dial", backUrl]
        : ["--xrep0", ...d.listen(frontUrl), "--device-listen", backUrl],
    );
    if (side === "edgemq dials") {
      await req.dial(frontUrl);
      await rep.dial(backUrl);
    }
    const asks = asking.map((_, i) => `ask\t"${tag}" ${i}`);
    const replies = Promise.all(asking.map(async (c, i) => {
      await within(DEADLINE, c.send(asks[i]!), "send to the peer");
      return text(await c.recv());
    }));
    const requests = await within(
      DEADLINE,
      Promise.all(workers.map((w) => w.recv())),
      `${n} requests through the peer's device`,
    );
    assert.deepEqual(requests.map(text).sort(), [...asks].sort(), "each request arrived once");
    for (let i = n - 1; i >= 0; i--) await workers[i]!.send(`re:${text(requests[i]!)}`);
    assert.deepEqual(
      await within(DEADLINE, replies, "the replies back through the device"),
      asks.map((a) => `re:${a}`),
    );
  } finally {
    for (const c of [...asking, ...workers]) c.close();
    await device?.kill();
    await req.close({ linger: 0 });
    await rep.close({ linger: 0 });
    for (const url of urls) cleanupAddress(url);
  }
}

// ---- the declaration -----------------------------------------------------------------------------

const TRANSPORTS: [Transport, string][] = [
  ["tcp", "[SP-INTEROP-TCP-1]"],
  ["ipc", "[SP-INTEROP-IPC-1]"],
];
const SIDES: [Side, string][] = [
  ["edgemq listens", "[SP-INTEROP-ROLE-1]"],
  ["edgemq dials", "[SP-INTEROP-ROLE-2]"],
];

/** Declares the raw-socket and context cases against `d`'s peer program, under `title`. */
export function describeRawAndContexts(title: string, d: PeerDialect, f: RawFeatures): void {
  const peer = d.tool;
  const opts = peerCaseOptions(peer);
  type Body = (d: PeerDialect, t: Transport, s: Side, f: RawFeatures) => Promise<void>;
  // edgemq's raw sockets against the peer's cooked ones: every peer
  const cases: [string, string, Body][] = [
    [`raw REP(edgemq) ← REQ(${peer})`, "[SP-INTEROP-RAW-1]", rawRepFromPeerReq],
    [`raw REQ(edgemq) → REP(${peer})`, "[SP-INTEROP-RAW-2]", rawReqToPeerRep],
    [`raw BUS(edgemq) ⇄ BUS(${peer})`, "[SP-INTEROP-RAW-4]", rawBusWithPeer],
    [`raw SURVEYOR(edgemq) → RESPONDENT(${peer})`, "[SP-INTEROP-RAW-5]", rawSurveyToPeer],
    [`raw RESPONDENT(edgemq) ← SURVEYOR(${peer})`, "[SP-INTEROP-RAW-6]", rawRespondToPeer],
  ];
  if (f.pair1Hops !== undefined) {
    cases.push([`raw PAIR1(edgemq) ⇄ PAIR1(${peer})`, "[SP-INTEROP-RAW-3]", rawPair1WithPeer]);
  }
  // the peer's raw sockets against edgemq's cooked ones
  const raw: [string, string, Body][] = [
    [`REQ(edgemq) → raw REP(${peer})`, "[SP-INTEROP-RAW-7]", reqToPeerRawRep],
    [`raw REQ(${peer}) → REP(edgemq)`, "[SP-INTEROP-RAW-8]", peerRawReqToRep],
    [`raw PAIR1(${peer}) ⇄ PAIR1(edgemq)`, "[SP-INTEROP-RAW-9]", peerRawPair1],
    [`raw BUS(${peer}) ⇄ BUS(edgemq)`, "[SP-INTEROP-RAW-10]", peerRawBus],
    [`raw SURVEYOR(${peer}) → RESPONDENT(edgemq)`, "[SP-INTEROP-RAW-11]", peerRawSurvey],
    [
      `SURVEYOR(edgemq) → raw RESPONDENT(${peer})`,
      "[SP-INTEROP-RAW-12]",
      surveyToPeerRawRespondent,
    ],
    [
      `REQ(edgemq) with 8 contexts → ${peer} device → REP(edgemq) with 8 contexts`,
      "[SP-INTEROP-DEV-2]",
      throughPeerDevice,
    ],
  ];
  if (f.rawSockets) cases.push(...raw);
  const contexts: [string, string, Body][] = [
    [
      `REQ(edgemq) with ${CONTEXTS} contexts → REP(${peer}) with ${PEER_CONTEXTS} contexts`,
      "[SP-INTEROP-CTX-1]",
      reqContextsToPeerRepContexts,
    ],
    [
      `REQ(${peer}) with 8 contexts → REP(edgemq) with 8 contexts`,
      "[SP-INTEROP-CTX-2]",
      peerReqContextsToRepContexts,
    ],
    [
      `SURVEYOR(edgemq) with 8 contexts → RESPONDENT(${peer}) with ${PEER_CONTEXTS} contexts`,
      "[SP-INTEROP-CTX-3]",
      surveyContextsToPeerRespondentContexts,
    ],
    [
      `REQ(${peer}) with 8 contexts → edgemq device → REP(${peer}) with ${PEER_CONTEXTS} contexts`,
      "[SP-INTEROP-DEV-1]",
      peerThroughDevice,
    ],
  ];
  if (f.contexts) cases.push(...contexts);
  describe(title, peerGroupOptions(peer), () => {
    for (const [transport, tid] of TRANSPORTS) {
      for (const [side, rid] of SIDES) {
        for (const [name, id, body] of cases) {
          test(
            `${name} over ${transport}, ${side} ${tid} ${rid} ${id}`,
            opts,
            () => body(d, transport, side, f),
          );
        }
      }
    }
  });
}
