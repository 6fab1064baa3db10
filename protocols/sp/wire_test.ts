import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeHeader,
  encodeHeader,
  exchangeHeaders,
  FrameDecoder,
  prefixSize,
  SpStream,
  writePrefix,
} from "./wire.ts";
import { MqError } from "../errors.ts";
import type { Connection } from "../../transports/transport.ts";

/** Encodes messages the way the SP mapping frames them. */
function encode(messages: readonly Uint8Array[], ipc: boolean): Uint8Array {
  const p = prefixSize(ipc);
  const total = messages.reduce((n, m) => n + p + m.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const m of messages) {
    writePrefix(out, at, m.length, ipc);
    out.set(m, at + p);
    at += p + m.length;
  }
  return out;
}

/** Splits `bytes` at the given cut points (taken modulo its length). */
function chunk(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))]
    .sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    if (p > from) out.push(bytes.slice(from, p));
    from = Math.max(from, p);
  }
  out.push(bytes.slice(from));
  return out;
}

interface Outcome {
  messages: Uint8Array[];
  errors: MqError[];
}

function decoder(ipc: boolean, maxSize: number): { d: FrameDecoder; out: Outcome } {
  const out: Outcome = { messages: [], errors: [] };
  const d = new FrameDecoder({ ipc, maxSize }, {
    message: (m) => out.messages.push(m.slice()),
    error: (e) => out.errors.push(e),
  });
  return { d, out };
}

const messagesArb = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 });
const cutsArb = fc.array(fc.nat(), { maxLength: 40 });

for (const ipc of [false, true]) {
  const kind = ipc ? "ipc" : "tcp";
  const ids = ipc ? "[SP-IPC-2, SP-IPC-5]" : "[SP-TCP-10, SP-TCP-11]";
  const sizeIds = ipc ? "[SP-TCP-12, SP-IPC-5]" : "[SP-TCP-12]";

  test(`SP ${kind} framing round-trips under any chunking of the stream ${ids}`, () => {
    fc.assert(
      fc.property(messagesArb, cutsArb, (messages, cuts) => {
        const { d, out } = decoder(ipc, 0);
        for (const c of chunk(encode(messages, ipc), cuts)) d.push(c);
        assert.deepEqual(out.errors, []);
        assert.deepEqual(out.messages, messages);
      }),
      { numRuns: 300 },
    );
  });

  test(`SP ${kind} framing round-trips when fed one byte at a time ${ids}`, () => {
    fc.assert(
      fc.property(messagesArb, (messages) => {
        const { d, out } = decoder(ipc, 0);
        const bytes = encode(messages, ipc);
        for (let i = 0; i < bytes.length; i++) d.push(bytes.subarray(i, i + 1));
        assert.deepEqual(out.errors, []);
        assert.deepEqual(out.messages, messages);
      }),
      { numRuns: 150 },
    );
  });

  test(
    `SP ${kind} messages within recvMaxSize pass, the first one over it stops the stream ${sizeIds}`,
    () => {
      fc.assert(
        fc.property(messagesArb, fc.integer({ min: 1, max: 300 }), cutsArb, (msgs, max, cuts) => {
          const { d, out } = decoder(ipc, max);
          for (const c of chunk(encode(msgs, ipc), cuts)) d.push(c);
          const firstBig = msgs.findIndex((m) => m.length > max);
          const expected = firstBig < 0 ? msgs : msgs.slice(0, firstBig);
          assert.deepEqual(out.messages, expected);
          assert.equal(out.errors.length, firstBig < 0 ? 0 : 1);
          if (firstBig >= 0) assert.equal(out.errors[0]!.code, "EMSGSIZE");
        }),
        { numRuns: 200 },
      );
    },
  );
}

test("SP a message that arrives whole in one chunk is a view of that chunk [SP-TCP-11]", () => {
  const chunkBytes = encode([new Uint8Array([1, 2, 3]), new Uint8Array([4])], false);
  const views: Uint8Array[] = [];
  const d = new FrameDecoder({ ipc: false, maxSize: 0 }, {
    message: (m) => views.push(m),
    error: (e) => assert.fail(e),
  });
  d.push(chunkBytes);
  assert.equal(views.length, 2);
  for (const v of views) assert.equal(v.buffer, chunkBytes.buffer);
  assert.deepEqual(views[0], new Uint8Array([1, 2, 3]));
});

test("SP zero-length messages are legal [SP-TCP-10]", () => {
  const { d, out } = decoder(false, 10);
  d.push(encode([new Uint8Array(0), new Uint8Array(0), new Uint8Array([7])], false));
  assert.deepEqual(out.messages, [new Uint8Array(0), new Uint8Array(0), new Uint8Array([7])]);
  assert.deepEqual(out.errors, []);
});

test("SP writePrefix writes the u64 big-endian length, ipc with type byte 1 first [SP-TCP-10, SP-IPC-2]", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.boolean(), (len, ipc) => {
      const out = new Uint8Array(9);
      writePrefix(out, 0, len, ipc);
      const p = ipc ? 1 : 0;
      if (ipc) assert.equal(out[0], 0x01);
      const view = new DataView(out.buffer, p, 8);
      assert.equal(view.getBigUint64(0), BigInt(len));
    }),
  );
});

// ---- headers --------------------------------------------------------------

const VALID = [0x00, 0x53, 0x50, 0x00];

test("SP encodeHeader writes 00 'S' 'P' 00, the u16 big-endian id, 00 00 [SP-TCP-5, SP-ID-1]", () => {
  assert.deepEqual(encodeHeader(0x30), new Uint8Array([0, 0x53, 0x50, 0, 0, 0x30, 0, 0]));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), (id) => {
      const h = encodeHeader(id);
      assert.deepEqual([...h.subarray(0, 4)], VALID);
      assert.equal((h[4]! << 8) | h[5]!, id);
      assert.deepEqual([...h.subarray(6)], [0, 0]);
      assert.equal(decodeHeader(h), id);
    }),
  );
});

test("SP decodeHeader refuses any header with a bad signature, version or reserved byte [SP-TCP-6, SP-TCP-7, SP-TCP-8]", () => {
  const headerArb = fc.uint8Array({ minLength: 8, maxLength: 8 });
  // random headers (almost all invalid) and valid headers with one byte changed
  const mutatedArb = fc.tuple(
    fc.integer({ min: 0, max: 0xffff }),
    fc.constantFrom(0, 1, 2, 3, 6, 7),
    fc.integer({ min: 1, max: 255 }),
  ).map(([id, at, delta]) => {
    const h = encodeHeader(id);
    h[at] = (h[at]! + delta) & 0xff;
    return h;
  });
  fc.assert(
    fc.property(fc.oneof(headerArb, mutatedArb), (h) => {
      const valid = h[0] === 0 && h[1] === 0x53 && h[2] === 0x50 && h[3] === 0 &&
        h[6] === 0 && h[7] === 0;
      const got = decodeHeader(h);
      if (valid) {
        assert.equal(got, (h[4]! << 8) | h[5]!);
        return;
      }
      assert.ok(got instanceof MqError, "an invalid header must be refused");
      assert.equal(got.code, "EPROTO");
      const reason = got.message;
      if (h[0] !== 0 || h[1] !== 0x53 || h[2] !== 0x50) assert.match(reason, /signature/);
      else if (h[3] !== 0) assert.match(reason, /version/);
      else assert.match(reason, /reserved/);
    }),
    { numRuns: 500 },
  );
});

test("SP decodeHeader refuses a header shorter than 8 bytes [SP-TCP-6]", () => {
  const got = decodeHeader(new Uint8Array([0, 0x53, 0x50, 0, 0, 0x30, 0]));
  assert.ok(got instanceof MqError && got.code === "EPROTO");
});

// ---- size limits, checked on the prefix without allocating ---------------

/** Counts constructions of typed arrays of at least `min` elements while `fn` runs. */
function countBigAllocations(min: number, fn: () => void): number {
  const original = globalThis.Uint8Array;
  let big = 0;
  const spy = new Proxy(original, {
    construct(target, args, newTarget) {
      if (typeof args[0] === "number" && args[0] >= min) big++;
      return Reflect.construct(target, args, newTarget) as object;
    },
  });
  (globalThis as { Uint8Array: Uint8ArrayConstructor }).Uint8Array = spy;
  try {
    fn();
  } finally {
    (globalThis as { Uint8Array: Uint8ArrayConstructor }).Uint8Array = original;
  }
  return big;
}

function prefixOf(length: bigint, ipc: boolean, type = 1): Uint8Array {
  const out = new Uint8Array(ipc ? 9 : 8);
  if (ipc) out[0] = type;
  new DataView(out.buffer).setBigUint64(ipc ? 1 : 0, length);
  return out;
}

/**
 * Feeds a prefix (then a few body bytes) one byte at a time; returns after
 * how many bytes the decoder reported its error, and the error.
 */
function refusal(
  prefix: Uint8Array,
  ipc: boolean,
  maxSize: number,
): { at: number; error: MqError | undefined; messages: number; big: number } {
  const errors: MqError[] = [];
  let messages = 0;
  let at = -1;
  const d = new FrameDecoder({ ipc, maxSize }, {
    message: () => messages++,
    error: (e) => errors.push(e),
  });
  const stream = new Uint8Array(prefix.length + 16);
  stream.set(prefix);
  const limit = maxSize > 0 ? maxSize + 1 : 0x80000000;
  const big = countBigAllocations(Math.min(limit, 1 << 20), () => {
    for (let i = 0; i < stream.length; i++) {
      d.push(stream.subarray(i, i + 1));
      if (errors.length > 0 && at < 0) at = i + 1;
    }
  });
  return { at, error: errors[0], messages, big };
}

for (const ipc of [false, true]) {
  const kind = ipc ? "ipc" : "tcp";
  const n = ipc ? 9 : 8;
  const ids = {
    size: ipc ? "[SP-TCP-12, SP-IPC-5]" : "[SP-TCP-12]",
    top: ipc ? "[SP-TCP-13, SP-IPC-5]" : "[SP-TCP-13]",
    huge: ipc ? "[SP-TCP-14, SP-IPC-5]" : "[SP-TCP-14]",
  };

  test(`SP ${kind} refuses a length over recvMaxSize after ${n} bytes, without allocating ${ids.size}`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.bigInt({ min: 1n, max: 2n ** 60n - 1n }),
        (maxSize, over) => {
          const length = BigInt(maxSize) + over;
          if (length >= 2n ** 60n) return;
          const r = refusal(prefixOf(length, ipc), ipc, maxSize);
          assert.equal(r.at, n, "refused as soon as the prefix is in");
          assert.equal(r.error?.code, "EMSGSIZE");
          assert.match(r.error!.message, /recvMaxSize|too large/);
          assert.equal(r.messages, 0);
          assert.equal(r.big, 0, "no buffer for the body was allocated");
        },
      ),
      { numRuns: 200 },
    );
  });

  test(`SP ${kind} refuses a length of 2^60 or more whatever the limit ${ids.top}`, () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 2n ** 60n, max: 2n ** 64n - 1n }),
        fc.constantFrom(0, 1, 1024 * 1024, 2 ** 31 - 1),
        (length, maxSize) => {
          const r = refusal(prefixOf(length, ipc), ipc, maxSize);
          assert.equal(r.at, n);
          assert.equal(r.error?.code, "EMSGSIZE");
          assert.equal(r.messages, 0);
          assert.equal(r.big, 0);
        },
      ),
      { numRuns: 100 },
    );
  });

  test(`SP ${kind} with no limit still refuses lengths above 2^31-1, without allocating ${ids.huge}`, () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 31n, max: 2n ** 60n - 1n }), (length) => {
        const r = refusal(prefixOf(length, ipc), ipc, 0);
        assert.equal(r.at, n);
        assert.equal(r.error?.code, "EMSGSIZE");
        assert.equal(r.big, 0);
      }),
      { numRuns: 100 },
    );
  });
}

test("SP ipc refuses any message type byte other than 0x01 [SP-IPC-3]", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 255 }).filter((t) => t !== 1),
      fc.integer({ min: 0, max: 100 }),
      (type, length) => {
        const r = refusal(prefixOf(BigInt(length), true, type), true, 1000);
        assert.ok(r.at > 0 && r.at <= 9, `refused within the 9 prefix bytes (at ${r.at})`);
        assert.equal(r.error?.code, "EPROTO");
        assert.match(r.error!.message, new RegExp(`type ${type}`));
        assert.equal(r.messages, 0);
      },
    ),
    { numRuns: 100 },
  );
});

test("SP the decoder consumes nothing after its first error [SP-TCP-12, SP-TCP-16]", () => {
  fc.assert(
    fc.property(messagesArb, cutsArb, (after, cuts) => {
      const { d, out } = decoder(false, 10);
      const bytes = encode([new Uint8Array(11), ...after], false);
      for (const c of chunk(bytes, cuts)) d.push(c);
      assert.equal(out.errors.length, 1);
      assert.equal(out.messages.length, 0);
    }),
    { numRuns: 100 },
  );
});

// ---- the header exchange over a connection --------------------------------

/** A connection whose peer is the test: it records writes and is fed by hand. */
class FakeConnection implements Connection {
  #onData: ((chunk: Uint8Array) => void) | undefined = () => {};
  #held: Uint8Array[] = [];
  onDrain: () => void = () => {};
  onClose: (err?: Error) => void = () => {};
  readonly remote = "fake";
  readonly closed: Promise<void> = Promise.resolve();
  readonly written: Uint8Array[] = [];
  paused = false;
  isClosed = false;
  buffered = 0;

  get onData(): ((chunk: Uint8Array) => void) | undefined {
    return this.#onData;
  }
  // held chunks are replayed at once when a handler is set (the real one waits a microtask)
  set onData(handler: ((chunk: Uint8Array) => void) | undefined) {
    this.#onData = handler;
    while (handler !== undefined && this.#onData === handler && this.#held.length > 0) {
      handler(this.#held.shift()!);
    }
  }
  /** The test's peer sends a chunk. */
  feed(chunk: Uint8Array): void {
    if (this.#onData === undefined) this.#held.push(chunk);
    else this.#onData(chunk);
  }
  unread(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#held.unshift(bytes);
  }
  write(bytes: Uint8Array): void {
    this.written.push(bytes.slice());
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClose();
  }
}

test("SP our header goes out at once, before the peer's arrives [SP-TCP-5]", async () => {
  const conn = new FakeConnection();
  const done = exchangeHeaders(conn, 0x50);
  assert.deepEqual(conn.written, [encodeHeader(0x50)], "header written synchronously");
  conn.feed(encodeHeader(0x51));
  assert.equal(await done, 0x51);
});

test("SP bytes right after the peer's header are decoded as messages, under any chunking [SP-TCP-17, SP-TCP-11]", async () => {
  await fc.assert(
    fc.asyncProperty(messagesArb, cutsArb, fc.boolean(), async (messages, cuts, ipc) => {
      const conn = new FakeConnection();
      const stream = new Uint8Array([...encodeHeader(0x31), ...encode(messages, ipc)]);
      const chunks = chunk(stream, cuts);
      const done = exchangeHeaders(conn, 0x30);
      let i = 0;
      let fed = 0;
      // the exchange reads exactly 8 bytes; the chunk that completes them may carry more
      while (fed < 8) {
        const c = chunks[i++]!;
        fed += c.length;
        conn.feed(c);
      }
      assert.equal(await done, 0x31);
      const got: Uint8Array[] = [];
      const sp = new SpStream(conn, { ipc, maxSize: 0 });
      sp.onMessage = (m) => got.push((m as Uint8Array).slice()); // the wire delivers one array;
      sp.onClose = (reason) => assert.fail(`closed: ${reason?.message}`);
      sp.start();
      while (i < chunks.length) conn.feed(chunks[i++]!);
      assert.deepEqual(got, messages);
    }),
    { numRuns: 150 },
  );
});

test("SP a header exchange with a bad header is refused with EPROTO [SP-TCP-6]", async () => {
  const conn = new FakeConnection();
  const done = exchangeHeaders(conn, 0x30);
  conn.feed(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
  await assert.rejects(done, (e: unknown) => e instanceof MqError && e.code === "EPROTO");
});

test("SP SpStream writes each message as one prefix then the body [SP-TCP-10, SP-IPC-2]", () => {
  for (const ipc of [false, true]) {
    const conn = new FakeConnection();
    const sp = new SpStream(conn, { ipc, maxSize: 0 });
    sp.write(new Uint8Array([0xaa, 0xbb]));
    const bytes = new Uint8Array(conn.written.flatMap((w) => [...w]));
    assert.deepEqual(bytes, encode([new Uint8Array([0xaa, 0xbb])], ipc));
  }
});

test("SP SpStream closes the connection with the decoder's reason [SP-TCP-12, SP-TCP-16]", () => {
  const conn = new FakeConnection();
  const sp = new SpStream(conn, { ipc: false, maxSize: 4 });
  let reason: MqError | undefined;
  sp.onClose = (r) => (reason = r);
  sp.start();
  conn.feed(encode([new Uint8Array(5)], false));
  assert.ok(conn.isClosed);
  assert.equal(reason?.code, "EMSGSIZE");
  assert.match(reason!.message, /5 bytes exceeds recvMaxSize 4/);
});

test("FrameDecoder grows a split message's buffer as bytes arrive, not to the announced length [SP-TCP-18]", () => {
  const size = 300 * 1024 + 7;
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = (i * 31) & 0xff;
  const stream = new Uint8Array(8 + size);
  writePrefix(stream, 0, size, false);
  stream.set(body, 8);
  const got: Uint8Array[] = [];
  const decoder = new FrameDecoder({ ipc: false, maxSize: 0 }, {
    message: (m) => got.push(m),
    error: (e) => assert.fail(e.message),
  });
  for (let at = 0; at < stream.length; at += 1000) decoder.push(stream.subarray(at, at + 1000));
  assert.equal(got.length, 1);
  assert.deepEqual(got[0], body);
  // a 1 GiB announcement followed by 10 bytes: the decoder holds a small buffer, not 1 GiB
  const held: Uint8Array[] = [];
  const liar = new FrameDecoder({ ipc: false, maxSize: 0 }, {
    message: (m) => held.push(m),
    error: (e) => assert.fail(e.message),
  });
  const prefix = new Uint8Array(8);
  writePrefix(prefix, 0, 2 ** 30, false);
  const big = countBigAllocations(64 * 1024 + 1, () => {
    liar.push(prefix);
    liar.push(new Uint8Array(10));
  });
  assert.equal(big, 0, "no buffer above 64 KiB for a message of which 10 bytes arrived");
  assert.equal(held.length, 0);
});
