/**
 * What every fuzz target shares: the {@linkcode Target} shape, the {@linkcode Finding} a broken
 * invariant throws, cutting an input into chunks, a cheap digest of bytes, and counting the bytes
 * a decoder allocates.
 *
 * A target takes an input (bytes from the mutation fuzzer or from fast-check) and the
 * randomness for everything that is not the input (chunk cuts, size limits), runs the decoder on
 * it, and checks its invariants: it throws a {@linkcode Finding} when one breaks, and returns a
 * short outcome class ("error:size-overflow", "ok") that the mutation fuzzer uses to keep inputs
 * that reached a new outcome.
 *
 * @module
 */
import type { Rng } from "./_rng.ts";

/**
 * A decoder under fuzzing.
 *
 * @example A target whose decoder must never see a zero byte
 * ```ts
 * import { Finding, type Target } from "./_target.ts";
 * const target: Target = {
 *   name: "demo",
 *   seeds: [new Uint8Array([1, 2])],
 *   run: (input) => {
 *     if (input.includes(0)) throw new Finding("demo", "saw a zero", input);
 *     return "ok";
 *   },
 * };
 * console.log(target.run(new Uint8Array([1]), undefined as never)); // "ok"
 * ```
 */
export interface Target {
  /** Short name, used on the command line (`--decoder zmtp-frames-v3`). */
  readonly name: string;
  /** Inputs to start mutating from. */
  readonly seeds: readonly Uint8Array[];
  /**
   * Offsets of length fields in an input, for the mutator's length-field edits (each with its
   * width in bytes); none when the format has no such field.
   */
  readonly lengthFields?: (input: Uint8Array) => [offset: number, width: 1 | 4 | 8][];
  /** Runs one input; throws {@linkcode Finding}; returns the outcome class. */
  run(input: Uint8Array, rng: Rng): string | Promise<string>;
}

/**
 * A broken invariant: which target, what broke, and the input that broke it.
 *
 * @example
 * ```ts
 * import { Finding } from "./_target.ts";
 * const f = new Finding("sp-header", "threw TypeError", new Uint8Array([0]));
 * console.log(f.message); // "sp-header: threw TypeError"
 * ```
 */
export class Finding extends Error {
  readonly target: string;
  readonly what: string;
  readonly input: Uint8Array;

  constructor(target: string, what: string, input: Uint8Array, options?: ErrorOptions) {
    super(`${target}: ${what}`, options);
    this.name = "Finding";
    this.target = target;
    this.what = what;
    this.input = input;
  }
}

/**
 * Cuts `bytes` into chunks at random places: sometimes not at all, sometimes byte by byte,
 * usually at a few random offsets (empty chunks included, as a transport may deliver them).
 *
 * @example
 * ```ts
 * import { Rng } from "./_rng.ts";
 * import { randomChunks } from "./_target.ts";
 * const chunks = randomChunks(new Uint8Array(10), new Rng(1));
 * console.log(chunks.reduce((n, c) => n + c.length, 0)); // 10
 * ```
 */
export function randomChunks(bytes: Uint8Array, rng: Rng): Uint8Array[] {
  const r = rng.next();
  if (r < 0.1) return [bytes];
  if (r < 0.2 && bytes.length <= 512) {
    return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  }
  const cuts = Array.from({ length: 1 + rng.int(8) }, () => rng.int(bytes.length + 1));
  return cutAt(bytes, cuts);
}

/**
 * Cuts `bytes` at the given offsets (any order; repeats give empty chunks). Chunks are copies, as
 * a transport hands out fresh arrays.
 *
 * @example
 * ```ts
 * import { cutAt } from "./_target.ts";
 * console.log(cutAt(new Uint8Array([1, 2, 3]), [1]).map((c) => c.length)); // [1, 2]
 * ```
 */
export function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = cuts.map((c) => Math.min(Math.max(0, c), bytes.length)).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.slice(at, p));
    at = p;
  }
  out.push(bytes.slice(at));
  return out;
}

/**
 * A 32-bit FNV-1a digest of bytes with their length, to compare decoded output cheaply.
 *
 * @example
 * ```ts
 * import { digest } from "./_target.ts";
 * console.log(digest(new Uint8Array([1])) === digest(Uint8Array.of(1))); // true
 * ```
 */
export function digest(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}

/** Bytes allocated by `new Uint8Array(n)` while {@linkcode countAllocations} ran. */
export interface Allocations {
  /** Sum of all sizes. */
  total: number;
  /** The largest single allocation. */
  largest: number;
}

const NativeUint8Array = Uint8Array;
const active: Allocations[] = [];

// Counts `new Uint8Array(length)` (and `slice`, which allocates through the species). Views made
// by `subarray` or over a buffer allocate nothing and are not counted.
class CountingUint8Array extends NativeUint8Array {
  constructor(...args: unknown[]) {
    // deno-lint-ignore no-explicit-any
    super(...(args as [any]));
    if (typeof args[0] === "number") {
      for (const a of active) {
        a.total += args[0];
        if (args[0] > a.largest) a.largest = args[0];
      }
    }
  }
}

/**
 * Runs `fn` while every `new Uint8Array(n)` anywhere in the process is counted, by replacing the
 * global constructor for the duration of the (synchronous) call. The decoders allocate their
 * buffers that way, so this measures what they keep for a given input.
 *
 * @example
 * ```ts
 * import { countAllocations } from "./_target.ts";
 * const a = countAllocations(() => new Uint8Array(100));
 * console.log(a.total, a.largest); // 100 100
 * ```
 */
export function countAllocations(fn: () => void): Allocations {
  const counts: Allocations = { total: 0, largest: 0 };
  const global = globalThis as { Uint8Array: typeof Uint8Array };
  active.push(counts);
  global.Uint8Array = CountingUint8Array;
  try {
    fn();
  } finally {
    active.pop();
    if (active.length === 0) global.Uint8Array = NativeUint8Array;
  }
  return counts;
}

/** Describes what was thrown, for a finding's message. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** Hex of the first `max` bytes, for reports. */
export function hex(bytes: Uint8Array, max = 4096): string {
  let s = "";
  for (let i = 0; i < Math.min(bytes.length, max); i++) {
    s += bytes[i]!.toString(16).padStart(2, "0");
  }
  return bytes.length > max ? `${s}…(${bytes.length} bytes)` : s;
}

/** Bytes from hex (for regression tests). */
export function fromHex(h: string): Uint8Array {
  return NativeUint8Array.from(
    { length: h.length / 2 },
    (_, i) => parseInt(h.slice(2 * i, 2 * i + 2), 16),
  );
}
