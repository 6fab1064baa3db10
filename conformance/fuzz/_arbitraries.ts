/**
 * fast-check arbitraries for the fuzz properties: well-formed ZMTP and SP streams (so that the
 * properties reach deep into the decoders, not only their first check), optionally corrupted at
 * one byte, and the time budget every property runs under in the suite.
 *
 * @module
 */
import fc from "fast-check";
import { encodeGreeting } from "../../protocols/zmtp/greeting.ts";
import { encodeCommand, encodeMetadata, encodePing } from "../../protocols/zmtp/command.ts";
import { writePrefix } from "../../protocols/sp/wire.ts";

/**
 * Run options of a suite property: as many runs as fit in `ms` (stopping early is not a
 * failure), a seed printed on failure by fast-check.
 *
 * @example
 * ```ts
 * import { budget } from "./_arbitraries.ts";
 * console.log(budget(500).interruptAfterTimeLimit); // 500
 * ```
 */
export function budget(ms: number): fc.Parameters<unknown> {
  return { numRuns: 1_000_000, interruptAfterTimeLimit: ms, markInterruptAsFailure: false };
}

/** One ZMTP frame to encode: kind, forced LONG size field, body. */
export interface FrameSpec {
  readonly kind: "last" | "more" | "command";
  readonly long: boolean;
  readonly body: Uint8Array;
}

/**
 * Encodes frames as RFC 23 lays them out (LONG when asked or above 255 bytes).
 *
 * @example
 * ```ts
 * import { encodeFrames } from "./_arbitraries.ts";
 * console.log(encodeFrames([{ kind: "last", long: false, body: new Uint8Array([1]) }])); // [0, 1, 1]
 * ```
 */
export function encodeFrames(frames: readonly FrameSpec[]): Uint8Array {
  const parts: number[] = [];
  for (const f of frames) {
    const long = f.long || f.body.length > 255;
    parts.push((f.kind === "more" ? 1 : 0) | (f.kind === "command" ? 4 : 0) | (long ? 2 : 0));
    if (long) {
      const size = new Uint8Array(8);
      new DataView(size.buffer).setUint32(4, f.body.length);
      parts.push(...size);
    } else parts.push(f.body.length);
    parts.push(...f.body);
  }
  return Uint8Array.from(parts);
}

/** Replaces one byte (if asked) of `bytes`. */
function corrupt(bytes: Uint8Array, change: { at: number; value: number } | null): Uint8Array {
  if (change === null || bytes.length === 0) return bytes;
  const out = bytes.slice();
  out[change.at % out.length] = change.value;
  return out;
}

const change = fc.option(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
  freq: 3,
});

/**
 * A ZMTP frame stream (2.0: no commands), sometimes with one byte changed.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { zmtpFrameStream } from "./_arbitraries.ts";
 * console.log(fc.sample(zmtpFrameStream(false), 1)[0] instanceof Uint8Array); // true
 * ```
 */
export function zmtpFrameStream(v2: boolean): fc.Arbitrary<Uint8Array> {
  const kinds = v2 ? ["last", "more"] as const : ["last", "more", "command"] as const;
  const frame = fc.record({
    kind: fc.constantFrom(...kinds),
    long: fc.boolean(),
    body: fc.uint8Array({ maxLength: 600 }),
  });
  return fc.tuple(fc.array(frame, { maxLength: 12 }), change).map(([frames, c]) =>
    corrupt(encodeFrames(frames), c)
  );
}

const NAME = /^[A-Za-z0-9\-_.+]{1,40}$/;
const enc = new TextEncoder();

/**
 * A ZMTP command body: READY with random properties, PING, ERROR, SUBSCRIBE/CANCEL or any name
 * and data; sometimes with one byte changed.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { zmtpCommandBody } from "./_arbitraries.ts";
 * console.log(fc.sample(zmtpCommandBody(), 1).length); // 1
 * ```
 */
export function zmtpCommandBody(): fc.Arbitrary<Uint8Array> {
  const props = fc.dictionary(fc.stringMatching(NAME), fc.uint8Array({ maxLength: 64 }), {
    maxKeys: 6,
  });
  // properties written out by hand, so that names can repeat (the first value counts)
  const repeated = fc.array(
    fc.tuple(fc.constantFrom("A", "B", "Socket-Type"), fc.uint8Array({ maxLength: 8 })),
    { maxLength: 5 },
  ).map((ps) =>
    Uint8Array.of(
      ...ps.flatMap(([n, v]) => [n.length, ...enc.encode(n), 0, 0, 0, v.length, ...v]),
    )
  );
  const body = fc.oneof(
    props.map((p) => encodeCommand("READY", encodeMetadata(p))),
    repeated.map((m) => encodeCommand("READY", m)),
    fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 16 })).map(([t, c]) =>
      encodePing(t, c)
    ),
    fc.uint8Array({ maxLength: 255 }).map((r) =>
      encodeCommand("ERROR", Uint8Array.of(r.length, ...r))
    ),
    fc.tuple(fc.constantFrom("SUBSCRIBE", "CANCEL"), fc.uint8Array({ maxLength: 32 })).map((
      [n, t],
    ) => encodeCommand(n, t)),
    fc.tuple(fc.stringMatching(/^[A-Za-z]{1,20}$/), fc.uint8Array({ maxLength: 64 })).map((
      [n, d],
    ) => encodeCommand(n, d)),
    fc.uint8Array({ maxLength: 64 }),
  );
  return fc.tuple(body, change).map(([b, c]) => corrupt(b, c));
}

const TYPES = [
  "PAIR",
  "PUB",
  "SUB",
  "REQ",
  "REP",
  "DEALER",
  "ROUTER",
  "PULL",
  "PUSH",
  "XPUB",
  "XSUB",
];

/**
 * What a ZMTP peer sends: a 3.x greeting, READY with a socket type and identity, then frames; or a
 * 2.0 greeting, its identity frame, then frames; sometimes with one byte changed.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { zmtpPeerStream } from "./_arbitraries.ts";
 * console.log(fc.sample(zmtpPeerStream(), 1)[0]![0]); // 255
 * ```
 */
export function zmtpPeerStream(): fc.Arbitrary<Uint8Array> {
  const frames = fc.array(
    fc.record({
      kind: fc.constantFrom("last", "more", "command"),
      long: fc.boolean(),
      body: fc.uint8Array({ maxLength: 300 }),
    }),
    { maxLength: 6 },
  );
  const v3 = fc.tuple(
    fc.constantFrom(...TYPES),
    fc.uint8Array({ maxLength: 8 }),
    fc.integer({ min: 0, max: 1 }),
    frames,
  ).map(([type, id, minor, fs]) => {
    const ready = encodeCommand("READY", encodeMetadata({ "Socket-Type": type, Identity: id }));
    return Uint8Array.of(
      ...encodeGreeting({ minor: minor as 0 | 1 }),
      ...encodeFrames([{ kind: "command", long: false, body: ready }, ...fs]),
    );
  });
  const v2 = fc.tuple(fc.integer({ min: 0, max: 10 }), fc.uint8Array({ maxLength: 8 }), frames)
    .map(([type, id, fs]) => {
      const greeting = [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, type];
      const data = fs.map((f) => ({ ...f, kind: f.kind === "command" ? "last" as const : f.kind }));
      return Uint8Array.of(
        ...greeting,
        ...encodeFrames([{ kind: "last", long: false, body: id }, ...data]),
      );
    });
  return fc.tuple(fc.oneof(v3, v2), change).map(([b, c]) => corrupt(b, c));
}

/**
 * An SP message stream for tcp or ipc, sometimes with one byte changed.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { spStream } from "./_arbitraries.ts";
 * console.log(fc.sample(spStream(true), 1).length); // 1
 * ```
 */
export function spStream(ipc: boolean): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 10 }), change).map(
    ([bodies, c]) => {
      const prefix = ipc ? 9 : 8;
      const out = new Uint8Array(bodies.reduce((n, b) => n + prefix + b.length, 0));
      let at = 0;
      for (const b of bodies) {
        writePrefix(out, at, b.length, ipc);
        out.set(b, at + prefix);
        at += prefix + b.length;
      }
      return corrupt(out, c);
    },
  );
}
