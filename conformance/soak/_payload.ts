/**
 * Soak messages that check themselves: a 12-byte head (lane-local sender id, sequence number,
 * body size) and a body whose every byte follows from the sequence number, so a receiver can tell
 * a lost, repeated, reordered or corrupted message from the bytes alone.
 *
 * @module
 */

const HEAD = 12;

/**
 * A message from `sender` with sequence number `seq` and `size` body bytes.
 *
 * @example
 * ```ts
 * import { makePayload, readPayload } from "./_payload.ts";
 * const msg = makePayload(7, 42, 100);
 * console.log(readPayload(msg)); // { sender: 7, seq: 42 }
 * ```
 */
export function makePayload(sender: number, seq: number, size: number): Uint8Array {
  const out = new Uint8Array(HEAD + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, sender);
  view.setUint32(4, seq);
  view.setUint32(8, size);
  for (let i = 0; i < size; i++) out[HEAD + i] = (seq + i) & 0xff;
  return out;
}

/**
 * Reads and checks a message made by {@linkcode makePayload}; undefined if it is corrupt.
 *
 * @example
 * ```ts
 * import { readPayload } from "./_payload.ts";
 * console.log(readPayload(new Uint8Array(3))); // undefined
 * ```
 */
export function readPayload(msg: Uint8Array): { sender: number; seq: number } | undefined {
  if (msg.length < HEAD) return undefined;
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const sender = view.getUint32(0);
  const seq = view.getUint32(4);
  const size = view.getUint32(8);
  if (msg.length !== HEAD + size) return undefined;
  // checking every byte of large bodies would cost more than sending them: check a sample
  const step = size > 4096 ? 61 : 1;
  for (let i = 0; i < size; i += step) if (msg[HEAD + i] !== ((seq + i) & 0xff)) return undefined;
  return { sender, seq };
}

/**
 * A message size: mostly small, sometimes past 255 bytes (ZMTP's long frames), now and then past
 * 64 KiB (bodies that the decoders assemble across reads).
 *
 * @example
 * ```ts
 * import { pickSize } from "./_payload.ts";
 * console.log(pickSize(() => 0.5) < 300); // true
 * ```
 */
export function pickSize(random: () => number): number {
  const r = random();
  if (r < 0.005) return 65536 + Math.floor(random() * 100_000);
  if (r < 0.1) return 256 + Math.floor(random() * 4000);
  return Math.floor(random() * 256);
}
