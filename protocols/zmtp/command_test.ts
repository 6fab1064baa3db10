import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  encodeCancel,
  encodeCommand,
  encodeError,
  encodeMetadata,
  encodePing,
  encodePong,
  encodeReady,
  encodeSubscribe,
  encodeSubscriptionMessage,
  metadataText,
  parseCommand,
  parseError,
  parseMetadata,
  parsePing,
  parseSubscriptionMessage,
} from "./command.ts";
import { encodeCommandFrame, FrameDecoder } from "./frame.ts";

const hex = (s: string): Uint8Array => new Uint8Array(s.split(/\s+/).map((b) => parseInt(b, 16)));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const ascii = (s: string): string =>
  [...text(s)].map((b) => b.toString(16).padStart(2, "0")).join(" ");

function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of at) {
    chunks.push(bytes.slice(start, p));
    start = p;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

function commandData(body: Uint8Array, name: string): Uint8Array {
  const c = parseCommand(body);
  assert.ok(c.ok && c.name === name, `expected a ${name} command`);
  return c.data;
}

test("encodeReady matches the READY libzmq's DEALER sends [ZMTP-META-1]", () => {
  // RFC 23/37 §READY; libzmq `src/mechanism.cpp`: 04 2c 05 READY 0b Socket-Type 00000006 DEALER 08 Identity 00000003 abc
  const capture = hex(
    `04 2c 05 ${ascii("READY")} 0b ${ascii("Socket-Type")} 00 00 00 06 ${ascii("DEALER")} ` +
      `08 ${ascii("Identity")} 00 00 00 03 ${ascii("abc")}`,
  );
  assert.deepEqual(
    encodeCommandFrame(encodeReady({ "Socket-Type": "DEALER", Identity: "abc" })),
    capture,
  );
  const r = parseMetadata(commandData(capture.subarray(2), "READY"));
  assert.ok(r.ok);
  assert.deepEqual([...r.metadata.keys()], ["Socket-Type", "Identity"]);
  assert.equal(metadataText(r.metadata, "Socket-Type"), "DEALER");
  assert.equal(metadataText(r.metadata, "Identity"), "abc");
});

test("encodeReady gives the 41-byte READY of RFC 23's worked example [ZMTP-META-1]", () => {
  const frame = encodeCommandFrame(encodeReady({ "Socket-Type": "DEALER", Identity: "" }));
  assert.deepEqual(frame.subarray(0, 2), hex("04 29"));
  assert.equal(frame.length, 43);
});

test("metadata round-trips for any names and values [ZMTP-META-1] [ZMTP-META-5]", () => {
  const nameArb = fc.stringMatching(/^[A-Za-z0-9\-_.+]{1,40}$/).filter((n) => n !== "__proto__");
  fc.assert(
    fc.property(
      fc.dictionary(nameArb, fc.uint8Array({ maxLength: 300 }), { maxKeys: 6 }),
      (props) => {
        const r = parseMetadata(encodeMetadata(props));
        assert.ok(r.ok);
        assert.deepEqual(
          new Map([...r.metadata].map(([k, v]) => [k, [...v]])),
          new Map(Object.entries(props).map(([k, v]) => [k, [...v]])),
        );
      },
    ),
    { numRuns: 200 },
  );
});

test("parseMetadata refuses data cut inside a property and accepts it cut between properties [ZMTP-META-2]", () => {
  const data = encodeMetadata({ "Socket-Type": "PUB", "X-Hi": "there" });
  const boundaries = new Set([0, 1 + 11 + 4 + 3, data.length]);
  for (let n = 0; n <= data.length; n++) {
    const r = parseMetadata(data.subarray(0, n));
    if (boundaries.has(n)) assert.ok(r.ok, `cut at ${n}`);
    else assert.deepEqual(r, { ok: false, reason: "truncated-property" }, `cut at ${n}`);
  }
});

test("parseMetadata looks names up case-sensitively, as libzmq does [ZMTP-META-3]", () => {
  const r = parseMetadata(encodeMetadata({ "socket-type": "SUB" }));
  assert.ok(r.ok);
  assert.equal(metadataText(r.metadata, "Socket-Type"), undefined);
  assert.equal(metadataText(r.metadata, "socket-type"), "SUB");
});

test("parseMetadata keeps the first value of a repeated name [ZMTP-META-4]", () => {
  const data = new Uint8Array([...encodeMetadata({ A: "1" }), ...encodeMetadata({ A: "2" })]);
  const r = parseMetadata(data);
  assert.ok(r.ok);
  assert.equal(metadataText(r.metadata, "A"), "1");
});

test("encodeMetadata refuses names outside the RFC's character set or length [ZMTP-META-5]", () => {
  for (const name of ["", "a b", "x".repeat(256), "é"]) {
    assert.throws(() => encodeMetadata({ [name]: "v" }), RangeError, JSON.stringify(name));
  }
});

test("parseCommand splits any command body into its name and data [ZMTP-CMD-1]", () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[A-Za-z]{1,255}$/),
      fc.uint8Array({ maxLength: 100 }),
      (name, data) => {
        const r = parseCommand(encodeCommand(name, data));
        assert.ok(r.ok);
        assert.equal(r.name, name);
        assert.deepEqual([...r.data], [...data]);
      },
    ),
    { numRuns: 200 },
  );
});

test("parseCommand refuses an empty body, an empty name and a truncated name [ZMTP-CMD-1]", () => {
  assert.deepEqual(parseCommand(new Uint8Array(0)), { ok: false, reason: "empty-command" });
  assert.deepEqual(parseCommand(hex("00 41")), { ok: false, reason: "bad-command-name" });
  assert.deepEqual(parseCommand(hex("05 52 45 41 44")), {
    ok: false,
    reason: "truncated-command-name",
  });
});

test("parseCommand keeps the name's case and accepts unknown names [ZMTP-CMD-2]", () => {
  assert.deepEqual(commandData(encodeCommand("ping", hex("00 01")), "ping"), hex("00 01"));
  assert.throws(() => encodeCommand("PING1"), RangeError);
  assert.throws(() => encodeCommand(""), RangeError);
});

test("command parsers never throw on random bytes [ZMTP-WIRE-1]", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      for (
        const parse of [
          parseCommand,
          parseMetadata,
          parseError,
          parsePing,
          parseSubscriptionMessage,
        ]
      ) {
        const r = parse(bytes);
        assert.ok(r.ok || typeof r.reason === "string");
      }
    }),
    { numRuns: 200 },
  );
});

test("encodeError matches libzmq's ZAP refusal and parseError reads it back [ZMTP-CMD-3]", () => {
  const body = encodeError("400");
  assert.deepEqual(body, hex(`05 ${ascii("ERROR")} 03 34 30 30`));
  assert.deepEqual(parseError(commandData(body, "ERROR")), { ok: true, message: "400" });
  assert.throws(() => encodeError("x".repeat(256)), RangeError);
});

test("parseError refuses a missing or overlong reason length and ignores trailing bytes [ZMTP-CMD-3]", () => {
  assert.deepEqual(parseError(new Uint8Array(0)), { ok: false, reason: "truncated-error" });
  assert.deepEqual(parseError(hex("04 61 62 63")), { ok: false, reason: "truncated-error" });
  assert.deepEqual(parseError(hex("01 61 62")), { ok: true, message: "a" });
});

test("encodeSubscribe and encodeCancel match libzmq's ZMTP 3.1 captures [ZMTP-SUB-1]", () => {
  assert.deepEqual(
    encodeCommandFrame(encodeSubscribe("topic")),
    hex(`04 0f 09 ${ascii("SUBSCRIBE")} ${ascii("topic")}`),
  );
  assert.deepEqual(
    encodeCommandFrame(encodeCancel("topic")),
    hex(`04 0c 06 ${ascii("CANCEL")} ${ascii("topic")}`),
  );
  assert.deepEqual(commandData(encodeSubscribe(hex("00 ff")), "SUBSCRIBE"), hex("00 ff"));
});

test("subscription messages match libzmq's ZMTP 3.0 captures [ZMTP-SUB-2]", () => {
  assert.deepEqual(encodeSubscriptionMessage(true, "topic"), hex(`01 ${ascii("topic")}`));
  assert.deepEqual(encodeSubscriptionMessage(false, text("topic")), hex(`00 ${ascii("topic")}`));
  assert.deepEqual(parseSubscriptionMessage(hex("01")), {
    ok: true,
    subscribe: true,
    topic: new Uint8Array(0),
  });
  assert.deepEqual(parseSubscriptionMessage(hex("00 41")), {
    ok: true,
    subscribe: false,
    topic: hex("41"),
  });
  assert.deepEqual(parseSubscriptionMessage(hex("02 41")), {
    ok: false,
    reason: "not-a-subscription",
  });
  assert.deepEqual(parseSubscriptionMessage(new Uint8Array(0)), {
    ok: false,
    reason: "empty-message",
  });
});

test("encodePing matches libzmq's PING capture and parsePing reads it back [ZMTP-HB-1]", () => {
  assert.deepEqual(encodeCommandFrame(encodePing(15)), hex("04 07 04 50 49 4e 47 00 0f"));
  const ping = parsePing(commandData(encodePing(0x1234, text("ctx123")), "PING"));
  assert.deepEqual(ping, { ok: true, ttl: 0x1234, context: text("ctx123") });
  assert.deepEqual(parsePing(hex("00")), { ok: false, reason: "truncated-ping" });
});

test("encodePing refuses a TTL outside 0..65535 and a context over 16 bytes [ZMTP-HB-1]", () => {
  for (const ttl of [-1, 65536, 1.5, NaN]) assert.throws(() => encodePing(ttl), RangeError);
  assert.throws(() => encodePing(0, new Uint8Array(17)), RangeError);
  assert.equal(encodePing(65535, new Uint8Array(16)).length, 5 + 2 + 16);
});

test("parsePing cuts a context over 16 bytes to the 16 that are echoed [ZMTP-HB-2]", () => {
  const data = new Uint8Array(2 + 20).map((_, i) => i);
  const r = parsePing(data);
  assert.ok(r.ok);
  assert.deepEqual(r.context, data.subarray(2, 18));
});

test("encodePong matches libzmq's PONG capture [ZMTP-HB-3]", () => {
  assert.deepEqual(
    encodeCommandFrame(encodePong(text("ctx123"))),
    hex("04 0b 04 50 4f 4e 47 63 74 78 31 32 33"),
  );
  assert.throws(() => encodePong(new Uint8Array(17)), RangeError);
});

test("commands survive framing and any chunking of the stream [ZMTP-CMD-1] [ZMTP-FRAME-4]", () => {
  const commandArb = fc.oneof(
    fc.record({ name: fc.constant("PING"), data: fc.uint8Array({ minLength: 2, maxLength: 18 }) }),
    fc.record({ name: fc.constant("SUBSCRIBE"), data: fc.uint8Array({ maxLength: 300 }) }),
    fc.record({
      name: fc.constant("READY"),
      data: fc.constant(encodeMetadata({ "Socket-Type": "SUB" })),
    }),
  );
  fc.assert(
    fc.property(
      fc.array(commandArb, { maxLength: 5 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      (commands, points) => {
        const stream = new Uint8Array(
          commands.flatMap((c) => [...encodeCommandFrame(encodeCommand(c.name, c.data))]),
        );
        const seen: { name: string; data: number[] }[] = [];
        const decoder = new FrameDecoder({
          onMessage: () => assert.fail("no messages expected"),
          onCommand: (body) => {
            const r = parseCommand(body);
            assert.ok(r.ok);
            seen.push({ name: r.name, data: [...r.data] });
          },
          onError: (reason) => assert.fail(reason),
        });
        for (const chunk of cut(stream, points)) decoder.push(chunk);
        assert.deepEqual(seen, commands.map((c) => ({ name: c.name, data: [...c.data] })));
      },
    ),
    { numRuns: 100 },
  );
});
