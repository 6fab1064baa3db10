// Live interop of libzmq's queueing and routing options with libzmq 4.3.x through pyzmq (Debian's
// python3-zmq): edgemq's correlating REQ against a libzmq REP, ROUTER handover on either side,
// a conflating edgemq SUB fed by a libzmq publisher, and an edgemq PUSH that queues before a
// libzmq PULL binds. The pyzmq side is the small script below, run with `python3 -c`.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import process from "node:process";
import { until, within } from "../../testing/async.ts";
import { findPython, pyzmqLabel, PyzmqPeer } from "./_pyzmq.ts";
import { Dealer } from "../../protocols/zmtp/dealer.ts";
import { Pull } from "../../protocols/zmtp/pull.ts";
import { Push } from "../../protocols/zmtp/push.ts";
import { Req } from "../../protocols/zmtp/req.ts";
import { Router } from "../../protocols/zmtp/router.ts";
import type { Frames, ZmqSocket } from "../../protocols/zmtp/socket.ts";
import { Sub } from "../../protocols/zmtp/sub.ts";

// usage: -c SCRIPT <scenario> <endpoint>; prints "ENDPOINT <url>" when it binds, "READY", one
// line of "|"-joined hex frames per message it receives, and "DONE" at the end.
const SCRIPT = `
import sys, time, zmq
scenario, endpoint = sys.argv[1], sys.argv[2]
ctx = zmq.Context()
def say(*a): print(*a, flush=True)
def line(frames): say("|".join(f.hex() for f in frames))
def sock(kind, **opts):
    s = ctx.socket(kind)
    s.setsockopt(zmq.LINGER, 2000)
    s.setsockopt(zmq.RCVTIMEO, 10000)
    for k, v in opts.items(): s.setsockopt(getattr(zmq, k), v)
    return s
def bound(s):
    s.bind(endpoint)
    say("ENDPOINT", s.getsockopt(zmq.LAST_ENDPOINT).decode())
if scenario == "rep":
    s = sock(zmq.REP); bound(s); say("READY")
    for _ in range(3):
        m = s.recv_multipart(); line(m); s.send_multipart(m + [b"!"])
elif scenario == "router-handover":
    s = sock(zmq.ROUTER, ROUTER_HANDOVER=1); bound(s); say("READY")
    for _ in range(2): line(s.recv_multipart())
    s.send_multipart([b"w", b"to w"])
elif scenario == "dealers-same-id":
    say("READY")
    d1 = sock(zmq.DEALER, ROUTING_ID=b"w", RECONNECT_IVL=-1); d1.connect(endpoint)
    d1.send(b"one"); time.sleep(0.3)
    d2 = sock(zmq.DEALER, ROUTING_ID=b"w"); d2.connect(endpoint)
    d2.send(b"two")
    say("D2", d2.recv().decode())
    say("D1", d1.recv().decode() if d1.poll(300) else "NOTHING")
elif scenario == "xpub-burst":
    s = sock(zmq.XPUB); bound(s); say("READY")
    say("SUB", s.recv().hex())
    for i in range(100): s.send(b"m%d" % i)
    say("SENT")
    time.sleep(1)
elif scenario == "pull-late":
    s = sock(zmq.PULL); bound(s); say("READY")
    for _ in range(3): line(s.recv_multipart())
else:
    sys.exit(64)
say("DONE")
`;

const python = findPython();
const LIBZMQ = pyzmqLabel(python);
const ci = process.env.CI === "true";
if (python === undefined) {
  console.warn(
    "SKIPPED: zmq options pyzmq interop: no python3 with the zmq module (apt install python3-zmq)",
  );
}

const dec = new TextDecoder();
const text = (frames: Frames): string[] => frames.map((f) => dec.decode(f));
function unhex(h: string): string {
  let s = "";
  for (let i = 0; i < h.length; i += 2) s += String.fromCharCode(parseInt(h.slice(i, i + 2), 16));
  return s;
}

/** One running pyzmq peer (the inline SCRIPT above, one scenario). */
class PyPeer extends PyzmqPeer {
  constructor(scenario: string, endpoint: string) {
    super(python!, ["-c", SCRIPT, scenario, endpoint]);
  }

  /** The bound endpoint it printed. */
  async endpoint(): Promise<string> {
    return (await this.line("ENDPOINT ")).slice("ENDPOINT ".length);
  }

  /** The messages it printed (lines of hex frames), as strings. */
  get messages(): string[][] {
    return this.lines.filter((l) => /^[0-9a-f|]+$/.test(l)).map((l) => l.split("|").map(unhex));
  }

  /** Stops it if still running and waits for it. */
  async stop(): Promise<void> {
    await this.kill();
  }
}

/** Runs `body` with a pyzmq scenario, then stops the peer and closes the sockets. */
async function withPeer(
  scenario: string,
  endpoint: string,
  sockets: ZmqSocket[],
  body: (peer: PyPeer) => Promise<void>,
): Promise<PyPeer> {
  const peer = new PyPeer(scenario, endpoint);
  try {
    await within(20000, body(peer), `${scenario} with pyzmq`);
    return peer;
  } finally {
    await peer.stop();
    for (const s of sockets) await s.close({ linger: 0 });
  }
}

describe(`zmq socket options interop with pyzmq (${LIBZMQ})`, {
  skip: python === undefined && !ci,
}, () => {
  if (python === undefined) {
    test("pyzmq is installed when CI is true [ZMTP-OPTS-INTEROP-1]", () => {
      assert.fail("python3-zmq is missing on CI");
    });
    return;
  }

  test("a correlating, relaxed zmq.Req drops a libzmq REP's late reply to an abandoned request [ZMTP-OPTS-INTEROP-1] [ZMTP-CORRELATE-3]", async () => {
    const req = new Req({ correlate: true, relaxed: true });
    const peer = await withPeer("rep", "tcp://127.0.0.1:*", [req], async (peer) => {
      await req.connect(await peer.endpoint());
      await req.send("a");
      await req.send("b"); // abandons "a"; the REP answers both, in turn
      assert.deepEqual(text(await req.recv()), ["b", "!"]);
      await req.send("c");
      assert.deepEqual(text(await req.recv()), ["c", "!"]);
      await peer.done();
    });
    // libzmq's REP took the id frame as part of the envelope: its application saw bodies only
    assert.deepEqual(peer.messages, [["a"], ["b"], ["c"]]);
    assert.equal(req.stats.dropped, 1);
  });

  test("a libzmq ROUTER with ROUTER_HANDOVER hands an edgemq Dealer's id to a newcomer [ZMTP-OPTS-INTEROP-2]", async () => {
    const oldPeer = new Dealer({ routingId: "w", reconnectIvl: 60000 });
    const newPeer = new Dealer({ routingId: "w" });
    await withPeer("router-handover", "tcp://127.0.0.1:*", [oldPeer, newPeer], async (peer) => {
      const url = await peer.endpoint();
      await oldPeer.connect(url);
      await oldPeer.send("old");
      await until(() => peer.messages.length === 1, 10000);
      const dropped = oldPeer.monitor.next("disconnected");
      await newPeer.connect(url);
      await newPeer.send("new");
      assert.deepEqual(text(await within(10000, newPeer.recv(), "reply")), ["to w"]);
      await within(10000, dropped, "old peer disconnected");
      await peer.done();
      assert.deepEqual(peer.messages, [["w", "old"], ["w", "new"]]);
    });
  });

  test("an edgemq Router with handover gives a libzmq DEALER's id to the newcomer [ZMTP-OPTS-INTEROP-3] [ZMTP-HANDOVER-1]", async () => {
    const router = new Router({ handover: true });
    const { url } = await router.bind("tcp://127.0.0.1:0");
    const peer = await withPeer("dealers-same-id", url, [router], async (peer) => {
      assert.deepEqual(text(await router.recv()), ["w", "one"]);
      assert.deepEqual(text(await router.recv()), ["w", "two"]);
      await router.send(["w", "to the newcomer"]);
      await peer.done();
    });
    assert.ok(peer.lines.includes("D2 to the newcomer"), peer.lines.join(" / "));
    assert.ok(peer.lines.includes("D1 NOTHING"), peer.lines.join(" / "));
  });

  test("a conflating edgemq Sub fed by a libzmq publisher keeps only the newest message [ZMTP-OPTS-INTEROP-4] [ZMTP-CONFLATE-2]", async () => {
    const sub = new Sub({ conflate: true });
    sub.subscribe("m");
    await withPeer("xpub-burst", "tcp://127.0.0.1:*", [sub], async (peer) => {
      await sub.connect(await peer.endpoint());
      assert.equal(await peer.line("SUB "), "SUB 016d"); // \x01 "m"
      await peer.line("SENT");
      await until(() => sub.stats.dropped >= 99, 10000);
      assert.deepEqual(text(await sub.recv()), ["m99"]);
      assert.equal(sub.stats.rxMsgs, 1);
    });
  });

  test("an edgemq Push queues before a libzmq PULL binds and delivers once it does [ZMTP-OPTS-INTEROP-5] [ZMTP-IMMEDIATE-1]", async () => {
    const probe = new Pull();
    const { url } = await probe.bind("tcp://127.0.0.1:0");
    await probe.close({ linger: 0 });
    const push = new Push({ sendTimeout: 0, reconnectIvl: 20 });
    await push.connect(url);
    for (let i = 0; i < 3; i++) await push.send(["job", String(i)]); // nobody listens yet
    const peer = await withPeer("pull-late", url, [push], async (peer) => {
      await peer.done();
    });
    assert.deepEqual(peer.messages, [["job", "0"], ["job", "1"], ["job", "2"]]);
  });
});
