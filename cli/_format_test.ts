/**
 * The output formats of edgecat (cli/_format.ts): nngcat's escapes and MessagePack headers on
 * fixed cases, and round trips on any bytes: `quoted` and `hex` lines decode (with the decoder
 * the interop suites use on nngcat's and nanocat's output) to the frames that were printed, and
 * `msgpack` output decodes back to them.
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { unquote } from "../conformance/interop/_peers.ts";
import {
  asciiFrame,
  type Format,
  formatMessage,
  FORMATS,
  hexFrame,
  msgpackArrayHeader,
  msgpackBinHeader,
  quoteFrame,
} from "./_format.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
const text = (format: Format, frames: Uint8Array[]): string =>
  dec.decode(formatMessage(format, frames));

/** Splits a quoted or hex line into its frames' quoted strings (frames are separated by one space). */
function quotedFrames(line: string): string[] {
  return line.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
}

/** A small MessagePack reader for what the msgpack format writes: bins, and arrays of bins. */
function readMsgpack(buf: Uint8Array): Uint8Array[][] {
  const messages: Uint8Array[][] = [];
  let at = 0;
  const uint = (size: number): number => {
    let n = 0;
    for (let i = 0; i < size; i++) {
      const byte = buf[at++];
      if (byte === undefined) throw new Error("truncated length");
      n = n * 256 + byte;
    }
    return n;
  };
  const bin = (): Uint8Array => {
    const tag = buf[at++];
    const size = tag === 0xc4 ? 1 : tag === 0xc5 ? 2 : tag === 0xc6 ? 4 : 0;
    if (size === 0) throw new Error(`not a bin tag: ${tag}`);
    const length = uint(size);
    const out = buf.slice(at, at + length);
    if (out.length !== length) throw new Error("truncated bin");
    at += length;
    return out;
  };
  while (at < buf.length) {
    const tag = buf[at]!;
    if ((tag & 0xf0) === 0x90 || tag === 0xdc || tag === 0xdd) {
      at++;
      const count = (tag & 0xf0) === 0x90 ? tag & 0x0f : uint(tag === 0xdc ? 2 : 4);
      messages.push(Array.from({ length: count }, bin));
    } else {
      messages.push([bin()]);
    }
  }
  return messages;
}

const frame = fc.uint8Array({ maxLength: 300 });
const frames = fc.array(frame, { minLength: 1, maxLength: 6 });

test("quoted: C escapes for tab, newline, return, quote and backslash, \\xNN for other unprintable bytes", () => {
  assert.equal(quoteFrame(enc.encode('a\tb\nc\rd"e\\f')), '"a\\tb\\nc\\rd\\"e\\\\f"');
  assert.equal(
    quoteFrame(bytes(0, 7, 8, 0x0b, 0x1f, 0x7f, 0x80, 0xff)),
    '"\\x00\\x07\\x08\\x0b\\x1f\\x7f\\x80\\xff"',
  );
  assert.equal(quoteFrame(enc.encode(" ~")), '" ~"');
  assert.equal(quoteFrame(enc.encode("é")), '"\\xc3\\xa9"');
  assert.equal(text("quoted", [new Uint8Array(0)]), '""\n');
});

test("hex: every byte as \\xNN in lower case, in quotes", () => {
  assert.equal(hexFrame(enc.encode("hi")), '"\\x68\\x69"');
  assert.equal(hexFrame(bytes(0x00, 0xab, 0xff)), '"\\x00\\xab\\xff"');
  assert.equal(text("hex", [new Uint8Array(0)]), '""\n');
});

test("ascii: printable ASCII as is, anything else as a period, a newline after each message", () => {
  assert.equal(asciiFrame(bytes(0x61, 0x0a, 0x62, 0x7f, 0x20, 0x7e, 0x1f, 0xc3)), "a.b. ~..");
  assert.equal(text("ascii", [enc.encode("a\nb")]), "a.b\n");
  assert.equal(text("ascii", [enc.encode("a\tb"), enc.encode("c")]), "a.b\tc\n");
});

test("msgpack: bin 8 below 256 bytes, bin 16 below 64 KiB, bin 32 above; arrays for several frames", () => {
  assert.deepEqual(msgpackBinHeader(0), bytes(0xc4, 0));
  assert.deepEqual(msgpackBinHeader(255), bytes(0xc4, 255));
  assert.deepEqual(msgpackBinHeader(256), bytes(0xc5, 1, 0));
  assert.deepEqual(msgpackBinHeader(65535), bytes(0xc5, 0xff, 0xff));
  assert.deepEqual(msgpackBinHeader(65536), bytes(0xc6, 0, 1, 0, 0));
  assert.deepEqual(msgpackArrayHeader(2), bytes(0x92));
  assert.deepEqual(msgpackArrayHeader(15), bytes(0x9f));
  assert.deepEqual(msgpackArrayHeader(16), bytes(0xdc, 0, 16));
  assert.deepEqual(msgpackArrayHeader(70000), bytes(0xdd, 0, 1, 0x11, 0x70));
  assert.deepEqual(formatMessage("msgpack", [enc.encode("hi")]), bytes(0xc4, 2, 0x68, 0x69));
  assert.deepEqual(
    formatMessage("msgpack", [enc.encode("a"), new Uint8Array(0)]),
    bytes(0x92, 0xc4, 1, 0x61, 0xc4, 0),
  );
});

test("raw: the frames' bytes back to back; no: nothing", () => {
  assert.deepEqual(formatMessage("raw", [bytes(1, 2), bytes(), bytes(3)]), bytes(1, 2, 3));
  assert.deepEqual(formatMessage("no", [bytes(1, 2)]), bytes());
});

test("every format of any message: one line per message (except raw and msgpack, which have no lines)", () => {
  fc.assert(fc.property(frames, (msg) => {
    for (const format of ["ascii", "quoted", "hex"] as const) {
      const out = text(format, msg);
      assert.ok(out.endsWith("\n"), format);
      assert.equal(out.indexOf("\n"), out.length - 1, `${format}: one line`);
      assert.match(out, /^[\x20-\x7e\t]*\n$/, `${format}: printable ASCII only`);
    }
  }));
  assert.deepEqual([...FORMATS].sort(), ["ascii", "hex", "msgpack", "no", "quoted", "raw"]);
});

test("quoted and hex round trip: the printed line decodes to the frames printed", () => {
  fc.assert(fc.property(frames, (msg) => {
    for (const format of ["quoted", "hex"] as const) {
      const line = text(format, msg).slice(0, -1);
      const parts = quotedFrames(line);
      assert.equal(parts.join(" "), line, `${format}: quoted frames separated by one space`);
      assert.deepEqual(parts.map(unquote), msg);
    }
  }));
});

test("ascii keeps every frame's length and its printable bytes, one tab between frames", () => {
  fc.assert(fc.property(frames, (msg) => {
    const parts = text("ascii", msg).slice(0, -1).split("\t");
    assert.equal(parts.length, msg.length);
    for (const [i, f] of msg.entries()) {
      assert.equal(parts[i]!.length, f.length);
      for (const [j, b] of f.entries()) {
        assert.equal(parts[i]!.charCodeAt(j), b >= 0x20 && b <= 0x7e ? b : 0x2e);
      }
    }
  }));
});

test("msgpack round trip: a stream of printed messages decodes to the messages", () => {
  fc.assert(fc.property(fc.array(frames, { maxLength: 5 }), (messages) => {
    const stream = messages.flatMap((m) => [...formatMessage("msgpack", m)]);
    assert.deepEqual(readMsgpack(new Uint8Array(stream)), messages);
  }));
  // sizes at the header boundaries
  for (const n of [255, 256, 65535, 65536]) {
    const big = new Uint8Array(n).fill(7);
    assert.deepEqual(readMsgpack(formatMessage("msgpack", [big])), [[big]]);
  }
  const many = Array.from({ length: 16 }, (_, i) => bytes(i));
  assert.deepEqual(readMsgpack(formatMessage("msgpack", many)), [many]);
});
