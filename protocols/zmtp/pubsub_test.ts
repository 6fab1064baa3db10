// zmq.Pub, zmq.Sub, zmq.XPub and zmq.XSub among edgemq sockets, over inproc and tcp.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { delay, until, within } from "../../testing/async.ts";
import { MqError } from "../errors.ts";
import { Pub } from "./pub.ts";
import { Sub } from "./sub.ts";
import { XPub } from "./xpub.ts";
import { XSub } from "./xsub.ts";
import type { Frames, ZmqSocket } from "./socket.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
// Frames as strings, so that Buffer views (Bun, Node) compare equal to Uint8Arrays.
const text = (frames: Frames): string[] => frames.map((f) => dec.decode(f));
/** A subscription message as XPUB reports it: "+topic" or "-topic". */
const note = (frames: Frames): string => {
  assert.equal(frames.length, 1);
  const f = frames[0]!;
  assert.ok(f[0] === 0 || f[0] === 1, `not a subscription message: ${[...f]}`);
  return (f[0] === 1 ? "+" : "-") + dec.decode(f.subarray(1));
};
const subMsg = (subscribe: boolean, topic: string): Uint8Array =>
  new Uint8Array([subscribe ? 1 : 0, ...enc.encode(topic)]);

let seq = 0;
type Scheme = "inproc" | "tcp";

function address(scheme: Scheme): string {
  return scheme === "tcp" ? "tcp://127.0.0.1:0" : `inproc://zmq-pubsub-${seq++}`;
}

/** Binds `a`, connects every other socket to it; returns once each is connected. */
async function link(scheme: Scheme, a: ZmqSocket, ...others: ZmqSocket[]): Promise<string> {
  const { url } = await a.bind(address(scheme));
  for (const b of others) {
    const connected = b.monitor.next("connected");
    await b.connect(url);
    await within(5000, connected, "connected");
  }
  return url;
}

const SYNC = "\u0000sync";

/** Receives within `ms`, or undefined (a timer of our own: the sanitizers see it cleared). */
async function recvFor(sock: ZmqSocket, ms: number): Promise<Frames | undefined> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  try {
    return await sock.recv({ signal: stop.signal });
  } catch (e) {
    if (stop.signal.aborted) return undefined;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until `sub` gets what `pub` publishes on `topic` (its subscription has arrived): publishes
 * probes `topic + SYNC` until one comes back. Read with `next`, which skips probes.
 */
async function synced(pub: ZmqSocket, sub: ZmqSocket, topic = ""): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await pub.send(topic + SYNC);
    if (await recvFor(sub, 20) !== undefined) return;
  }
  assert.fail(`subscription to "${topic}" never took effect`);
}

/** The next message that is not a probe. */
async function next(sub: ZmqSocket, ms = 2000): Promise<string[]> {
  while (true) {
    const got = text(await within(ms, sub.recv(), "message"));
    if (!got[0]!.endsWith(SYNC)) return got;
  }
}

/** True if `sub` receives nothing but probes for `ms`. */
async function silent(sub: ZmqSocket, ms = 60): Promise<boolean> {
  const end = Date.now() + ms;
  while (true) {
    const left = end - Date.now();
    if (left <= 0) return true;
    const got = await recvFor(sub, left);
    if (got === undefined) return true;
    if (!dec.decode(got[0]).endsWith(SYNC)) return false;
  }
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof MqError && e.code === code);
}

for (const scheme of ["inproc", "tcp"] as const) {
  describe(`zmq publish-subscribe over ${scheme}`, () => {
    test(`a Pub sends to the subscribers of a prefix of the first frame only [ZMTP-PS-1]`, async () => {
      await using pub = new Pub();
      await using a = new Sub();
      await using b = new Sub();
      await using all = new Sub();
      a.subscribe("A");
      b.subscribe(enc.encode("B"));
      all.subscribe("");
      await link(scheme, pub, a, b, all);
      await synced(pub, a, "A");
      await synced(pub, b, "B");
      await synced(pub, all);
      await pub.send(["Apple", "1"]);
      await pub.send(["Banana", "2"]);
      await pub.send(["Cherry", "3"]);
      await pub.send(["xA", "4"]); // the topic is a prefix, not a substring
      assert.deepEqual(await next(a), ["Apple", "1"]);
      assert.deepEqual(await next(b), ["Banana", "2"]);
      for (const want of [["Apple", "1"], ["Banana", "2"], ["Cherry", "3"], ["xA", "4"]]) {
        assert.deepEqual(await next(all), want);
      }
      assert.ok(await silent(a));
      assert.ok(await silent(b));
    });

    test(`unsubscribe stops a topic, and subscriptions are counted [ZMTP-PS-2]`, async () => {
      await using pub = new Pub();
      await using sub = new Sub();
      await link(scheme, pub, sub);
      sub.subscribe("t");
      sub.subscribe("t");
      await synced(pub, sub, "t");
      sub.unsubscribe("t"); // one reference left
      sub.unsubscribe("nothing"); // not subscribed: no effect, as in libzmq
      await delay(20);
      await pub.send("t1");
      assert.deepEqual(await next(sub), ["t1"]);
      sub.unsubscribe("t");
      // the cancel's arrival is not observable here: publish until it took effect
      let quiet = false;
      for (let i = 0; i < 50 && !quiet; i++) {
        await pub.send("t2");
        quiet = await silent(sub, 20);
      }
      assert.ok(quiet, "still receiving after the last unsubscribe");
      assert.ok(await silent(sub));
    });

    test(`a late publisher gets the subscriptions replayed [ZMTP-PS-3]`, async () => {
      await using sub = new Sub();
      await using pub1 = new Pub();
      await using pub2 = new Pub();
      sub.subscribe("x");
      sub.subscribe("y");
      sub.unsubscribe("y");
      const { url: u1 } = await pub1.bind(address(scheme));
      let connected = sub.monitor.next("connected");
      await sub.connect(u1);
      await within(5000, connected, "connected");
      await synced(pub1, sub, "x");
      // a second publisher, attached after the subscriptions were made
      const { url: u2 } = await pub2.bind(address(scheme));
      connected = sub.monitor.next("connected");
      await sub.connect(u2);
      await within(5000, connected, "connected");
      await synced(pub2, sub, "x");
      await pub2.send("y-not");
      await pub2.send("x-from-2");
      await pub1.send("x-from-1");
      const got = [(await next(sub))[0], (await next(sub))[0]].sort();
      assert.deepEqual(got, ["x-from-1", "x-from-2"]);
    });

    test(`a Sub filters what an unfiltering publisher sends, also after unsubscribe [ZMTP-PS-4]`, async () => {
      // a manual XPub that applies "" to its peer sends everything, as a ZMTP 3.0 publisher may
      await using xpub = new XPub({ manual: true });
      await using sub = new Sub();
      await link(scheme, xpub, sub);
      sub.subscribe("keep");
      assert.equal(note(await within(2000, xpub.recv(), "subscription")), "+keep");
      xpub.subscribe("");
      await synced(xpub, sub, "keep");
      await xpub.send("other");
      await xpub.send("keep-1");
      assert.deepEqual(await next(sub), ["keep-1"]);
      await until(() => sub.stats.dropped >= 1, 2000, "filtered");
      // queued messages of a cancelled topic are dropped at recv
      sub.subscribe("gone");
      assert.equal(note(await within(2000, xpub.recv(), "subscription")), "+gone");
      await xpub.send("gone-1");
      await delay(scheme === "tcp" ? 50 : 5);
      sub.unsubscribe("gone");
      await xpub.send("keep-2");
      assert.deepEqual(await next(sub), ["keep-2"]);
    });

    test(`a Pub never waits for a slow subscriber; it drops and counts [ZMTP-PS-5]`, async () => {
      await using pub = new Pub({ sendHwm: 10 });
      await using slow = new Sub({ recvHwm: 10 });
      slow.subscribe("");
      await link(scheme, pub, slow);
      await synced(pub, slow);
      const payload = new Uint8Array(scheme === "tcp" ? 65536 : 16);
      const total = scheme === "tcp" ? 1000 : 500;
      await within(
        5000,
        (async () => {
          for (let i = 0; i < total; i++) {
            await pub.send(["d", payload]);
            if (i % 50 === 49) await delay(1); // let I/O run: some copies get through
          }
        })(),
        "publishing",
      );
      assert.equal(pub.stats.txMsgs >= total, true);
      assert.ok(pub.stats.dropped > 0, `nothing dropped (${pub.stats.dropped})`);
      let got = 0;
      while (!(await silent(slow, 100))) got++;
      assert.ok(got > 0 && got < total, `slow subscriber got ${got} of ${total}`);
    });

    test(`Pub cannot recv, Sub cannot send, topics must be bytes or strings [ZMTP-PS-6]`, async () => {
      await using pub = new Pub();
      await using sub = new Sub();
      // @ts-expect-error: the type checker refuses this recv (CORE-DIR-1); JavaScript gets ENOTSUP
      await rejectsWith(pub.recv(), "ENOTSUP");
      // @ts-expect-error: the type checker refuses this send (CORE-DIR-1); JavaScript gets ENOTSUP
      await rejectsWith(sub.send("x"), "ENOTSUP");
      assert.throws(
        () => sub.subscribe(42 as unknown as string),
        (e) => e instanceof MqError && e.code === "EINVAL",
      );
      assert.throws(
        () => new XPub({ verbose: "yes" as unknown as boolean }),
        (e) => e instanceof MqError && e.code === "EINVAL",
      );
      assert.throws(
        () => new XPub({ welcomeMessage: 7 as unknown as string }),
        (e) => e instanceof MqError && e.code === "EINVAL",
      );
      await sub.close();
      assert.throws(() => sub.subscribe("x"), (e) => e instanceof MqError && e.code === "ECLOSED");
    });

    test(`an XPub reports the first subscribe and the last cancel of a topic [ZMTP-XPUB-1]`, async () => {
      await using xpub = new XPub();
      await using a = new Sub();
      await using b = new Sub();
      await link(scheme, xpub, a, b);
      a.subscribe("t");
      assert.equal(note(await within(2000, xpub.recv(), "first")), "+t");
      b.subscribe("t");
      a.subscribe("u");
      assert.equal(note(await within(2000, xpub.recv(), "u")), "+u"); // b's "+t" was not reported
      a.unsubscribe("t");
      a.unsubscribe("u");
      assert.equal(note(await within(2000, xpub.recv(), "-u")), "-u"); // b still holds t
      b.unsubscribe("t");
      assert.equal(note(await within(2000, xpub.recv(), "-t")), "-t");
      await xpub.send("t-none");
      assert.ok(await silent(a));
      assert.ok(await silent(b));
    });

    test(`a verbose XPub reports every subscribe [ZMTP-XPUB-1]`, async () => {
      await using xpub = new XPub({ verbose: true });
      await using a = new Sub();
      await using b = new Sub();
      await link(scheme, xpub, a, b);
      a.subscribe("t");
      assert.equal(note(await within(2000, xpub.recv(), "a")), "+t");
      b.subscribe("t");
      assert.equal(note(await within(2000, xpub.recv(), "b")), "+t");
      a.subscribe("t"); // counted at the Sub, and passed on
      assert.equal(note(await within(2000, xpub.recv(), "a again")), "+t");
      a.unsubscribe("t");
      a.unsubscribe("t");
      b.unsubscribe("t");
      assert.equal(note(await within(2000, xpub.recv(), "cancel")), "-t");
      assert.ok(await silent(xpub));
    });

    test(`a manual XPub applies only what the application subscribes [ZMTP-XPUB-2]`, async () => {
      await using xpub = new XPub({ manual: true });
      await using sub = new Sub();
      await link(scheme, xpub, sub);
      sub.subscribe("ask");
      assert.equal(note(await within(2000, xpub.recv(), "sub")), "+ask");
      await xpub.send("ask-1"); // not applied: nothing goes out
      xpub.subscribe("ask/granted");
      await synced(xpub, sub, "ask/granted");
      await xpub.send("ask-2");
      await xpub.send("ask/granted-3");
      assert.deepEqual(await next(sub), ["ask/granted-3"]);
      sub.unsubscribe("ask");
      assert.equal(note(await within(2000, xpub.recv(), "cancel")), "-ask");
      xpub.unsubscribe("ask/granted");
      await xpub.send("ask/granted-4");
      assert.ok(await silent(sub));
    });

    test(`an XPub sends its welcome message to each new subscriber [ZMTP-XPUB-3]`, async () => {
      await using xpub = new XPub({ welcomeMessage: "WELCOME" });
      await using a = new Sub();
      await using b = new Sub();
      a.subscribe("WELCOME");
      b.subscribe("W");
      await link(scheme, xpub, a, b);
      assert.deepEqual(await next(a), ["WELCOME"]);
      assert.deepEqual(await next(b), ["WELCOME"]);
      await using xsub = new XSub(); // XSUB does not filter: it gets it unsubscribed
      const connected = xsub.monitor.next("connected");
      await xsub.connect(await xpubUrl(xpub, scheme));
      await within(5000, connected, "connected");
      assert.deepEqual(text(await within(2000, xsub.recv(), "welcome")), ["WELCOME"]);
    });

    test(`an XPub reports the cancels of a subscriber that leaves [ZMTP-XPUB-4]`, async () => {
      await using xpub = new XPub();
      await using stay = new Sub();
      const leave = new Sub();
      await link(scheme, xpub, stay, leave);
      stay.subscribe("shared");
      leave.subscribe("shared");
      leave.subscribe("own");
      const got = new Set<string>();
      for (let i = 0; i < 2; i++) got.add(note(await within(2000, xpub.recv(), "sub")));
      assert.deepEqual([...got].sort(), ["+own", "+shared"]);
      await leave.close();
      assert.equal(note(await within(2000, xpub.recv(), "cancel")), "-own");
      assert.ok(await silent(xpub, 100)); // "shared" is still held
      await until(() => xpub.stats.pipes === 1, 2000, "pipe gone");
    });

    test(`an XPub receives what an XSub sends upstream [ZMTP-XPUB-5] [ZMTP-XSUB-1]`, async () => {
      await using xpub = new XPub();
      await using xsub = new XSub();
      await link(scheme, xpub, xsub);
      await xsub.send(subMsg(true, "a"));
      assert.equal(note(await within(2000, xpub.recv(), "sub")), "+a");
      await xsub.send(["up", "stream"]);
      assert.deepEqual(text(await within(2000, xpub.recv(), "upstream")), ["up", "stream"]);
      await xsub.send([new Uint8Array([2, 65])]); // first byte 2: not a subscription
      assert.deepEqual([...(await within(2000, xpub.recv(), "byte 2"))[0]!], [2, 65]);
    });

    test(`an XSub subscribes by message, counted, and receives unfiltered [ZMTP-XSUB-1]`, async () => {
      await using xpub = new XPub({ verbose: true });
      await using xsub = new XSub();
      await link(scheme, xpub, xsub);
      await xsub.send(subMsg(true, "k"));
      await xsub.send(subMsg(true, "k"));
      assert.equal(note(await within(2000, xpub.recv(), "sub 1")), "+k");
      assert.equal(note(await within(2000, xpub.recv(), "sub 2")), "+k");
      await xsub.send(subMsg(false, "k")); // one reference left: not passed on
      assert.ok(await silent(xpub));
      await xsub.send(subMsg(false, "k"));
      assert.equal(note(await within(2000, xpub.recv(), "cancel")), "-k");
      // not manual: applying by hand is refused (libzmq: EINVAL)
      assert.throws(() => xpub.subscribe("x"), (e) => e instanceof MqError && e.code === "EINVAL");
      await xpub.send("nobody");
      assert.ok(await silent(xsub));
    });

    test(`an XSub replays its subscriptions to a late publisher [ZMTP-XSUB-2]`, async () => {
      await using xsub = new XSub();
      await xsub.send(subMsg(true, "early"));
      await xsub.send(subMsg(true, "gone"));
      await xsub.send(subMsg(false, "gone"));
      await using xpub = new XPub();
      await link(scheme, xpub, xsub);
      assert.equal(note(await within(2000, xpub.recv(), "replay")), "+early");
      assert.ok(await silent(xpub));
    });

    test(`an XSub-XPub forwarder carries subscriptions up and messages down [ZMTP-XSUB-3]`, async () => {
      await using pub = new Pub();
      await using xsub = new XSub();
      await using xpub = new XPub();
      await using sub = new Sub();
      await link(scheme, pub, xsub);
      await link(scheme, xpub, sub);
      const stop = new AbortController();
      const pump = async (from: ZmqSocket, to: ZmqSocket): Promise<void> => {
        try {
          while (true) await to.send(await from.recv({ signal: stop.signal }));
        } catch { /* stopped */ }
      };
      const pumps = [pump(xpub, xsub), pump(xsub, xpub)];
      try {
        sub.subscribe("fw");
        await synced(pub, sub, "fw");
        await pub.send(["fw", "through"]);
        await pub.send(["no", "match"]);
        assert.deepEqual(await next(sub), ["fw", "through"]);
        assert.ok(await silent(sub));
      } finally {
        stop.abort();
        await Promise.all(pumps);
      }
    });
  });
}

/** The url an XPub bound first (re-bound for the welcome test's third peer). */
async function xpubUrl(xpub: XPub, scheme: Scheme): Promise<string> {
  return (await xpub.bind(address(scheme))).url;
}
