/**
 * Fault: a consumer that reads slowly, or not at all, over tcp. What the sender holds must stay
 * bounded by the high-water marks, not grow with what the producer tries to send.
 *
 * - PUSH → PULL: once `sendHwm` messages wait on the sender, `recvHwm` on the receiver, and the
 *   kernel's socket buffers are full, the PUSH takes no more (`trySend` false, `send` waits), and
 *   then it takes one as one is read. Nothing is lost: every message arrives, in order.
 * - PUB → SUB: publishing never waits; what a full pipe cannot take is dropped and counted
 *   (`stats.dropped`: at the PUB for ZMTP, whose SUB stops reading when its queue is full; at the
 *   SUB for SP, whose SUB reads eagerly and drops its oldest, NNG's "prefer new"). Every message
 *   is either received or counted as dropped.
 *
 * The bound: sendHwm + recvHwm messages plus what loopback's socket buffers hold (16 MiB allowed
 * for both directions together; Linux's default tcp_wmem and tcp_rmem maxima are 4 and 6 MiB).
 * RSS is sampled while the producer runs and must stay within 64 MiB of where it started;
 * without the high-water marks the producer here would queue gigabytes.
 *
 * @module
 */
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../../mod.ts";
import { delay, until } from "../../testing/async.ts";
import { MiB, rss, withDeadline } from "./_faults.ts";

/** Messages queued at each end before the high-water mark. */
const HWM = 20;
/** What loopback's socket buffers may hold, both ends together. */
const KERNEL = 16 * MiB;
/** How far RSS may rise while a producer pushes at a stalled or slow consumer. */
const RSS_BOUND = 64 * MiB;

/** A sender and a receiver of one family, seen alike. */
interface Lane {
  trySend(msg: Uint8Array): boolean;
  send(msg: Uint8Array, signal?: AbortSignal): Promise<void>;
  tryRecv(): Uint8Array | undefined;
  /** Messages dropped by the sender and by the receiver. */
  dropped(): number;
  close(): Promise<void>;
}

type Kind = "push" | "pub";

async function spLane(kind: Kind): Promise<Lane> {
  const options = { sendHwm: HWM, recvHwm: HWM };
  const sender = kind === "push" ? new sp.Push(options) : new sp.Pub(options);
  const receiver = kind === "push" ? new sp.Pull(options) : new sp.Sub(options);
  if (receiver instanceof sp.Sub) receiver.subscribe("");
  const { url } = await sender.listen("tcp://127.0.0.1:0");
  await receiver.dial(url);
  await until(() => sender.stats.pipes === 1, 3000, "connected");
  return {
    trySend: (m) => sender.trySend(m),
    send: (m, signal) => sender.send(m, signal === undefined ? {} : { signal }),
    tryRecv: () => receiver.tryRecv(),
    dropped: () => sender.stats.dropped + receiver.stats.dropped,
    close: async () => {
      await receiver.close();
      await sender.close({ linger: 0 });
    },
  };
}

async function zmqLane(kind: Kind): Promise<Lane> {
  const options = { sendHwm: HWM, recvHwm: HWM };
  const sender = kind === "push" ? new zmq.Push(options) : new zmq.Pub(options);
  const receiver = kind === "push" ? new zmq.Pull(options) : new zmq.Sub(options);
  if (receiver instanceof zmq.Sub) receiver.subscribe("");
  const { url } = await sender.bind("tcp://127.0.0.1:0");
  await receiver.connect(url);
  const lane: Lane = {
    trySend: (m) => sender.trySend(m),
    send: (m, signal) => sender.send(m, signal === undefined ? {} : { signal }),
    tryRecv: () => receiver.tryRecv()?.[0],
    dropped: () => sender.stats.dropped + receiver.stats.dropped,
    close: async () => {
      await receiver.close();
      await sender.close({ linger: 0 });
    },
  };
  if (kind === "pub") {
    // the SUB's subscription travels to the PUB: probe until a message gets through
    const probe = new Uint8Array([0xff]);
    await until(() => (lane.trySend(probe), lane.tryRecv() !== undefined), 3000, "subscription");
    await delay(50);
    while (lane.tryRecv() !== undefined) { /* drop the probes */ }
  } else {
    await until(() => sender.stats.pipes === 1, 3000, "connected");
  }
  return lane;
}

/** A message of `size` bytes starting with its sequence number. */
function numbered(seq: number, size: number): Uint8Array {
  const msg = new Uint8Array(size);
  new DataView(msg.buffer).setUint32(0, seq);
  return msg;
}

function seqOf(msg: Uint8Array): number {
  return new DataView(msg.buffer, msg.byteOffset, msg.byteLength).getUint32(0);
}

/** Takes everything that arrives until nothing has come for `quietMs`. */
async function drain(lane: Lane, quietMs: number, into: number[]): Promise<void> {
  let last = Date.now();
  while (Date.now() - last < quietMs) {
    let msg: Uint8Array | undefined;
    while ((msg = lane.tryRecv()) !== undefined) {
      into.push(seqOf(msg));
      last = Date.now();
    }
    await delay(5);
  }
}

const FAMILIES = [["sp", spLane], ["zmq", zmqLane]] as const;

describe("fault: a slow consumer", () => {
  for (const [family, open] of FAMILIES) {
    test(`${family} PUSH to a stalled, then slow PULL: the sender stops at the HWMs, RSS flat, nothing lost [FAULT-SLOW-1]`, async () => {
      const size = 64 * 1024;
      const bound = 2 * HWM + Math.ceil(KERNEL / size);
      const lane = await open("push");
      try {
        const base = rss();
        let peak = base;
        // 1. nothing is read: the sender takes messages until every queue on the way is full
        let sent = 0;
        for (let still = 0; still < 5 && sent <= 4 * bound; await delay(20)) {
          const before = sent;
          while (sent <= 4 * bound && lane.trySend(numbered(sent, size))) sent++;
          still = sent === before ? still + 1 : 0;
          peak = Math.max(peak, rss());
        }
        const stalledAt = sent;
        assert.ok(sent <= bound, `the stalled consumer let the sender queue ${sent} messages`);
        assert.ok(sent >= 2 * HWM, `only ${sent} messages taken: the queues never filled`);
        await assert.rejects(
          withDeadline(200, (signal) => lane.send(numbered(sent, size), signal), "blocked send"),
          /200 ms passed/,
        );
        // 2. one message read every 5 ms for a second; the producer sends as fast as it may
        const received: number[] = [];
        let maxBacklog = 0;
        let producing = true;
        const producer = (async () => {
          while (producing) {
            await lane.send(numbered(sent, size));
            sent++;
          }
        })();
        const end = Date.now() + 1000;
        while (Date.now() < end) {
          const msg = lane.tryRecv();
          if (msg !== undefined) received.push(seqOf(msg));
          maxBacklog = Math.max(maxBacklog, sent - received.length);
          peak = Math.max(peak, rss());
          await delay(5);
        }
        producing = false;
        let produced = false;
        producer.then(() => (produced = true), () => (produced = true));
        await until(
          () => {
            let msg: Uint8Array | undefined;
            while ((msg = lane.tryRecv()) !== undefined) received.push(seqOf(msg));
            return produced && received.length >= sent;
          },
          5000,
          `the rest of ${sent} messages`,
        );
        await producer;
        assert.ok(maxBacklog <= bound + 1, `backlog reached ${maxBacklog} messages`);
        assert.ok(peak - base < RSS_BOUND, `RSS rose by ${((peak - base) / MiB).toFixed(1)} MiB`);
        assert.equal(received.length, sent, "every message arrived");
        assert.ok(received.every((s, i) => s === i), "in order, none missing or repeated");
        console.log(
          `FAULT slow ${family} push: ${stalledAt} taken with nothing read, then ${sent} in all, ` +
            `max backlog ${maxBacklog} (bound ${bound}), RSS +${
              ((peak - base) / MiB).toFixed(1)
            } MiB`,
        );
      } finally {
        await lane.close();
      }
    });

    test(`${family} PUB to a SUB that does not read: publishing never waits, the excess is dropped and counted, RSS flat [FAULT-SLOW-2]`, async () => {
      const size = 16 * 1024;
      const total = 10_000; // 160 MiB offered
      const bound = 2 * HWM + Math.ceil(KERNEL / size);
      const lane = await open("pub");
      try {
        const droppedBefore = lane.dropped();
        const base = rss();
        let peak = base;
        const started = Date.now();
        for (let seq = 0; seq < total; seq++) {
          assert.ok(lane.trySend(numbered(seq, size)), "a PUB always takes a message");
          if (seq % 100 === 99) {
            peak = Math.max(peak, rss());
            await delay(1); // let the wire move what it can
          }
        }
        const publishing = Date.now() - started;
        await delay(100);
        peak = Math.max(peak, rss());
        const received: number[] = [];
        await drain(lane, 300, received);
        const dropped = lane.dropped() - droppedBefore;
        assert.equal(
          received.length + dropped,
          total,
          `received ${received.length}, dropped ${dropped}`,
        );
        assert.ok(dropped > 0, "the excess was dropped");
        assert.ok(received.length <= bound, `${received.length} messages were held for the SUB`);
        assert.ok(received.every((s, i) => i === 0 || s > received[i - 1]!), "in order");
        assert.ok(peak - base < RSS_BOUND, `RSS rose by ${((peak - base) / MiB).toFixed(1)} MiB`);
        console.log(
          `FAULT slow ${family} pub: ${total} published in ${publishing} ms, ${received.length} ` +
            `received, ${dropped} dropped, RSS +${((peak - base) / MiB).toFixed(1)} MiB`,
        );
      } finally {
        await lane.close();
      }
    });
  }
});
