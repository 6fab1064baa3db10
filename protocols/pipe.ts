/**
 * A pipe is one handshaken peer of a socket, as the patterns see it: a
 * bounded inbox of whole messages, a send path with a high-water mark, and
 * its peer's identity. It sits on a {@linkcode MessageStream} that a wire
 * codec (SP, ZMTP) or the inproc transport provides.
 *
 * @module
 */
import { Deque } from "./_deque.ts";
import type { MqError } from "./errors.ts";

/**
 * A message-level duplex: what a wire codec makes of a byte connection, or
 * what inproc provides directly.
 */
export interface MessageStream<M> {
  /** Starts delivering messages (handlers are set by then). */
  start(): void;
  /** Queues one message for sending. */
  write(msg: M): void;
  /** Bytes (or, for inproc, messages) queued that the other side has not taken. */
  readonly buffered: number;
  /** Stops delivering messages. */
  pause(): void;
  /** Delivers messages again. */
  resume(): void;
  /** Closes now; `reason` is reported to the local monitor. Idempotent. */
  close(reason?: MqError): void;
  /** Called with each received message. */
  onMessage: (msg: M) => void;
  /** Called once `buffered` is back to zero. */
  onDrain: () => void;
  /** Called once when the stream closed, with why if it was an error. */
  onClose: (reason?: MqError) => void;
  /** Settles once all I/O of the stream has stopped. */
  readonly closed: Promise<void>;
  /** The peer's address. */
  readonly remote: string;
}

/** Events a pipe reports to its socket. */
export interface PipeEvents<M> {
  /** A message arrived; false drops it (the pattern may also close the pipe). */
  admit(pipe: Pipe<M>, msg: M): boolean;
  /** The inbox went from empty to non-empty. */
  readable(pipe: Pipe<M>): void;
  /** The pipe can take messages again. */
  writable(pipe: Pipe<M>): void;
  /** The pipe is gone (peer left, error, or local close). */
  closed(pipe: Pipe<M>, reason?: MqError): void;
  /** A message's size in bytes, for the pipe's byte counters. */
  size(msg: M): number;
}

/** The priority of a pipe whose endpoint sets none (nanomsg's default). */
export const DEFAULT_PRIORITY = 8;

/** A pipe's high-water marks, which can change while it runs. */
export interface PipeMarks {
  /** Messages written and not yet taken by the stream before the pipe counts as full. */
  readonly sendHwm: number;
  /** Messages in the inbox at which reading from the stream pauses. */
  readonly recvHwm: number;
  /** Bytes written and not yet taken by the stream before the pipe counts as full; 0: no limit. */
  readonly sendHwmBytes?: number;
  /** Bytes in the inbox at which reading from the stream pauses; 0: no limit. */
  readonly recvHwmBytes?: number;
}

/** A pipe's queue limits and priorities. */
export interface PipeLimits extends PipeMarks {
  /** 1 (highest) to 16; default 8. */
  readonly sendPriority?: number;
  /** 1 (highest) to 16; default 8. */
  readonly recvPriority?: number;
}

// Pipe ids are unique in the process, 31 bits (SP backtraces need bit 31
// clear), starting at a random point as NNG does so that ids from before a
// restart are unlikely to be reused at once.
let nextPipeId = 1 + Math.floor(Math.random() * 0x7ffffffe);
function allocatePipeId(): number {
  const id = nextPipeId;
  nextPipeId = nextPipeId >= 0x7fffffff ? 1 : nextPipeId + 1;
  return id;
}

/**
 * One peer of a socket. `P` is what the handshake learned about the peer.
 */
export class Pipe<M, P = unknown> {
  /** Unique in the process, 1..2^31-1. */
  readonly id: number = allocatePipeId();
  /** What the handshake learned about the peer. */
  readonly peer: P;
  /** The endpoint URL this pipe came from. */
  readonly url: string;
  /** Per-pipe state a pattern may keep here. */
  data: unknown = undefined;
  /** Its send priority, 1 (highest) to 16, from its endpoint (nanomsg's `NN_SNDPRIO`). */
  readonly sendPriority: number;
  /** Its receive priority, 1 (highest) to 16, from its endpoint (nanomsg's `NN_RCVPRIO`). */
  readonly recvPriority: number;

  #stream: MessageStream<M>;
  #events: PipeEvents<M>;
  #size: (msg: M) => number; // events.size, kept at hand: it runs for every message
  #inbox = new Deque<M>();
  #recvHwm: number;
  #sendHwm: number;
  #sendHwmBytes: number; // Infinity when unlimited, so the checks need no branch
  #recvHwmBytes: number;
  #unconfirmed = 0; // messages written since the stream last drained
  #unconfirmedBytes = 0; // their bytes
  #inboxBytes = 0; // counted only when recvHwmBytes is set
  #txMsgs = 0;
  #rxMsgs = 0;
  #txBytes = 0;
  #rxBytes = 0;
  #paused = false;
  #closed = false;

  constructor(
    stream: MessageStream<M>,
    peer: P,
    url: string,
    limits: PipeLimits,
    events: PipeEvents<M>,
  ) {
    this.sendPriority = limits.sendPriority ?? DEFAULT_PRIORITY;
    this.recvPriority = limits.recvPriority ?? DEFAULT_PRIORITY;
    this.#stream = stream;
    this.peer = peer;
    this.url = url;
    this.#sendHwm = limits.sendHwm;
    this.#recvHwm = limits.recvHwm;
    this.#sendHwmBytes = limits.sendHwmBytes || Infinity;
    this.#recvHwmBytes = limits.recvHwmBytes || Infinity;
    this.#events = events;
    this.#size = events.size;
    stream.onMessage = (msg) => this.#received(msg);
    stream.onDrain = () => this.#drained();
    stream.onClose = (reason) => this.#ended(reason);
  }

  /** Starts message delivery; the socket calls it once the pattern has the pipe. */
  start(): void {
    this.#stream.start();
  }

  /** The peer's address. */
  get remote(): string {
    return this.#stream.remote;
  }

  /** True while the pipe takes messages without exceeding its high-water mark. */
  get writable(): boolean {
    return !this.#closed && this.#unconfirmed < this.#sendHwm &&
      this.#unconfirmedBytes < this.#sendHwmBytes;
  }

  /** Number of messages waiting in the inbox. */
  get queued(): number {
    return this.#inbox.length;
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Settles once the underlying stream stopped all I/O. */
  get closedPromise(): Promise<void> {
    return this.#stream.closed;
  }

  /** Bytes not yet taken by the peer's side (for linger). */
  get buffered(): number {
    return this.#stream.buffered;
  }

  /** Messages and bytes sent to and received from the peer so far. */
  get traffic(): { txMsgs: number; rxMsgs: number; txBytes: number; rxBytes: number } {
    return {
      txMsgs: this.#txMsgs,
      rxMsgs: this.#rxMsgs,
      txBytes: this.#txBytes,
      rxBytes: this.#rxBytes,
    };
  }

  /** Sends one message. Callers check `writable` first; a closed pipe drops it. */
  send(msg: M): void {
    if (this.#closed) return;
    this.#unconfirmed++;
    this.#txMsgs++;
    const size = this.#size(msg);
    this.#txBytes += size;
    this.#unconfirmedBytes += size;
    this.#stream.write(msg);
  }

  /** Takes the next message from the inbox. */
  recv(): M | undefined {
    const msg = this.#inbox.shift();
    if (this.#recvHwmBytes !== Infinity && msg !== undefined) this.#inboxBytes -= this.#size(msg);
    if (
      this.#paused && this.#inbox.length <= this.#recvHwm >> 1 &&
      this.#inboxBytes <= this.#recvHwmBytes / 2
    ) {
      this.#paused = false;
      this.#stream.resume();
    }
    return msg;
  }

  /**
   * Changes the high-water marks while the pipe runs (the socket's `sendHwm`, `recvHwm`,
   * `sendHwmBytes` or `recvHwmBytes` were set): a raised send mark makes a full pipe writable at
   * once, a raised receive mark resumes reading, a lowered one pauses it until the inbox is read
   * down.
   */
  setHwm(marks: PipeMarks): void {
    const wasWritable = this.writable;
    this.#sendHwm = marks.sendHwm;
    this.#sendHwmBytes = marks.sendHwmBytes || Infinity;
    const recvHwmBytes = marks.recvHwmBytes || Infinity;
    if (recvHwmBytes !== this.#recvHwmBytes) {
      // the inbox's bytes are counted only while there is a limit: count them now
      let bytes = 0;
      if (recvHwmBytes !== Infinity) this.#inbox.forEach((msg) => (bytes += this.#size(msg)));
      this.#inboxBytes = bytes;
      this.#recvHwmBytes = recvHwmBytes;
    }
    this.#recvHwm = marks.recvHwm;
    const full = this.#inbox.length >= this.#recvHwm || this.#inboxBytes >= this.#recvHwmBytes;
    if (!this.#closed && full !== this.#paused) {
      this.#paused = full;
      if (full) this.#stream.pause();
      else this.#stream.resume();
    }
    if (!wasWritable && this.writable) this.#events.writable(this);
  }

  /** Closes the pipe; `reason` goes to the monitor. */
  close(reason?: MqError): void {
    this.#stream.close(reason);
  }

  #received(msg: M): void {
    if (this.#closed) return;
    const size = this.#size(msg);
    this.#rxBytes += size;
    if (!this.#events.admit(this, msg)) return;
    this.#rxMsgs++;
    this.#inbox.push(msg);
    if (this.#recvHwmBytes !== Infinity) this.#inboxBytes += size;
    if (
      (this.#inbox.length >= this.#recvHwm || this.#inboxBytes >= this.#recvHwmBytes) &&
      !this.#paused
    ) {
      this.#paused = true;
      this.#stream.pause();
    }
    if (this.#inbox.length === 1) this.#events.readable(this);
  }

  #drained(): void {
    const wasFull = this.#unconfirmed >= this.#sendHwm ||
      this.#unconfirmedBytes >= this.#sendHwmBytes;
    this.#unconfirmed = 0;
    this.#unconfirmedBytes = 0;
    if (wasFull && !this.#closed) this.#events.writable(this);
  }

  #ended(reason?: MqError): void {
    if (this.#closed) return;
    // The inbox is kept: messages that arrived before the peer left are
    // still delivered (a PUSH that sends and hangs up loses nothing).
    this.#closed = true;
    this.#events.closed(this, reason);
  }
}
