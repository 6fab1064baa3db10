/**
 * Byte helpers both wire families use: 64-bit big-endian sizes (SP's length prefix, ZMTP's long
 * frame size) and byte strings as map keys (routing ids, topics, groups).
 *
 * @module
 */

const TWO_32 = 2 ** 32;

/**
 * Writes `value` (0 to 2^53 - 1) as 8 big-endian bytes at `offset`.
 *
 * @example
 * ```ts
 * import { writeU64 } from "./_bytes.ts";
 * const out = new Uint8Array(8);
 * writeU64(out, 0, 2 ** 32 + 5);
 * console.log(out); // Uint8Array [0, 0, 0, 1, 0, 0, 0, 5]
 * ```
 */
export function writeU64(out: Uint8Array, offset: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  const low = value >>> 0;
  out[offset] = high >>> 24;
  out[offset + 1] = high >>> 16;
  out[offset + 2] = high >>> 8;
  out[offset + 3] = high;
  out[offset + 4] = low >>> 24;
  out[offset + 5] = low >>> 16;
  out[offset + 6] = low >>> 8;
  out[offset + 7] = low;
}

/**
 * A byte string as a map key: one char per byte, so equal bytes give equal keys.
 *
 * @example
 * ```ts
 * import { bytesKey } from "./_bytes.ts";
 * console.log(bytesKey(new Uint8Array([104, 105]))); // "hi"
 * ```
 */
export function bytesKey(bytes: Uint8Array): string {
  let key = "";
  for (const b of bytes) key += String.fromCharCode(b);
  return key;
}
