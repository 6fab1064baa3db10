/**
 * The 32-bit big-endian words at the front of REQ/REP and SURVEYOR/RESPONDENT
 * messages (sp-request-reply-01 §3): zero or more hop ids (bit 31 clear),
 * then the request id (bit 31 set).
 *
 * @module
 */

/** Bit 31: marks the request id, the last word of a backtrace. */
export const LAST_HOP = 0x80000000;

/** Reads the 32-bit big-endian word at `at`. */
export function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>>
    0;
}

/** A new message: the 32-bit word `word`, then `body`. */
export function prependU32(word: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = word >>> 24;
  out[1] = word >>> 16;
  out[2] = word >>> 8;
  out[3] = word;
  out.set(body, 4);
  return out;
}

/**
 * Finds the end of a message's backtrace. Returns its length in bytes, -1
 * when the message ends before a word with bit 31 set (malformed), or -2
 * when the backtrace has more than `maxHops` words (to be dropped).
 */
export function backtraceLength(msg: Uint8Array, maxHops: number): number {
  for (let hops = 1, at = 0; at + 4 <= msg.length; hops++, at += 4) {
    if (hops > maxHops) return -2;
    if (msg[at]! & 0x80) return at + 4;
  }
  return -1;
}
