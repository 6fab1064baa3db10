import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  encodeGreeting,
  encodeGreetingV2,
  GREETING_SIZE,
  GreetingReader,
  type GreetingResult,
  isZmtp31,
  SIGNATURE_SIZE,
  V2_GREETING_SIZE,
} from "./greeting.ts";
import { SocketType } from "./socket_types.ts";

const hex = (s: string): Uint8Array => new Uint8Array(s.split(/\s+/).map((b) => parseInt(b, 16)));
const zeros = (n: number): string => Array(n).fill("00").join(" ");

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

// Feeds chunks; returns the result and how many bytes were consumed in total.
function read(chunks: Uint8Array[]): { result: GreetingResult | undefined; used: number } {
  const reader = new GreetingReader();
  let used = 0;
  for (const c of chunks) used += reader.push(c);
  return { result: reader.result, used };
}

// libzmq 4.3.4 DEALER with routing id "abc" (libzmq `src/zmtp_engine.cpp` (captures in `conformance/vectors/`)): padding = 3 + 1.
const LIBZMQ_GREETING = hex(
  `ff 00 00 00 00 00 00 00 04 7f 03 01 4e 55 4c 4c ${zeros(16)} 00 ${zeros(31)}`,
);

test("encodeGreeting builds libzmq's 64-byte NULL greeting with minor 1 [ZMTP-GREET-1]", () => {
  const expected = hex(
    `ff 00 00 00 00 00 00 00 01 7f 03 01 4e 55 4c 4c ${zeros(16)} 00 ${zeros(31)}`,
  );
  assert.deepEqual(encodeGreeting(), expected);
  assert.equal(encodeGreeting().length, GREETING_SIZE);
});

test("encodeGreeting writes the minor, mechanism and as-server options [ZMTP-GREET-1]", () => {
  const g = encodeGreeting({ mechanism: "CURVE", asServer: true, minor: 0 });
  assert.equal(g[11], 0);
  assert.deepEqual(g.subarray(12, 32), hex(`43 55 52 56 45 ${zeros(15)}`));
  assert.equal(g[32], 1);
  assert.deepEqual(g.subarray(33), new Uint8Array(31));
});

test("encodeGreeting refuses a mechanism name the RFC grammar does not allow [ZMTP-GREET-7]", () => {
  for (const mechanism of ["", "null", "A B", "X".repeat(21), "É"]) {
    assert.throws(() => encodeGreeting({ mechanism }), RangeError);
  }
  assert.equal(encodeGreeting({ mechanism: "X-1_2.3+" })[19], 0x2b);
});

test("encodeGreetingV2 gives the 12 bytes libzmq answers a ZMTP 2.0 peer with [ZMTP-GREET-5]", () => {
  // libzmq ROUTER to JeroMQ 0.3.6 (RFC 15; JeroMQ 0.3.6 (captures in `conformance/vectors/`)): signature, major 3, ROUTER.
  assert.deepEqual(encodeGreetingV2(SocketType.ROUTER), hex("ff 00 00 00 00 00 00 00 01 7f 03 06"));
  assert.equal(encodeGreetingV2(SocketType.DEALER, 1).length, V2_GREETING_SIZE);
});

test("GreetingReader reads the libzmq greeting capture whatever its padding [ZMTP-GREET-4]", () => {
  const { result, used } = read([LIBZMQ_GREETING]);
  assert.equal(used, GREETING_SIZE);
  assert.deepEqual(result, {
    ok: true,
    greeting: { version: 3, major: 3, minor: 1, mechanism: "NULL", asServer: false },
  });
});

test("GreetingReader tells the signature after 10 bytes, the major after 11, the greeting after 64 [ZMTP-GREET-2]", () => {
  const reader = new GreetingReader();
  for (let i = 0; i < GREETING_SIZE; i++) {
    assert.equal(reader.result, undefined);
    assert.equal(reader.signatureValid, i >= SIGNATURE_SIZE);
    assert.equal(reader.major, i > SIGNATURE_SIZE ? 3 : undefined);
    assert.equal(reader.expectedSize, i > SIGNATURE_SIZE ? GREETING_SIZE : SIGNATURE_SIZE + 1);
    assert.equal(reader.push(LIBZMQ_GREETING.subarray(i, i + 1)), 1);
  }
  assert.equal(reader.result?.ok, true);
  assert.equal(reader.bytesRead, GREETING_SIZE);
});

test("GreetingReader reads the JeroMQ 0.3.6 ZMTP 2.0 greeting and leaves the frames after it [ZMTP-GREET-5]", () => {
  const trace = hex("ff 00 00 00 00 00 00 00 04 7f 01 05 00 03 6a 69 64 01 01 61");
  const reader = new GreetingReader();
  assert.equal(reader.push(trace), V2_GREETING_SIZE);
  assert.deepEqual(reader.result, { ok: true, greeting: { version: 2, major: 1, socketType: 5 } });
  assert.equal(reader.push(trace.subarray(V2_GREETING_SIZE)), 0);
});

test("GreetingReader takes major 2 as ZMTP 2.0 and major 4 as ZMTP 3.x [ZMTP-GREET-5] [ZMTP-GREET-6]", () => {
  const v2 = read([hex("ff 00 00 00 00 00 00 00 01 7f 02 08")]).result;
  assert.deepEqual(v2, { ok: true, greeting: { version: 2, major: 2, socketType: 8 } });
  const future = encodeGreeting();
  future[10] = 4;
  future[11] = 7;
  const v4 = read([future]).result;
  assert.ok(
    v4?.ok && v4.greeting.version === 3 && v4.greeting.major === 4 && v4.greeting.minor === 7,
  );
});

test("GreetingReader refuses a first byte other than 0xFF after one byte [ZMTP-GREET-3]", () => {
  const reader = new GreetingReader();
  assert.equal(reader.push(hex("01")), 1);
  assert.deepEqual(reader.result, { ok: false, reason: "bad-signature" });
  assert.equal(reader.signatureValid, false);
  assert.equal(reader.push(hex("00 00")), 0);
});

test("GreetingReader refuses an unversioned signature (byte 9 bit 0 clear) after 10 bytes [ZMTP-GREET-3]", () => {
  const reader = new GreetingReader();
  reader.push(hex("ff 00 00 00 00 00 00 00 01"));
  assert.equal(reader.result, undefined);
  reader.push(hex("7e"));
  assert.deepEqual(reader.result, { ok: false, reason: "unversioned" });
  assert.equal(reader.major, undefined);
});

test("GreetingReader refuses major 0 after 11 bytes [ZMTP-GREET-5]", () => {
  const { result, used } = read([hex(`ff ${zeros(8)} 7f 00 ${zeros(53)}`)]);
  assert.deepEqual(result, { ok: false, reason: "unsupported-version" });
  assert.equal(used, SIGNATURE_SIZE + 1);
});

test("GreetingReader refuses a malformed mechanism field [ZMTP-GREET-7]", () => {
  const fields = [
    zeros(20), // empty
    `6e 75 6c 6c ${zeros(16)}`, // lower case "null"
    `4e 55 00 4c 4c ${zeros(15)}`, // a letter after the padding started
    `4e 20 4c 4c ${zeros(16)}`, // a space
  ];
  for (const field of fields) {
    const g = encodeGreeting();
    g.set(hex(field), 12);
    assert.deepEqual(read([g]).result, { ok: false, reason: "bad-mechanism" }, field);
  }
  const full = encodeGreeting({ mechanism: "ABCDEFGHIJKLMNOPQRST" });
  const r = read([full]).result;
  assert.ok(r?.ok && r.greeting.version === 3 && r.greeting.mechanism === "ABCDEFGHIJKLMNOPQRST");
});

test("GreetingReader reads any as-server byte without refusing it [ZMTP-GREET-8]", () => {
  for (const [byte, asServer] of [[0, false], [1, true], [2, true]] as const) {
    const g = encodeGreeting();
    g[32] = byte;
    const r = read([g]).result;
    assert.ok(r?.ok && r.greeting.version === 3 && r.greeting.asServer === asServer);
  }
});

const mechanismArb = fc.stringMatching(/^[A-Z0-9\-_.+]{1,20}$/);

test("GreetingReader gives the same greeting under any chunking and never reads past it [ZMTP-GREET-9]", () => {
  fc.assert(
    fc.property(
      mechanismArb,
      fc.constantFrom<0 | 1>(0, 1),
      fc.boolean(),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.uint8Array({ maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      (mechanism, minor, asServer, padding, trailer, points) => {
        const g = encodeGreeting({ mechanism, minor, asServer });
        g.set(padding, 1);
        const stream = new Uint8Array([...g, ...trailer]);
        const { result, used } = read(cut(stream, points));
        assert.equal(used, GREETING_SIZE);
        assert.deepEqual(result, {
          ok: true,
          greeting: { version: 3, major: 3, minor, mechanism, asServer },
        });
      },
    ),
    { numRuns: 200 },
  );
});

test("GreetingReader never throws on random bytes and always ends in the same state [ZMTP-WIRE-1]", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 80 }).map((
        b,
      ) => (b.length > 0 && b[0]! % 2 === 0 ? Uint8Array.of(0xff, ...b) : b)),
      fc.array(fc.nat(), { maxLength: 6 }),
      (bytes, points) => {
        const whole = read([bytes]);
        assert.deepEqual(read(cut(bytes, points)), whole);
        assert.ok(whole.used <= GREETING_SIZE);
      },
    ),
    { numRuns: 200 },
  );
});

test("isZmtp31 is true for minor ≥ 1 or major > 3 [ZMTP-GREET-10]", () => {
  const base = { version: 3, mechanism: "NULL", asServer: false } as const;
  assert.equal(isZmtp31({ ...base, major: 3, minor: 0 }), false);
  assert.equal(isZmtp31({ ...base, major: 3, minor: 1 }), true);
  assert.equal(isZmtp31({ ...base, major: 4, minor: 0 }), true);
});
