/**
 * The runtime-neutral half of every stream connection: write coalescing,
 * one flush in flight, backpressure bookkeeping, and the close protocol.
 * Each runtime backend supplies a {@linkcode RawStream} and feeds events in.
 *
 * @module
 */
import type { Connection } from "./transport.ts";

/** What a runtime backend must provide for one open stream. */
export interface RawStream {
  /**
   * Writes every segment in order; calls `done` once the OS took them all or the stream died.
   * The segments' bytes may change after `done` (the connection reuses its buffers), so a backend
   * keeps no reference to them past it.
   */
  send(segments: Uint8Array[], done: () => void): void;
  /** Stops reading. */
  pause(): void;
  /** Resumes reading. */
  resume(): void;
  /** Closes the stream now; the backend later calls `ended`. */
  close(): void;
}

/** Runs `fn` on the next turn of the event loop (setImmediate where the runtime has it). */
const nextTurn: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
    ? (fn) => (globalThis as unknown as { setImmediate(fn: () => void): void }).setImmediate(fn)
    : queueMicrotask;

/** Writes shorter than this are copied into the shared buffer; longer ones are queued by reference. */
const COPY_LIMIT = 16 * 1024;
/** Sealed segments shorter than this are copied out; longer ones take the buffer with them. */
const SMALL_SEAL = 4 * 1024;
/** Pending bytes at which a flush happens at once rather than on the next microtask. */
const FLUSH_THRESHOLD = 64 * 1024;

/** @internal A {@linkcode Connection} over a backend's {@linkcode RawStream}. */
export class StreamConnection implements Connection {
  onDrain: () => void = () => {};
  onClose: (err?: Error) => void = () => {};
  readonly remote: string;
  readonly closed: Promise<void>;

  #onData: ((chunk: Uint8Array) => void) | undefined;
  #early: Uint8Array[] = []; // chunks that arrived before anyone listened
  #raw: RawStream;
  #buf = new Uint8Array(FLUSH_THRESHOLD);
  #len = 0; // bytes of #buf in use
  #sealed: Uint8Array<ArrayBuffer>[] = []; // buffers whose bytes are in #queue
  #flying: Uint8Array<ArrayBuffer>[] = []; // buffers whose bytes the backend is writing
  #spare: Uint8Array<ArrayBuffer> | undefined; // a buffer free for the next seal
  #queue: Uint8Array[] = []; // sealed segments waiting for the flush
  #queued = 0; // bytes in #queue
  #inFlight = 0; // bytes handed to the backend and not confirmed
  #scheduled = false;
  #isClosed = false;
  #closing = false;
  #settle!: () => void;

  constructor(raw: RawStream, remote: string) {
    this.#raw = raw;
    this.remote = remote;
    this.closed = new Promise((resolve) => (this.#settle = resolve));
  }

  /** The data handler; see {@linkcode Connection.onData}. */
  get onData(): ((chunk: Uint8Array) => void) | undefined {
    return this.#onData;
  }

  set onData(handler: ((chunk: Uint8Array) => void) | undefined) {
    this.#onData = handler;
    if (handler !== undefined && this.#early.length > 0) queueMicrotask(this.#replay);
  }

  // Held chunks are replayed on a microtask, never inside the setter, so the
  // code installing a handler finishes (its own first writes included)
  // before data reaches it. On Deno a dialed socket can read the peer's
  // greeting before the handshake code has installed its handler.
  #replay = (): void => {
    const handler = this.#onData;
    while (handler !== undefined && this.#onData === handler && this.#early.length > 0) {
      if (this.#isClosed || this.#closing) return;
      handler(this.#early.shift()!);
    }
  };

  get buffered(): number {
    return this.#len + this.#queued + this.#inFlight;
  }

  unread(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.#isClosed || this.#closing) return;
    this.#early.unshift(bytes);
    if (this.#onData !== undefined) queueMicrotask(this.#replay);
  }

  write(bytes: Uint8Array): void {
    if (this.#isClosed || this.#closing) return;
    if (bytes.length >= COPY_LIMIT) {
      this.#seal();
      this.#queue.push(bytes);
      this.#queued += bytes.length;
    } else {
      if (this.#len + bytes.length > this.#buf.length) this.#seal();
      this.#buf.set(bytes, this.#len);
      this.#len += bytes.length;
    }
    if (this.#len + this.#queued >= FLUSH_THRESHOLD) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#onMicrotask);
    }
  }

  pause(): void {
    if (!this.#isClosed) this.#raw.pause();
  }

  resume(): void {
    if (!this.#isClosed) this.#raw.resume();
  }

  close(): void {
    if (this.#isClosed || this.#closing) return;
    this.#closing = true; // nothing more is delivered, though the backend may still read
    this.#raw.close();
  }

  /** Backend entry: a chunk arrived. */
  received(chunk: Uint8Array): void {
    if (this.#isClosed || this.#closing) return;
    // Bun and Node hand out Buffers; users get plain Uint8Array views (no copy)
    if (chunk.constructor !== Uint8Array) {
      chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    if (this.#onData === undefined || this.#early.length > 0) this.#early.push(chunk);
    else this.#onData(chunk);
  }

  /** Backend entry: the stream is gone (called once, after which no more I/O happens). */
  ended(err?: Error): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#queue = [];
    this.#len = this.#queued = this.#inFlight = 0;
    this.#settle();
    this.onClose(err);
  }

  #onMicrotask = (): void => {
    this.#scheduled = false;
    this.#flush();
  };

  /**
   * Moves the used part of the shared buffer onto the queue as its own segment. Past a few KiB
   * without copying: the buffer goes with it, and writing continues in a spare one (two buffers
   * take turns while writes keep up with the socket; a third is made only while both are queued
   * or in flight). A few bytes, such as the frame header sealed before each large body, are
   * copied out instead, which is cheaper than a fresh 64 KiB buffer per message.
   */
  #seal(): void {
    if (this.#len === 0) return;
    if (this.#len < SMALL_SEAL) {
      // a few bytes (a frame header before a large body): copying them is cheaper than a buffer
      this.#queue.push(this.#buf.slice(0, this.#len));
      this.#queued += this.#len;
      this.#len = 0;
      return;
    }
    this.#queue.push(this.#buf.subarray(0, this.#len));
    this.#sealed.push(this.#buf);
    this.#queued += this.#len;
    this.#buf = this.#spare ?? new Uint8Array(FLUSH_THRESHOLD);
    this.#spare = undefined;
    this.#len = 0;
  }

  #flush(): void {
    if (this.#inFlight > 0 || this.#isClosed) return; // #sent flushes the rest
    this.#seal();
    if (this.#queued === 0) return;
    const segments = this.#queue;
    this.#inFlight = this.#queued;
    this.#queue = [];
    this.#queued = 0;
    const sealed = this.#sealed;
    this.#sealed = this.#flying;
    this.#flying = sealed;
    this.#raw.send(segments, this.#sent);
  }

  // The backend may confirm synchronously, inside #flush (and so inside a
  // caller's write). The continuation runs on the next macrotask turn: never
  // inside a write, and late enough that a sender awaiting each send() has
  // queued more messages by then, so they leave in one syscall rather than
  // one each (measured: 200 001 sendto calls for 200 000 awaited sends on
  // Bun with a microtask here).
  #sent = (): void => {
    if (!this.#isClosed) nextTurn(this.#afterSend);
  };

  #afterSend = (): void => {
    if (this.#isClosed) return;
    this.#inFlight = 0;
    const flown = this.#flying; // the backend is done with these bytes: reuse one buffer
    if (flown.length > 0) this.#spare ??= flown[0];
    flown.length = 0;
    if (this.#len + this.#queued > 0) this.#flush();
    else this.onDrain();
  };
}
