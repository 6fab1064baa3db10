/**
 * zmq.Pub (and zmq.XPub) with several zmq.Subs against a model: random subscribes, unsubscribes
 * (counted, as libzmq counts them: two subscribes need two unsubscribes) and multipart publishes
 * with random first frames. The model says exactly which subscriber receives which message, in
 * order: those whose first frame starts with a topic the subscriber holds. The XPub variant also
 * checks the subscription messages it reports: `+topic` for the first subscriber of a topic and
 * `-topic` when the last one leaves it.
 *
 * Subscriptions travel to the publisher asynchronously, so every (un)subscribe is followed by a
 * sync: the subscriber subscribes to a fresh probe topic, and the publisher publishes the probe
 * until it comes back. The publisher reads each subscriber's subscriptions in order, so once the
 * probe's has taken effect, so has the command's. (If the subscriber still holds "" at the
 * publisher, the probe may come back early; then the publisher sends it everything anyway and the
 * Sub's own filter decides, which gives the same result.) Each subscriber also holds a marker
 * topic from the start: publishing a marker and reading up to it collects, deterministically,
 * everything published to that subscriber before. Probe and marker topics start with "~", which
 * no model topic does; messages and subscription reports on them are skipped.
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { zmq } from "../../mod.ts";
import { delay, within } from "../../testing/async.ts";
import { inprocUrl } from "../_raw_sp.ts";

const dec = new TextDecoder();
/** Frames as strings, so that Buffer views (Bun, Node) compare equal. */
const text = (frames: readonly Uint8Array[]): string[] => frames.map((f) => dec.decode(f));

const RESERVED = "~";
const marker = (i: number): string => `${RESERVED}m${i}/`;

interface SubModel {
  /** Topic → how many times it is subscribed. */
  readonly counts: Map<string, number>;
  /** Messages the publisher sent to this subscriber that were not read yet. */
  pending: string[][];
}

interface Model {
  readonly xpub: boolean;
  nextSeq: number;
  readonly subs: SubModel[];
}

interface Real {
  readonly pub: zmq.Pub | zmq.XPub;
  readonly subs: readonly zmq.Sub[];
  /** Numbers probes and markers. */
  nonce: number;
}

type Cmd = fc.AsyncCommand<Model, Real>;

function matches(sub: SubModel, first: string): boolean {
  for (const [topic, n] of sub.counts) if (n > 0 && first.startsWith(topic)) return true;
  return false;
}

function holds(sub: SubModel, topic: string): boolean {
  return (sub.counts.get(topic) ?? 0) > 0;
}

/**
 * Publishes sub `i`'s marker and reads up to it: returns the model messages read before it, and
 * whether a message on `probe` came among them.
 */
async function readToMarker(
  r: Real,
  i: number,
  probe?: string,
): Promise<{ got: string[][]; probed: boolean }> {
  const nonce = String(r.nonce++);
  await r.pub.send([marker(i), nonce]);
  const got: string[][] = [];
  let probed = false;
  for (;;) {
    const msg = text(await within(2000, r.subs[i]!.recv(), `sub ${i} marker`));
    if (msg[0] === marker(i) && msg[1] === nonce) return { got, probed };
    if (msg[0] === probe) probed = true;
    if (!msg[0]!.startsWith(RESERVED)) got.push(msg);
  }
}

/** Reads sub `i` up to its marker and checks it got exactly what the model says. */
async function drain(m: Model, r: Real, i: number, got?: string[][]): Promise<void> {
  const sub = m.subs[i]!;
  got ??= (await readToMarker(r, i)).got;
  // a Sub filters again at recv: queued messages of a topic it has left are dropped
  const expected = sub.pending.filter((msg) => matches(sub, msg[0]!));
  sub.pending = [];
  assert.deepEqual(got, expected, `subscriber ${i} got the wrong messages`);
}

/** The XPub's subscription reports up to `+until`, skipping reserved topics. */
async function notesUntil(pub: zmq.XPub, until: string): Promise<string[]> {
  const notes: string[] = [];
  for (;;) {
    const [frame] = await within(2000, pub.recv(), `report of ${until}`);
    assert.ok(frame!.length >= 1 && frame![0]! <= 1, "a subscription message");
    const note = (frame![0] === 1 ? "+" : "-") + dec.decode(frame!.subarray(1));
    if (note === `+${until}`) return notes;
    if (!note.startsWith(`+${RESERVED}`) && !note.startsWith(`-${RESERVED}`)) notes.push(note);
  }
}

/**
 * Waits until sub `i`'s subscriptions so far have reached the publisher, collecting (and
 * checking) what the sub receives meanwhile; with an XPub, checks the reports in between.
 */
async function sync(m: Model, r: Real, i: number, reports: string[]): Promise<void> {
  const probe = `${RESERVED}p${i}.${r.nonce++}/`;
  r.subs[i]!.subscribe(probe);
  let first = true;
  for (let k = 0; k < 500; k++) {
    await r.pub.send(probe);
    const { got, probed } = await readToMarker(r, i, probe);
    if (first) await drain(m, r, i, got);
    else assert.deepEqual(got, [], "nothing was published meanwhile");
    first = false;
    if (probed) {
      if (m.xpub) assert.deepEqual(await notesUntil(r.pub as zmq.XPub, probe), reports);
      return;
    }
    await delay(1);
  }
  assert.fail(`sub ${i}: subscription never took effect`);
}

class Subscribe implements Cmd {
  constructor(readonly sub: number, readonly topic: string) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.subs[this.sub]!.subscribe(this.topic);
    const sub = m.subs[this.sub]!;
    const before = sub.counts.get(this.topic) ?? 0;
    // the XPub reports the first subscriber of a topic, once
    const first = before === 0 && !m.subs.some((s) => holds(s, this.topic));
    sub.counts.set(this.topic, before + 1);
    await sync(m, r, this.sub, first ? [`+${this.topic}`] : []);
  }
  toString(): string {
    return `sub${this.sub}.subscribe(${JSON.stringify(this.topic)})`;
  }
}

class Unsubscribe implements Cmd {
  constructor(readonly sub: number, readonly topic: string) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.subs[this.sub]!.unsubscribe(this.topic);
    const sub = m.subs[this.sub]!;
    const before = sub.counts.get(this.topic) ?? 0;
    if (before > 0) sub.counts.set(this.topic, before - 1);
    // the cancel goes out when the count reaches 0; the XPub reports when nobody holds it
    const last = before === 1 && !m.subs.some((s) => holds(s, this.topic));
    await sync(m, r, this.sub, last ? [`-${this.topic}`] : []);
  }
  toString(): string {
    return `sub${this.sub}.unsubscribe(${JSON.stringify(this.topic)})`;
  }
}

class Publish implements Cmd {
  constructor(readonly first: string, readonly rest: readonly string[]) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const frames = [this.first, `m${m.nextSeq++}`, ...this.rest];
    await within(1000, r.pub.send(frames), "publish");
    for (const sub of m.subs) if (matches(sub, this.first)) sub.pending.push(frames);
  }
  toString(): string {
    return `pub.send(${JSON.stringify([this.first, ...this.rest])})`;
  }
}

class Drain implements Cmd {
  constructor(readonly sub: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    await drain(m, r, this.sub);
  }
  toString(): string {
    return `drain sub${this.sub}`;
  }
}

const MAX_SUBS = 3;
const topic = fc.constantFrom("", "a", "ab", "abc", "b");
const first = fc.constantFrom("", "a", "ab", "abc", "abd", "b", "ba", "c");
const rest = fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 });

/** The commands for `count` subscribers (publishing weighted up). */
function commandsFor(count: number): fc.Arbitrary<Cmd>[] {
  const sub = fc.nat({ max: count - 1 });
  const publish = fc.tuple(first, rest).map(([f, r]) => new Publish(f, r));
  return [
    fc.tuple(sub, topic).map(([s, t]) => new Subscribe(s, t)),
    fc.tuple(sub, topic).map(([s, t]) => new Unsubscribe(s, t)),
    publish,
    publish,
    publish,
    sub.map((s) => new Drain(s)),
  ];
}

function scenario(maxCommands: number): fc.Arbitrary<[number, Iterable<Cmd>]> {
  return fc.integer({ min: 1, max: MAX_SUBS }).chain((count) =>
    fc.tuple(fc.constant(count), fc.commands(commandsFor(count), { maxCommands, size: "max" }))
  );
}

/** Connects each sub and makes its marker topic take effect before the run starts. */
async function setUp(r: Real, url: string, xpub: boolean): Promise<void> {
  for (const [i, sub] of r.subs.entries()) {
    const connected = sub.monitor.next("connected");
    await sub.connect(url);
    await within(3000, connected, "connected");
    sub.subscribe(marker(i));
    for (let k = 0;; k++) {
      assert.ok(k < 500, `sub ${i}: marker subscription never took effect`);
      await r.pub.send([marker(i), "hello"]);
      await delay(1);
      const stop = new AbortController();
      const got = sub.recv({ signal: stop.signal });
      const timer = setTimeout(() => stop.abort(), 5);
      try {
        await got;
        break;
      } catch {
        // not yet
      } finally {
        clearTimeout(timer);
      }
    }
    if (xpub) assert.deepEqual(await notesUntil(r.pub as zmq.XPub, marker(i)), []);
  }
}

async function runModel(
  xpub: boolean,
  scheme: "inproc" | "tcp",
  numRuns: number,
  maxCommands: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(scenario(maxCommands), async ([count, cmds]) => {
      const pub = xpub ? new zmq.XPub() : new zmq.Pub();
      const subs = Array.from({ length: count }, () => new zmq.Sub());
      const real: Real = { pub, subs, nonce: 0 };
      try {
        const at = scheme === "tcp" ? "tcp://127.0.0.1:0" : inprocUrl("zmq-model-pubsub");
        const { url } = await pub.bind(at);
        await setUp(real, url, xpub);
        const model: Model = {
          xpub,
          nextSeq: 0,
          subs: subs.map(() => ({ counts: new Map(), pending: [] })),
        };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        for (let i = 0; i < count; i++) await drain(model, real, i);
      } finally {
        await Promise.all(subs.map((s) => s.close()));
        await pub.close();
      }
    }),
    { numRuns },
  );
}

test("zmq.Pub delivers each message to exactly the zmq.Subs whose counted subscriptions match, in order (model, inproc) [ZMTP-MODEL-7, ZMTP-MODEL-8]", async () => {
  await runModel(false, "inproc", 40, 60);
});

test("zmq.XPub reports first subscribe and last cancel, and filters as the model says (inproc) [ZMTP-MODEL-7, ZMTP-MODEL-8, ZMTP-MODEL-9]", async () => {
  await runModel(true, "inproc", 40, 60);
});

test("zmq.Pub and zmq.Subs follow the subscription model over tcp [ZMTP-MODEL-7, ZMTP-MODEL-8]", async () => {
  await runModel(false, "tcp", 5, 25);
});
