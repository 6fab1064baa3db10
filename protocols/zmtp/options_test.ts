// libzmq's queueing and routing options on edgemq's ZMTP sockets: REQ `correlate`, ROUTER
// `handover`, `immediate` (REQ, DEALER, PUSH) and `conflate` (PULL, PUSH, DEALER, SUB), among
// edgemq sockets over inproc and tcp.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { delay, until, within } from "../../testing/async.ts";
import { MqError } from "../errors.ts";
import { Dealer } from "./dealer.ts";
import { Pub } from "./pub.ts";
import { Pull } from "./pull.ts";
import { Push } from "./push.ts";
import { Rep } from "./rep.ts";
import { Req } from "./req.ts";
import { Router } from "./router.ts";
import type { Frames, ZmqSocket } from "./socket.ts";
import { Sub } from "./sub.ts";
import { Pair } from "./pair.ts";
import { Channel } from "./channel.ts";
import { Client } from "./client.ts";
import { Gather } from "./gather.ts";
import { Scatter } from "./scatter.ts";
import { Server } from "./server.ts";

const dec = new TextDecoder();
const text = (frames: Frames): string[] => frames.map((f) => dec.decode(f));
const bytes = (f: Uint8Array): number[] => [...f];

let seq = 0;
type Scheme = "inproc" | "tcp";

function address(scheme: Scheme): string {
  return scheme === "tcp" ? "tcp://127.0.0.1:0" : `inproc://zmq-options-${seq++}`;
}

/** Binds `a`, connects every other socket to it; returns once each one is connected. */
async function link(scheme: Scheme, a: ZmqSocket, ...others: ZmqSocket[]): Promise<string> {
  const { url } = await a.bind(address(scheme));
  for (const b of others) {
    const connected = b.monitor.next("connected");
    await b.connect(url);
    await within(5000, connected, "connected");
  }
  return url;
}

async function rejectsWith(p: Promise<unknown>, code: string, text?: RegExp): Promise<void> {
  await assert.rejects(
    p,
    (e: unknown) => e instanceof MqError && e.code === code && (text?.test(e.message) ?? true),
  );
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

/** True if the send went through within `ms`. */
async function sentWithin(sock: ZmqSocket, msg: string, ms: number): Promise<boolean> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  try {
    await sock.send(msg, { signal: stop.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Binds `sock` to `url`, retrying a while (a tcp port may stay busy a moment after a close). */
async function bindSoon(sock: ZmqSocket, url: string): Promise<void> {
  for (let i = 0;; i++) {
    try {
      await sock.bind(url);
      return;
    } catch (e) {
      if (i >= 50) throw e;
      await delay(20);
    }
  }
}

/** A tcp URL on a free loopback port nobody listens on (yet). */
async function freeTcpUrl(): Promise<string> {
  const probe = new Pull();
  const { url } = await probe.bind("tcp://127.0.0.1:0");
  await probe.close({ linger: 0 });
  return url;
}

describe("zmq socket options: validation", () => {
  test("boolean options reject non-booleans with EINVAL naming them [ZMTP-OPTS-1]", () => {
    const bad = 1 as unknown as boolean;
    const name = (n: string): (e: unknown) => boolean => (e: unknown) =>
      e instanceof MqError && e.code === "EINVAL" && e.message.includes(n);
    assert.throws(() => new Req({ correlate: bad }), name("correlate"));
    assert.throws(() => new Req({ immediate: bad }), name("immediate"));
    assert.throws(() => new Router({ handover: bad }), name("handover"));
    assert.throws(() => new Dealer({ immediate: bad }), name("immediate"));
    assert.throws(() => new Dealer({ conflate: bad }), name("conflate"));
    assert.throws(() => new Push({ immediate: bad }), name("immediate"));
    assert.throws(() => new Push({ conflate: bad }), name("conflate"));
    assert.throws(() => new Pull({ conflate: bad }), name("conflate"));
    assert.throws(() => new Sub({ conflate: bad }), name("conflate"));
    // options a socket type does not have are unknown
    assert.throws(() => new Pull({ immediate: true } as never), name("immediate"));
    assert.throws(() => new Router({ conflate: true } as never), name("conflate"));
  });
});

for (const scheme of ["inproc", "tcp"] as const) {
  describe(`zmq socket options over ${scheme}`, () => {
    // ---- REQ correlate ------------------------------------------------------------------------

    test(`a correlating Req puts a 4-byte request id, one higher each time, before the delimiter [ZMTP-CORRELATE-1]`, async () => {
      await using router = new Router();
      await using req = new Req({ correlate: true });
      await link(scheme, router, req);
      let last: number | undefined;
      for (let i = 0; i < 3; i++) {
        await req.send(["q", String(i)]);
        const [peer, id, delimiter, ...body] = await within(2000, router.recv(), "request");
        assert.equal(id!.length, 4);
        assert.equal(delimiter!.length, 0);
        assert.deepEqual(text(body), ["q", String(i)]);
        const value = new DataView(id!.buffer, id!.byteOffset, 4).getUint32(0);
        if (last !== undefined) assert.equal(value, (last + 1) >>> 0);
        last = value;
        await router.send([peer!, id!, delimiter!, "a", String(i)]);
        assert.deepEqual(text(await within(2000, req.recv(), "reply")), ["a", String(i)]);
      }
    });

    test(`a correlating Req accepts only the reply with the current id; relaxed, a late reply to an abandoned request is dropped [ZMTP-CORRELATE-2]`, async () => {
      await using router = new Router();
      await using req = new Req({ correlate: true, relaxed: true });
      await link(scheme, router, req);
      await req.send("first");
      const first = await within(2000, router.recv(), "first request");
      await req.send("second"); // abandons the first
      const second = await within(2000, router.recv(), "second request");
      assert.notDeepEqual(bytes(first[1]!), bytes(second[1]!));
      // the late reply to the first request, a reply without the id frame, then the right one
      await router.send([first[0]!, first[1]!, first[2]!, "late"]);
      await router.send([second[0]!, second[2]!, "no id"]);
      await router.send([second[0]!, second[1]!, second[2]!, "right"]);
      assert.deepEqual(text(await within(2000, req.recv(), "reply")), ["right"]);
      assert.equal(req.stats.dropped, 2);
      // without correlate, the same late reply would have been taken for the second request's
      await using plain = new Req({ relaxed: true });
      const url = (await router.bind(address(scheme))).url;
      const connected = plain.monitor.next("connected");
      await plain.connect(url);
      await within(5000, connected, "connected");
      await plain.send("first");
      const p1 = await within(2000, router.recv(), "first request");
      await plain.send("second");
      await within(2000, router.recv(), "second request");
      await router.send([p1[0]!, p1[1]!, "late"]);
      assert.deepEqual(text(await within(2000, plain.recv(), "reply")), ["late"]);
    });

    test(`a correlating Req talks to a Rep, which echoes the id in its envelope [ZMTP-CORRELATE-3]`, async () => {
      await using rep = new Rep();
      await using req = new Req({ correlate: true, relaxed: true });
      await link(scheme, rep, req);
      for (let i = 0; i < 3; i++) {
        await req.send(String(i));
        const request = await within(2000, rep.recv(), "request");
        await rep.send([...request, "!"]);
        assert.deepEqual(text(await within(2000, req.recv(), "reply")), [String(i), "!"]);
      }
    });

    // ---- ROUTER handover ----------------------------------------------------------------------

    test(`with handover a peer announcing a taken Identity takes it over and the old peer is disconnected [ZMTP-HANDOVER-1]`, async () => {
      await using router = new Router({ handover: true });
      // the old peer must not come straight back and take the id again
      await using oldPeer = new Dealer({ routingId: "w", reconnectIvl: 60000 });
      await using newPeer = new Dealer({ routingId: "w" });
      const url = await link(scheme, router, oldPeer);
      await oldPeer.send("from old");
      await delay(30); // let it arrive and wait unread
      const dropped = oldPeer.monitor.next("disconnected");
      const connected = newPeer.monitor.next("connected");
      await newPeer.connect(url);
      await within(5000, connected, "new peer connected");
      await within(5000, dropped, "old peer disconnected");
      await newPeer.send("from new");
      const got = [await within(2000, router.recv()), await within(2000, router.recv())];
      const fromOld = got.find((m) => dec.decode(m[1]) === "from old")!;
      const fromNew = got.find((m) => dec.decode(m[1]) === "from new")!;
      // the old peer's queued message came with a fresh generated id; the new one owns "w"
      assert.equal(fromOld[0]!.length, 5);
      assert.equal(fromOld[0]![0], 0);
      assert.deepEqual(text([fromNew[0]!]), ["w"]);
      await router.send(["w", "to w"]);
      assert.deepEqual(text(await within(2000, newPeer.recv(), "reply")), ["to w"]);
    });

    test(`without handover the newcomer stays anonymous and the first peer keeps the id [ZMTP-HANDOVER-2]`, async () => {
      await using router = new Router();
      await using first = new Dealer({ routingId: "w" });
      await using second = new Dealer({ routingId: "w" });
      await link(scheme, router, first, second);
      await second.send("ignored");
      await first.send("kept");
      assert.deepEqual(text(await within(2000, router.recv())), ["w", "kept"]);
      await router.send(["w", "to w"]);
      assert.deepEqual(text(await within(2000, first.recv(), "reply")), ["to w"]);
      assert.equal(await recvWithin(second, 50), undefined);
      assert.equal(router.stats.dropped, 1);
    });

    // ---- immediate ----------------------------------------------------------------------------

    for (const kind of ["Push", "Dealer"] as const) {
      test(`by default a connecting ${kind} takes sends before the connection exists, up to sendHwm, and delivers them in order [ZMTP-IMMEDIATE-1]`, async () => {
        const url = scheme === "tcp" ? await freeTcpUrl() : address(scheme);
        const options = { sendHwm: 3, sendTimeout: 0, reconnectIvl: 20 };
        await using sender = kind === "Push" ? new Push(options) : new Dealer(options);
        await sender.connect(url);
        for (let i = 0; i < 3; i++) await sender.send(String(i)); // no peer yet: queued
        await rejectsWith(sender.send("3"), "ETIMEDOUT"); // the endpoint's queue is full
        await using receiver = kind === "Push" ? new Pull() : new Dealer();
        await bindSoon(receiver, url);
        for (let i = 0; i < 3; i++) {
          assert.deepEqual(text(await within(5000, receiver.recv(), `message ${i}`)), [String(i)]);
        }
      });
    }

    test(`a connecting Req sends its request before the connection exists and gets the reply [ZMTP-IMMEDIATE-1]`, async () => {
      const url = scheme === "tcp" ? await freeTcpUrl() : address(scheme);
      await using req = new Req({ sendTimeout: 0, reconnectIvl: 20 });
      await req.connect(url);
      await req.send("early");
      await using rep = new Rep();
      await bindSoon(rep, url);
      const request = await within(5000, rep.recv(), "request");
      await rep.send([...request, "!"]);
      assert.deepEqual(text(await within(2000, req.recv(), "reply")), ["early", "!"]);
    });

    test(`with immediate a connecting socket's send waits for a completed connection [ZMTP-IMMEDIATE-2]`, async () => {
      const url = scheme === "tcp" ? await freeTcpUrl() : address(scheme);
      for (const sender of [new Push({ immediate: true }), new Dealer({ immediate: true })]) {
        await using _s = sender;
        await sender.connect(url);
        assert.equal(await sentWithin(sender, "x", 50), false);
        assert.equal(sender.stats.txMsgs, 0);
      }
      await using req = new Req({ immediate: true, sendTimeout: 30 });
      await req.connect(url);
      await rejectsWith(req.send("x"), "ETIMEDOUT");
    });

    test(`round robin counts a connecting endpoint's queue unless immediate, as in libzmq [ZMTP-IMMEDIATE-3]`, async () => {
      const down = scheme === "tcp" ? await freeTcpUrl() : address(scheme);
      for (const immediate of [false, true]) {
        await using pull = new Pull();
        await using push = new Push({ immediate, reconnectIvl: 20 });
        await link(scheme, pull, push);
        await push.connect(down); // nobody listens there
        for (let i = 0; i < 4; i++) await within(2000, push.send(String(i)), "send");
        const got: string[] = [];
        for (let m; (m = await recvWithin(pull, 100)) !== undefined;) got.push(dec.decode(m[0]));
        assert.equal(got.length, immediate ? 4 : 2, `immediate ${immediate}: got ${got}`);
        await push.close({ linger: 0 });
      }
    });

    test(`without immediate, messages sent while a connection is re-made wait for it [ZMTP-IMMEDIATE-4] [ZMTP-RECONNECT-1]`, async () => {
      await using push = new Push({ reconnectIvl: 20, sendTimeout: 0 });
      const first = new Pull();
      const { url } = await first.bind(address(scheme));
      const connected = push.monitor.next("connected");
      await push.connect(url);
      const pipe = (await within(5000, connected, "connected")).pipe;
      await push.send("before");
      assert.deepEqual(text(await within(2000, first.recv())), ["before"]);
      const gone = push.monitor.next("disconnected");
      await first.close({ linger: 0 });
      assert.equal((await within(5000, gone, "disconnected")).pipe, pipe);
      await push.send("during 1");
      await push.send("during 2");
      await using second = new Pull();
      const again = push.monitor.next("connected");
      await bindSoon(second, url);
      assert.equal((await within(5000, again, "reconnected")).pipe, pipe); // the same pipe
      assert.deepEqual(text(await within(2000, second.recv())), ["during 1"]);
      assert.deepEqual(text(await within(2000, second.recv())), ["during 2"]);
      assert.equal(push.stats.pipes, 1);
    });

    // PAIR and the drafts that connect to send: [sender, its receiving partner], typed as the
    // family's base class (which may send and receive) as the loop uses them both ways
    const queueing: Record<string, (o: { immediate?: boolean }) => ZmqSocket[]> = {
      Pair: (o: { immediate?: boolean }) => [new Pair(o), new Pair()],
      Client: (o: { immediate?: boolean }) => [new Client(o), new Server()],
      Scatter: (o: { immediate?: boolean }) => [new Scatter(o), new Gather()],
      Channel: (o: { immediate?: boolean }) => [new Channel(o), new Channel()],
    };
    for (const [kind, make] of Object.entries(queueing)) {
      test(`a connecting ${kind} queues before the connection exists unless immediate [ZMTP-IMMEDIATE-6]`, async () => {
        const url = scheme === "tcp" ? await freeTcpUrl() : address(scheme);
        const [eager, receiver] = make({ immediate: false });
        const [strict] = make({ immediate: true });
        await using _a = eager!;
        await using _b = receiver!;
        await using _c = strict!;
        await strict!.connect(scheme === "tcp" ? await freeTcpUrl() : address(scheme));
        assert.equal(await sentWithin(strict!, "x", 50), false, "immediate: send waits");
        await eager!.connect(url);
        await within(1000, eager!.send("early"), "queued send");
        await bindSoon(receiver!, url);
        const got = await within(5000, receiver!.recv(), "the early message");
        assert.equal(dec.decode(got[got.length - 1]), "early");
      });
    }

    // tcp only: an inproc connect is done before connect() returns
    if (scheme === "tcp") {
      test(`a Router, with or without immediate, can address a peer it connects to only once the handshake told its id [ZMTP-IMMEDIATE-7]`, async () => {
        for (const immediate of [false, true]) {
          await using dealer = new Dealer({ routingId: "d" });
          await using router = new Router({ immediate, mandatory: true });
          const { url } = await dealer.bind(address(scheme));
          const connected = router.monitor.next("connected");
          const endpoint = router.connect(url);
          await rejectsWith(router.send(["d", "too early"]), "EHOSTUNREACH");
          await endpoint;
          await within(5000, connected, "connected");
          await router.send(["d", "now"]);
          assert.deepEqual(text(await within(2000, dealer.recv(), "now")), ["now"]);
        }
      });
    }

    test(`disconnect(url) drops an endpoint's queue and stops reconnecting; unbind(url) stops accepting; unknown URLs are ENOENT [ZMTP-IMMEDIATE-8]`, async () => {
      const url = scheme === "tcp" ? await freeTcpUrl() : address(scheme);
      await using push = new Push({ sendTimeout: 0, reconnectIvl: 20 });
      await push.connect(url);
      await push.send("dropped");
      await push.disconnect(url);
      await rejectsWith(push.disconnect(url), "ENOENT");
      await using pull = new Pull();
      const { url: bound } = await pull.bind(url);
      assert.equal(await recvWithin(pull, 200), undefined, "the queue went with the endpoint");
      assert.equal(pull.stats.pipes, 0, "no reconnect");
      await pull.unbind(bound);
      await rejectsWith(pull.unbind(bound), "ENOENT");
      await using late = new Push({ immediate: true, reconnectIvl: 20 });
      await late.connect(bound);
      assert.equal(await sentWithin(late, "x", 200), false, "nobody listens any more");
    });

    test(`closing with queued messages for an endpoint nobody listens on waits at most linger [ZMTP-IMMEDIATE-5]`, async () => {
      const url = scheme === "tcp" ? await freeTcpUrl() : address(scheme);
      const push = new Push({ sendTimeout: 0 });
      await push.connect(url);
      await push.send("stuck");
      const start = Date.now();
      await push.close({ linger: 100 });
      const took = Date.now() - start;
      assert.ok(took >= 90 && took < 2000, `close took ${took} ms`);
      const quick = new Push({ sendTimeout: 0 });
      await quick.connect(url);
      await quick.send("stuck");
      const t0 = Date.now();
      await quick.close({ linger: 0 });
      assert.ok(Date.now() - t0 < 500);
    });

    test(`a message queued for a peer that comes up while close() lingers is delivered [ZMTP-IMMEDIATE-9]`, async () => {
      const url = scheme === "tcp" ? await freeTcpUrl() : address(scheme);
      const push = new Push({ reconnectIvl: 20 });
      await push.connect(url);
      await push.send("sent before the peer was up");
      await using pull = new Pull();
      const closing = push.close({ linger: 3000 });
      await pull.bind(url); // the peer comes up while close() lingers
      const [frame] = await within(3000, pull.recv(), "the lingering message");
      assert.equal(new TextDecoder().decode(frame!), "sent before the peer was up");
      await closing;
    });

    // ---- conflate -----------------------------------------------------------------------------

    test(`a conflating Pull keeps only the newest message of its peer [ZMTP-CONFLATE-1]`, async () => {
      await using pull = new Pull({ conflate: true, recvHwm: 2 });
      await using push = new Push();
      await link(scheme, pull, push);
      for (let i = 0; i < 20; i++) await push.send(String(i));
      await until(() => pull.stats.dropped === 19, 5000);
      assert.deepEqual(text(await within(2000, pull.recv())), ["19"]);
      assert.equal(await recvWithin(pull, 30), undefined);
      assert.equal(pull.stats.rxMsgs, 1);
      await push.send("20");
      assert.deepEqual(text(await within(2000, pull.recv())), ["20"]);
    });

    test(`a conflating Sub keeps only the newest matching message [ZMTP-CONFLATE-2]`, async () => {
      await using pub = new Pub();
      await using sub = new Sub({ conflate: true });
      sub.subscribe("t");
      await link(scheme, pub, sub);
      // wait for the subscription to reach the publisher, then drain the probes
      for (let i = 0; i < 100; i++) {
        await pub.send("t-probe");
        if (await recvWithin(sub, 20) !== undefined) break;
      }
      await delay(30);
      while (await recvWithin(sub, 10) !== undefined);
      const before = sub.stats.dropped;
      for (let i = 0; i < 10; i++) {
        await pub.send(`t${i}`);
        await pub.send(`other${i}`);
      }
      await until(() => sub.stats.dropped - before >= 9, 5000);
      assert.deepEqual(text(await within(2000, sub.recv())), ["t9"]);
    });

    test(`a conflating Push or Dealer never waits: only the newest message waits for a peer [ZMTP-CONFLATE-3]`, async () => {
      for (const kind of ["Push", "Dealer"] as const) {
        const options = { conflate: true, reconnectIvl: 20 };
        await using sender = kind === "Push" ? new Push(options) : new Dealer(options);
        const url = scheme === "tcp" ? await freeTcpUrl() : address(scheme);
        await sender.connect(url);
        for (let i = 0; i < 5; i++) await within(100, sender.send(String(i)), "send");
        await using receiver = kind === "Push" ? new Pull() : new Dealer();
        await bindSoon(receiver, url);
        assert.deepEqual(text(await within(5000, receiver.recv(), "newest")), ["4"]);
        assert.equal(await recvWithin(receiver, 50), undefined);
        assert.equal(receiver.stats.rxMsgs, 1);
        assert.equal(sender.stats.dropped, 4);
      }
    });

    // tcp only: over inproc nothing waits on the way, the receiving socket takes each message
    if (scheme === "tcp") {
      test(`a conflating Push, Dealer or Pub with a connected peer sends a burst as its first and newest messages [ZMTP-CONFLATE-5]`, async () => {
        const pairs = [
          () => [new Push({ conflate: true }), new Pull()] as const,
          () => [new Dealer({ conflate: true }), new Dealer()] as const,
          () => [new Pub({ conflate: true }), new Sub()] as const,
        ];
        for (const make of pairs) {
          const [sender, receiver] = make();
          await using _s = sender;
          await using _r = receiver;
          if (receiver instanceof Sub) receiver.subscribe("");
          await link(scheme, receiver, sender);
          if (sender instanceof Pub) {
            await until(() => sender.stats.pipes === 1, 2000, "subscriber attached");
            await delay(50); // the subscription travels
          }
          for (let i = 0; i < 1000; i++) await sender.send(String(i)); // one burst, no I/O between
          const got: string[] = [];
          for (let m; (m = await recvWithin(receiver, 200)) !== undefined;) {
            got.push(dec.decode(m[0]));
          }
          assert.equal(got.at(-1), "999", `${sender.constructor.name}: the newest arrives`);
          assert.ok(got.length < 10, `${sender.constructor.name}: conflated, got ${got.length}`);
          assert.equal(sender.stats.dropped, 1000 - got.length);
        }
        await using pub = new Pub({ conflate: true });
        await rejectsWith(pub.send(["x", "y"]), "ENOTSUP", /conflate/);
      });
    }

    test(`conflation is single-frame only: multipart sends are ENOTSUP, multipart receipts dropped [ZMTP-CONFLATE-4]`, async () => {
      await using a = new Dealer({ conflate: true });
      await using b = new Dealer();
      await link(scheme, a, b);
      await rejectsWith(a.send(["x", "y"]), "ENOTSUP", /conflate/);
      await using push = new Push({ conflate: true });
      await rejectsWith(push.send(["x", "y"]), "ENOTSUP");
      await b.send(["two", "frames"]);
      await b.send("one");
      assert.deepEqual(text(await within(2000, a.recv())), ["one"]);
      assert.equal(a.stats.dropped, 1);
      await a.send("back");
      assert.deepEqual(text(await within(2000, b.recv())), ["back"]);
    });
  });
}
