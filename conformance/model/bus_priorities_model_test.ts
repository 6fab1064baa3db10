/**
 * Bus fan-out and send priorities against models: random sends from the nodes of a small bus
 * mesh, each checked against "every direct peer gets it, nobody else"; and random sends, pauses
 * and resumptions of the receivers behind a PUSH with peers of several priorities, each checked
 * against "the highest priority that can take a message gets it".
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { sp } from "../../mod.ts";
import { until } from "../../testing/async.ts";
import { text } from "../_raw_sp.ts";

/** Lets every in-flight inproc delivery (microtasks, then a macrotask) finish. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// ---- bus fan-out ---------------------------------------------------------------------------

/** Which nodes are wired to which, as pairs (i < j). */
const LINKS: readonly (readonly [number, number])[] = [[0, 1], [1, 2], [2, 3], [0, 2]];

test("BUS fan-out follows the model: a message reaches every direct peer, once, and no one else [SP-BUS-1]", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.string({ maxLength: 4 })), {
        minLength: 1,
        maxLength: 25,
      }),
      async (sends) => {
        const nodes = [new sp.Bus(), new sp.Bus(), new sp.Bus(), new sp.Bus()];
        const base = `inproc://model-bus-${Math.random().toString(36).slice(2)}`;
        try {
          for (const [i, node] of nodes.entries()) await node.listen(`${base}-${i}`);
          for (const [i, j] of LINKS) await nodes[j]!.dial(`${base}-${i}`);
          const degree = nodes.map((_, n) => LINKS.filter(([i, j]) => i === n || j === n).length);
          await until(
            () => nodes.every((node, n) => node.stats.pipes === degree[n]),
            2000,
            "the mesh",
          );
          const expected: string[][] = nodes.map(() => []);
          for (const [k, [from, body]] of sends.entries()) {
            const msg = `${k}:${from}:${body}`;
            await nodes[from]!.send(msg);
            for (const [i, j] of LINKS) {
              if (i === from) expected[j]!.push(msg);
              if (j === from) expected[i]!.push(msg);
            }
          }
          await settle();
          for (const [n, node] of nodes.entries()) {
            const got: string[] = [];
            for (let m; (m = node.tryRecv()) !== undefined;) got.push(text(m));
            // fair-queued over several peers: each peer's messages in order, all of them, once
            assert.deepEqual([...got].sort(), [...expected[n]!].sort(), `node ${n}`);
          }
        } finally {
          for (const node of nodes) await node.close();
        }
      },
    ),
    { numRuns: 30 },
  );
});

// ---- send priorities -----------------------------------------------------------------------

interface PrioModel {
  /** Per receiver: its priority, whether it reads, and how many messages it holds unread. */
  readonly receivers: { priority: number; reading: boolean; held: number }[];
}

interface PrioReal {
  readonly push: sp.Push;
  readonly pulls: sp.Pull[];
  readonly urls: string[];
}

type PrioCmd = fc.AsyncCommand<PrioModel, PrioReal>;

/**
 * What a receiver that stopped reading takes before the PUSH's pipe to it counts as full: two in
 * its inbox (recvHwm 2), then one more that waits to be delivered (sendHwm 1).
 */
const ROOM = 3;

class Send implements PrioCmd {
  check(m: Readonly<PrioModel>): boolean {
    return m.receivers.some((x) => x.reading || x.held < ROOM);
  }
  async run(m: PrioModel, r: PrioReal): Promise<void> {
    const before = sentPerReceiver(r);
    assert.ok(r.push.trySend("m"), "a receiver had room");
    await settle();
    const after = sentPerReceiver(r);
    const owner = after.findIndex((n, i) => n > before[i]!);
    assert.ok(owner >= 0, "the message went to some receiver");
    // the model: a receiver of the highest priority (lowest number) among those with room
    const open = m.receivers.filter((x) => x.reading || x.held < ROOM);
    const best = Math.min(...open.map((x) => x.priority));
    const winner = m.receivers[owner]!;
    assert.equal(winner.priority, best, `it went to priority ${winner.priority}, not ${best}`);
    assert.ok(winner.reading || winner.held < ROOM, "to a receiver with room");
    if (winner.reading) assert.ok(r.pulls[owner]!.tryRecv() !== undefined);
    else winner.held++;
  }
  toString(): string {
    return "push.trySend()";
  }
}

/** How many messages the PUSH has handed to each receiver's pipe (by the pipe's URL). */
function sentPerReceiver(r: PrioReal): number[] {
  const pipes = r.push.pipeStatistics();
  return r.urls.map((url) => pipes.find((p) => p.url === url)?.tx_msgs ?? 0);
}

class Pause implements PrioCmd {
  constructor(readonly receiver: number) {}
  check(m: Readonly<PrioModel>): boolean {
    return m.receivers[this.receiver]!.reading;
  }
  run(m: PrioModel): Promise<void> {
    m.receivers[this.receiver]!.reading = false; // it stops reading: messages pile up there
    return Promise.resolve();
  }
  toString(): string {
    return `receiver ${this.receiver} stops reading`;
  }
}

test("PUSH send priorities follow the model: the highest priority with room takes each message [CORE-PRIO-1]", async () => {
  const priorities = [1, 1, 5, 9];
  await fc.assert(
    fc.asyncProperty(
      fc.commands([
        fc.constant(new Send()),
        fc.constant(new Send()),
        fc.constant(new Send()),
        fc.integer({ min: 0, max: 3 }).map((i) => new Pause(i)),
      ], { maxCommands: 30 }),
      async (cmds) => {
        const push = new sp.Push({ sendHwm: 1 });
        const pulls = priorities.map(() => new sp.Pull({ recvHwm: 2 }));
        const base = `inproc://model-prio-${Math.random().toString(36).slice(2)}`;
        const urls = pulls.map((_, i) => `${base}-${i}`);
        try {
          for (const [i, pull] of pulls.entries()) {
            await pull.listen(urls[i]!);
            await push.dial(urls[i]!, { sendPriority: priorities[i]! });
          }
          await until(() => push.stats.pipes === pulls.length, 2000, "all receivers");
          const model: PrioModel = {
            receivers: priorities.map((priority) => ({ priority, reading: true, held: 0 })),
          };
          await fc.asyncModelRun(() => ({ model, real: { push, pulls, urls } }), cmds);
        } finally {
          await push.close({ linger: 0 });
          for (const pull of pulls) await pull.close();
        }
      },
    ),
    { numRuns: 30 },
  );
});
