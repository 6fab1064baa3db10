// zmq.Dealer, zmq.Push, zmq.Pull and zmq.Pair among edgemq sockets, over inproc and tcp: the
// semantics of RFC 28 (DEALER), RFC 30 (PUSH, PULL) and RFC 31 (PAIR).
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { delay, until, within } from "../../testing/async.ts";
import { MqError } from "../errors.ts";
import { Dealer } from "./dealer.ts";
import { Pair } from "./pair.ts";
import { Pull } from "./pull.ts";
import { Push } from "./push.ts";
import type { Frames, ZmqSocket } from "./socket.ts";

const dec = new TextDecoder();
// Frames as strings, so that Buffer views (Bun, Node) compare equal to Uint8Arrays.
const text = (frames: Frames): string[] => frames.map((f) => dec.decode(f));

let seq = 0;
type Scheme = "inproc" | "tcp";

function address(scheme: Scheme): string {
  return scheme === "tcp" ? "tcp://127.0.0.1:0" : `inproc://zmq-pipeline-pair-${seq++}`;
}

/** Binds `a`, connects the others one by one; returns once `a` holds a pipe to each of them. */
async function link(scheme: Scheme, a: ZmqSocket, ...others: ZmqSocket[]): Promise<string> {
  const { url } = await a.bind(address(scheme));
  for (const [i, b] of others.entries()) {
    const connected = b.monitor.next("connected");
    await b.connect(url);
    await within(5000, connected, "connected");
    await until(() => a.stats.pipes === i + 1, 5000, `pipe ${i + 1} attached`);
  }
  return url;
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof MqError && e.code === code);
}

/** Receives within `ms`, or undefined if nothing came. */
async function recvWithin(sock: ZmqSocket, ms: number): Promise<Frames | undefined> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  try {
    return await sock.recv({ signal: stop.signal });
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends 3 + 3 messages from `flood` and `quiet` (flood first, all queued before any is read) and
 * reads six from `sink`: fair queuing serves the two senders in turn, so neither starves.
 */
async function servedInTurn(sink: ZmqSocket, flood: ZmqSocket, quiet: ZmqSocket): Promise<void> {
  for (let i = 0; i < 3; i++) await flood.send(`f${i}`);
  for (let i = 0; i < 3; i++) await quiet.send(`q${i}`);
  const arrived = (): number => sink.pipeStatistics().reduce((n, p) => n + p.rx_msgs, 0);
  await until(() => arrived() >= 6, 5000, "all six waiting in the pipes");
  const got: string[] = [];
  for (let i = 0; i < 6; i++) got.push(text(await within(2000, sink.recv(), `message ${i}`))[0]!);
  assert.deepEqual(got.filter((m) => m.startsWith("f")), ["f0", "f1", "f2"], `in order: ${got}`);
  assert.deepEqual(got.filter((m) => m.startsWith("q")), ["q0", "q1", "q2"], `in order: ${got}`);
  for (let i = 1; i < got.length; i++) {
    assert.notEqual(got[i]![0], got[i - 1]![0], `served in turn: ${got}`);
  }
}

/** Sends `count` messages from `source` and returns how many each of `sinks` received. */
async function dealt(source: ZmqSocket, sinks: ZmqSocket[], count: number): Promise<number[]> {
  for (let i = 0; i < count; i++) await source.send(["job", String(i)]);
  const counts = sinks.map(() => 0);
  const seen = new Set<string>();
  for (let got = 0; got < count;) {
    let progress = false;
    for (const [which, sink] of sinks.entries()) {
      const msg = await recvWithin(sink, 20);
      if (msg === undefined) continue;
      assert.equal(text(msg)[0], "job", "frames unchanged");
      assert.equal(msg.length, 2, "frames unchanged");
      seen.add(text(msg)[1]!);
      counts[which]!++;
      got++;
      progress = true;
    }
    if (!progress) assert.fail(`only ${got} of ${count} messages arrived`);
  }
  assert.equal(seen.size, count, "each message exactly once");
  return counts;
}

for (const scheme of ["inproc", "tcp"] as const) {
  describe(`zmq pipeline and pair over ${scheme}`, () => {
    test(`a Push deals each message to one Pull, round robin, frames unchanged [ZMTP-PUSH-1]`, async () => {
      await using push = new Push();
      await using a = new Pull();
      await using b = new Pull();
      await link(scheme, push, a, b);
      assert.deepEqual(await dealt(push, [a, b], 6), [3, 3]);
    });

    test(`a Pull fair-queues its pushers: a flooding one cannot starve another [ZMTP-PULL-1]`, async () => {
      await using pull = new Pull();
      await using flood = new Push();
      await using quiet = new Push();
      await link(scheme, pull, flood, quiet);
      await servedInTurn(pull, flood, quiet);
    });

    test(`a Dealer deals round robin, frames unchanged, and fair-queues what comes back [ZMTP-DEALER-1] [ZMTP-DEALER-2]`, async () => {
      await using dealer = new Dealer();
      await using a = new Dealer();
      await using b = new Dealer();
      await link(scheme, dealer, a, b);
      assert.deepEqual(await dealt(dealer, [a, b], 6), [3, 3]);
      await servedInTurn(dealer, a, b);
    });

    test(`a Pair talks both ways with its one peer, frames unchanged [ZMTP-PAIR-1]`, async () => {
      await using a = new Pair();
      await using b = new Pair();
      await link(scheme, a, b);
      await b.send(["one", "", "three"]);
      assert.deepEqual(text(await within(2000, a.recv(), "to a")), ["one", "", "three"]);
      await a.send("back");
      assert.deepEqual(text(await within(2000, b.recv(), "to b")), ["back"]);
    });

    test(`a Pair refuses a second peer while it has one and takes a new one once the first is gone [ZMTP-PAIR-2]`, async () => {
      await using a = new Pair();
      await using first = new Pair();
      await using second = new Pair({ reconnectIvl: 20 });
      const url = await link(scheme, a, first);
      const rejected = a.monitor.next("rejected");
      await second.connect(url);
      const why = await within(5000, rejected, "rejected");
      assert.match(why.reason, /already has a peer/);
      await first.send("from first");
      assert.deepEqual(text(await within(2000, a.recv(), "first")), ["from first"]);
      assert.equal(a.stats.pipes, 1);
      // the second one keeps dialing and is taken once the first has gone
      const taken = a.monitor.next("accepted");
      await first.close({ linger: 0 });
      await within(5000, taken, "second taken");
      await second.send("from second");
      assert.deepEqual(text(await within(2000, a.recv(), "second")), ["from second"]);
    });

    // [sender with sendTimeout, sender that waits, its peer]; the id in brackets names the rule
    type Ends = [Push | Dealer | Pair, Push | Dealer | Pair, Pull | Dealer | Pair];
    const senders: Record<string, () => Ends> = {
      "Push [ZMTP-PUSH-2]": () => [new Push({ sendTimeout: 50 }), new Push(), new Pull()],
      "Dealer [ZMTP-DEALER-3]": () => [new Dealer({ sendTimeout: 50 }), new Dealer(), new Dealer()],
      "Pair [ZMTP-PAIR-3]": () => [new Pair({ sendTimeout: 50 }), new Pair(), new Pair()],
    };
    for (const [kind, make] of Object.entries(senders)) {
      const [name, id] = kind.split(" ");
      test(`a bound ${name} with no peer waits in send (ETIMEDOUT) and loses nothing: the message goes once a peer connects ${id}`, async () => {
        const [timed, waiting, peer] = make();
        await using _t = timed!;
        await using _w = waiting!;
        await using _p = peer!;
        await timed!.bind(address(scheme));
        await rejectsWith(timed!.send("lost"), "ETIMEDOUT");
        const { url } = await waiting!.bind(address(scheme));
        let done = false;
        const sent = waiting!.send(["kept", "whole"]).then(() => (done = true));
        await delay(30);
        assert.equal(done, false, "send still waits without a peer");
        await peer!.connect(url);
        await within(5000, sent, "send once a peer is there");
        assert.deepEqual(text(await within(2000, peer!.recv(), "kept")), ["kept", "whole"]);
      });
    }
  });
}

test("zmq.Push cannot receive and zmq.Pull cannot send (ENOTSUP) [ZMTP-PUSH-3] [ZMTP-PULL-2]", async () => {
  await using push = new Push();
  await using pull = new Pull();
  // @ts-expect-error: refused at compile time too (CORE-DIR-1); the run-time refusal is checked here
  await rejectsWith(push.recv(), "ENOTSUP");
  // @ts-expect-error: as above
  await rejectsWith(pull.send("x"), "ENOTSUP");
});
