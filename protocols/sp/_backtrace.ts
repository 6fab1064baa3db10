/**
 * The 32-bit big-endian words at the front of REQ/REP and SURVEYOR/RESPONDENT
 * messages (sp-request-reply-01 §3): zero or more hop ids (bit 31 clear),
 * then the request id (bit 31 set).
 *
 * @module
 */
import { MqError } from "../errors.ts";
import { joinParts, type SpMessage } from "./wire.ts";

/** Bit 31: marks the request id, the last word of a backtrace. */
export const LAST_HOP = 0x80000000;

/** Reads the 32-bit big-endian word at `at`. */
export function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>>
    0;
}

/** The 32-bit word `word` as 4 big-endian bytes. */
export function u32Bytes(word: number): Uint8Array {
  return new Uint8Array([word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff]);
}

/**
 * Splits a message whose header is `length` bytes of 32-bit words into `[header, body]`. A
 * two-part message whose head is exactly the header is split for free (edgemq's own REQ, REP and
 * PAIR1 send those over inproc); anything else is one array, joined first if need be.
 */
export function splitHeader(msg: SpMessage, length: number): [Uint8Array, Uint8Array] {
  if (!(msg instanceof Uint8Array)) {
    if (msg.head.length === length) return [msg.head, msg.body];
    msg = joinParts(msg);
  }
  return [msg.subarray(0, length), msg.subarray(length)];
}

/** The header's first bytes: the whole message, or a two-part message's head (≥ 4 bytes). */
export function headerBytes(msg: SpMessage): Uint8Array {
  return msg instanceof Uint8Array || msg.head.length < 4 ? joinParts(msg) : msg.head;
}

/**
 * Finds the end of a message's backtrace. Returns its length in bytes, -1
 * when the message ends before a word with bit 31 set (malformed), or -2
 * when the backtrace has more than `maxHops` words (to be dropped).
 */
export function backtraceLength(msg: SpMessage, maxHops: number): number {
  if (!(msg instanceof Uint8Array)) {
    const n = backtraceLength(msg.head, maxHops); // the head is the backtrace unless it ends short
    return n === -1 ? backtraceLength(joinParts(msg), maxHops) : n;
  }
  for (let hops = 1, at = 0; at + 4 <= msg.length; hops++, at += 4) {
    if (hops > maxHops) return -2;
    if (msg[at]! & 0x80) return at + 4;
  }
  return -1;
}

/**
 * A raw socket's view of a received message: the 4-byte id of the pipe it came from, then the
 * message (whole, or its head and body), in one copy.
 */
export function withPipeId(pipeId: number, msg: SpMessage): Uint8Array {
  const parts = msg instanceof Uint8Array ? [msg] : [msg.head, msg.body];
  const out = new Uint8Array(4 + parts.reduce((n, p) => n + p.length, 0));
  out.set(u32Bytes(pipeId));
  let at = 4;
  for (const part of parts) (out.set(part, at), at += part.length);
  return out;
}

/**
 * Admits a message that must start with a 32-bit id (a reply, a survey answer); one too short
 * closes its pipe, as NNG does with a peer that sends garbage. `what` names the id for the reason.
 */
export function admitWithId(
  pipe: { close(reason: MqError): void },
  msg: SpMessage,
  what: string,
): boolean {
  if (headerBytes(msg).length >= 4) return true;
  pipe.close(new MqError("EPROTO", what));
  return false;
}
