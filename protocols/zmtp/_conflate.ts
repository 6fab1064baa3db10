/**
 * Conflation (libzmq's `ZMQ_CONFLATE`): only the newest single-frame message is kept each way.
 * Received messages replace the one not yet read from the same peer; a message sent while no peer
 * can take one replaces the one waiting, so `send` never waits; the high-water marks no longer
 * apply. Multipart messages are not supported, as in libzmq: sending one is `ENOTSUP`, and
 * received ones are dropped.
 *
 * @module
 */
import { LbFqPattern } from "../_lb_fq.ts";
import { MqError } from "../errors.ts";
import type { PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import type { Frames, ZmtpPeer } from "./socket.ts";

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
    super(queue);
    this.#conflate = conflate;
    this.#label = label;
  }

  protected override get canQueue(): boolean {
    return !this.#conflate;
  }

  /** A conflating sender's pipes hold one message each (libzmq ignores the HWMs then). */
  get pinnedSendHwm(): number | undefined {
    return this.#conflate ? 1 : undefined;
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
