/**
 * ZMTP framing (RFC 23/37 §Framing, RFC 15 for ZMTP 2.0): a flags byte, a 1-byte size (body ≤ 255
 * bytes) or a LONG 8-byte big-endian size, then the body. Encoders write whole messages straight
 * into a caller's buffer; {@linkcode FrameDecoder} turns any chunking of the byte stream back into
 * whole messages and commands.
 *
 * @module
 */

/** Flag bit: more frames of this message follow. */
export const FLAG_MORE = 0x01;
/** Flag bit: the size field is 8 bytes. */
export const FLAG_LONG = 0x02;
/** Flag bit: the frame is a command (ZMTP 3.x only; reserved in ZMTP 2.0). */
export const FLAG_COMMAND = 0x04;

const SHORT_MAX = 255;
const TWO_32 = 2 ** 32;
// Largest high word of a 64-bit size that keeps the size ≤ Number.MAX_SAFE_INTEGER (2^53 - 1).
const MAX_HIGH_WORD = 0x1fffff;
// First allocation for a body that spans chunks; larger bodies grow as their bytes arrive.
const FIRST_ALLOC = 64 * 1024;

/**
 * Number of bytes {@linkcode writeMessage} writes for `frames`.
 *
 * @param frames The frames of one message.
 * @returns Encoded size in bytes.
 *
 * @example Sizing a two-frame message
 * ```ts
 * import { encodedMessageSize } from "./frame.ts";
 *
 * console.log(encodedMessageSize([new Uint8Array(3), new Uint8Array(300)])); // 314
 * ```
 */
export function encodedMessageSize(frames: readonly Uint8Array[]): number {
  let total = 0;
  for (let i = 0; i < frames.length; i++) {
    const size = frames[i].length;
    total += (size > SHORT_MAX ? 9 : 2) + size;
  }
  return total;
}

/**
 * Writes a whole message (MORE on every frame but the last; LONG only above 255 bytes, as libzmq
 * does) into `target` at `offset`. The same bytes are valid ZMTP 2.0 and 3.x data frames.
 *
 * @param frames The frames of one message (at least one).
 * @param target Buffer to write into; needs {@linkcode encodedMessageSize} bytes from `offset`.
 * @param offset Where to start writing.
 * @returns The offset just past the last byte written.
 * @throws {RangeError} If `frames` is empty or `target` is too small.
 *
 * @example Coalescing two messages into one buffer
 * ```ts
 * import { encodedMessageSize, writeMessage } from "./frame.ts";
 *
 * const a = [new TextEncoder().encode("hi")];
 * const b = [new Uint8Array(0), new Uint8Array([1])];
 * const out = new Uint8Array(encodedMessageSize(a) + encodedMessageSize(b));
 * const end = writeMessage(b, out, writeMessage(a, out, 0));
 * console.log(end === out.length, out); // true Uint8Array(9) [0, 2, 104, 105, 1, 0, 0, 1, 1]
 * ```
 */
export function writeMessage(
  frames: readonly Uint8Array[],
  target: Uint8Array,
  offset: number,
): number {
  const last = frames.length - 1;
  if (last < 0) throw new RangeError("Cannot encode message: it has no frames");
  let pos = offset;
  for (let i = 0; i <= last; i++) {
    pos = writeFrame(frames[i], i < last ? FLAG_MORE : 0, target, pos);
  }
  return pos;
}

/**
 * Encodes a whole message into a new buffer.
 *
 * @param frames The frames of one message (at least one).
 * @returns The encoded bytes.
 * @throws {RangeError} If `frames` is empty.
 *
 * @example A single-frame message
 * ```ts
 * import { encodeMessage } from "./frame.ts";
 *
 * console.log(encodeMessage([new TextEncoder().encode("hello")])); // 00 05 h e l l o
 * ```
 */
export function encodeMessage(frames: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(encodedMessageSize(frames));
  writeMessage(frames, out, 0);
  return out;
}

/**
 * Number of bytes {@linkcode writeCommandFrame} writes for a command body.
 *
 * @param body The command body (name length, name, data).
 * @returns Encoded size in bytes.
 *
 * @example Sizing a READY command
 * ```ts
 * import { encodedCommandSize } from "./frame.ts";
 *
 * console.log(encodedCommandSize(new Uint8Array(41))); // 43
 * ```
 */
export function encodedCommandSize(body: Uint8Array): number {
  return (body.length > SHORT_MAX ? 9 : 2) + body.length;
}

/**
 * Writes one command frame (flags `0x04`, or `0x06` above 255 bytes) into `target` at `offset`.
 *
 * @param body The command body, as built by `command.ts`.
 * @param target Buffer to write into; needs {@linkcode encodedCommandSize} bytes from `offset`.
 * @param offset Where to start writing.
 * @returns The offset just past the last byte written.
 * @throws {RangeError} If `target` is too small.
 *
 * @example Writing a command after a message
 * ```ts
 * import { encodedCommandSize, writeCommandFrame } from "./frame.ts";
 *
 * const body = new Uint8Array([4, 80, 73, 78, 71, 0, 0]); // PING, TTL 0
 * const out = new Uint8Array(encodedCommandSize(body));
 * writeCommandFrame(body, out, 0);
 * console.log(out[0], out[1]); // 4 7
 * ```
 */
export function writeCommandFrame(body: Uint8Array, target: Uint8Array, offset: number): number {
  return writeFrame(body, FLAG_COMMAND, target, offset);
}

/**
 * Encodes one command frame into a new buffer.
 *
 * @param body The command body, as built by `command.ts`.
 * @returns The encoded bytes.
 *
 * @example Framing a command body
 * ```ts
 * import { encodeCommandFrame } from "./frame.ts";
 *
 * console.log(encodeCommandFrame(new Uint8Array([4, 80, 79, 78, 71])).length); // 7
 * ```
 */
export function encodeCommandFrame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(encodedCommandSize(body));
  writeFrame(body, FLAG_COMMAND, out, 0);
  return out;
}

function writeFrame(body: Uint8Array, flags: number, target: Uint8Array, pos: number): number {
  const size = body.length;
  const long = size > SHORT_MAX;
  if (pos + (long ? 9 : 2) + size > target.length) {
    throw new RangeError("Cannot encode frame: target buffer is too small");
  }
  if (long) {
    const high = Math.floor(size / TWO_32);
    const low = size >>> 0;
    target[pos] = flags | FLAG_LONG;
    target[pos + 1] = high >>> 24;
    target[pos + 2] = high >>> 16;
    target[pos + 3] = high >>> 8;
    target[pos + 4] = high;
    target[pos + 5] = low >>> 24;
    target[pos + 6] = low >>> 16;
    target[pos + 7] = low >>> 8;
    target[pos + 8] = low;
    pos += 9;
  } else {
    target[pos] = flags;
    target[pos + 1] = size;
    pos += 2;
  }
  // A plain loop beats set() for tiny bodies, where the call overhead dominates.
  if (size <= 16) { for (let i = 0; i < size; i++) target[pos + i] = body[i]; }
  else target.set(body, pos);
  return pos + size;
}

/**
 * Why a {@linkcode FrameDecoder} stopped:
 * - `reserved-flags`: a flags byte has a reserved bit set (`0xF8` in ZMTP 3.x; `0xFC` in 2.0, where
 *   the command bit does not exist);
 * - `command-more`: a command frame has MORE set;
 * - `size-overflow`: a LONG size above `Number.MAX_SAFE_INTEGER` (this includes the top bit);
 * - `frame-too-large`: a frame's size is above `maxMsgSize`;
 * - `alloc-failed`: memory for a frame body could not be allocated.
 *
 * @example Mapping a reason to an error code
 * ```ts
 * import type { FrameErrorReason } from "./frame.ts";
 *
 * const code = (r: FrameErrorReason) => (r === "frame-too-large" ? "EMSGSIZE" : "EPROTO");
 * console.log(code("command-more")); // "EPROTO"
 * ```
 */
export type FrameErrorReason =
  | "reserved-flags"
  | "command-more"
  | "size-overflow"
  | "frame-too-large"
  | "alloc-failed";

/**
 * Callbacks and limits for a {@linkcode FrameDecoder}. Callbacks must not call
 * {@linkcode FrameDecoder.push} themselves; if one throws, the decoder stops and the error
 * propagates out of `push`.
 *
 * @example A decoder that logs what it reads
 * ```ts
 * import { FrameDecoder, type FrameDecoderOptions } from "./frame.ts";
 *
 * const options: FrameDecoderOptions = {
 *   onMessage: (frames) => console.log("message", frames.length),
 *   onCommand: (body) => console.log("command", body.length),
 *   onError: (reason) => console.log("closing:", reason),
 *   maxMsgSize: 1024 * 1024,
 * };
 * new FrameDecoder(options).push(new Uint8Array([0, 0]));
 * ```
 */
export interface FrameDecoderOptions {
  /** Receives each whole message, once its last frame has arrived. The array is the caller's. */
  readonly onMessage: (frames: Uint8Array[]) => void;
  /**
   * Receives each command body. Without it, commands are read and dropped.
   *
   * @default {undefined}
   */
  readonly onCommand?: (body: Uint8Array) => void;
  /** Called once, on the first protocol violation; the decoder consumes nothing after it. */
  readonly onError: (reason: FrameErrorReason) => void;
  /**
   * Largest accepted frame body in bytes, checked against each frame's size field before any
   * memory is allocated (per frame, like libzmq's `ZMQ_MAXMSGSIZE`; commands count too). Zero or
   * a negative value means no limit: libzmq's default is -1, and NNG's `recv-size-max` uses 0 for
   * no limit (in libzmq 0 would allow only empty frames, which has no use).
   *
   * @default {-1}
   */
  readonly maxMsgSize?: number;
  /**
   * Decode ZMTP 2.0 framing: no command bit, so flag bit `0x04` is an error. The first message
   * after a 2.0 greeting is the peer's identity; telling it apart is the engine's job.
   *
   * @default {false}
   */
  readonly v2?: boolean;
}

const READ_FLAGS = 0;
const READ_SIZE = 1;
const READ_BODY = 2;

/**
 * Incremental ZMTP frame decoder: feed it the byte stream in chunks of any size and it calls back
 * with whole messages (all frames or none) and commands. Commands may arrive between the frames of
 * a message (libzmq can inject a PING there) and are delivered at once. A body that lies wholly in
 * one chunk is passed on as a view into that chunk (zero-copy), so chunks must not be reused after
 * `push`; a body split across chunks is copied into a buffer of exactly its size. That buffer
 * starts at no more than 64 KiB and grows as bytes arrive, so a size field that lies costs no
 * memory the peer does not actually send.
 *
 * @example Decoding a message split across two chunks
 * ```ts
 * import { encodeMessage, FrameDecoder } from "./frame.ts";
 *
 * const bytes = encodeMessage([new Uint8Array([1]), new Uint8Array([2, 3])]);
 * const decoder = new FrameDecoder({
 *   onMessage: (frames) => console.log(frames), // [ Uint8Array [1], Uint8Array [2, 3] ]
 *   onError: (reason) => console.log(reason),
 * });
 * decoder.push(bytes.subarray(0, 4));
 * decoder.push(bytes.subarray(4));
 * ```
 */
export class FrameDecoder {
  readonly #onMessage: (frames: Uint8Array[]) => void;
  readonly #onCommand: ((body: Uint8Array) => void) | undefined;
  readonly #onError: (reason: FrameErrorReason) => void;
  readonly #max: number;
  readonly #reserved: number;
  #state = READ_FLAGS;
  #flags = 0;
  #sizeBytes = new Uint8Array(8); // size field split across chunks
  #sizeNeed = 0;
  #sizeFill = 0;
  #size = 0;
  #body: Uint8Array = new Uint8Array(0); // body split across chunks
  #bodyFill = 0;
  #frames: Uint8Array[] = []; // frames of the message in progress
  #stopped = false;
  #error: FrameErrorReason | undefined;

  /**
   * Creates a decoder.
   *
   * @param options Callbacks, size limit and framing version.
   */
  constructor(options: FrameDecoderOptions) {
    const { maxMsgSize = -1, v2 = false } = options;
    this.#onMessage = options.onMessage;
    this.#onCommand = options.onCommand;
    this.#onError = options.onError;
    this.#max = maxMsgSize > 0 ? maxMsgSize : Infinity;
    this.#reserved = v2 ? 0xfc : 0xf8;
  }

  /** The reason the decoder failed, or `undefined`. */
  get error(): FrameErrorReason | undefined {
    return this.#error;
  }

  /** `true` once the decoder has failed or {@linkcode FrameDecoder.stop} was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** `true` when no frame or multipart message is partly read. */
  get idle(): boolean {
    return this.#state === READ_FLAGS && this.#frames.length === 0;
  }

  /** Stops decoding (for example when the engine closes): later input is ignored. */
  stop(): void {
    this.#stopped = true;
    this.#frames = [];
    this.#body = new Uint8Array(0);
  }

  /**
   * Consumes the next chunk of the byte stream.
   *
   * @param chunk Bytes from the peer; the decoder may keep views into it.
   */
  push(chunk: Uint8Array): void {
    try {
      this.#consume(chunk);
    } catch (error) {
      this.stop();
      throw error;
    }
  }

  #consume(chunk: Uint8Array): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end && !this.#stopped) {
      if (this.#state === READ_FLAGS) {
        const flags = chunk[pos];
        if (!this.#checkFlags(flags)) return;
        // Hot path: a short frame wholly inside this chunk.
        if ((flags & FLAG_LONG) === 0 && pos + 1 < end) {
          const size = chunk[pos + 1];
          if (size > this.#max) {
            this.#fail("frame-too-large");
            return;
          }
          const start = pos + 2;
          if (start + size <= end) {
            pos = start + size;
            this.#emit(flags, chunk.subarray(start, pos));
            continue;
          }
        }
        this.#flags = flags;
        this.#sizeNeed = flags & FLAG_LONG ? 8 : 1;
        this.#sizeFill = 0;
        this.#state = READ_SIZE;
        pos++;
      } else if (this.#state === READ_SIZE) {
        const take = Math.min(this.#sizeNeed - this.#sizeFill, end - pos);
        let field = chunk;
        let at = pos;
        if (this.#sizeFill > 0 || take < this.#sizeNeed) {
          this.#sizeBytes.set(chunk.subarray(pos, pos + take), this.#sizeFill);
          this.#sizeFill += take;
          field = this.#sizeBytes;
          at = 0;
        }
        pos += take;
        if (field === this.#sizeBytes && this.#sizeFill < this.#sizeNeed) continue;
        if (!this.#readSize(field, at)) return;
        if (pos + this.#size <= end) {
          this.#state = READ_FLAGS;
          pos += this.#size;
          this.#emit(this.#flags, chunk.subarray(pos - this.#size, pos));
        } else {
          const body = allocate(Math.min(this.#size, FIRST_ALLOC));
          if (body === undefined) {
            this.#fail("alloc-failed");
            return;
          }
          this.#body = body;
          this.#bodyFill = 0;
          this.#state = READ_BODY;
        }
      } else {
        const take = Math.min(this.#size - this.#bodyFill, end - pos);
        if (!this.#append(chunk.subarray(pos, pos + take))) return;
        pos += take;
        if (this.#bodyFill === this.#size) {
          const body = this.#body;
          this.#body = new Uint8Array(0);
          this.#state = READ_FLAGS;
          this.#emit(this.#flags, body);
        }
      }
    }
  }

  #checkFlags(flags: number): boolean {
    if ((flags & this.#reserved) !== 0) return this.#fail("reserved-flags");
    if ((flags & (FLAG_COMMAND | FLAG_MORE)) === (FLAG_COMMAND | FLAG_MORE)) {
      return this.#fail("command-more");
    }
    return true;
  }

  // Reads a 1- or 8-byte size field at `field[at]` into #size and checks it.
  #readSize(field: Uint8Array, at: number): boolean {
    let size = field[at];
    if (this.#sizeNeed === 8) {
      const high = (field[at] << 24 | field[at + 1] << 16 | field[at + 2] << 8 | field[at + 3]) >>>
        0;
      if (high > MAX_HIGH_WORD) return this.#fail("size-overflow");
      const low =
        (field[at + 4] << 24 | field[at + 5] << 16 | field[at + 6] << 8 | field[at + 7]) >>>
        0;
      size = high * TWO_32 + low;
    }
    if (size > this.#max) return this.#fail("frame-too-large");
    this.#size = size;
    return true;
  }

  // Copies part of a split body, growing the buffer (at most to the exact size) as bytes arrive.
  #append(part: Uint8Array): boolean {
    const need = this.#bodyFill + part.length;
    if (need > this.#body.length) {
      const grown = allocate(Math.min(this.#size, Math.max(this.#body.length * 2, need)));
      if (grown === undefined) return this.#fail("alloc-failed");
      grown.set(this.#body.subarray(0, this.#bodyFill));
      this.#body = grown;
    }
    this.#body.set(part, this.#bodyFill);
    this.#bodyFill = need;
    return true;
  }

  #emit(flags: number, body: Uint8Array): void {
    if ((flags & FLAG_COMMAND) !== 0) {
      this.#onCommand?.(body);
    } else if ((flags & FLAG_MORE) !== 0) {
      this.#frames.push(body);
    } else if (this.#frames.length === 0) {
      this.#onMessage([body]);
    } else {
      const frames = this.#frames;
      frames.push(body);
      this.#frames = [];
      this.#onMessage(frames);
    }
  }

  #fail(reason: FrameErrorReason): false {
    this.stop();
    this.#error = reason;
    this.#onError(reason);
    return false;
  }
}

function allocate(size: number): Uint8Array | undefined {
  try {
    return new Uint8Array(size);
  } catch {
    return undefined; // RangeError: beyond what this runtime can allocate
  }
}
