/**
 * The SP wire over a byte stream (sp-tcp-mapping-01, sp-ipc-mapping-01):
 * an 8-byte header sent by both sides at once, then messages prefixed by a
 * 64-bit big-endian length (and, on ipc, a message-type byte 0x01 before it).
 * The length is checked against `recvMaxSize` before anything is allocated.
 *
 * @module
 */
import { MqError } from "../errors.ts";
import { writeU64 } from "../_bytes.ts";
import type { MessageStream } from "../pipe.ts";
import type { Connection } from "../../transports/transport.ts";

/** Size of the connection header. */
export const HEADER_SIZE = 8;
/** The only ipc message type anyone sends ("in-band"). */
export const IPC_MSG_TYPE = 0x01;
/** Lengths at or above 2^60 are refused whatever the limit (the top bits are reserved, as in NNG 2). */
const HI_WORD_LIMIT = 0x10000000;
/** First buffer for a message split across chunks; it doubles as bytes arrive. */
const INITIAL_BODY = 64 * 1024;

/**
 * The 8-byte connection header announcing our protocol id.
 *
 * @example REQ's header
 * ```ts
 * import { encodeHeader } from "./wire.ts";
 * console.log(encodeHeader(0x30)); // Uint8Array [0, 83, 80, 0, 0, 48, 0, 0]
 * ```
 */
export function encodeHeader(protocolId: number): Uint8Array {
  return new Uint8Array([0x00, 0x53, 0x50, 0x00, protocolId >> 8, protocolId & 0xff, 0, 0]);
}

/**
 * Checks a received header; returns the peer's protocol id, or an `EPROTO`
 * error with the reason (each field checked strictly, as NNG does).
 *
 * @example
 * ```ts
 * import { decodeHeader } from "./wire.ts";
 * console.log(decodeHeader(new Uint8Array([0, 0x53, 0x50, 0, 0, 0x31, 0, 0]))); // 49
 * ```
 */
export function decodeHeader(bytes: Uint8Array): number | MqError {
  if (bytes.length < HEADER_SIZE) return new MqError("EPROTO", "SP header is shorter than 8 bytes");
  if (bytes[0] !== 0x00 || bytes[1] !== 0x53 || bytes[2] !== 0x50) {
    return new MqError("EPROTO", "SP header has a bad signature (not 00 'S' 'P'): not an SP peer");
  }
  if (bytes[3] !== 0x00) {
    return new MqError("EPROTO", `SP header has unsupported version ${bytes[3]}`);
  }
  if (bytes[6] !== 0x00 || bytes[7] !== 0x00) {
    return new MqError("EPROTO", "SP header has non-zero reserved bytes");
  }
  return (bytes[4]! << 8) | bytes[5]!;
}

/** Size of a message's length prefix on this transport. */
export function prefixSize(ipc: boolean): number {
  return ipc ? 9 : 8;
}

/**
 * Writes a message's prefix (ipc type byte, then 64-bit length) into `out` at `offset`.
 *
 * @example
 * ```ts
 * import { writePrefix } from "./wire.ts";
 * const out = new Uint8Array(8);
 * writePrefix(out, 0, 5, false); // 00 00 00 00 00 00 00 05
 * ```
 */
export function writePrefix(out: Uint8Array, offset: number, length: number, ipc: boolean): void {
  if (ipc) out[offset++] = IPC_MSG_TYPE;
  writeU64(out, offset, length);
}

/** What a {@linkcode FrameDecoder} reports. */
export interface DecoderEvents {
  /** A whole message (a view into the input when it arrived in one chunk). */
  message(body: Uint8Array): void;
  /** The stream broke the wire rules; the decoder consumes nothing more. */
  error(err: MqError): void;
}

/**
 * Splits a byte stream into SP messages, whatever its chunking.
 *
 * @example Decode two messages from one chunk
 * ```ts
 * import { FrameDecoder } from "./wire.ts";
 * const got: Uint8Array[] = [];
 * const d = new FrameDecoder({ ipc: false, maxSize: 0 }, {
 *   message: (m) => got.push(m),
 *   error: (e) => console.error(e),
 * });
 * d.push(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 65, 0, 0, 0, 0, 0, 0, 0, 0]));
 * console.log(got.length); // 2
 * ```
 */
export class FrameDecoder {
  #ipc: boolean;
  #maxSize: number;
  #events: DecoderEvents;
  #prefix: Uint8Array;
  #prefixLen = 0; // prefix bytes gathered so far
  #body: Uint8Array | undefined; // message being assembled across chunks
  #bodyLen = 0; // bytes of #body filled
  #bodyTotal = 0; // the announced length of the message being assembled
  #failed = false;

  /** `maxSize` 0 means no limit. */
  constructor(options: { ipc: boolean; maxSize: number }, events: DecoderEvents) {
    this.#ipc = options.ipc;
    this.#maxSize = options.maxSize;
    this.#events = events;
    this.#prefix = new Uint8Array(prefixSize(options.ipc));
  }

  /** Consumes one chunk. */
  push(chunk: Uint8Array): void {
    let pos = 0;
    const end = chunk.length;
    const need = this.#prefix.length;
    while (pos < end && !this.#failed) {
      let body = this.#body;
      if (body !== undefined) { // finishing a message split across chunks
        if (this.#bodyLen === body.length) body = this.#grow(body);
        const take = Math.min(body.length - this.#bodyLen, end - pos);
        body.set(chunk.subarray(pos, pos + take), this.#bodyLen);
        this.#bodyLen += take;
        pos += take;
        if (this.#bodyLen === this.#bodyTotal) {
          this.#body = undefined;
          this.#events.message(body);
        }
        continue;
      }
      let length: number;
      if (this.#prefixLen === 0 && end - pos >= need) { // fast path: whole prefix here
        length = this.#readLength(chunk, pos);
        pos += need;
      } else {
        const take = Math.min(need - this.#prefixLen, end - pos);
        this.#prefix.set(chunk.subarray(pos, pos + take), this.#prefixLen);
        this.#prefixLen += take;
        pos += take;
        if (this.#prefixLen < need) return;
        this.#prefixLen = 0;
        length = this.#readLength(this.#prefix, 0);
      }
      if (length < 0) return;
      if (end - pos >= length) { // whole body here: a view, no copy
        this.#events.message(chunk.subarray(pos, pos + length));
        pos += length;
      } else {
        // memory follows the bytes that really arrive: a peer announcing a
        // huge message and sending little costs at most INITIAL_BODY
        this.#body = new Uint8Array(Math.min(length, INITIAL_BODY));
        this.#bodyTotal = length;
        this.#bodyLen = 0;
      }
    }
  }

  /** A larger buffer for the message being assembled, up to its announced length. */
  #grow(body: Uint8Array): Uint8Array {
    const bigger = new Uint8Array(Math.min(this.#bodyTotal, body.length * 2));
    bigger.set(body);
    this.#body = bigger;
    return bigger;
  }

  /** Reads and checks a prefix; returns the length, or -1 after reporting an error. */
  #readLength(bytes: Uint8Array, at: number): number {
    if (this.#ipc) {
      if (bytes[at] !== IPC_MSG_TYPE) {
        return this.#fail("EPROTO", `ipc message type ${bytes[at]} is not 1`);
      }
      at++;
    }
    const hi =
      ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
    const lo =
      ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>>
      0;
    if (hi >= HI_WORD_LIMIT) {
      return this.#fail("EMSGSIZE", "message length ≥ 2^60 (reserved bits set)");
    }
    const length = hi * 0x100000000 + lo;
    if (this.#maxSize > 0 && length > this.#maxSize) {
      return this.#fail(
        "EMSGSIZE",
        `message of ${length} bytes exceeds recvMaxSize ${this.#maxSize}`,
      );
    }
    if (length > 0x7fffffff) {
      return this.#fail("EMSGSIZE", `message of ${length} bytes is too large to hold`);
    }
    return length;
  }

  #fail(code: "EPROTO" | "EMSGSIZE", reason: string): number {
    this.#failed = true;
    this.#events.error(new MqError(code, reason));
    return -1;
  }
}

/**
 * Exchanges SP headers on a fresh connection: ours goes out at once, then
 * exactly 8 bytes are read and checked. Resolves with the peer's protocol id;
 * any bytes that followed its header are given back to the connection
 * (`unread`) for the stream that takes over. Rejects with an `EPROTO` error.
 */
export function exchangeHeaders(conn: Connection, protocolId: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const got = new Uint8Array(HEADER_SIZE);
    let have = 0;
    conn.onClose = () =>
      reject(new MqError("EPROTO", "connection closed during the SP header exchange"));
    conn.onData = (chunk) => {
      const take = Math.min(HEADER_SIZE - have, chunk.length);
      got.set(chunk.subarray(0, take), have);
      have += take;
      if (have < HEADER_SIZE) return;
      // hand over: what follows the header waits in the connection for the stream that takes over
      conn.onData = undefined;
      conn.onClose = () => {};
      conn.unread(chunk.subarray(take));
      const peerId = decodeHeader(got);
      if (peerId instanceof MqError) reject(peerId);
      else resolve(peerId);
    };
    conn.write(encodeHeader(protocolId));
  });
}

/**
 * An SP message whose protocol header (REQ's request id, REP's backtrace, PAIR1's hop count) is
 * kept apart from the body: the two go out back to back as one message, and are joined only where
 * one array is needed. This saves a copy of the body per message.
 */
export interface SpParts {
  /** The protocol header: 32-bit big-endian words. */
  readonly head: Uint8Array;
  /** The application's bytes. */
  readonly body: Uint8Array;
}

/** What an SP pipe carries: one array (all that arrives from the wire), or a head and a body. */
export type SpMessage = Uint8Array | SpParts;

/** The message as one array: itself, or its head and body joined (a copy). */
export function joinParts(msg: SpMessage): Uint8Array {
  if (msg instanceof Uint8Array) return msg;
  const out = new Uint8Array(msg.head.length + msg.body.length);
  out.set(msg.head, 0);
  out.set(msg.body, msg.head.length);
  return out;
}

/**
 * A handshaken SP connection as a message stream.
 */
export class SpStream implements MessageStream<SpMessage> {
  onMessage: (msg: SpMessage) => void = () => {};
  onDrain: () => void = () => {};
  onClose: (reason?: MqError) => void = () => {};

  #conn: Connection;
  #decoder: FrameDecoder;
  #ipc: boolean;
  #scratch: Uint8Array;
  #reason: MqError | undefined;

  /** Takes over `conn` after the header exchange; it reads nothing until {@linkcode start}. */
  constructor(conn: Connection, options: { ipc: boolean; maxSize: number }) {
    this.#conn = conn;
    this.#ipc = options.ipc;
    this.#scratch = new Uint8Array(prefixSize(options.ipc));
    this.#decoder = new FrameDecoder(options, {
      message: (msg) => this.onMessage(msg),
      error: (err) => this.close(err),
    });
    conn.onDrain = () => this.onDrain();
    conn.onClose = (err) =>
      this.onClose(
        this.#reason ??
          (err ? new MqError("ECLOSED", `connection lost: ${err.message}`) : undefined),
      );
    conn.pause(); // until start()
  }

  get buffered(): number {
    return this.#conn.buffered;
  }

  get closed(): Promise<void> {
    return this.#conn.closed;
  }

  get remote(): string {
    return this.#conn.remote;
  }

  start(): void {
    const decoder = this.#decoder;
    this.#conn.onData = (chunk) => decoder.push(chunk); // held bytes first, then the rest
    this.#conn.resume();
  }

  write(msg: SpMessage): void {
    // the prefix is copied into the connection's buffer at once, so one scratch array serves
    if (msg instanceof Uint8Array) {
      writePrefix(this.#scratch, 0, msg.length, this.#ipc);
      this.#conn.write(this.#scratch);
      this.#conn.write(msg);
    } else {
      writePrefix(this.#scratch, 0, msg.head.length + msg.body.length, this.#ipc);
      this.#conn.write(this.#scratch);
      this.#conn.write(msg.head);
      this.#conn.write(msg.body);
    }
  }

  pause(): void {
    this.#conn.pause();
  }

  resume(): void {
    this.#conn.resume();
  }

  close(reason?: MqError): void {
    this.#reason ??= reason;
    this.#conn.close();
  }
}
