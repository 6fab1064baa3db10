/**
 * PUSH/PULL against a model: one Push and several Pulls over inproc, with
 * random bursts of sends and random drains of single pullers. While every
 * puller can take messages, the Push must deal them out round robin: message
 * n goes to the puller holding slot n mod N, each puller gets its slot's
 * messages in order with none missing, and at the end every message has been
 * delivered exactly once.
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { sp } from "../../mod.ts";
import { until, within } from "../../testing/async.ts";
import { inprocUrl, marry, text } from "../_raw_sp.ts";

interface Model {
  /** Messages sent so far (numbered 0, 1, ...). */
  sent: number;
  /** The round-robin slot each puller turned out to hold, once seen. */
  slotOf: (number | undefined)[];
  /** Every message number each puller received, in order. */
  received: number[][];
}

interface Real {
  readonly push: sp.Push;
  readonly pulls: readonly sp.Pull[];
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** Lets every in-flight inproc delivery (microtasks) finish. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Takes every message `pull` has right now. */
async function takeAll(pull: sp.Pull): Promise<number[]> {
  await settle();
  const out: number[] = [];
  for (;;) {
    const stop = new AbortController();
    const got = pull.recv({ signal: stop.signal });
    const timer = setTimeout(() => stop.abort(), 0);
    try {
      out.push(Number(text(await got)));
    } catch {
      return out;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Checks what puller `i` just received against the round robin. */
function account(m: Model, i: number, got: readonly number[]): void {
  const n = m.slotOf.length;
  for (const k of got) {
    const slot = k % n;
    const owner = m.slotOf.indexOf(slot);
    if (m.slotOf[i] === undefined) {
      assert.equal(owner, -1, `slot ${slot} already belongs to puller ${owner}`);
      m.slotOf[i] = slot;
    }
    assert.equal(slot, m.slotOf[i], `message ${k} reached puller ${i} out of turn`);
    const last = m.received[i]!.at(-1);
    assert.equal(k, last === undefined ? slot : last + n, `puller ${i}: gap or reorder at ${k}`);
    m.received[i]!.push(k);
  }
  const slot = m.slotOf[i];
  if (slot !== undefined) {
    // everything sent for this slot so far has arrived
    const expectedLast = slot < m.sent ? slot + n * Math.floor((m.sent - 1 - slot) / n) : undefined;
    assert.equal(m.received[i]!.at(-1), expectedLast, `puller ${i} is missing messages`);
  }
}

class Send implements Cmd {
  constructor(readonly count: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    for (let k = 0; k < this.count; k++) {
      await within(500, r.push.send(String(m.sent)), `send ${m.sent}`);
      m.sent++;
    }
  }
  toString(): string {
    return `send ×${this.count}`;
  }
}

class Drain implements Cmd {
  constructor(readonly index: number) {}
  check(m: Readonly<Model>): boolean {
    return this.index < m.slotOf.length;
  }
  async run(m: Model, r: Real): Promise<void> {
    account(m, this.index, await takeAll(r.pulls[this.index]!));
  }
  toString(): string {
    return `drain puller ${this.index}`;
  }
}

const allCommands = [
  fc.integer({ min: 1, max: 7 }).map((n) => new Send(n)),
  fc.integer({ min: 0, max: 3 }).map((i) => new Drain(i)),
];

test("sp.Push deals messages round robin and exactly once over several sp.Pulls (model, inproc) [SP-PUSH-1, SP-INPROC-1]", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.commands(allCommands, { maxCommands: 40, size: "medium" }),
      async (count, cmds) => {
        const push = new sp.Push();
        const pulls = Array.from({ length: count }, () => new sp.Pull());
        try {
          const url = await marry(push, pulls[0]!, inprocUrl("model-push"));
          for (const pull of pulls.slice(1)) {
            const connected = pull.monitor.next("connected");
            await pull.dial(url);
            await within(1000, connected);
          }
          await until(() => push.stats.pipes === count, 1000, "all pullers attached");
          const model: Model = {
            sent: 0,
            slotOf: pulls.map(() => undefined),
            received: pulls.map(() => []),
          };
          await fc.asyncModelRun(() => ({ model, real: { push, pulls } }), cmds);
          // finally every message was delivered exactly once, and the slots are a permutation
          for (let i = 0; i < count; i++) account(model, i, await takeAll(pulls[i]!));
          const all = model.received.flat().sort((a, b) => a - b);
          assert.deepEqual(all, Array.from({ length: model.sent }, (_, k) => k));
          const slots = model.slotOf.filter((s) => s !== undefined);
          assert.equal(new Set(slots).size, slots.length);
          if (model.sent >= count) assert.equal(slots.length, count, "every puller got work");
        } finally {
          await push.close();
          await Promise.all(pulls.map((p) => p.close()));
        }
      },
    ),
    { numRuns: 60 },
  );
});
