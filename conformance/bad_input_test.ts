/**
 * Bad input, from the network and from the caller. A raw client sends wrong
 * headers, garbage and lying length prefixes to a socket that also serves a
 * well-behaved peer: each bad connection must be closed with a reason in the
 * monitor, the good peer must go on as if nothing happened, and nothing may
 * be thrown into user code. Bad URLs and options must fail with EINVAL.
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { sp } from "../mod.ts";
import type { MonitorEvent } from "../protocols/monitor.ts";
import { delay, until, within } from "../testing/async.ts";
import { code, lengthPrefix, RawListener, RawPeer, spHeader, text, words } from "./_raw_sp.ts";

const REQ = 0x30;
const REP = 0x31;

/**
 * A Rep on tcp with a good Req connected and a recv already waiting; `attack`
 * runs a bad peer; afterwards the waiting recv must get the good request.
 */
async function withGoodPeer(
  options: ConstructorParameters<typeof sp.Rep>[0],
  attack: (url: string, rep: sp.Rep, events: MonitorEvent[]) => Promise<void>,
  transport: "tcp" | "ipc" = "tcp",
): Promise<void> {
  const rep = new sp.Rep(options);
  const good = new sp.Req();
  const events: MonitorEvent[] = [];
  rep.monitor.on((e) => events.push(e));
  try {
    const listenAt = transport === "tcp"
      ? "tcp://127.0.0.1:0"
      : `ipc:///tmp/edgemq-bad-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.ipc`;
    const { url } = await rep.listen(listenAt);
    const connected = good.monitor.next("connected");
    await good.dial(url);
    await within(2000, connected);
    await until(() => rep.stats.pipes === 1, 2000, "good peer attached");
    const waiting = rep.recv(); // user code waiting while the attack runs
    let waitingDone = false;
    waiting.then(() => (waitingDone = true), () => (waitingDone = true));
    await attack(url, rep, events);
    assert.equal(waitingDone, false, "the attack did not disturb the waiting recv");
    await good.send("good request");
    assert.equal(text(await within(2000, waiting)), "good request");
    await rep.send("good reply");
    assert.equal(text(await within(2000, good.recv())), "good reply");
    assert.equal(rep.stats.pipes, 1, "the good peer is still attached");
  } finally {
    await good.close();
    await rep.close();
  }
}

/** Dials, writes `bytes`, and expects edgemq to close the connection. */
async function sendAndExpectClose(url: string, bytes: Uint8Array): Promise<void> {
  const peer = await RawPeer.dial(url, null);
  peer.write(bytes);
  await peer.closedByPeer();
  await peer.close();
}

const BAD_HEADERS: [string, Uint8Array, RegExp][] = [
  ["a bad signature", new Uint8Array([0, 0x53, 0x51, 0, 0, REQ, 0, 0]), /signature/],
  ["a leading byte other than 0", new Uint8Array([1, 0x53, 0x50, 0, 0, REQ, 0, 0]), /signature/],
  ["version 1", new Uint8Array([0, 0x53, 0x50, 1, 0, REQ, 0, 0]), /version 1/],
  ["non-zero reserved bytes", new Uint8Array([0, 0x53, 0x50, 0, 0, REQ, 1, 1]), /reserved/],
  ["the wrong peer protocol", spHeader(0x50), /push0.*rep0|rep0.*push0/],
  ["its own protocol", spHeader(REP), /rep0/],
];

for (const [what, header, reason] of BAD_HEADERS) {
  test(`a peer whose header has ${what} is disconnected with a reason; others are unaffected [SP-TCP-6, SP-TCP-7, SP-TCP-8, SP-TCP-9, SP-TCP-16]`, async () => {
    await withGoodPeer({}, async (url, rep, events) => {
      const failed = rep.monitor.next("handshake-failed");
      await sendAndExpectClose(url, header);
      const e = await within(2000, failed);
      assert.match(e.reason, reason);
      assert.equal(events.filter((x) => x.type === "accepted").length, 1, "no pipe for it");
      assert.equal(rep.stats.protocolErrors, 1);
    });
  });
}

const GARBAGE: [string, Uint8Array][] = [
  ["an HTTP request", new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n")],
  ["a TLS client hello", new Uint8Array([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1])],
  ["a ZMTP greeting", new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1])],
  ["random bytes", new Uint8Array(Array.from({ length: 64 }, (_, i) => (i * 73 + 11) & 0xff))],
];

for (const [what, bytes] of GARBAGE) {
  test(`${what} instead of an SP header is disconnected; others are unaffected [SP-TCP-6, SP-TCP-16]`, async () => {
    await withGoodPeer({}, async (url, rep) => {
      const failed = rep.monitor.next("handshake-failed");
      await sendAndExpectClose(url, bytes);
      assert.match((await within(2000, failed)).reason, /signature|SP header/);
    });
  });
}

test("garbage after a good header is taken as a length prefix and refused [SP-TCP-12, SP-TCP-13, SP-TCP-16]", async () => {
  await withGoodPeer({}, async (url, rep) => {
    const error = rep.monitor.next("protocol-error");
    const garbage = new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n");
    await sendAndExpectClose(url, new Uint8Array([...spHeader(REQ), ...garbage]));
    assert.match((await within(2000, error)).reason, /2\^60|exceeds|too large/);
  });
});

const HUGE: [string, bigint, number, RegExp][] = [
  ["2^40", 2n ** 40n, 1024 * 1024, /1099511627776 bytes exceeds recvMaxSize 1048576/],
  ["one byte over recvMaxSize", 1001n, 1000, /1001 bytes exceeds recvMaxSize 1000/],
  ["2^60", 2n ** 60n, 0, /2\^60/],
  ["2^64 - 1", 2n ** 64n - 1n, 1024, /2\^60/],
  ["2^31 with no limit", 2n ** 31n, 0, /too large/],
];

for (const [what, length, recvMaxSize, reason] of HUGE) {
  test(`a length prefix of ${what} closes that connection before any allocation; others are unaffected [SP-TCP-12, SP-TCP-13, SP-TCP-14, SP-TCP-16]`, async () => {
    await withGoodPeer({ recvMaxSize }, async (url, rep) => {
      const error = rep.monitor.next("protocol-error");
      const peer = await RawPeer.dial(url, spHeader(REQ));
      await peer.header();
      peer.write(lengthPrefix(length)); // the prefix alone: nothing else is ever sent
      await peer.closedByPeer();
      await peer.close();
      const e = await within(2000, error);
      assert.match(e.reason, reason);
      assert.equal(rep.stats.protocolErrors, 1);
    });
  });
}

test("a message exactly at recvMaxSize is accepted [SP-TCP-12]", async () => {
  const pull = new sp.Pull({ recvMaxSize: 1000 });
  try {
    const { url } = await pull.listen("tcp://127.0.0.1:0");
    const peer = await RawPeer.dial(url, spHeader(0x50));
    peer.send(new Uint8Array(1000).fill(9));
    assert.equal((await within(2000, pull.recv())).length, 1000);
    assert.equal(peer.isEnded, false);
    await peer.close();
  } finally {
    await pull.close();
  }
});

test("an ipc frame with a type byte other than 1 closes that connection; others are unaffected [SP-IPC-3, SP-TCP-16]", async () => {
  await withGoodPeer({}, async (url, rep) => {
    const error = rep.monitor.next("protocol-error");
    const peer = await RawPeer.dial(url, spHeader(REQ));
    await peer.header();
    const body = words([0x80000001], "x");
    const bad = new Uint8Array(9 + body.length);
    bad[0] = 0x02;
    new DataView(bad.buffer).setBigUint64(1, BigInt(body.length));
    bad.set(body, 9);
    peer.write(bad);
    await peer.closedByPeer();
    await peer.close();
    assert.match((await within(2000, error)).reason, /type 2/);
  }, "ipc");
});

test("a peer that never finishes its header is dropped after handshakeTimeout [SP-TCP-15, SP-TCP-16]", async () => {
  await withGoodPeer({ handshakeTimeout: 100 }, async (url, rep) => {
    const failed = rep.monitor.next("handshake-failed");
    const start = Date.now();
    const peer = await RawPeer.dial(url, null);
    peer.write(new Uint8Array([0, 0x53, 0x50])); // three bytes, then silence
    await peer.closedByPeer();
    const took = Date.now() - start;
    assert.ok(took >= 80 && took < 1500, `dropped after ${took} ms`);
    await peer.close();
    await within(2000, failed);
  });
});

test("the monitor says that the handshake timed out [SP-TCP-15]", async () => {
  await withGoodPeer({ handshakeTimeout: 50 }, async (url, rep) => {
    const failed = rep.monitor.next("handshake-failed");
    const peer = await RawPeer.dial(url, null);
    await peer.closedByPeer();
    await peer.close();
    assert.match((await within(2000, failed)).reason, /timed out|timeout/);
  });
});

test("a dialer whose server sends a bad header reports it and keeps retrying [SP-TCP-6, SP-SOCK-3]", async () => {
  const listener = await RawListener.listen("tcp://127.0.0.1:0", new Uint8Array(8).fill(0x41));
  const req = new sp.Req({ reconnectIvl: 20 });
  try {
    const failed = req.monitor.next("handshake-failed");
    const reconnect = req.monitor.next("reconnect");
    await req.dial(listener.url);
    assert.match((await within(2000, failed)).reason, /signature/);
    await within(2000, reconnect);
    await listener.accept();
    await listener.accept(); // it came back
    await within(100, req.send("queued, not thrown"));
  } finally {
    await req.close();
    await listener.close();
  }
});

test("many bad peers at once do not disturb a good one [SP-TCP-16]", async () => {
  await withGoodPeer({ recvMaxSize: 1000 }, async (url, rep) => {
    const peers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => RawPeer.dial(url, i % 2 ? spHeader(REQ) : null)),
    );
    peers.forEach((p, i) => p.write(i % 2 ? lengthPrefix(2n ** 40n) : spHeader(0x20)));
    await Promise.all(peers.map((p) => p.closedByPeer(3000)));
    await Promise.all(peers.map((p) => p.close()));
    await until(() => rep.stats.protocolErrors === 20, 2000, "twenty errors counted");
    await delay(10);
  });
});

// ---- the caller's mistakes -------------------------------------------------

const BAD_URLS: [string, "listen" | "dial" | "both", RegExp][] = [
  ["127.0.0.1:5555", "both", /no scheme/],
  ["", "both", /no scheme/],
  ["udp://127.0.0.1:5555", "both", /unsupported scheme "udp"/],
  ["foo://bar", "both", /unsupported scheme "foo"/],
  ["tcp://127.0.0.1", "both", /no port/],
  ["tcp://127.0.0.1:99999", "both", /invalid port "99999"/],
  ["tcp://127.0.0.1:abc", "both", /invalid port "abc"/],
  ["tcp://127.0.0.1:-1", "both", /invalid port/],
  ["tcp://::1:5555", "both", /IPv6/],
  ["tcp://[::1:5555", "both", /IPv6/],
  ["tcp://*:5555", "dial", /wildcard/],
  ["tcp://:5555", "dial", /wildcard/],
  ["tcp://127.0.0.1:0", "dial", /port 0/],
  ["tcp://bad host!:5555", "both", /invalid host/],
  ["ipc://", "both", /no path/],
  ["inproc://", "both", /no name/],
];

test("a bad URL fails listen and dial with EINVAL naming it [SP-SOCK-9]", async () => {
  const sock = new sp.Pull();
  try {
    for (const [url, where, reason] of BAD_URLS) {
      const calls = where === "both" ? ["listen", "dial"] as const : [where];
      for (const call of calls) {
        await assert.rejects(sock[call](url), (e: unknown) => {
          code("EINVAL")(e);
          const message = (e as Error).message;
          assert.match(message, reason, `${call}(${JSON.stringify(url)})`);
          if (url !== "") assert.ok(message.includes(url), `message names ${url}: ${message}`);
          return true;
        });
      }
    }
    await assert.rejects(sock.dial(42 as unknown as string), code("EINVAL"));
    assert.equal(sock.stats.pipes, 0);
  } finally {
    await sock.close();
  }
});

type Options = Record<string, unknown>;
const BAD_OPTIONS: [string, (o: Options) => unknown, Options, RegExp][] = [
  ["unknown name", (o) => new sp.Push(o), { bogus: 1 }, /unknown option "bogus"/],
  ["another socket's option", (o) => new sp.Push(o), { resendTime: 10 }, /"resendTime"/],
  ["negative sendHwm", (o) => new sp.Push(o), { sendHwm: -1 }, /sendHwm/],
  ["zero recvHwm", (o) => new sp.Pull(o), { recvHwm: 0 }, /recvHwm/],
  ["non-integer recvHwm", (o) => new sp.Pull(o), { recvHwm: 1.5 }, /recvHwm/],
  ["NaN sendTimeout", (o) => new sp.Push(o), { sendTimeout: NaN }, /sendTimeout/],
  ["Infinity recvTimeout", (o) => new sp.Pull(o), { recvTimeout: Infinity }, /recvTimeout/],
  ["timeout below -1", (o) => new sp.Pull(o), { recvTimeout: -2 }, /recvTimeout/],
  ["string linger", (o) => new sp.Pair(o), { linger: "10" }, /linger/],
  ["negative recvMaxSize", (o) => new sp.Sub(o), { recvMaxSize: -1 }, /recvMaxSize/],
  ["huge recvMaxSize", (o) => new sp.Sub(o), { recvMaxSize: 2 ** 31 }, /recvMaxSize/],
  ["zero reconnectIvl", (o) => new sp.Pub(o), { reconnectIvl: 0 }, /reconnectIvl/],
  ["negative reconnectIvlMax", (o) => new sp.Pub(o), { reconnectIvlMax: -1 }, /reconnectIvlMax/],
  ["zero handshakeTimeout", (o) => new sp.Rep(o), { handshakeTimeout: 0 }, /handshakeTimeout/],
  ["resendTime below -1", (o) => new sp.Req(o), { resendTime: -2 }, /resendTime/],
  ["maxTtl 0", (o) => new sp.Rep(o), { maxTtl: 0 }, /maxTtl/],
  ["maxTtl 16", (o) => new sp.Rep(o), { maxTtl: 16 }, /maxTtl/],
  ["non-integer pair1 maxTtl", (o) => new sp.Pair1(o), { maxTtl: 1.5 }, /maxTtl/],
];

for (const [what, make, options, reason] of BAD_OPTIONS) {
  test(`a bad option (${what}) fails the constructor with EINVAL naming it [SP-SOCK-10]`, () => {
    assert.throws(() => make(options), (e: unknown) => {
      code("EINVAL")(e);
      assert.match((e as Error).message, reason);
      return true;
    });
  });
}

test("options that are not an object fail with EINVAL [SP-SOCK-10]", () => {
  assert.throws(() => new sp.Push(null as unknown as Options), code("EINVAL"));
});

test("good options at their bounds are accepted [SP-SOCK-10]", async () => {
  const socks = [
    new sp.Push({ sendHwm: 1, sendTimeout: -1, linger: 0, reconnectIvlMax: 0 }),
    new sp.Req({ resendTime: -1, recvMaxSize: 0 }),
    new sp.Rep({ maxTtl: 1 }),
    new sp.Pair1({ maxTtl: 15, recvMaxSize: 2 ** 31 - 1 }),
  ];
  await Promise.all(socks.map((s) => s.close()));
});
