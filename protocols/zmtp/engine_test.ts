import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { delay, within } from "../../testing/async.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { parseEndpoint } from "../../transports/url.ts";
import type { Connection } from "../../transports/transport.ts";
import type { MonitorEvent } from "../monitor.ts";
import { Dealer, Pull } from "./mod.ts";

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

function ready(props: Record<string, string>): Uint8Array {
  const data: number[] = [];
  for (const [k, v] of Object.entries(props)) {
    const value = enc.encode(v);
    data.push(k.length, ...enc.encode(k), 0, 0, 0, value.length, ...value);
  }
  return command("READY", new Uint8Array(data));
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

  test("refuses garbage, ZMTP 2.0 and a mechanism mismatch with a reason [ZMTP-HS-4]", async () => {
    const cases: [Uint8Array, RegExp][] = [
      [enc.encode("GET / HTTP/1.1\r\n\r\n"), /signature/],
      [new Uint8Array([...greeting().subarray(0, 10), 1, 5]), /ZMTP 2\.0/],
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

  test("checks its options and messages [ZMTP-OPT-1]", async () => {
    assert.throws(() => new Pull({ maxMsgSize: -2 }), { code: "EINVAL" });
    assert.throws(() => new Dealer({ routingId: "" }), { code: "EINVAL" });
    assert.throws(() => new Dealer({ routingId: new Uint8Array([0, 1]) }), { code: "EINVAL" });
    await using dealer = new Dealer();
    await assert.rejects(dealer.send([]), { code: "EINVAL" });
    await using pull = new Pull();
    await assert.rejects(pull.send("x"), { code: "ENOTSUP" });
  });
});
