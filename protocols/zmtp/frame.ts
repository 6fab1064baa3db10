/**
 * ZMTP framing (RFC 23/37 §Framing, RFC 15 for ZMTP 2.0): a flags byte, a 1-byte size (body ≤ 255
 * bytes) or a LONG 8-byte big-endian size, then the body. {@linkcode dataFrameHeader} gives the
 * header of a data frame without allocating (the engine writes it, then the body);
 * {@linkcode encodeCommandFrame} frames a command; {@linkcode FrameDecoder} turns any chunking of
 * the byte stream back into whole messages and commands.
 *
 * @module
 */
import { writeU64 } from "../_bytes.ts";

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

// Every short data-frame header (flags 0 or MORE, size 0..255), made once: allocating a two-byte
// array per frame cost half of Deno's sending time at 64 B (measured; 4x on the whole send path).
const SHORT_HEADERS: readonly Uint8Array[] = Array.from(
  { length: 2 * (SHORT_MAX + 1) },
  (_, i) => Uint8Array.of(i > SHORT_MAX ? FLAG_MORE : 0, i & SHORT_MAX),
);
// The one long data-frame header, rewritten by each call.
const LONG_HEADER = new Uint8Array(9);

/**
 * The header of one data frame: the flags byte (MORE when more frames of the message follow; LONG
 * only above 255 bytes, as libzmq does), then a 1-byte or 8-byte big-endian size. The same bytes
 * are valid ZMTP 2.0 and 3.x headers. Send the body right after it.
 *
 * No memory is allocated: a short header comes from a table made once, and a long one is a single
 * array rewritten by the next call. Write the header out (or copy it) before calling again;
 * `Connection.write` copies writes this small before it returns.
 *
 * @param size The body's size in bytes (0 to 2^53 - 1).
 * @param more Whether more frames of the same message follow.
 * @returns The header bytes (2 or 9), shared: do not change or keep them.
 *
 * @example Sending a two-frame message
 * ```ts
 * import { dataFrameHeader } from "./frame.ts";
 *
 * const out: number[] = [];
 * const frames = [new TextEncoder().encode("hi"), new Uint8Array(300)];
 * frames.forEach((body, i) => {
 *   out.push(...dataFrameHeader(body.length, i < frames.length - 1), ...body);
 * });
 * console.log(out.slice(0, 5), out.length); // [1, 2, 104, 105, 2] 313
 * ```
 */
export function dataFrameHeader(size: number, more: boolean): Uint8Array {
  if (size <= SHORT_MAX) return SHORT_HEADERS[more ? SHORT_MAX + 1 + size : size]!;
  writeLongHeader(LONG_HEADER, (more ? FLAG_MORE : 0) | FLAG_LONG, size);
  return LONG_HEADER;
}

/**
 * Encodes one command frame (flags `0x04`, or `0x06` above 255 bytes) into a new buffer.
 *
 * @param body The command body, as built by `command.ts`.
 * @returns The encoded bytes: header, then body.
 *
 * @example Framing a command body
 * ```ts
 * import { encodeCommandFrame } from "./frame.ts";
 *
 * const ping = encodeCommandFrame(new Uint8Array([4, 80, 73, 78, 71, 0, 0])); // PING, TTL 0
 * console.log(ping[0], ping[1], ping.length); // 4 7 9
 * ```
 */
export function encodeCommandFrame(body: Uint8Array): Uint8Array {
  const size = body.length;
  const long = size > SHORT_MAX;
  const out = new Uint8Array((long ? 9 : 2) + size);
  if (long) writeLongHeader(out, FLAG_COMMAND | FLAG_LONG, size);
  else {
    out[0] = FLAG_COMMAND;
    out[1] = size;
  }
  out.set(body, long ? 9 : 2);
  return out;
}

// Two byte arrays as one (no copy when either is empty).
function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// Writes flags and an 8-byte big-endian size at the start of `out`.
function writeLongHeader(out: Uint8Array, flags: number, size: number): void {
  out[0] = flags;
  writeU64(out, 1, size);
}

/**
 * Why a {@linkcode FrameDecoder} stopped:
 * - `reserved-flags`: a flags byte has a reserved bit set (`0xF8` in ZMTP 3.x; `0xFC` in 2.0, where
 *   the command bit does not exist);
 * - `command-more`: a command frame has MORE set;
 * - `size-overflow`: a LONG size above `Number.MAX_SAFE_INTEGER` (this includes the top bit);
 * - `frame-too-large`: a frame's size is above {@linkcode FrameDecoder.maxFrameSize}, or a command's
 *   above `maxMsgSize`;
 * - `message-too-large`: the frames of one message add up to more than `maxMsgSize`;
 * - `too-many-frames`: a message has more frames than {@linkcode FrameDecoder.maxMsgFrames};
 * - `unexpected-data`: a data frame while {@linkcode FrameDecoder.acceptData} is false (decided on
 *   its flags byte);
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
  | "message-too-large"
  | "too-many-frames"
  | "unexpected-data"
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
   * Largest accepted message in bytes: the sum of its frames' bodies (libzmq's `ZMQ_MAXMSGSIZE`
   * limits each frame instead), checked on each size field before the body is kept. Each command
   * is held to it on its own. Zero or a negative value means no limit: libzmq's default is -1,
   * and NNG's `recv-size-max` uses 0 for no limit (in libzmq 0 would allow only empty frames,
   * which has no use).
   *
   * @default {-1}
   */
  readonly maxMsgSize?: number;
  /**
   * Most frames one message may have, checked on each frame's header: with it, what an incomplete
   * message holds beyond its bytes (each frame's view object, up to about 512 bytes) is bounded
   * even without a `maxMsgSize`. Zero or a negative value means no limit.
   * Settable later through {@linkcode FrameDecoder.maxMsgFrames}.
   *
   * @default {DEFAULT_MAX_MSG_FRAMES}
   */
  readonly maxMsgFrames?: number;
  /**
   * Decode ZMTP 2.0 framing: no command bit, so flag bit `0x04` is an error. The first message
   * after a 2.0 greeting is the peer's identity; telling it apart is the engine's job.
   *
   * @default {false}
   */
  readonly v2?: boolean;
}

// What one received frame of an incomplete message costs in memory beyond its body, in bytes, as
// measured (roughly) on Deno 2 and Bun 1: the Uint8Array view and its slot in the message's array
// (about 170 bytes of RSS on Deno, 100 on Bun, for views into one received chunk); when each frame
// arrives in a chunk of its own (a peer that trickles), that chunk's buffer too (about 415 bytes
// on Deno, 180 on Bun). The worst of those, rounded up.
const FRAME_OVERHEAD = 512;
// The most the frames of one incomplete message may cost beyond their bytes, by default.
const FRAME_BUDGET = 32 * 1024 * 1024;

/**
 * The default of {@linkcode FrameDecoderOptions.maxMsgFrames}, and of the sockets' `maxMsgFrames`
 * option: 65536, far above the few frames real messages have (envelopes, topics, parts), and low
 * enough that the frames of one incomplete message cost at most 32 MiB beyond their bytes (each
 * frame's view object costs up to about 512 bytes, measured on Deno 2 and Bun 1). libzmq has no
 * such cap.
 *
 * @example A decoder with the default cap
 * ```ts
 * import { DEFAULT_MAX_MSG_FRAMES, FrameDecoder } from "./frame.ts";
 * const decoder = new FrameDecoder({ onMessage: () => {}, onError: () => {} });
 * console.log(decoder.maxMsgFrames === DEFAULT_MAX_MSG_FRAMES); // true
 * ```
 */
export const DEFAULT_MAX_MSG_FRAMES: number = FRAME_BUDGET / FRAME_OVERHEAD;

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
 * import { FrameDecoder } from "./frame.ts";
 *
 * const bytes = new Uint8Array([0x01, 1, 1, 0x00, 2, 2, 3]); // [ [1], [2, 3] ]
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
  readonly #maxMsg: number; // Infinity for no limit
  #maxFrame = Infinity;
  #maxCommand: number;
  #maxFrames: number;
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
  #msgBytes = 0; // their bodies' total size
  #stopped = false;
  #suspended = false; // by suspend(): stop after the current frame, keep the rest
  #rest: Uint8Array = new Uint8Array(0); // what a suspended push did not consume
  #error: FrameErrorReason | undefined;
  #acceptData = true;

  /**
   * Creates a decoder.
   *
   * @param options Callbacks, size limit and framing version.
   */
  constructor(options: FrameDecoderOptions) {
    const { maxMsgSize = -1, maxMsgFrames = DEFAULT_MAX_MSG_FRAMES, v2 = false } = options;
    this.#onMessage = options.onMessage;
    this.#onCommand = options.onCommand;
    this.#onError = options.onError;
    this.#maxMsg = maxMsgSize > 0 ? maxMsgSize : Infinity;
    this.#maxCommand = this.#maxMsg;
    this.#maxFrames = maxMsgFrames > 0 ? maxMsgFrames : Infinity;
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

  /** `true` between {@linkcode FrameDecoder.suspend} and {@linkcode FrameDecoder.resume}. */
  get suspended(): boolean {
    return this.#suspended;
  }

  /**
   * Stops consuming after the frame being delivered (call it from `onMessage` or `onCommand`):
   * the rest of the chunk is kept for {@linkcode FrameDecoder.takeRest}, so that whoever takes
   * over the connection next gets those bytes back (the handshake ends this way).
   */
  suspend(): void {
    this.#suspended = true;
  }

  /** The bytes a suspended `push` left unconsumed (empty if none); they are the caller's now. */
  takeRest(): Uint8Array {
    const rest = this.#rest;
    this.#rest = new Uint8Array(0);
    return rest;
  }

  /** Consumes input again after {@linkcode FrameDecoder.suspend}. */
  resume(): void {
    this.#suspended = false;
  }

  /** `true` when no frame or multipart message is partly read. */
  get idle(): boolean {
    return this.#state === READ_FLAGS && this.#frames.length === 0;
  }

  /**
   * Whether data frames are accepted. While false, a data frame is refused on its flags byte
   * (`unexpected-data`), before its size is read or any of its body is kept: the engine turns it
   * off while only commands may come (a ZMTP 3.x handshake; a mechanism that sends every frame
   * inside a command).
   *
   * @default {true}
   */
  get acceptData(): boolean {
    return this.#acceptData;
  }

  set acceptData(value: boolean) {
    this.#acceptData = value;
  }

  /**
   * Largest body of any one frame, data or command, checked on its size field: the engine holds
   * handshake traffic to a few KiB with it (`frame-too-large`). `Infinity` for no limit.
   *
   * @default {Infinity}
   */
  get maxFrameSize(): number {
    return this.#maxFrame;
  }

  set maxFrameSize(value: number) {
    this.#maxFrame = value > 0 ? value : Infinity;
    this.#maxCommand = Math.min(this.#maxMsg, this.#maxFrame);
  }

  /**
   * Most frames one message may have (`too-many-frames`); `Infinity` for no limit.
   *
   * @default {DEFAULT_MAX_MSG_FRAMES}
   */
  get maxMsgFrames(): number {
    return this.#maxFrames;
  }

  set maxMsgFrames(value: number) {
    this.#maxFrames = value > 0 ? value : Infinity;
  }

  /**
   * Feeds one data frame that reached us some other way (a security mechanism unwrapped it from a
   * command) into message assembly, as if it had been decoded here: frames with `more` wait for
   * the last one, which delivers the whole message. May be called from `onCommand`.
   *
   * @param more Whether more frames of the same message follow.
   * @param body The frame's body; the decoder keeps it.
   */
  frame(more: boolean, body: Uint8Array): void {
    const flags = more ? FLAG_MORE : 0;
    if (!this.#stopped && this.#admit(flags, body.length)) this.#emit(flags, body);
  }

  /** Stops decoding (for example when the engine closes): later input is ignored. */
  stop(): void {
    this.#stopped = true;
    this.#frames = [];
    this.#msgBytes = 0;
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
    if (this.#suspended) {
      this.#rest = joinBytes(this.#rest, chunk); // fed while suspended: kept for takeRest()
      return;
    }
    const end = chunk.length;
    let pos = 0;
    while (pos < end && !this.#stopped) {
      if (this.#suspended) {
        this.#rest = chunk.subarray(pos);
        return;
      }
      if (this.#state === READ_FLAGS) {
        const flags = chunk[pos]!;
        if (!this.#checkFlags(flags)) return;
        // Hot path: a short frame wholly inside this chunk.
        if ((flags & FLAG_LONG) === 0 && pos + 1 < end) {
          const size = chunk[pos + 1]!;
          if (!this.#admit(flags, size)) return;
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
    if (!this.#acceptData && (flags & FLAG_COMMAND) === 0) return this.#fail("unexpected-data");
    if ((flags & (FLAG_COMMAND | FLAG_MORE)) === (FLAG_COMMAND | FLAG_MORE)) {
      return this.#fail("command-more");
    }
    return true;
  }

  // Reads a 1- or 8-byte size field at `field[at]` into #size and checks it.
  #readSize(field: Uint8Array, at: number): boolean {
    let size = field[at]!;
    if (this.#sizeNeed === 8) {
      const high =
        (field[at]! << 24 | field[at + 1]! << 16 | field[at + 2]! << 8 | field[at + 3]!) >>>
        0;
      if (high > MAX_HIGH_WORD) return this.#fail("size-overflow");
      const low =
        (field[at + 4]! << 24 | field[at + 5]! << 16 | field[at + 6]! << 8 | field[at + 7]!) >>>
        0;
      size = high * TWO_32 + low;
    }
    if (!this.#admit(this.#flags, size)) return false;
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

  // Checks a frame's size (and, for a data frame, its place in the message) against the limits,
  // before its body is read.
  #admit(flags: number, size: number): boolean {
    if ((flags & FLAG_COMMAND) !== 0) {
      return size <= this.#maxCommand || this.#fail("frame-too-large");
    }
    if (size > this.#maxFrame) return this.#fail("frame-too-large");
    if (this.#frames.length >= this.#maxFrames) return this.#fail("too-many-frames");
    return this.#msgBytes + size <= this.#maxMsg || this.#fail("message-too-large");
  }

  #emit(flags: number, body: Uint8Array): void {
    if ((flags & FLAG_COMMAND) !== 0) {
      this.#onCommand?.(body);
    } else if ((flags & FLAG_MORE) !== 0) {
      this.#frames.push(body);
      this.#msgBytes += body.length;
    } else if (this.#frames.length === 0) {
      this.#onMessage([body]);
    } else {
      const frames = this.#frames;
      frames.push(body);
      this.#frames = [];
      this.#msgBytes = 0;
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
