import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { delay, within } from "../../testing/async.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { parseEndpoint } from "../../transports/url.ts";
import type { Connection } from "../../transports/transport.ts";
import type { MonitorEvent } from "../monitor.ts";
import { Dealer, Pull, Router } from "./mod.ts";
import { type EngineOptions, zmtpHandshake, type ZmtpPeer, type ZmtpStream } from "./engine.ts";
import { publisherHooks, subscriberHooks } from "./_subscription_hooks.ts";
import { parseMetadata } from "./command.ts";
import type { Mechanism, MechanismFactory } from "./mechanisms/mechanism.ts";

// The raw peer below builds and parses ZMTP bytes by hand (not with greeting.ts/frame.ts), so the
// engine is not checked against its own codecs.

const enc = new TextEncoder();
const dec = new TextDecoder();

function greeting(major = 3, minor = 1, mechanism = "NULL"): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[8] = 1;
  g[9] = 0x7f;
  g[10] = major;
  g[11] = minor;
  g.set(enc.encode(mechanism), 12);
  return g;
}

function command(name: string, data: Uint8Array): Uint8Array {
  const body = new Uint8Array([name.length, ...enc.encode(name), ...data]);
  return new Uint8Array([0x04, body.length, ...body]);
}

function properties(props: Record<string, string>): Uint8Array {
  const data: number[] = [];
  for (const [k, v] of Object.entries(props)) {
    const value = enc.encode(v);
    data.push(k.length, ...enc.encode(k), 0, 0, 0, value.length, ...value);
  }
  return new Uint8Array(data);
}

function ready(props: Record<string, string>): Uint8Array {
  return command("READY", properties(props));
}

class RawZmtp {
  bytes = new Uint8Array(0);
  ended = false;
  #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
    conn.onData = (chunk) => {
      const all = new Uint8Array(this.bytes.length + chunk.length);
      all.set(this.bytes);
      all.set(chunk, this.bytes.length);
      this.bytes = all;
    };
    conn.onClose = () => (this.ended = true);
  }

  static async dial(url: string): Promise<RawZmtp> {
    return new RawZmtp(await tcpTransport().dial(parseEndpoint(url, "dial") as never));
  }

  write(bytes: Uint8Array | string): void {
    this.#conn.write(typeof bytes === "string" ? enc.encode(bytes) : bytes);
  }

  async waitFor(n: number, what: string): Promise<void> {
    await within(2000, poll(() => this.bytes.length >= n), `${what} (${n} bytes)`);
  }

  async waitEnded(): Promise<void> {
    await within(2000, poll(() => this.ended), "connection closed by edgemq");
  }

  async close(): Promise<void> {
    this.#conn.close();
    await this.#conn.closed;
  }
}

async function poll(check: () => boolean): Promise<void> {
  while (!check()) await delay(2);
}

/** Parses frames from `bytes` at `at`: [flags, body][] (whole frames only). */
function frames(bytes: Uint8Array, at: number): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  while (at + 2 <= bytes.length) {
    const flags = bytes[at]!;
    let size: number;
    let head: number;
    if (flags & 0x02) {
      if (at + 9 > bytes.length) break;
      size = Number(new DataView(bytes.buffer, bytes.byteOffset + at + 1, 8).getBigUint64(0));
      head = 9;
    } else {
      size = bytes[at + 1]!;
      head = 2;
    }
    if (at + head + size > bytes.length) break;
    out.push([flags, bytes.slice(at + head, at + head + size)]);
    at += head + size;
  }
  return out;
}

function nextEvent(events: MonitorEvent[], type: string): Promise<MonitorEvent> {
  return within(
    2000,
    (async () => {
      while (true) {
        const e = events.find((x) => x.type === type);
        if (e) return e;
        await delay(2);
      }
    })(),
    `monitor event ${type}`,
  );
}

describe("zmtp engine against a raw peer", () => {
  test("sends its greeting in libzmq's stages: 10 bytes, major, rest, then READY [ZMTP-HS-1] [ZMTP-HS-2]", async () => {
    await using pull = new Pull();
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      await raw.waitFor(10, "signature");
      await delay(30);
      assert.equal(raw.bytes.length, 10, "nothing after the signature before ours arrives");
      assert.equal(raw.bytes[0], 0xff);
      assert.equal(raw.bytes[9], 0x7f);
      const ours = greeting();
      raw.write(ours.subarray(0, 10));
      await raw.waitFor(11, "major byte");
      await delay(30);
      assert.equal(raw.bytes.length, 11, "only the major byte after our signature");
      assert.equal(raw.bytes[10], 3);
      raw.write(ours.subarray(10, 11));
      await raw.waitFor(64, "rest of the greeting");
      await delay(30);
      assert.equal(raw.bytes.length, 64, "no READY before our whole greeting");
      assert.equal(raw.bytes[11], 1, "announces ZMTP 3.1");
      assert.equal(dec.decode(raw.bytes.subarray(12, 16)), "NULL");
      raw.write(ours.subarray(11));
      await raw.waitFor(66, "READY");
      const [[flags, body]] = frames(raw.bytes, 64) as [[number, Uint8Array]];
      assert.equal(flags, 0x04);
      // READY with exactly Socket-Type=PULL (no Identity: PULL does not send one)
      const expected = ready({ "Socket-Type": "PULL" });
      assert.deepEqual(body, expected.subarray(2));
      raw.write(ready({ "Socket-Type": "PUSH" }));
      raw.write(new Uint8Array([0x01, 1, 0x61, 0x00, 2, 0x62, 0x63])); // ["a", "bc"]
      const msg = await within(2000, pull.recv(), "message from raw PUSH");
      assert.deepEqual(msg.map((f) => dec.decode(f)), ["a", "bc"]);
      await nextEvent(events, "accepted");
    } finally {
      await raw.close();
    }
  });

  test("accepts a peer whose whole greeting and READY arrive in one chunk [ZMTP-HS-2]", async () => {
    await using pull = new Pull();
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      raw.write(
        new Uint8Array([
          ...greeting(3, 0),
          ...ready({ "Socket-Type": "PUSH" }),
          ...[0x00, 2, 0x68, 0x69],
        ]),
      );
      const msg = await within(2000, pull.recv(), "message");
      assert.deepEqual(msg.map((f) => dec.decode(f)), ["hi"]);
    } finally {
      await raw.close();
    }
  });

  test("refuses an incompatible Socket-Type with ERROR and a monitor reason [ZMTP-HS-3]", async () => {
    await using pull = new Pull();
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      raw.write(new Uint8Array([...greeting(), ...ready({ "Socket-Type": "PUB" })]));
      const e = await nextEvent(events, "handshake-failed");
      assert.ok(e.type === "handshake-failed" && /PUB/.test(e.reason), JSON.stringify(e));
      await raw.waitEnded();
      const cmds = frames(raw.bytes, 64).map(([, b]) => dec.decode(b.subarray(1, 1 + b[0]!)));
      assert.deepEqual(cmds, ["READY", "ERROR"]);
      assert.equal(pull.stats.pipes, 0);
    } finally {
      await raw.close();
    }
  });

  test("refuses garbage and a mechanism mismatch with a reason [ZMTP-HS-4]", async () => {
    const cases: [Uint8Array, RegExp][] = [
      [enc.encode("GET / HTTP/1.1\r\n\r\n"), /signature/],
      [greeting(3, 1, "PLAIN"), /mechanism/],
    ];
    await using pull = new Pull();
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    for (const [bytes, reason] of cases) {
      events.length = 0;
      const raw = await RawZmtp.dial(url);
      try {
        raw.write(bytes);
        const e = await nextEvent(events, "handshake-failed");
        assert.ok(e.type === "handshake-failed" && reason.test(e.reason), JSON.stringify(e));
        await raw.waitEnded();
      } finally {
        await raw.close();
      }
    }
  });

  test("fails the handshake on the peer's ERROR command with its reason [ZMTP-HS-5]", async () => {
    await using pull = new Pull();
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      raw.write(
        new Uint8Array([...greeting(), ...command("ERROR", new Uint8Array([3, 52, 48, 48]))]),
      );
      const e = await nextEvent(events, "handshake-failed");
      assert.ok(e.type === "handshake-failed" && /ERROR "400"/.test(e.reason), JSON.stringify(e));
    } finally {
      await raw.close();
    }
  });

  test("encodes multipart messages (empty, short, long frames) and answers PING with PONG [ZMTP-FRAME-1] [ZMTP-PING-1]", async () => {
    await using dealer = new Dealer({ routingId: "me" });
    const { url } = await dealer.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      raw.write(
        new Uint8Array([...greeting(), ...ready({ "Socket-Type": "DEALER", Identity: "" })]),
      );
      await raw.waitFor(66, "READY");
      const [[, readyBody]] = frames(raw.bytes, 64) as [[number, Uint8Array]];
      assert.deepEqual(readyBody, ready({ "Socket-Type": "DEALER", Identity: "me" }).subarray(2));
      const start = raw.bytes.length;
      const long = new Uint8Array(300).fill(7);
      await dealer.send([new Uint8Array(0), "x", long]);
      raw.write(command("PING", new Uint8Array([0, 15, 0x63, 0x74, 0x78])));
      await raw.waitFor(start + 2 + 3 + 9 + 300 + 10, "message and PONG");
      const got = frames(raw.bytes, start);
      assert.deepEqual(got.map(([f, b]) => [f, b.length]), [[1, 0], [1, 1], [2, 300], [4, 8]]);
      assert.deepEqual([...got[2]![1]], [...long]);
      assert.equal(dec.decode(got[3]![1]), "\x04PONGctx");
      // a message that arrives split byte by byte, with a command between its frames
      const msg = [0x01, 1, 0x41, ...command("PING", new Uint8Array([0, 0])), 0x00, 1, 0x42];
      for (const b of msg) raw.write(new Uint8Array([b]));
      const back = await within(2000, dealer.recv(), "split message");
      assert.deepEqual(back.map((f) => dec.decode(f)), ["A", "B"]);
    } finally {
      await raw.close();
    }
  });

  test("drops a peer whose frame exceeds maxMsgSize [ZMTP-FRAME-2]", async () => {
    await using pull = new Pull({ maxMsgSize: 64 });
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      raw.write(new Uint8Array([...greeting(), ...ready({ "Socket-Type": "PUSH" })]));
      await nextEvent(events, "accepted");
      raw.write(new Uint8Array([0x00, 64, ...new Uint8Array(64)])); // at the limit: fine
      raw.write(new Uint8Array([0x00, 65, ...new Uint8Array(65)]));
      const e = await nextEvent(events, "protocol-error");
      assert.ok(e.type === "protocol-error" && /maxMsgSize/.test(e.reason), JSON.stringify(e));
      await raw.waitEnded();
    } finally {
      await raw.close();
    }
  });

  test("takes messages of up to maxMsgFrames frames and drops a peer that sends more [ZMTP-LIMIT-2]", async () => {
    await using pull = new Pull({ maxMsgFrames: 3 });
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      raw.write(new Uint8Array([...greeting(), ...ready({ "Socket-Type": "PUSH" })]));
      raw.write(new Uint8Array([0x01, 1, 0x61, 0x01, 0, 0x00, 1, 0x62])); // three frames: fine
      const msg = await within(2000, pull.recv(), "a three-frame message");
      assert.deepEqual(msg.map((f) => dec.decode(f)), ["a", "", "b"]);
      raw.write(new Uint8Array([0x01, 0, 0x01, 0, 0x01, 0, 0x01])); // a fourth frame's flags
      await delay(30);
      assert.equal(raw.ended, false, "not refused before the fourth header is complete");
      raw.write(new Uint8Array([0]));
      const e = await nextEvent(events, "protocol-error");
      assert.ok(
        e.type === "protocol-error" && /more than maxMsgFrames 3 frames/.test(e.reason),
        JSON.stringify(e),
      );
      await raw.waitEnded();
    } finally {
      await raw.close();
    }
  });

  test("checks its options and messages [ZMTP-OPT-1] [ZMTP-IDENT-1]", async () => {
    assert.throws(() => new Pull({ maxMsgSize: -2 }), { code: "EINVAL" });
    assert.throws(() => new Pull({ maxMsgFrames: -2 }), { code: "EINVAL" });
    assert.throws(() => new Pull({ maxMsgFrames: 1.5 }), { code: "EINVAL" });
    assert.throws(() => new Dealer({ routingId: "" }), { code: "EINVAL" });
    assert.throws(() => new Dealer({ routingId: new Uint8Array([0, 1]) }), { code: "EINVAL" });
    assert.throws(() => new Dealer({ routingId: new Uint8Array(256).fill(1) }), { code: "EINVAL" });
    await new Dealer({ routingId: new Uint8Array(255).fill(1) }).close(); // the longest allowed
    await using dealer = new Dealer();
    await assert.rejects(dealer.send([]), { code: "EINVAL" });
    await using pull = new Pull();
    // @ts-expect-error: the type checker refuses this send (CORE-DIR-1); JavaScript gets ENOTSUP
    await assert.rejects(pull.send("x"), { code: "ENOTSUP" });
  });
});

// ---- ZMTP 2.0 peers, heartbeats and subscriptions ----------------------------------------------

/** The first 10 bytes every versioned ZMTP peer sends. */
const SIGNATURE = new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f]);

/** A ZMTP 2.0 peer's whole hello: signature, revision 1, socket type, identity frame. */
function helloV2(type: number, identity = ""): Uint8Array {
  const id = enc.encode(identity);
  return new Uint8Array([...SIGNATURE, 1, type, 0x00, id.length, ...id]);
}

/** A ZMTP 3.x peer's whole hello: greeting and READY. */
function helloV3(minor: number, socketType: string): Uint8Array {
  return new Uint8Array([...greeting(3, minor), ...ready({ "Socket-Type": socketType })]);
}

/** Command names in the frames of `bytes` from `at` (data frames show as null). */
function commandNames(bytes: Uint8Array, at: number): (string | null)[] {
  return frames(bytes, at).map((
    [f, b],
  ) => (f & 0x04 ? dec.decode(b.subarray(1, 1 + b[0]!)) : null));
}

/** The engine on one end of a loopback tcp connection, a raw peer that sent `hello` on the other. */
interface Rig {
  raw: RawZmtp;
  stream: ZmtpStream;
  peer: ZmtpPeer;
  got: Uint8Array[][];
  close(): Promise<void>;
}

async function rig(options: EngineOptions, hello: Uint8Array): Promise<Rig> {
  const accepted = Promise.withResolvers<Connection>();
  const listener = await tcpTransport().listen(
    parseEndpoint("tcp://127.0.0.1:0", "listen") as never,
    (c) => accepted.resolve(c),
  );
  const raw = await RawZmtp.dial(listener.url);
  const conn = await accepted.promise;
  const close = async (): Promise<void> => {
    conn.close();
    await conn.closed;
    await raw.close();
    await listener.close();
  };
  try {
    raw.write(hello);
    const { stream, peer } = await within(2000, zmtpHandshake(conn, options), "handshake");
    const got: Uint8Array[][] = [];
    stream.onMessage = (m) => got.push(m.map((f) => f.slice()));
    stream.start();
    return { raw, stream, peer, got, close };
  } catch (e) {
    await close();
    throw e;
  }
}

describe("zmtp engine with ZMTP 2.0 peers", () => {
  test("answers a 2.0 peer with one socket-type byte and an identity frame, then 2.0 frames [ZMTP-V2-1] [ZMTP-V2-2] [ZMTP-V2-3]", async () => {
    await using router = new Router({ routingId: "rt" });
    const { url } = await router.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      raw.write(SIGNATURE);
      await raw.waitFor(11, "signature and major");
      assert.equal(raw.bytes[10], 3, "our major byte stays 3, as libzmq's");
      raw.write(new Uint8Array([1])); // revision 1: ZMTP 2.0
      await raw.waitFor(12, "socket type byte");
      await delay(30);
      assert.equal(raw.bytes.length, 12, "no rest of a 64-byte greeting, no READY");
      assert.equal(raw.bytes[11], 6, "ROUTER is socket type 6");
      raw.write(new Uint8Array([5])); // DEALER
      await raw.waitFor(16, "identity frame");
      assert.deepEqual([...raw.bytes.subarray(12)], [0x00, 2, ...enc.encode("rt")]);
      raw.write(new Uint8Array([0x00, 3, ...enc.encode("jid"), 0x01, 1, 0x61, 0x00, 1, 0x62]));
      const msg = await within(2000, router.recv(), "message from the 2.0 DEALER");
      assert.deepEqual(msg.map((f) => dec.decode(f)), ["jid", "a", "b"]);
      await router.send(["jid", "x", new Uint8Array(300).fill(5)]);
      await raw.waitFor(16 + 3 + 9 + 300, "reply frames");
      const got = frames(raw.bytes, 16);
      assert.deepEqual(got.map(([f, b]) => [f, b.length]), [[1, 1], [2, 300]]);
    } finally {
      await raw.close();
    }
  });

  test("a 2.0 peer's socket type and identity are in its peer info [ZMTP-V2-3]", async () => {
    const r = await rig({ socketType: "DEALER", maxMsgSize: -1 }, helloV2(6, "boss"));
    try {
      assert.equal(r.peer.socketType, "ROUTER");
      assert.equal(dec.decode(r.peer.identity), "boss");
      assert.equal(r.peer.version, "2.0");
      assert.equal(r.peer.metadata.size, 0);
      await r.raw.waitFor(14, "greeting and identity frame");
      assert.deepEqual([...r.raw.bytes.subarray(10)], [3, 5, 0x00, 0], "empty identity frame");
    } finally {
      await r.close();
    }
  });

  test("refuses a 2.0 peer of a wrong or unknown type, a multipart identity and a command bit [ZMTP-V2-4]", async () => {
    const cases: [Uint8Array, RegExp, string][] = [
      [helloV2(1), /"PUB".*ZMTP 2\.0/, "handshake-failed"],
      [helloV2(99), /unknown socket type 99/, "handshake-failed"],
      [
        new Uint8Array([...SIGNATURE, 1, 8, 0x01, 1, 0x61, 0x00, 0]),
        /multipart identity/,
        "handshake-failed",
      ],
      [new Uint8Array([...helloV2(8), 0x04, 1, 0x61]), /framing/, "protocol-error"],
    ];
    await using pull = new Pull();
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    for (const [bytes, reason, type] of cases) {
      events.length = 0;
      const raw = await RawZmtp.dial(url);
      try {
        raw.write(bytes);
        const e = await nextEvent(events, type);
        assert.ok("reason" in e && reason.test(e.reason ?? ""), JSON.stringify(e));
        await raw.waitEnded();
      } finally {
        await raw.close();
      }
    }
  });

  test("refuses a 2.0 identity over 255 bytes on its header [ZMTP-LIMIT-3]", async () => {
    const h = await handshakeWith(
      { socketType: "PULL", maxMsgSize: -1 },
      new Uint8Array([...SIGNATURE, 1, 8, 0x02, 0, 0, 0, 0, 0, 0, 1, 0, 0x61]),
    );
    try {
      await assert.rejects(h.outcome, /identity over 255 bytes/);
    } finally {
      await h.close();
    }
  });

  test("sends no PING to a 2.0 peer, even with heartbeats on [ZMTP-V2-5]", async () => {
    const options = { socketType: "DEALER", maxMsgSize: -1, heartbeatIvl: 10 } as const;
    const r = await rig(options, helloV2(5));
    try {
      await delay(80);
      assert.equal(r.raw.bytes.length, 14, "greeting and identity only");
      assert.equal(r.raw.ended, false);
    } finally {
      await r.close();
    }
  });

  test("a subscriber sends its 0x01/0x00 messages to a 2.0 peer as they are [ZMTP-V2-6] [ZMTP-SUBCMD-2]", async () => {
    const options = { socketType: "SUB", maxMsgSize: -1, hooks: subscriberHooks } as const;
    const r = await rig(options, helloV2(1));
    try {
      r.stream.write([new Uint8Array([1, 0x61])]);
      r.stream.write([new Uint8Array([0, 0x61])]);
      await r.raw.waitFor(14 + 8, "subscription messages");
      assert.deepEqual([...r.raw.bytes.subarray(14)], [0, 2, 1, 0x61, 0, 2, 0, 0x61]);
    } finally {
      await r.close();
    }
  });
});

describe("zmtp engine heartbeats", () => {
  test("sends a PING every heartbeatIvl with heartbeatTtl in tenths of a second [ZMTP-BEAT-1]", async () => {
    await using dealer = new Dealer({ heartbeatIvl: 20, heartbeatTtl: 1500, heartbeatTimeout: 0 });
    const { url } = await dealer.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      raw.write(helloV3(1, "DEALER"));
      await raw.waitFor(66, "READY");
      const start = frames(raw.bytes, 64)[0]![1].length + 2 + 64;
      await within(2000, poll(() => commandNames(raw.bytes, start).length >= 3), "three PINGs");
      const got = frames(raw.bytes, start).slice(0, 3);
      for (const [flags, body] of got) {
        assert.equal(flags, 0x04);
        assert.deepEqual([...body], [4, ...enc.encode("PING"), 0, 15]);
      }
      assert.equal(raw.ended, false, "heartbeatTimeout 0 never drops the peer");
    } finally {
      await raw.close();
    }
  });

  test("drops a peer silent for heartbeatTimeout after a PING, not one that talks [ZMTP-BEAT-2]", async () => {
    await using dealer = new Dealer({ heartbeatIvl: 20, heartbeatTimeout: 150 });
    const events: MonitorEvent[] = [];
    dealer.monitor.on((e) => events.push(e));
    const { url } = await dealer.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      raw.write(helloV3(0, "DEALER")); // libzmq pings 3.0 peers too
      await raw.waitFor(66, "READY");
      for (let i = 0; i < 15; i++) { // 300 ms of chatter: a PONG every 20 ms
        raw.write(command("PONG", new Uint8Array(0)));
        await delay(20);
      }
      assert.equal(raw.ended, false, "a talking peer stays");
      assert.equal(events.some((e) => e.type === "disconnected"), false);
      const e = await nextEvent(events, "disconnected");
      assert.ok(
        e.type === "disconnected" && /heartbeat timed out/.test(e.reason ?? ""),
        JSON.stringify(e),
      );
      await raw.waitEnded();
    } finally {
      await raw.close();
    }
  });

  test("honours the TTL of the peer's PING: answers it, then drops the peer once silent that long [ZMTP-BEAT-3]", async () => {
    await using dealer = new Dealer();
    const events: MonitorEvent[] = [];
    dealer.monitor.on((e) => events.push(e));
    const { url } = await dealer.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtp.dial(url);
    try {
      raw.write(helloV3(1, "DEALER"));
      await raw.waitFor(66, "READY");
      const start = raw.bytes.length;
      const sent = Date.now();
      raw.write(command("PING", new Uint8Array([0, 2]))); // TTL 200 ms
      const e = await nextEvent(events, "disconnected");
      assert.ok(Date.now() - sent >= 150, "not before the TTL");
      assert.ok(e.type === "disconnected" && /TTL/.test(e.reason ?? ""), JSON.stringify(e));
      assert.deepEqual(commandNames(raw.bytes, start), ["PONG"]);
    } finally {
      await raw.close();
    }
  });

  test("checks the heartbeat options [ZMTP-BEAT-4]", () => {
    assert.throws(() => new Dealer({ heartbeatIvl: -1 }), { code: "EINVAL" });
    assert.throws(() => new Dealer({ heartbeatIvl: 1.5 }), { code: "EINVAL" });
    assert.throws(() => new Dealer({ heartbeatTtl: 6553600 }), { code: "EINVAL" });
    assert.throws(() => new Dealer({ heartbeatTimeout: -1 }), { code: "EINVAL" });
  });
});

describe("zmtp engine subscription translation", () => {
  const subscriber = { socketType: "SUB", maxMsgSize: -1, hooks: subscriberHooks } as const;
  const publisher = { socketType: "PUB", maxMsgSize: -1, hooks: publisherHooks } as const;

  test("a subscriber's 0x01/0x00 messages go to a 3.1 peer as SUBSCRIBE/CANCEL commands [ZMTP-SUBCMD-1]", async () => {
    const r = await rig(subscriber, helloV3(1, "PUB"));
    try {
      await r.raw.waitFor(66, "READY");
      const start = r.raw.bytes.length;
      r.stream.write([new Uint8Array([1, ...enc.encode("topic")])]);
      r.stream.write([new Uint8Array([0, ...enc.encode("topic")])]);
      r.stream.write([new Uint8Array([1])]); // everything
      r.stream.write([new Uint8Array([2, 0x61])]); // not a subscription: a message (XSUB)
      r.stream.write([new Uint8Array([1, 0x61]), new Uint8Array([0x62])]); // multipart: a message
      r.stream.write([new Uint8Array(0)]);
      await r.raw.waitFor(start + 15 + 12 + 11 + 4 + 6 + 2, "commands and messages");
      const got = frames(r.raw.bytes, start).map(([f, b]) => [f, [...b]]);
      assert.deepEqual(got, [
        [4, [9, ...enc.encode("SUBSCRIBE"), ...enc.encode("topic")]],
        [4, [6, ...enc.encode("CANCEL"), ...enc.encode("topic")]],
        [4, [9, ...enc.encode("SUBSCRIBE")]],
        [0, [2, 0x61]],
        [1, [1, 0x61]],
        [0, [0x62]],
        [0, []],
      ]);
    } finally {
      await r.close();
    }
  });

  test("a subscriber's 0x01/0x00 messages go to a 3.0 peer as they are [ZMTP-SUBCMD-2]", async () => {
    const r = await rig(subscriber, helloV3(0, "XPUB"));
    try {
      await r.raw.waitFor(66, "READY");
      const start = r.raw.bytes.length;
      r.stream.write([new Uint8Array([1, 0x61])]);
      r.stream.write([new Uint8Array([0, 0x61])]);
      await r.raw.waitFor(start + 8, "subscription messages");
      assert.deepEqual([...r.raw.bytes.subarray(start)], [0, 2, 1, 0x61, 0, 2, 0, 0x61]);
      assert.equal(r.peer.version, "3.0");
    } finally {
      await r.close();
    }
  });

  test("a publisher gets SUBSCRIBE/CANCEL commands as 0x01/0x00 messages, and 3.0 ones unchanged [ZMTP-SUBCMD-3]", async () => {
    for (const minor of [1, 0]) {
      const hello = [...helloV3(minor, "SUB")];
      if (minor === 1) {
        hello.push(...command("SUBSCRIBE", enc.encode("ab")), ...command("CANCEL", enc.encode("")));
      } else hello.push(0, 3, 1, 0x61, 0x62, 0, 1, 0);
      hello.push(0, 1, 0x7a); // and an ordinary message
      const r = await rig(publisher, new Uint8Array(hello));
      try {
        await within(2000, poll(() => r.got.length >= 3), "three messages");
        assert.deepEqual(r.got.map((m) => m.map((f) => [...f])), [
          [[1, 0x61, 0x62]],
          [[0]],
          [[0x7a]],
        ], `minor ${minor}`);
      } finally {
        await r.close();
      }
    }
  });

  test("sockets that are not publishers ignore SUBSCRIBE/CANCEL commands [ZMTP-SUBCMD-4]", async () => {
    const hello = [...helloV3(1, "PULL"), ...command("SUBSCRIBE", enc.encode("ab")), 0, 1, 0x7a];
    const r = await rig({ socketType: "PUSH", maxMsgSize: -1 }, new Uint8Array(hello));
    try {
      await within(2000, poll(() => r.got.length >= 1), "the message");
      await delay(20);
      assert.deepEqual(r.got.map((m) => m.map((f) => [...f])), [[[0x7a]]]);
    } finally {
      await r.close();
    }
  });
});

// ---- the mechanism seam and the socket types' hooks --------------------------------------------

// A toy mechanism for the seam: we speak first with HELLO, the peer's WELCOME carries its metadata
// and ends the handshake; after it every frame travels inside a MESSAGE command as its flags byte
// and its body XORed with 0x5a. Anything else from the peer fails with an ERROR.
const XOR_MECHANISM: MechanismFactory = {
  name: "X-XOR",
  create: (setup): Mechanism => ({
    name: "X-XOR",
    asServer: true,
    zmtp2: false,
    start: () => setup.send(new Uint8Array([5, ...enc.encode("HELLO")])),
    command: (name, data) => {
      if (name !== "WELCOME") {
        return { kind: "failed", reason: `X-XOR got ${name}`, error: `unexpected ${name}` };
      }
      const parsed = parseMetadata(data);
      return parsed.ok
        ? { kind: "done", metadata: parsed.metadata }
        : { kind: "failed", reason: "bad WELCOME" };
    },
    wrap: (flags, body) => xorMessage(flags, body),
    unwrap: (body) => {
      if (dec.decode(body.subarray(0, 8)) !== "\x07MESSAGE" || body.length < 9) return undefined;
      return { flags: body[8]!, body: body.subarray(9).map((b) => b ^ 0x5a) };
    },
  }),
};

/** An X-XOR MESSAGE command body carrying one frame. */
function xorMessage(flags: number, body: Uint8Array): Uint8Array {
  return new Uint8Array([7, ...enc.encode("MESSAGE"), flags, ...body.map((b) => b ^ 0x5a)]);
}

/** The frame framed as X-XOR sends it: a command frame holding a MESSAGE. */
function xorFrame(flags: number, body: Uint8Array): Uint8Array {
  const inner = xorMessage(flags, body);
  return new Uint8Array([0x04, inner.length, ...inner]);
}

/** A raw peer that sent `hello` to an engine with `options`, and the handshake's outcome. */
async function handshakeWith(
  options: EngineOptions,
  hello: Uint8Array,
): Promise<{ raw: RawZmtp; outcome: Promise<unknown>; close(): Promise<void> }> {
  const accepted = Promise.withResolvers<Connection>();
  const listener = await tcpTransport().listen(
    parseEndpoint("tcp://127.0.0.1:0", "listen") as never,
    (c) => accepted.resolve(c),
  );
  const raw = await RawZmtp.dial(listener.url);
  const conn = await accepted.promise;
  raw.write(hello);
  const outcome = zmtpHandshake(conn, options).then(({ stream }) => stream);
  outcome.catch(() => {});
  return {
    raw,
    outcome,
    close: async () => {
      conn.close();
      await conn.closed;
      await raw.close();
      await listener.close();
    },
  };
}

describe("zmtp engine mechanism seam", () => {
  const xor = { socketType: "PUSH", maxMsgSize: -1, mechanism: XOR_MECHANISM } as const;

  test("NULL is the default; the greeting names the chosen mechanism and a mismatch is refused [ZMTP-MECH-1]", async () => {
    const r = await rig({ socketType: "PUSH", maxMsgSize: -1 }, helloV3(1, "PULL"));
    try {
      await r.raw.waitFor(64, "greeting");
      assert.equal(dec.decode(r.raw.bytes.subarray(12, 17)), "NULL\0");
    } finally {
      await r.close();
    }
    const h = await handshakeWith(xor, helloV3(1, "PULL")); // the peer greets with NULL
    try {
      await assert.rejects(h.outcome, /mechanism mismatch: peer uses NULL, we use X-XOR/);
      await h.raw.waitFor(64, "greeting");
      await delay(20);
      assert.equal(dec.decode(h.raw.bytes.subarray(12, 18)), "X-XOR\0");
      assert.equal(h.raw.bytes[32], 1, "the mechanism's as-server flag");
      assert.equal(h.raw.bytes.length, 64, "no handshake command after a mismatch");
    } finally {
      await h.close();
    }
  });

  test("the mechanism drives the handshake: it speaks first, gets the peer's commands, and its metadata is checked [ZMTP-MECH-2]", async () => {
    const welcome = command("WELCOME", properties({ "Socket-Type": "PULL", "X-Colour": "blue" }));
    const r = await rig(xor, new Uint8Array([...greeting(3, 1, "X-XOR"), ...welcome]));
    try {
      await r.raw.waitFor(64 + 8, "HELLO");
      assert.deepEqual(commandNames(r.raw.bytes, 64), ["HELLO"]);
      assert.equal(r.peer.socketType, "PULL");
      assert.equal(dec.decode(r.peer.metadata.get("X-Colour")), "blue");
    } finally {
      await r.close();
    }
  });

  test("a failing mechanism's ERROR goes to the peer; a wrong Socket-Type is refused after it; the peer's ERROR ends any handshake [ZMTP-MECH-2]", async () => {
    const cases: [Uint8Array, RegExp, string | undefined][] = [
      [command("BOGUS", new Uint8Array(0)), /X-XOR got BOGUS/, "unexpected BOGUS"],
      [
        command("WELCOME", properties({ "Socket-Type": "PUB" })),
        /"PUB" cannot talk to PUSH/,
        'peer socket type "PUB" cannot talk to PUSH',
      ],
      [command("WELCOME", properties({ Identity: "x" })), /no Socket-Type/, undefined],
      [command("ERROR", new Uint8Array([2, 0x34, 0x30])), /ERROR "40"/, undefined],
    ];
    for (const [bytes, reason, error] of cases) {
      const h = await handshakeWith(xor, new Uint8Array([...greeting(3, 1, "X-XOR"), ...bytes]));
      try {
        await assert.rejects(h.outcome, reason);
        await h.raw.waitFor(64 + 8, "HELLO");
        await delay(20);
        const sent = frames(h.raw.bytes, 64);
        assert.deepEqual(commandNames(h.raw.bytes, 64), error ? ["HELLO", "ERROR"] : ["HELLO"]);
        if (error) assert.equal(dec.decode(sent[1]![1].subarray(7)), error);
      } finally {
        await h.close();
      }
    }
  });

  test("wrap and unwrap see every frame after the handshake, both ways; a bare data frame is refused [ZMTP-MECH-3]", async () => {
    const welcome = command("WELCOME", properties({ "Socket-Type": "PULL" }));
    const r = await rig(xor, new Uint8Array([...greeting(3, 1, "X-XOR"), ...welcome]));
    const closed = Promise.withResolvers<unknown>();
    r.stream.onClose = (reason) => closed.resolve(reason);
    try {
      await r.raw.waitFor(64 + 8, "HELLO");
      const start = r.raw.bytes.length;
      r.stream.write([enc.encode("ab"), enc.encode("c")]);
      r.raw.write(xorFrame(4, new Uint8Array([4, ...enc.encode("PING"), 0, 0, 0x63])));
      await within(2000, poll(() => frames(r.raw.bytes, start).length >= 3), "three frames");
      const got = frames(r.raw.bytes, start).map(([f, b]) => [f, [...b]]);
      assert.deepEqual(got, [
        [4, [...xorMessage(1, enc.encode("ab"))]],
        [4, [...xorMessage(0, enc.encode("c"))]],
        [4, [...xorMessage(4, new Uint8Array([4, ...enc.encode("PONG"), 0x63]))]],
      ]);
      r.raw.write(xorFrame(1, enc.encode("x")));
      r.raw.write(xorFrame(0, enc.encode("yz")));
      await within(2000, poll(() => r.got.length >= 1), "the unwrapped message");
      assert.deepEqual(r.got.map((m) => m.map((f) => dec.decode(f))), [["x", "yz"]]);
      r.raw.write(new Uint8Array([0x00, 1, 0x61])); // a bare data frame
      const reason = await within(2000, closed.promise, "close");
      assert.match(String(reason), /data frame/);
      assert.equal(r.got.length, 1);
    } finally {
      await r.close();
    }
  });

  test("NULL has no wrap: frames go on the wire as they are [ZMTP-MECH-3]", async () => {
    const r = await rig({ socketType: "PUSH", maxMsgSize: -1 }, helloV3(1, "PULL"));
    try {
      await r.raw.waitFor(66, "READY");
      const start = r.raw.bytes.length;
      r.stream.write([enc.encode("ab"), enc.encode("c")]);
      await r.raw.waitFor(start + 7, "the message");
      assert.deepEqual([...r.raw.bytes.subarray(start)], [1, 2, 0x61, 0x62, 0, 1, 0x63]);
    } finally {
      await r.close();
    }
  });

  test("only a mechanism that allows it (NULL) falls back to ZMTP 2.0 [ZMTP-MECH-4]", async () => {
    const h = await handshakeWith(xor, helloV2(7));
    try {
      await assert.rejects(h.outcome, /ZMTP 2\.0.*X-XOR/);
      await h.raw.waitFor(11, "signature and major");
      await delay(20);
      assert.equal(h.raw.bytes.length, 11, "signature and major only: no socket-type byte");
    } finally {
      await h.close();
    }
    const r = await rig({ socketType: "PUSH", maxMsgSize: -1 }, helloV2(7));
    try {
      assert.equal(r.peer.version, "2.0");
    } finally {
      await r.close();
    }
  });
});

describe("zmtp engine traffic hooks", () => {
  test("a socket type's hooks, made per connection once the peer is known, replace the engine's type rules [ZMTP-HOOK-1]", async () => {
    const seen: string[] = [];
    const hooks = (peer: ZmtpPeer) => {
      seen.push(`${peer.socketType} ${peer.version}`);
      return {
        outgoing: (msg: Uint8Array[]) =>
          dec.decode(msg[0]) === "as-command"
            ? new Uint8Array([4, ...enc.encode("NOTE")])
            : undefined,
        command: (name: string, data: Uint8Array) =>
          name === "NOTE" ? [enc.encode("note"), data] : undefined,
        incoming: (msg: Uint8Array[]) => dec.decode(msg[0]) !== "drop",
      };
    };
    const hello = [
      ...helloV3(0, "PULL"),
      ...command("NOTE", enc.encode("n1")),
      ...command("OTHER", enc.encode("o")),
      ...[0, 4, ...enc.encode("drop")],
      ...[0, 4, ...enc.encode("keep")],
    ];
    const r = await rig({ socketType: "PUSH", maxMsgSize: -1, hooks }, new Uint8Array(hello));
    try {
      assert.deepEqual(seen, ["PULL 3.0"]);
      await within(2000, poll(() => r.got.length >= 2), "two messages");
      await delay(20);
      assert.deepEqual(r.got.map((m) => m.map((f) => dec.decode(f))), [["note", "n1"], ["keep"]]);
      await r.raw.waitFor(66, "READY");
      const start = r.raw.bytes.length;
      r.stream.write([enc.encode("as-command")]);
      r.stream.write([enc.encode("plain")]);
      await r.raw.waitFor(start + 7 + 7, "a command and a message");
      assert.deepEqual(commandNames(r.raw.bytes, start), ["NOTE", null]);
    } finally {
      await r.close();
    }
  });
});
