/**
 * The mutation fuzzer's operators: bit flips, interesting bytes, byte inserts and deletes,
 * length-field edits (at the fields a target names, or anywhere), repeats, truncation and splices
 * of two inputs. One to four of them are stacked per input.
 *
 * @module
 */
import type { Rng } from "./_rng.ts";

/** Largest input the mutator makes (inserts stop growing an input past it). */
export const MAX_INPUT = 256 * 1024;

const BYTES = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x7f, 0x80, 0xfe, 0xff];
// Values for length fields: edges of 1-, 4- and 8-byte sizes and of what the decoders check.
const LENGTHS = [
  0,
  1,
  2,
  7,
  8,
  9,
  0x7f,
  0x80,
  0xff,
  0x100,
  0xffff,
  0x10000,
  0x10001,
  0x7fffffff,
  0x80000000,
  0xffffffff,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 60 - 1,
  2 ** 60,
  2 ** 63,
  2 ** 64 - 1,
];

/** A length field: offset and width in bytes. */
export type LengthField = [offset: number, width: 1 | 4 | 8];

/**
 * Makes one mutant of `input`; `other` gives a second input for splices.
 *
 * @example
 * ```ts
 * import { Rng } from "./_rng.ts";
 * import { mutate } from "./_mutate.ts";
 * const rng = new Rng(3);
 * const out = mutate(new Uint8Array([1, 2, 3]), rng, () => new Uint8Array([9]));
 * console.log(out instanceof Uint8Array); // true
 * ```
 */
export function mutate(
  input: Uint8Array,
  rng: Rng,
  other: () => Uint8Array,
  fields?: (input: Uint8Array) => LengthField[],
): Uint8Array {
  let out: Uint8Array = input.slice();
  const steps = 1 + rng.int(4);
  for (let i = 0; i < steps; i++) out = step(out, rng, other, fields);
  return out;
}

function step(
  b: Uint8Array,
  rng: Rng,
  other: () => Uint8Array,
  fields?: (input: Uint8Array) => LengthField[],
): Uint8Array {
  switch (rng.int(10)) {
    case 0: // flip 1-4 bits
      if (b.length === 0) return b;
      for (let n = 1 + rng.int(4); n > 0; n--) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      return b;
    case 1: // an interesting or random byte
      if (b.length === 0) return b;
      b[rng.int(b.length)] = rng.chance(0.5) ? rng.pick(BYTES) : rng.int(256);
      return b;
    case 2: // insert 1-8 bytes (sometimes many)
      return insert(
        b,
        rng.int(b.length + 1),
        rng.chance(0.002) ? rng.bytes(1 + rng.int(70000)) : rng.bytes(1 + rng.int(8)),
      );
    case 3: { // delete a range
      if (b.length === 0) return b;
      const at = rng.int(b.length);
      const n = 1 + rng.int(Math.min(16, b.length - at));
      return concat(b.subarray(0, at), b.subarray(at + n));
    }
    case 4:
    case 5: { // a length field: one the target names, or any offset
      const known = fields?.(b) ?? [];
      const [at, width] = known.length > 0 && rng.chance(0.8)
        ? rng.pick(known)
        : [rng.int(b.length + 1), rng.pick([1, 4, 8] as const)];
      return writeLength(b, at, width, rng);
    }
    case 6: { // repeat a range
      if (b.length === 0) return b;
      const at = rng.int(b.length);
      const part = b.slice(at, at + 1 + rng.int(Math.min(64, b.length - at)));
      let out = b;
      for (let n = 1 + rng.int(4); n > 0; n--) out = insert(out, at, part);
      return out;
    }
    case 7: // truncate
      return b.slice(0, rng.int(b.length + 1));
    case 8: { // splice: our head, the other's tail
      const o = other();
      return concat(b.subarray(0, rng.int(b.length + 1)), o.subarray(rng.int(o.length + 1)));
    }
    default: { // splice the other input in whole, somewhere
      return insert(b, rng.int(b.length + 1), other());
    }
  }
}

function writeLength(b: Uint8Array, at: number, width: 1 | 4 | 8, rng: Rng): Uint8Array {
  if (at + width > b.length) return b;
  let value = rng.chance(0.8) ? rng.pick(LENGTHS) : rng.int(b.length + 16);
  if (rng.chance(0.3)) value = Math.max(0, value + rng.int(5) - 2); // around an edge
  if (width === 1) b[at] = value & 0xff;
  else if (width === 4) {
    new DataView(b.buffer, b.byteOffset).setUint32(at, value % 2 ** 32);
  } else {
    const view = new DataView(b.buffer, b.byteOffset);
    view.setUint32(at, Math.floor(value / 2 ** 32) % 2 ** 32);
    view.setUint32(at + 4, value % 2 ** 32);
  }
  return b;
}

function insert(b: Uint8Array, at: number, part: Uint8Array): Uint8Array {
  if (b.length + part.length > MAX_INPUT) return b;
  return concat(b.subarray(0, at), part, b.subarray(at));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out.length > MAX_INPUT ? out.slice(0, MAX_INPUT) : out;
}
