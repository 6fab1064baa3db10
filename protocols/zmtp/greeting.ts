/**
 * The ZMTP greeting: building our own 64-byte ZMTP 3.x greeting, and reading the peer's greeting
 * incrementally so that the engine can send its own greeting in the stages libzmq expects (RFC 23
 * and RFC 37 §Version Negotiation, §Backwards Interoperability; RFC 15; libzmq
 * `src/zmtp_engine.cpp`; captures of libzmq and JeroMQ 0.3.6 in `conformance/vectors/`):
 *
 * 1. send our first {@linkcode SIGNATURE_SIZE} bytes at once;
 * 2. when {@linkcode GreetingReader.signatureValid} turns true, send our major byte;
 * 3. when {@linkcode GreetingReader.major} is known, send either the rest of our 64-byte greeting
 *    (peer major ≥ 3) or one socket-type byte (peer major 1 or 2: ZMTP 2.0);
 * 4. when {@linkcode GreetingReader.result} is set, hand the bytes after the greeting to the
 *    frame decoder.
 *
 * @module
 */

/** Size of the signature: `0xFF`, 8 padding bytes, `0x7F`. */
export const SIGNATURE_SIZE = 10;
/** Size of a ZMTP 2.0 greeting: signature, revision, socket type. */
export const V2_GREETING_SIZE = 12;
/** Size of a ZMTP 3.x greeting. */
export const GREETING_SIZE = 64;

const MECHANISM_OFFSET = 12;
const MECHANISM_SIZE = 20;
const AS_SERVER_OFFSET = 32;

/**
 * Options for {@linkcode encodeGreeting}.
 *
 * @example A PLAIN server greeting
 * ```ts
 * import { encodeGreeting, type GreetingOptions } from "./greeting.ts";
 *
 * const options: GreetingOptions = { mechanism: "PLAIN", asServer: true };
 * console.log(encodeGreeting(options)[32]); // 1
 * ```
 */
export interface GreetingOptions {
  /**
   * Security mechanism name: 1–20 characters from `A-Z 0-9 - _ . +`.
   *
   * @default {"NULL"}
   */
  readonly mechanism?: string;
  /**
   * The as-server flag. RFC 23 wants `true` on PLAIN/CURVE servers; libzmq always sends `false`
   * and never reads it.
   *
   * @default {false}
   */
  readonly asServer?: boolean;
  /**
   * Minor version to announce: 1 (ZMTP 3.1, libzmq ≥ 4.3.3) or 0 (ZMTP 3.0). Peers send
   * SUBSCRIBE/CANCEL commands only to peers that announce 1.
   *
   * @default {1}
   */
  readonly minor?: 0 | 1;
}

/**
 * Builds our 64-byte ZMTP 3.x greeting. The padding holds a big-endian 1 (identity length + 1, the
 * ZMTP 1.0 trick libzmq uses), so the first 10 bytes equal libzmq's `ff 00…00 01 7f`.
 *
 * @param options Mechanism, as-server flag and minor version.
 * @returns A new 64-byte array.
 * @throws {RangeError} If the mechanism name is empty, longer than 20 bytes or has a character
 * outside `A-Z 0-9 - _ . +`.
 *
 * @example Sending the greeting in stages
 * ```ts
 * import { encodeGreeting, SIGNATURE_SIZE } from "./greeting.ts";
 *
 * const greeting = encodeGreeting();
 * const first = greeting.subarray(0, SIGNATURE_SIZE); // send at once
 * const major = greeting.subarray(SIGNATURE_SIZE, SIGNATURE_SIZE + 1); // send after peer's signature
 * const rest = greeting.subarray(SIGNATURE_SIZE + 1); // send once the peer's major is ≥ 3
 * console.log(first.length + major.length + rest.length); // 64
 * ```
 */
export function encodeGreeting(options: GreetingOptions = {}): Uint8Array {
  const { mechanism = "NULL", asServer = false, minor = 1 } = options;
  if (!isMechanismName(mechanism)) {
    throw new RangeError(`Cannot encode greeting: invalid mechanism name "${mechanism}"`);
  }
  const out = writeSignature(new Uint8Array(GREETING_SIZE));
  out[10] = 3;
  out[11] = minor;
  for (let i = 0; i < mechanism.length; i++) out[MECHANISM_OFFSET + i] = mechanism.charCodeAt(i);
  out[AS_SERVER_OFFSET] = asServer ? 1 : 0;
  return out;
}

/**
 * Builds a 12-byte ZMTP 2.0 greeting: signature, major byte, socket-type number. After the staged
 * exchange the engine has already sent the first 11 bytes and sends only the last one. The major
 * byte defaults to 3, as libzmq sends it (ZMTP 2.0 peers accept any revision ≥ 1).
 *
 * @param socketType Our socket-type number (see `SocketType` in `socket_types.ts`).
 * @param major The revision byte to put at offset 10.
 * @returns A new 12-byte array.
 *
 * @example The greeting a ROUTER answers a ZMTP 2.0 peer with
 * ```ts
 * import { encodeGreetingV2 } from "./greeting.ts";
 *
 * console.log(encodeGreetingV2(6).subarray(10)); // Uint8Array(2) [ 3, 6 ]
 * ```
 */
export function encodeGreetingV2(socketType: number, major = 3): Uint8Array {
  const out = writeSignature(new Uint8Array(V2_GREETING_SIZE));
  out[10] = major;
  out[11] = socketType;
  return out;
}

/**
 * A peer greeting read in full from a ZMTP 2.0 peer.
 *
 * @example Narrowing a result
 * ```ts
 * import type { PeerGreeting } from "./greeting.ts";
 *
 * function describe(g: PeerGreeting): string {
 *   return g.version === 2 ? `ZMTP 2.0, type ${g.socketType}` : `ZMTP 3, ${g.mechanism}`;
 * }
 * console.log(describe({ version: 2, major: 1, socketType: 5 }));
 * ```
 */
export interface GreetingV2 {
  /** Discriminant: ZMTP 2.0 framing follows. */
  readonly version: 2;
  /** The revision byte as received (1 or 2). */
  readonly major: number;
  /** The peer's socket-type number (unchecked). */
  readonly socketType: number;
}

/**
 * A peer greeting read in full from a ZMTP 3.x peer.
 *
 * @example Reading the mechanism
 * ```ts
 * import type { GreetingV3 } from "./greeting.ts";
 *
 * const g: GreetingV3 = { version: 3, major: 3, minor: 1, mechanism: "NULL", asServer: false };
 * console.log(g.mechanism === "NULL");
 * ```
 */
export interface GreetingV3 {
  /** Discriminant: ZMTP 3.x framing and a security handshake follow. */
  readonly version: 3;
  /** The major version as received (3 or higher). */
  readonly major: number;
  /** The minor version as received. */
  readonly minor: number;
  /** The mechanism name without its NUL padding; compare it with ours (exact match). */
  readonly mechanism: string;
  /** `true` when the as-server byte is non-zero (libzmq ignores this byte). */
  readonly asServer: boolean;
}

/**
 * A full peer greeting: ZMTP 2.0 or ZMTP 3.x.
 *
 * @example Switching on the version
 * ```ts
 * import type { PeerGreeting } from "./greeting.ts";
 *
 * function label(g: PeerGreeting): string | number {
 *   return g.version === 3 ? g.mechanism : g.socketType;
 * }
 * console.log(label({ version: 2, major: 1, socketType: 5 })); // 5
 * ```
 */
export type PeerGreeting = GreetingV2 | GreetingV3;

/**
 * Why a peer greeting was refused:
 * - `bad-signature`: byte 0 is not `0xFF` (a ZMTP 1.0 peer, or not ZMTP at all);
 * - `unversioned`: byte 9 has bit 0 clear (a ZMTP 1.0 peer with a long identity length);
 * - `unsupported-version`: major 0 (ZMTP 1.0 with a revision byte);
 * - `bad-mechanism`: the mechanism field is empty, has a character outside `A-Z 0-9 - _ . +`, or
 *   has a non-NUL byte after its NUL padding started.
 *
 * @example Logging a reason
 * ```ts
 * import type { GreetingErrorReason } from "./greeting.ts";
 *
 * const reason: GreetingErrorReason = "bad-signature";
 * console.log(`handshake failed: ${reason}`);
 * ```
 */
export type GreetingErrorReason =
  | "bad-signature"
  | "unversioned"
  | "unsupported-version"
  | "bad-mechanism";

/**
 * The outcome of reading a peer greeting.
 *
 * @example Handling both outcomes
 * ```ts
 * import type { GreetingResult } from "./greeting.ts";
 *
 * function report(r: GreetingResult): string {
 *   return r.ok ? `version ${r.greeting.version}` : `refused: ${r.reason}`;
 * }
 * console.log(report({ ok: false, reason: "bad-signature" }));
 * ```
 */
export type GreetingResult =
  | { readonly ok: true; readonly greeting: PeerGreeting }
  | { readonly ok: false; readonly reason: GreetingErrorReason };

/**
 * Reads a peer greeting from any chunking of the byte stream. It never consumes a byte past the
 * end of the greeting, so the bytes after it can go straight to the frame decoder. What it has
 * learned so far is readable at any time: {@linkcode GreetingReader.signatureValid} after 10 bytes,
 * {@linkcode GreetingReader.major} after 11, {@linkcode GreetingReader.result} at the end (12 bytes
 * for ZMTP 2.0, 64 for 3.x) or as soon as a refusal is certain: after byte 1 (`bad-signature`),
 * 10 (`unversioned`), 11 (`unsupported-version`) or 64 (`bad-mechanism`). It never throws on peer
 * input.
 *
 * @example Reading a libzmq greeting that arrives in two pieces
 * ```ts
 * import { encodeGreeting, GreetingReader } from "./greeting.ts";
 *
 * const bytes = encodeGreeting();
 * const reader = new GreetingReader();
 * reader.push(bytes.subarray(0, 11));
 * console.log(reader.signatureValid, reader.major); // true 3
 * const used = reader.push(bytes.subarray(11));
 * console.log(used, reader.result); // 53 { ok: true, greeting: { version: 3, ... } }
 * ```
 */
export class GreetingReader {
  #buf = new Uint8Array(GREETING_SIZE);
  #read = 0;
  #size = SIGNATURE_SIZE + 1;
  #result: GreetingResult | undefined;

  /** Number of greeting bytes consumed so far. */
  get bytesRead(): number {
    return this.#read;
  }

  /** `true` once the peer's 10-byte signature has arrived and is valid. */
  get signatureValid(): boolean {
    const b = this.#buf;
    return this.#read >= SIGNATURE_SIZE && b[0] === 0xff && (b[9]! & 1) === 1;
  }

  /** The peer's major version, once its 11th byte has arrived after a valid signature. */
  get major(): number | undefined {
    return this.#read > SIGNATURE_SIZE && this.signatureValid
      ? this.#buf[SIGNATURE_SIZE]
      : undefined;
  }

  /** Greeting size expected from the peer: 11 until the major is known, then 12 or 64. */
  get expectedSize(): number {
    return this.#size;
  }

  /** The full greeting or the reason it was refused; `undefined` while more bytes are needed. */
  get result(): GreetingResult | undefined {
    return this.#result;
  }

  /**
   * Consumes greeting bytes from the start of `chunk`.
   *
   * @param chunk Bytes from the peer.
   * @returns How many bytes of `chunk` belong to the greeting (the rest are frames). A refused
   * greeting consumes bytes up to the one that decided the refusal. Once a result is set, nothing
   * more is consumed and 0 is returned.
   */
  push(chunk: Uint8Array): number {
    let used = 0;
    while (this.#result === undefined && used < chunk.length) {
      const n = Math.min(this.#nextCheck() - this.#read, chunk.length - used);
      this.#buf.set(chunk.subarray(used, used + n), this.#read);
      this.#read += n;
      used += n;
      this.#inspect();
    }
    return used;
  }

  // Reads stop at each byte count where something can be decided, so that a refused greeting
  // always consumes the same number of bytes, however it was chunked.
  #nextCheck(): number {
    if (this.#read < 1) return 1;
    if (this.#read < SIGNATURE_SIZE) return SIGNATURE_SIZE;
    return this.#read === SIGNATURE_SIZE ? SIGNATURE_SIZE + 1 : this.#size;
  }

  // Decides what can be decided at the byte count just reached.
  #inspect(): void {
    const b = this.#buf;
    const read = this.#read;
    if (read === 1 && b[0] !== 0xff) return this.#fail("bad-signature");
    if (read === SIGNATURE_SIZE && (b[9]! & 1) === 0) return this.#fail("unversioned");
    if (read === SIGNATURE_SIZE + 1) {
      const major = b[SIGNATURE_SIZE]!;
      if (major === 0) return this.#fail("unsupported-version");
      this.#size = major < 3 ? V2_GREETING_SIZE : GREETING_SIZE;
    } else if (read === this.#size) {
      this.#finish();
    }
  }

  #finish(): void {
    const b = this.#buf;
    const major = b[SIGNATURE_SIZE]!;
    if (this.#size === V2_GREETING_SIZE) {
      this.#result = { ok: true, greeting: { version: 2, major, socketType: b[11]! } };
      return;
    }
    const mechanism = readMechanism(
      b.subarray(MECHANISM_OFFSET, MECHANISM_OFFSET + MECHANISM_SIZE),
    );
    if (mechanism === undefined) return this.#fail("bad-mechanism");
    const asServer = b[AS_SERVER_OFFSET] !== 0;
    this.#result = {
      ok: true,
      greeting: { version: 3, major, minor: b[11]!, mechanism, asServer },
    };
  }

  #fail(reason: GreetingErrorReason): void {
    this.#result = { ok: false, reason };
  }
}

/**
 * Tells whether a ZMTP 3.x peer speaks 3.1 or later (major > 3, or major 3 with minor ≥ 1), the
 * rule libzmq uses to choose SUBSCRIBE/CANCEL commands over `0x01`/`0x00` subscription messages.
 *
 * @param greeting The peer's greeting.
 * @returns `true` for ZMTP 3.1 and later.
 *
 * @example Choosing the subscription form
 * ```ts
 * import { isZmtp31 } from "./greeting.ts";
 *
 * const g = { version: 3, major: 3, minor: 0, mechanism: "NULL", asServer: false } as const;
 * console.log(isZmtp31(g) ? "SUBSCRIBE command" : "0x01 message"); // "0x01 message"
 * ```
 */
export function isZmtp31(greeting: GreetingV3): boolean {
  return greeting.major > 3 || greeting.minor >= 1;
}

function writeSignature(out: Uint8Array): Uint8Array {
  out[0] = 0xff;
  out[8] = 1; // padding: u64 BE identity length + 1, as libzmq sends for an empty identity
  out[9] = 0x7f;
  return out;
}

function isMechanismChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f ||
    c === 0x2e || c === 0x2b;
}

function isMechanismName(name: string): boolean {
  if (name.length < 1 || name.length > MECHANISM_SIZE) return false;
  for (let i = 0; i < name.length; i++) if (!isMechanismChar(name.charCodeAt(i))) return false;
  return true;
}

// Returns the name before the NUL padding, or undefined if the field is malformed.
function readMechanism(field: Uint8Array): string | undefined {
  let end = field.indexOf(0);
  if (end === -1) end = field.length;
  if (end === 0) return undefined;
  for (let i = end; i < field.length; i++) if (field[i] !== 0) return undefined;
  let name = "";
  for (let i = 0; i < end; i++) {
    if (!isMechanismChar(field[i]!)) return undefined;
    name += String.fromCharCode(field[i]!);
  }
  return name;
}
