/**
 * ZMTP command bodies (RFC 23 §Commands, RFC 37): a 1-byte name length, the name, then
 * command-specific data. This file builds and parses the commands of the NULL handshake and of
 * traffic (READY with its metadata, ERROR, SUBSCRIBE, CANCEL, PING, PONG) and the ZMTP 3.0
 * subscription messages (`0x01`/`0x00` + topic). Frame them with `frame.ts`. Parsers return a
 * result with a stable `reason` on malformed input and never throw.
 *
 * @module
 */

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);
const MAX_VALUE_SIZE = 0x7fffffff;
const MAX_PING_CONTEXT = 16;

/**
 * Why a command body was refused:
 * - `empty-command`: the body has no name-length byte;
 * - `bad-command-name`: the name length is 0;
 * - `truncated-command-name`: the name runs past the end of the body;
 * - `truncated-property`: a metadata property runs past the end of the data;
 * - `truncated-error`: an ERROR has no reason length, or its reason runs past the end;
 * - `truncated-ping`: a PING has fewer than the 2 TTL bytes.
 *
 * @example Logging a refused command
 * ```ts
 * import { parseCommand } from "./command.ts";
 *
 * const r = parseCommand(new Uint8Array([5, 82, 69]));
 * if (!r.ok) console.log(r.reason); // "truncated-command-name"
 * ```
 */
export type CommandErrorReason =
  | "empty-command"
  | "bad-command-name"
  | "truncated-command-name"
  | "truncated-property"
  | "truncated-error"
  | "truncated-ping";

/**
 * A refused command body.
 *
 * @example Narrowing a failed parse
 * ```ts
 * import type { CommandError } from "./command.ts";
 *
 * const failed: CommandError = { ok: false, reason: "empty-command" };
 * console.log(failed.reason);
 * ```
 */
export interface CommandError {
  /** Discriminant: parsing failed. */
  readonly ok: false;
  /** Stable reason id. */
  readonly reason: CommandErrorReason;
}

/**
 * Connection metadata: property name → value, in arrival order. Names are kept exactly as
 * received and looked up exactly (case-sensitive), as libzmq 4.3.4 does. When a name repeats, the
 * first value is kept (libzmq does the same).
 *
 * @example Reading the peer's socket type
 * ```ts
 * import { metadataText, type Metadata } from "./command.ts";
 *
 * const metadata: Metadata = new Map([["Socket-Type", new TextEncoder().encode("DEALER")]]);
 * console.log(metadataText(metadata, "Socket-Type")); // "DEALER"
 * ```
 */
export type Metadata = ReadonlyMap<string, Uint8Array>;

/**
 * Properties to encode: name → value (strings are UTF-8 encoded), in insertion order.
 *
 * @example The properties libzmq's DEALER sends
 * ```ts
 * import type { MetadataInit } from "./command.ts";
 *
 * const props: MetadataInit = { "Socket-Type": "DEALER", Identity: "" };
 * console.log(Object.keys(props));
 * ```
 */
export type MetadataInit = Readonly<Record<string, string | Uint8Array>>;

/**
 * Builds a command body from a name and its data.
 *
 * @param name Command name: 1–255 ASCII letters, case-sensitive (`"READY"`, `"HELLO"`, ...).
 * @param data Command data.
 * @returns The body; frame it with `encodeCommandFrame` from `frame.ts`.
 * @throws {RangeError} If the name is empty, longer than 255 or not all letters.
 *
 * @example A PLAIN WELCOME command
 * ```ts
 * import { encodeCommand } from "./command.ts";
 *
 * console.log(encodeCommand("WELCOME")); // Uint8Array(8) [7, 87, 69, 76, 67, 79, 77, 69]
 * ```
 */
export function encodeCommand(name: string, data: Uint8Array = EMPTY): Uint8Array {
  if (!/^[A-Za-z]{1,255}$/.test(name)) {
    throw new RangeError(`Cannot encode command: invalid name "${name}"`);
  }
  const body = new Uint8Array(1 + name.length + data.length);
  body[0] = name.length;
  writeAscii(name, body, 1);
  body.set(data, 1 + name.length);
  return body;
}

/**
 * Splits a command body into its name and data. The name is matched case-sensitively by callers,
 * as libzmq does; unknown names are not an error here.
 *
 * @param body A command frame's body.
 * @returns `{ ok: true, name, data }` (data is a view into `body`), or a {@linkcode CommandError}.
 *
 * @example Dispatching on the command name
 * ```ts
 * import { encodePing, parseCommand } from "./command.ts";
 *
 * const r = parseCommand(encodePing(15));
 * if (r.ok && r.name === "PING") console.log(r.data); // Uint8Array(2) [0, 15]
 * ```
 */
export function parseCommand(
  body: Uint8Array,
): { readonly ok: true; readonly name: string; readonly data: Uint8Array } | CommandError {
  if (body.length === 0) return fail("empty-command");
  const size = body[0]!;
  if (size === 0) return fail("bad-command-name");
  if (1 + size > body.length) return fail("truncated-command-name");
  return { ok: true, name: latin1(body, 1, 1 + size), data: body.subarray(1 + size) };
}

/**
 * Encodes metadata properties: each is a 1-byte name length, the name, a 4-byte big-endian value
 * length and the value. Used by READY here, and by PLAIN's INITIATE and CURVE's boxes elsewhere.
 *
 * @param properties Names (1–255 of `A-Z a-z 0-9 - _ . +`) and values (≤ 2^31 - 1 bytes).
 * @returns The encoded properties.
 * @throws {RangeError} If a name or value breaks those limits.
 *
 * @example Encoding one property
 * ```ts
 * import { encodeMetadata } from "./command.ts";
 *
 * console.log(encodeMetadata({ "X-A": "b" })); // [3, 88, 45, 65, 0, 0, 0, 1, 98]
 * ```
 */
export function encodeMetadata(properties: MetadataInit): Uint8Array {
  const entries: [string, Uint8Array][] = [];
  let size = 0;
  for (const [name, value] of Object.entries(properties)) {
    if (!/^[A-Za-z0-9\-_.+]{1,255}$/.test(name)) {
      throw new RangeError(`Cannot encode metadata: invalid property name "${name}"`);
    }
    const bytes = typeof value === "string" ? utf8.encode(value) : value;
    if (bytes.length > MAX_VALUE_SIZE) {
      throw new RangeError(`Cannot encode metadata: value of "${name}" is too long`);
    }
    entries.push([name, bytes]);
    size += 1 + name.length + 4 + bytes.length;
  }
  const out = new Uint8Array(size);
  let pos = 0;
  for (const [name, value] of entries) {
    out[pos] = name.length;
    pos = writeAscii(name, out, pos + 1);
    new DataView(out.buffer, out.byteOffset + pos, 4).setUint32(0, value.length);
    out.set(value, pos + 4);
    pos += 4 + value.length;
  }
  return out;
}

/**
 * Parses metadata properties. Only truncation is an error, as in libzmq: names are not checked
 * against the RFC's character set, and a repeated name keeps its first value.
 *
 * @param data The properties (for READY, the command data).
 * @returns `{ ok: true, metadata }` with values as views into `data`, or a
 * {@linkcode CommandError} with reason `truncated-property`.
 *
 * @example Reading a READY command
 * ```ts
 * import { encodeReady, metadataText, parseCommand, parseMetadata } from "./command.ts";
 *
 * const command = parseCommand(encodeReady({ "Socket-Type": "ROUTER", Identity: "" }));
 * if (command.ok && command.name === "READY") {
 *   const r = parseMetadata(command.data);
 *   if (r.ok) console.log(metadataText(r.metadata, "Socket-Type")); // "ROUTER"
 * }
 * ```
 */
export function parseMetadata(
  data: Uint8Array,
): { readonly ok: true; readonly metadata: Metadata } | CommandError {
  const metadata = new Map<string, Uint8Array>();
  let pos = 0;
  while (pos < data.length) {
    const nameEnd = pos + 1 + data[pos]!;
    if (nameEnd + 4 > data.length) return fail("truncated-property");
    const size = (data[nameEnd]! << 24 | data[nameEnd + 1]! << 16 | data[nameEnd + 2]! << 8 |
      data[nameEnd + 3]!) >>> 0;
    const valueEnd = nameEnd + 4 + size;
    if (valueEnd > data.length) return fail("truncated-property");
    const name = latin1(data, pos + 1, nameEnd);
    if (!metadata.has(name)) metadata.set(name, data.subarray(nameEnd + 4, valueEnd));
    pos = valueEnd;
  }
  return { ok: true, metadata };
}

/**
 * Reads a property value as UTF-8 text (exact, case-sensitive name lookup).
 *
 * @param metadata Parsed metadata.
 * @param name Property name, e.g. `"Socket-Type"`.
 * @returns The decoded value, or `undefined` if the property is absent.
 *
 * @example Comparing the peer's socket type
 * ```ts
 * import { metadataText } from "./command.ts";
 *
 * const m = new Map([["Socket-Type", new TextEncoder().encode("PUB")]]);
 * console.log(metadataText(m, "Socket-Type") === "PUB", metadataText(m, "socket-type")); // true undefined
 * ```
 */
export function metadataText(metadata: Metadata, name: string): string | undefined {
  const value = metadata.get(name);
  return value === undefined ? undefined : utf8Decoder.decode(value);
}

/**
 * Builds a READY command body.
 *
 * @param properties Metadata; emit `Socket-Type` and `Identity` with exactly this casing.
 * @returns The command body.
 * @throws {RangeError} As {@linkcode encodeMetadata}.
 *
 * @example The READY of RFC 23's worked example
 * ```ts
 * import { encodeReady } from "./command.ts";
 *
 * console.log(encodeReady({ "Socket-Type": "DEALER", Identity: "" }).length); // 41
 * ```
 */
export function encodeReady(properties: MetadataInit): Uint8Array {
  return encodeCommand("READY", encodeMetadata(properties));
}

/**
 * Builds an ERROR command body: a 1-byte reason length and the reason.
 *
 * @param message The reason, at most 255 bytes in UTF-8 (libzmq sends a ZAP status such as "400").
 * @returns The command body.
 * @throws {RangeError} If the reason is longer than 255 bytes.
 *
 * @example Refusing a client
 * ```ts
 * import { encodeError } from "./command.ts";
 *
 * console.log(encodeError("400")); // [5, ...ERROR, 3, 52, 48, 48]
 * ```
 */
export function encodeError(message: string): Uint8Array {
  const text = utf8.encode(message);
  if (text.length > 255) throw new RangeError("Cannot encode ERROR: reason is over 255 bytes");
  const data = new Uint8Array(1 + text.length);
  data[0] = text.length;
  data.set(text, 1);
  return encodeCommand("ERROR", data);
}

/**
 * Parses ERROR command data. Bytes after the reason are ignored, as libzmq ignores them.
 *
 * @param data The command data (after the name).
 * @returns `{ ok: true, message }`, or a {@linkcode CommandError} with `truncated-error`.
 *
 * @example Reading a ZAP failure
 * ```ts
 * import { encodeError, parseCommand, parseError } from "./command.ts";
 *
 * const c = parseCommand(encodeError("400"));
 * if (c.ok) console.log(parseError(c.data)); // { ok: true, message: "400" }
 * ```
 */
export function parseError(
  data: Uint8Array,
): { readonly ok: true; readonly message: string } | CommandError {
  if (data.length === 0 || 1 + data[0]! > data.length) return fail("truncated-error");
  return { ok: true, message: utf8Decoder.decode(data.subarray(1, 1 + data[0]!)) };
}

/**
 * Builds a ZMTP 3.1 SUBSCRIBE command body (send it only to peers that announced minor ≥ 1).
 *
 * @param topic Prefix to subscribe to; strings are UTF-8 encoded.
 * @returns The command body; its data is the topic.
 *
 * @example Subscribing to "topic"
 * ```ts
 * import { encodeSubscribe } from "./command.ts";
 *
 * console.log(encodeSubscribe("topic").length); // 15
 * ```
 */
export function encodeSubscribe(topic: Uint8Array | string): Uint8Array {
  return encodeCommand("SUBSCRIBE", bytesOf(topic));
}

/**
 * Builds a ZMTP 3.1 CANCEL command body.
 *
 * @param topic Prefix to unsubscribe from; strings are UTF-8 encoded.
 * @returns The command body; its data is the topic.
 *
 * @example Cancelling "topic"
 * ```ts
 * import { encodeCancel } from "./command.ts";
 *
 * console.log(encodeCancel("topic").length); // 12
 * ```
 */
export function encodeCancel(topic: Uint8Array | string): Uint8Array {
  return encodeCommand("CANCEL", bytesOf(topic));
}

/**
 * Builds a PING command body.
 *
 * @param ttl Time-to-live in tenths of a second (0–65535); 0 means none.
 * @param context Up to 16 bytes that the peer echoes in its PONG.
 * @returns The command body.
 * @throws {RangeError} If `ttl` is not an integer in range or `context` is over 16 bytes.
 *
 * @example libzmq's PING with a 1.5 s TTL
 * ```ts
 * import { encodePing } from "./command.ts";
 *
 * console.log(encodePing(15)); // [4, 80, 73, 78, 71, 0, 15]
 * ```
 */
export function encodePing(ttl: number, context: Uint8Array = EMPTY): Uint8Array {
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 0xffff) {
    throw new RangeError(`Cannot encode PING: TTL ${ttl} is not an integer in 0..65535`);
  }
  if (context.length > MAX_PING_CONTEXT) {
    throw new RangeError("Cannot encode PING: context is over 16 bytes");
  }
  const data = new Uint8Array(2 + context.length);
  data[0] = ttl >>> 8;
  data[1] = ttl & 0xff;
  data.set(context, 2);
  return encodeCommand("PING", data);
}

/**
 * Parses PING command data. A context longer than 16 bytes is cut to 16, the part libzmq echoes.
 *
 * @param data The command data (after the name).
 * @returns `{ ok: true, ttl, context }` (TTL in tenths of a second, context a view), or a
 * {@linkcode CommandError} with `truncated-ping`.
 *
 * @example Answering a PING
 * ```ts
 * import { encodePing, encodePong, parseCommand, parsePing } from "./command.ts";
 *
 * const c = parseCommand(encodePing(15, new Uint8Array([1, 2])));
 * const ping = c.ok ? parsePing(c.data) : undefined;
 * if (ping?.ok) console.log(ping.ttl, encodePong(ping.context)); // 15 [4, ...PONG, 1, 2]
 * ```
 */
export function parsePing(
  data: Uint8Array,
): { readonly ok: true; readonly ttl: number; readonly context: Uint8Array } | CommandError {
  if (data.length < 2) return fail("truncated-ping");
  const context = data.subarray(2, Math.min(data.length, 2 + MAX_PING_CONTEXT));
  return { ok: true, ttl: data[0]! << 8 | data[1]!, context };
}

/**
 * Builds a PONG command body. A PONG's data is the echoed context; nothing in it needs parsing.
 *
 * @param context The PING's context (0–16 bytes).
 * @returns The command body.
 * @throws {RangeError} If `context` is over 16 bytes.
 *
 * @example An empty PONG
 * ```ts
 * import { encodePong } from "./command.ts";
 *
 * console.log(encodePong(new Uint8Array(0))); // [4, 80, 79, 78, 71]
 * ```
 */
export function encodePong(context: Uint8Array): Uint8Array {
  if (context.length > MAX_PING_CONTEXT) {
    throw new RangeError("Cannot encode PONG: context is over 16 bytes");
  }
  return encodeCommand("PONG", context);
}

/**
 * Builds a ZMTP 3.0/2.0 subscription message body: `0x01` + topic to subscribe, `0x00` + topic to
 * cancel. It travels as an ordinary single-frame message.
 *
 * @param subscribe `true` to subscribe, `false` to cancel.
 * @param topic The prefix; strings are UTF-8 encoded.
 * @returns The frame body.
 *
 * @example Subscribing a ZMTP 3.0 peer to "A"
 * ```ts
 * import { encodeSubscriptionMessage } from "./command.ts";
 *
 * console.log(encodeSubscriptionMessage(true, "A")); // [1, 65]
 * ```
 */
export function encodeSubscriptionMessage(
  subscribe: boolean,
  topic: Uint8Array | string,
): Uint8Array {
  const bytes = bytesOf(topic);
  const out = new Uint8Array(1 + bytes.length);
  out[0] = subscribe ? 1 : 0;
  out.set(bytes, 1);
  return out;
}

/**
 * Reads a message frame as a ZMTP 3.0/2.0 subscription. Any first byte other than 0 or 1 means
 * the frame is not a subscription (an XSUB may send such messages upstream).
 *
 * @param frame The first (only) frame of a message from a subscriber.
 * @returns `{ ok: true, subscribe, topic }` (topic a view), or `{ ok: false, reason }` with
 * `empty-message` or `not-a-subscription`.
 *
 * @example Reading what libzmq SUB sends a ZMTP 3.0 publisher
 * ```ts
 * import { parseSubscriptionMessage } from "./command.ts";
 *
 * console.log(parseSubscriptionMessage(new Uint8Array([0, 65]))); // { ok: true, subscribe: false, ... }
 * ```
 */
export function parseSubscriptionMessage(
  frame: Uint8Array,
):
  | { readonly ok: true; readonly subscribe: boolean; readonly topic: Uint8Array }
  | { readonly ok: false; readonly reason: "empty-message" | "not-a-subscription" } {
  if (frame.length === 0) return { ok: false, reason: "empty-message" };
  if (frame[0]! > 1) return { ok: false, reason: "not-a-subscription" };
  return { ok: true, subscribe: frame[0] === 1, topic: frame.subarray(1) };
}

function fail(reason: CommandErrorReason): CommandError {
  return { ok: false, reason };
}

function bytesOf(value: Uint8Array | string): Uint8Array {
  return typeof value === "string" ? utf8.encode(value) : value;
}

// Names are ASCII; reading them byte for byte keeps the comparison exact, as libzmq's memcmp.
function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function writeAscii(text: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < text.length; i++) out[pos + i] = text.charCodeAt(i);
  return pos + text.length;
}
