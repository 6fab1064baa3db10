// The SP header helpers read a message the same way whether it is one array (as it comes off the
// wire) or a head and a body (as edgemq's REQ, REP and PAIR1 hand it over inproc), wherever the
// split falls.
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { backtraceLength, headerBytes, splitHeader } from "./_backtrace.ts";
import { joinParts } from "./wire.ts";

/** Messages of hop words (bit 31 clear), maybe a request id (bit 31 set), then a body. */
const message = fc.record({
  hops: fc.array(fc.integer({ min: 0, max: 0x7fffffff }), { maxLength: 6 }),
  id: fc.option(fc.integer({ min: 0x80000000, max: 0xffffffff }), { nil: undefined }),
  body: fc.uint8Array({ maxLength: 40 }),
}).map(({ hops, id, body }) => {
  const words = id === undefined ? hops : [...hops, id];
  const bytes = new Uint8Array(words.length * 4 + body.length);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w));
  bytes.set(body, words.length * 4);
  return bytes;
});

test("a head+body message reads as the joined array, wherever it is split [SP-REP-8]", () => {
  fc.assert(
    fc.property(message, fc.nat(), fc.integer({ min: 1, max: 15 }), (bytes, at, maxHops) => {
      const cut = at % (bytes.length + 1);
      const parts = { head: bytes.subarray(0, cut), body: bytes.subarray(cut) };
      assert.deepEqual(joinParts(parts), bytes);
      const length = backtraceLength(parts, maxHops);
      assert.equal(length, backtraceLength(bytes, maxHops));
      if (length > 0) {
        const [header, body] = splitHeader(parts, length);
        assert.deepEqual([header, body], [bytes.subarray(0, length), bytes.subarray(length)]);
        if (cut === length) assert.equal(body, parts.body, "a head that is the header: no copy");
      }
      if (bytes.length >= 4) {
        assert.deepEqual(headerBytes(parts).subarray(0, 4), bytes.subarray(0, 4));
      }
    }),
  );
});
