/**
 * Topics and groups as the ZeroMQ publish-subscribe and radio-dish types handle them: given by
 * the user as bytes or UTF-8 strings, kept in maps by {@linkcode topicKey}, and carried between
 * patterns as one-frame subscription messages, `0x01` (subscribe, JOIN) or `0x00` (cancel, LEAVE)
 * followed by the topic (RFC 29, RFC 48; the engine's hooks turn them into commands for ZMTP 3.1).
 *
 * @module
 */
import { invalid } from "../errors.ts";
import { bytesKey } from "../_bytes.ts";
import { encodeSubscriptionMessage, parseSubscriptionMessage } from "./command.ts";
import type { Frames } from "./socket.ts";

const textEncoder = new TextEncoder();

/** @internal A topic as a map key (one char per byte). */
export const topicKey: (topic: Uint8Array) => string = bytesKey;

/** @internal A topic given as bytes or a UTF-8 string; `who` names the caller in the error. */
export function topicBytes(topic: Uint8Array | string, who: string): Uint8Array {
  if (topic instanceof Uint8Array) return topic;
  if (typeof topic === "string") return textEncoder.encode(topic);
  throw invalid(`${who}: a topic must be a Uint8Array or a string, got ${typeof topic}`);
}

/** @internal A subscription message: one frame, `0x01` (subscribe) or `0x00` (cancel) + topic. */
export function subscriptionMessage(subscribe: boolean, topic: Uint8Array): Frames {
  return [encodeSubscriptionMessage(subscribe, topic)];
}

/** @internal Reads a subscription message; undefined if `msg` is not one. */
export function parseSubscription(
  msg: Frames,
): { subscribe: boolean; topic: Uint8Array } | undefined {
  if (msg.length !== 1) return undefined;
  const parsed = parseSubscriptionMessage(msg[0]!);
  return parsed.ok ? { subscribe: parsed.subscribe, topic: parsed.topic } : undefined;
}
