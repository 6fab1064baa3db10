/**
 * DEALER (RFC 28, ZMTP `Socket-Type` "DEALER"): an asynchronous REQ without envelopes. Sends
 * round robin over the peers that can take a message and waits while none can; receives from all
 * peers fair-queued. Talks to REP, DEALER and ROUTER peers, and announces its `routingId` as
 * `Identity` so that a ROUTER can address it by name.
 *
 * With `conflate: true` (libzmq's `ZMQ_CONFLATE`) only the newest message is kept each way:
 * received messages replace the one not yet read from the same peer, and a message sent while no
 * peer can take one replaces the one waiting (so `send` never waits); the high-water marks no
 * longer apply. Conflation is for single-frame messages only, as in libzmq: sending several frames
 * is `ENOTSUP`, and received multipart messages are dropped.
 *
 * Unless `immediate: true` (libzmq's `ZMQ_IMMEDIATE`), each `connect()` gets a queue of its own at
 * once: messages sent before the connection is made (or while it is re-made) wait in it, up to
 * `sendHwm`, and round robin counts it as a peer.
 *
 * @module
 */
import { LbFqPattern } from "../_lb_fq.ts";
import { MqError } from "../errors.ts";
import type { PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { checkBoolean } from "./router.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";

/** Options of a socket that can conflate (DEALER, PUSH, PULL, SUB). */
export interface ConflateOptions extends ZmqSocketOptions {
  /**
   * Keep only the newest single-frame message in the queue (libzmq's `ZMQ_CONFLATE`): a newer
   * one replaces the older, high-water marks are ignored, multipart messages are not supported.
   * @default {false}
   */
  readonly conflate?: boolean;
}

/**
 * The `immediate` option of the sockets that connect to send (REQ, DEALER, PUSH, PAIR, ROUTER, and
 * the drafts CLIENT, SCATTER and CHANNEL).
 */
export interface ImmediateOptions extends ZmqSocketOptions {
  /**
   * Send only over completed connections (libzmq's `ZMQ_IMMEDIATE`). When false, each
   * `connect()` gets its own queue at once, kept across reconnects: sends are load-balanced over
   * it too and wait in it (up to `sendHwm`) until the connection is made, so `send` succeeds
   * before any peer is there. When true, only peers whose handshake is done take messages, and
   * `send` waits while there are none. Connections a socket accepts (`bind`) always count from
   * their handshake on.
   * @default {false}
   */
  readonly immediate?: boolean;
}

/** Options of a DEALER socket. */
export interface DealerOptions extends ConflateOptions, ImmediateOptions {}

type ZmtpPipe = Pipe<Frames, ZmtpPeer>;

/**
 * @internal The newest message of each peer, for conflating receivers. Peers take turns in the
 * order their messages first arrived.
 */
export class LatestPerPipe {
  #latest = new Map<ZmtpPipe, Frames>();

  /**
   * Reads everything the pipe queued, keeps the newest single-frame message; counts the others
   * as dropped. True if a message is now waiting.
   */
  drain(pipe: ZmtpPipe, host: PatternHost, keep: (msg: Frames) => boolean = () => true): boolean {
    let msg: Frames | undefined;
    while ((msg = pipe.recv()) !== undefined) {
      if (msg.length !== 1 || !keep(msg)) {
        host.stats.dropped++; // multipart is not supported when conflating
        continue;
      }
      if (this.#latest.has(pipe)) host.stats.dropped++;
      this.#latest.set(pipe, msg);
    }
    return this.#latest.size > 0;
  }

  /** Takes the next waiting message. */
  take(): Frames | undefined {
    for (const [pipe, msg] of this.#latest) {
      this.#latest.delete(pipe);
      return msg;
    }
    return undefined;
  }
}

/**
 * @internal The options a conflating sender runs with: `sendHwm` 1, as libzmq ignores the
 * high-water marks when conflating (each peer's queue holds one message), so that what waits is
 * the newest message, not a backlog already handed to the connection.
 */
export function conflatingOptions<T extends ZmqSocketOptions>(options: T, conflate: boolean): T {
  return conflate ? { ...options, sendHwm: 1 } : options;
}

/** Rejects a multipart message on a conflating socket. */
export function checkConflatable(msg: Frames, label: string): void {
  if (msg.length !== 1) {
    throw new MqError("ENOTSUP", `${label}: conflate supports single-frame messages only`);
  }
}

/**
 * @internal Load-balanced sends and fair-queued receives, optionally conflating (DEALER; PUSH and
 * PULL use one direction each).
 */
export class ConflatingLbFq extends LbFqPattern<Frames, ZmtpPeer> {
  readonly #conflate: boolean;
  readonly #label: string;
  #inbound = new LatestPerPipe();
  #outbound: Frames | undefined; // the newest message no peer could take yet

  /**
   * @param conflate keep only the newest message each way
   * @param label for errors
   * @param queue give each `connect()` a queue from the start (not `immediate`); a conflating
   * socket keeps its one waiting message itself
   */
  constructor(conflate: boolean, label: string, queue = false) {
    super(queue && !conflate);
    this.#conflate = conflate;
    this.#label = label;
  }

  override readable(pipe: ZmtpPipe): void {
    if (!this.#conflate) return super.readable(pipe);
    if (this.#inbound.drain(pipe, this.host)) this.host.wakeRecv();
  }

  override writable(pipe: ZmtpPipe): void {
    if (!this.#conflate) return super.writable(pipe);
    this.lb.activated(pipe);
    this.#flush();
  }

  #flush(): void {
    const waiting = this.#outbound;
    if (waiting !== undefined && this.lb.send(waiting) !== undefined) {
      this.#outbound = undefined;
      this.host.stats.txMsgs++;
    }
  }

  override attach(pipe: ZmtpPipe): string | undefined {
    super.attach(pipe);
    if (this.#conflate) this.writable(pipe);
    return undefined;
  }

  override trySend(msg: Frames): boolean {
    if (!this.#conflate) return super.trySend(msg);
    checkConflatable(msg, this.#label);
    if (this.#outbound !== undefined) this.host.stats.dropped++;
    this.#outbound = msg; // replaces any older one still waiting: send never waits
    this.#flush();
    return true;
  }

  override tryRecv(): Frames | undefined {
    if (!this.#conflate) return super.tryRecv();
    const msg = this.#inbound.take();
    if (msg !== undefined) this.host.stats.rxMsgs++;
    return msg;
  }
}

/**
 * A DEALER socket (libzmq's `ZMQ_DEALER`).
 *
 * @example Echo between two dealers
 * ```ts
 * import { Dealer } from "./mod.ts";
 * await using a = new Dealer();
 * await using b = new Dealer({ routingId: "b" });
 * const { url } = await a.bind("tcp://127.0.0.1:0");
 * await b.connect(url);
 * await b.send(["", "hello"]);
 * await a.send(await a.recv());
 * console.log((await b.recv()).length); // 2
 * ```
 */
export class Dealer extends ZmqSocket {
  /** Creates a DEALER socket. */
  constructor(options: DealerOptions = {}) {
    const conflate = checkBoolean("conflate", options.conflate);
    const queue = !checkBoolean("immediate", options.immediate);
    const pattern = new ConflatingLbFq(conflate, "zmq.Dealer", queue);
    super("DEALER", pattern, conflatingOptions(options, conflate), ["conflate", "immediate"]);
  }
}
