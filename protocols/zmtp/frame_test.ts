import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  dataFrameHeader,
  encodeCommandFrame,
  FrameDecoder,
  type FrameDecoderOptions,
  type FrameErrorReason,
} from "./frame.ts";

type Event =
  | { kind: "message"; frames: Uint8Array[] }
  | { kind: "command"; body: Uint8Array }
  | { kind: "error"; reason: FrameErrorReason };

function recorder(
  options: Partial<FrameDecoderOptions> = {},
): { decoder: FrameDecoder; events: Event[] } {
  const events: Event[] = [];
  const decoder = new FrameDecoder({
    onMessage: (frames) => events.push({ kind: "message", frames }),
    onCommand: (body) => events.push({ kind: "command", body }),
    onError: (reason) => events.push({ kind: "error", reason }),
    ...options,
  });
  return { decoder, events };
}

// Splits `bytes` at the given points (taken modulo its length + 1).
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

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function decodeAll(chunks: Uint8Array[], options: Partial<FrameDecoderOptions> = {}): Event[] {
  const { decoder, events } = recorder(options);
  for (const c of chunks) decoder.push(c);
  return events;
}

// A whole message as the engine sends it: each frame's header from dataFrameHeader, then its body.
function encodeMessage(frames: Uint8Array[]): Uint8Array {
  return concat(
    frames.flatMap((
      body,
      i,
    ) => [dataFrameHeader(body.length, i < frames.length - 1).slice(), body]),
  );
}

const hex = (s: string): Uint8Array => new Uint8Array(s.split(/\s+/).map((b) => parseInt(b, 16)));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

// A traffic item: a message (frames) or a command (body); `long` forces the 8-byte size field.
const frameArb = fc.uint8Array({ maxLength: 300 });
const itemArb = fc.oneof(
  fc.record({ frames: fc.array(frameArb, { minLength: 1, maxLength: 4 }), long: fc.boolean() }),
  fc.record({ command: frameArb, long: fc.boolean() }),
);
type Item = { frames: Uint8Array[]; long: boolean } | { command: Uint8Array; long: boolean };

// Encodes like a peer that may use LONG for any size (libzmq's decoder accepts that).
function encodeItem(item: Item): Uint8Array {
  const frames = "frames" in item ? item.frames : [item.command];
  return concat(frames.map((body, i) => {
    const more = "frames" in item && i < frames.length - 1 ? 1 : 0;
    const flags = ("command" in item ? 4 : more) | (item.long || body.length > 255 ? 2 : 0);
    const n = body.length;
    const size = flags & 2
      ? [0, 0, 0, 0, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
      : [n];
    return concat([Uint8Array.of(flags, ...size), body]);
  }));
}

function expected(items: Item[]): Event[] {
  return items.map((item) =>
    "frames" in item
      ? { kind: "message", frames: item.frames }
      : { kind: "command", body: item.command }
  );
}

// Compares events by content (views and copies compare equal).
function assertEvents(actual: Event[], wanted: Event[]): void {
  assert.deepEqual(
    actual.map((e) =>
      e.kind === "message"
        ? { ...e, frames: e.frames.map((f) => [...f]) }
        : e.kind === "command"
        ? { ...e, body: [...e.body] }
        : e
    ),
    wanted.map((e) =>
      e.kind === "message"
        ? { ...e, frames: e.frames.map((f) => [...f]) }
        : e.kind === "command"
        ? { ...e, body: [...e.body] }
        : e
    ),
  );
}

test("dataFrameHeader sets MORE on every frame but the last [ZMTP-FRAME-1]", () => {
  const bytes = encodeMessage([text("a"), new Uint8Array(0), text("bc")]);
  assert.deepEqual(bytes, hex("01 01 61 01 00 00 02 62 63"));
});

test("dataFrameHeader uses a short size up to 255 bytes and LONG from 256 [ZMTP-FRAME-1]", () => {
  assert.deepEqual(dataFrameHeader(255, false), hex("00 ff"));
  assert.deepEqual(dataFrameHeader(0, true), hex("01 00"));
  assert.deepEqual(dataFrameHeader(256, false), hex("02 00 00 00 00 00 00 01 00"));
  assert.deepEqual(dataFrameHeader(70000, true), hex("03 00 00 00 00 00 01 11 70"));
  assert.deepEqual(dataFrameHeader(2 ** 40 + 5, false), hex("02 00 00 01 00 00 00 00 05"));
  assert.deepEqual(
    dataFrameHeader(Number.MAX_SAFE_INTEGER, false),
    hex("02 00 1f ff ff ff ff ff ff"),
  );
});

test("dataFrameHeader allocates nothing: short headers are made once, the long one is reused [ZMTP-FRAME-1]", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 255 }), fc.boolean(), (size, more) => {
      const header = dataFrameHeader(size, more);
      assert.equal(dataFrameHeader(size, more), header, "the same array every time");
      assert.deepEqual([...header], [more ? 1 : 0, size]);
    }),
  );
  const first = dataFrameHeader(300, false);
  assert.equal(dataFrameHeader(100_000, true), first, "one array for every long header");
  assert.deepEqual(first, hex("03 00 00 00 00 00 01 86 a0"), "rewritten by the last call");
});

test("dataFrameHeader agrees with the decoder for any size and MORE [ZMTP-FRAME-1]", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 600 }), { minLength: 1, maxLength: 4 }),
      (frames) => {
        assertEvents(decodeAll([encodeMessage(frames)]), [{ kind: "message", frames }]);
      },
    ),
    { numRuns: 100 },
  );
});

test("encodeCommandFrame sets the COMMAND flag and LONG only above 255 bytes [ZMTP-FRAME-1]", () => {
  assert.deepEqual(encodeCommandFrame(hex("04 50 4f 4e 47")), hex("04 05 04 50 4f 4e 47"));
  const long = encodeCommandFrame(new Uint8Array(277).fill(9));
  assert.deepEqual(long.subarray(0, 9), hex("06 00 00 00 00 00 00 01 15"));
  assert.deepEqual(long.subarray(9), new Uint8Array(277).fill(9));
});

test("FrameDecoder delivers a multipart message only when its last frame arrives [ZMTP-FRAME-3]", () => {
  const { decoder, events } = recorder();
  decoder.push(hex("01 01 61 01 00"));
  assert.equal(events.length, 0);
  assert.equal(decoder.idle, false);
  decoder.push(hex("00 02 62 63"));
  assertEvents(events, [{ kind: "message", frames: [text("a"), new Uint8Array(0), text("bc")] }]);
  assert.equal(decoder.idle, true);
});

test("FrameDecoder gives the same messages and commands under any chunking [ZMTP-FRAME-4]", () => {
  fc.assert(
    fc.property(
      fc.array(itemArb, { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (items, points) => {
        const stream = concat(items.map(encodeItem));
        assertEvents(decodeAll(cut(stream, points)), expected(items));
      },
    ),
    { numRuns: 200 },
  );
});

test("FrameDecoder gives the same result fed one byte at a time [ZMTP-FRAME-4]", () => {
  fc.assert(
    fc.property(fc.array(itemArb, { maxLength: 4 }), (items) => {
      const stream = concat(items.map(encodeItem));
      const bytes = [...stream].map((b) => Uint8Array.of(b));
      assertEvents(decodeAll(bytes), expected(items));
    }),
    { numRuns: 50 },
  );
});

test("FrameDecoder accepts a LONG size field for a small frame [ZMTP-FRAME-2]", () => {
  const events = decodeAll([hex("02 00 00 00 00 00 00 00 01 7a")]);
  assertEvents(events, [{ kind: "message", frames: [text("z")] }]);
});

test("FrameDecoder accepts empty frames and empty commands [ZMTP-FRAME-10]", () => {
  const events = decodeAll([hex("01 00 00 00 04 00")]);
  assertEvents(events, [
    { kind: "message", frames: [new Uint8Array(0), new Uint8Array(0)] },
    { kind: "command", body: new Uint8Array(0) },
  ]);
});

test("FrameDecoder delivers a command that arrives between frames of a message [ZMTP-FRAME-9]", () => {
  const ping = hex("04 07 04 50 49 4e 47 00 0f"); // libzmq PING capture
  const events = decodeAll([concat([hex("01 01 61"), ping, hex("00 01 62")])]);
  assertEvents(events, [
    { kind: "command", body: ping.subarray(2) },
    { kind: "message", frames: [text("a"), text("b")] },
  ]);
});

test("FrameDecoder refuses any flags byte with a reserved bit set [ZMTP-FRAME-5]", () => {
  fc.assert(
    fc.property(fc.integer({ min: 8, max: 255 }).filter((b) => (b & 0xf8) !== 0), (flags) => {
      const events = decodeAll([Uint8Array.of(flags, 0)]);
      assertEvents(events, [{ kind: "error", reason: "reserved-flags" }]);
    }),
  );
});

test("FrameDecoder refuses a command with MORE set [ZMTP-FRAME-6]", () => {
  for (const flags of [0x05, 0x07]) {
    assertEvents(decodeAll([Uint8Array.of(flags, 1, 0)]), [{
      kind: "error",
      reason: "command-more",
    }]);
  }
});

test("FrameDecoder refuses a LONG size above Number.MAX_SAFE_INTEGER after 9 bytes [ZMTP-FRAME-7]", () => {
  for (
    const size of ["80 00 00 00 00 00 00 00", "00 20 00 00 00 00 00 00", "ff ff ff ff ff ff ff ff"]
  ) {
    const { decoder, events } = recorder();
    const header = hex(`02 ${size}`);
    decoder.push(header.subarray(0, 8));
    assert.equal(events.length, 0);
    decoder.push(header.subarray(8));
    assertEvents(events, [{ kind: "error", reason: "size-overflow" }]);
  }
  const { decoder, events } = recorder(); // 2^53 - 1 is a valid size; nothing is allocated yet
  decoder.push(hex("02 00 1f ff ff ff ff ff ff 00"));
  assert.equal(events.length, 0);
});

test("FrameDecoder refuses a header claiming 2^40 bytes after 9 bytes, before allocating [ZMTP-FRAME-8]", () => {
  const { decoder, events } = recorder({ maxMsgSize: 1024 * 1024 });
  const header = hex("02 00 00 01 00 00 00 00 00");
  for (let i = 0; i < 8; i++) decoder.push(header.subarray(i, i + 1));
  assert.equal(events.length, 0);
  decoder.push(header.subarray(8));
  assertEvents(events, [{ kind: "error", reason: "message-too-large" }]);
});

test("FrameDecoder checks maxMsgSize on the sum of a message's frames, each command on its own [ZMTP-FRAME-8]", () => {
  const ok = decodeAll([encodeMessage([new Uint8Array(4), new Uint8Array(6)])], { maxMsgSize: 10 });
  assert.equal(ok[0]?.kind, "message");
  const tooBig = decodeAll([encodeMessage([new Uint8Array(11)])], { maxMsgSize: 10 });
  assertEvents(tooBig, [{ kind: "error", reason: "message-too-large" }]);
  // frames of 6 bytes, each below the limit, add up past it on the second frame's header
  const { decoder, events } = recorder({ maxMsgSize: 10 });
  decoder.push(hex("01 06 00 00 00 00 00 00 01 06"));
  assertEvents(events, [{ kind: "error", reason: "message-too-large" }]);
  // the count starts again with each message; a command in between counts on its own
  const two = encodeMessage([new Uint8Array(5), new Uint8Array(5)]);
  const ping = encodeCommandFrame(new Uint8Array(10));
  const mixed = decodeAll([concat([two.subarray(0, 7), ping, two.subarray(7), two])], {
    maxMsgSize: 10,
  });
  assert.deepEqual(mixed.map((e) => e.kind), ["command", "message", "message"]);
  const command = decodeAll([encodeCommandFrame(new Uint8Array(11))], { maxMsgSize: 10 });
  assertEvents(command, [{ kind: "error", reason: "frame-too-large" }]);
});

test("FrameDecoder refuses a message's frame past maxMsgFrames on its header, whatever its size [ZMTP-FRAME-14]", () => {
  const { decoder, events } = recorder({ maxMsgFrames: 3 });
  decoder.push(encodeMessage([new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)]));
  assert.equal(events[0]?.kind, "message", "three frames are fine");
  decoder.push(hex("01 00 01 00 01 00")); // three frames with MORE: still waiting
  assert.equal(events.length, 1);
  decoder.push(hex("02 00 00 00 00 00 00 10")); // a fourth frame's header, size not even complete
  assert.equal(events.length, 1);
  decoder.push(hex("00"));
  assertEvents(events.slice(1), [{ kind: "error", reason: "too-many-frames" }]);
  assert.equal(decoder.stopped, true);
});

test("FrameDecoder caps frames per message at 65536 by default, and not with 0 or -1 [ZMTP-FRAME-14]", () => {
  const endless = new Uint8Array(2 * 70_000);
  for (let i = 0; i < endless.length; i += 2) endless[i] = 0x01; // empty frames, all with MORE
  const capped = decodeAll([endless]);
  assertEvents(capped, [{ kind: "error", reason: "too-many-frames" }]);
  const exact = new Uint8Array(2 * 65_536);
  for (let i = 0; i < exact.length - 2; i += 2) exact[i] = 0x01;
  const [message] = decodeAll([exact]);
  assert.ok(message?.kind === "message" && message.frames.length === 65_536);
  for (const maxMsgFrames of [0, -1]) {
    const { decoder, events } = recorder({ maxMsgFrames });
    decoder.push(endless);
    assert.equal(events.length, 0, "no limit: still waiting for the last frame");
    assert.equal(decoder.maxMsgFrames, Infinity);
  }
});

test("FrameDecoder with acceptData off refuses a data frame on its flags byte, and maxFrameSize any frame on its size [ZMTP-FRAME-15]", () => {
  const { decoder, events } = recorder();
  decoder.acceptData = false;
  decoder.push(encodeCommandFrame(hex("05 52 45 41 44 59")));
  assert.equal(events[0]?.kind, "command", "commands pass");
  decoder.push(hex("02")); // the flags byte of a data frame: refused before its size
  assertEvents(events.slice(1), [{ kind: "error", reason: "unexpected-data" }]);
  for (const frame of [hex("04 05 00 00 00 00 00"), hex("00 05 00 00 00 00 00")]) {
    const limited = recorder();
    limited.decoder.maxFrameSize = 4;
    limited.decoder.push(frame.subarray(0, 2));
    assertEvents(limited.events, [{ kind: "error", reason: "frame-too-large" }]);
  }
  const lifted = recorder();
  lifted.decoder.maxFrameSize = 4;
  lifted.decoder.maxFrameSize = Infinity;
  lifted.decoder.push(hex("00 05 00 00 00 00 00"));
  assert.equal(lifted.events[0]?.kind, "message");
});

test("FrameDecoder treats a zero or negative maxMsgSize as no limit [ZMTP-FRAME-8]", () => {
  for (const maxMsgSize of [0, -1]) {
    const events = decodeAll([encodeMessage([new Uint8Array(300)])], { maxMsgSize });
    assert.equal(events[0]?.kind, "message");
  }
});

test("FrameDecoder passes a body inside one chunk as a view and copies a split body exactly [ZMTP-FRAME-12]", () => {
  const chunk = encodeMessage([text("abc")]);
  const [inside] = decodeAll([chunk]);
  assert.ok(inside?.kind === "message" && inside.frames[0]?.buffer === chunk.buffer);
  const big = new Uint8Array(200_000).map((_, i) => i);
  const stream = encodeMessage([big]);
  const pieces = cut(stream, Array.from({ length: 150 }, (_, i) => i * 1400 + 3));
  const [split] = decodeAll(pieces);
  assert.ok(split?.kind === "message");
  assert.equal(split.frames[0]?.buffer.byteLength, big.length);
  assert.deepEqual(split.frames[0], big);
});

test("FrameDecoder reports one error and then ignores all input [ZMTP-FRAME-13]", () => {
  const { decoder, events } = recorder();
  decoder.push(hex("00 01 61 08 00 00 01 62"));
  decoder.push(hex("00 01 63"));
  assertEvents(events, [
    { kind: "message", frames: [text("a")] },
    { kind: "error", reason: "reserved-flags" },
  ]);
  assert.equal(decoder.error, "reserved-flags");
  assert.equal(decoder.stopped, true);
});

test("FrameDecoder stops on stop() and when a callback throws [ZMTP-FRAME-13]", () => {
  const { decoder, events } = recorder();
  decoder.stop();
  decoder.push(hex("00 01 61"));
  assert.equal(events.length, 0);
  const throwing = new FrameDecoder({
    onMessage: () => {
      throw new Error("boom");
    },
    onError: () => {},
  });
  assert.throws(() => throwing.push(hex("00 00 00 00")), /boom/);
  assert.equal(throwing.stopped, true);
});

test("FrameDecoder drops commands when no onCommand is given [ZMTP-FRAME-9]", () => {
  const messages: Uint8Array[][] = [];
  const decoder = new FrameDecoder({ onMessage: (f) => messages.push(f), onError: () => {} });
  decoder.push(hex("04 01 00 00 01 61"));
  assert.deepEqual(messages, [[text("a")]]);
});

test("FrameDecoder never throws on random bytes and chunking does not change the outcome [ZMTP-WIRE-1]", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.boolean(),
      (bytes, points, v2) => {
        const whole = decodeAll([bytes], { maxMsgSize: 4096, v2 });
        assertEvents(decodeAll(cut(bytes, points), { maxMsgSize: 4096, v2 }), whole);
        assert.ok(whole.filter((e) => e.kind === "error").length <= 1);
      },
    ),
    { numRuns: 200 },
  );
});

test("FrameDecoder in ZMTP 2.0 mode refuses the command bit [ZMTP-FRAME-11]", () => {
  assertEvents(decodeAll([hex("04 00")], { v2: true }), [{
    kind: "error",
    reason: "reserved-flags",
  }]);
  assertEvents(
    decodeAll([hex("03 00 00 00 00 00 00 00 01 61 02 00 00 00 00 00 00 00 00")], { v2: true }),
    [
      { kind: "message", frames: [text("a"), new Uint8Array(0)] },
    ],
  );
});

test("FrameDecoder reads the frames of the JeroMQ 0.3.6 ZMTP 2.0 trace [ZMTP-FRAME-11]", () => {
  // After the 12-byte greeting: identity "jid", then ["a", "hello"] (RFC 15; JeroMQ 0.3.6 (captures in `conformance/vectors/`)).
  const fromJeromq = hex("00 03 6a 69 64 01 01 61 00 05 68 65 6c 6c 6f");
  assertEvents(decodeAll(cut(fromJeromq, [4, 7]), { v2: true }), [
    { kind: "message", frames: [text("jid")] },
    { kind: "message", frames: [text("a"), text("hello")] },
  ]);
  // libzmq's answer: empty identity, then "world"; our encoder writes the same bytes.
  assert.deepEqual(
    concat([encodeMessage([new Uint8Array(0)]), encodeMessage([text("world")])]),
    hex("00 00 00 05 77 6f 72 6c 64"),
  );
});

test("a decoder suspended by a command keeps the rest for whoever takes over, whatever the chunking [ZMTP-FRAME-16]", () => {
  fc.assert(
    fc.property(
      fc.array(frameArb, { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      (bodies, points) => {
        // a handshake command, then messages the next owner must see, in order
        const ready = encodeCommandFrame(text("\x05READY"));
        const messages = bodies.map((b) => encodeMessage([b]));
        const stream = concat([ready, ...messages]);
        const events: Event[] = [];
        const decoder: FrameDecoder = new FrameDecoder({
          onMessage: (frames) => events.push({ kind: "message", frames }),
          onCommand: (body) => {
            events.push({ kind: "command", body });
            decoder.suspend(); // the handshake is done
          },
          onError: (reason) => events.push({ kind: "error", reason }),
        });
        const held: Uint8Array[] = [];
        for (const chunk of cut(stream, points)) {
          decoder.push(chunk);
          if (decoder.suspended) held.push(decoder.takeRest()); // as a connection would hold it
        }
        assert.deepEqual(events, [{ kind: "command", body: text("\x05READY") }]);
        decoder.resume();
        decoder.push(concat(held)); // the next owner reads what was held
        assert.deepEqual(
          events.slice(1),
          bodies.map((b) => ({ kind: "message", frames: [b] })),
        );
      },
    ),
    { numRuns: 200 },
  );
});
