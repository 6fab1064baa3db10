/**
 * The most common composition: send load-balanced, receive fair-queued (as
 * libzmq's DEALER does). Patterns that need less override a hook or two.
 *
 * @module
 */
import { FairQueue } from "./_fq.ts";
import { LoadBalancer } from "./_lb.ts";
import type { Pattern, PatternHost } from "./pattern.ts";
import type { Pipe } from "./pipe.ts";

/** @internal A pattern that load-balances sends and fair-queues receives. */
export class LbFqPattern<M, P = unknown> implements Pattern<M, P> {
  protected host!: PatternHost;
  protected readonly lb: LoadBalancer<M> = new LoadBalancer<M>();
  protected readonly fq: FairQueue<M> = new FairQueue<M>();
  #queue: boolean;

  /** @param queue give each `connect()` a queue from the start, before its connection exists */
  constructor(queue = false) {
    this.#queue = queue;
  }

  /**
   * Does each `connect()` get a queue at once (libzmq's default, not `immediate`)? Read at each
   * dial; set when `immediate` is set on the live socket.
   */
  get queueWhileConnecting(): boolean {
    return this.#queue && this.canQueue;
  }
  set queueWhileConnecting(queue: boolean) {
    this.#queue = queue;
  }

  /** False for a pattern that keeps what waits for a peer itself (a conflating one). */
  protected get canQueue(): boolean {
    return true;
  }

  bind(host: PatternHost): void {
    this.host = host;
  }

  attach(pipe: Pipe<M, P>): string | undefined {
    this.lb.attach(pipe);
    this.fq.attach(pipe);
    return undefined;
  }

  detach(pipe: Pipe<M, P>): void {
    this.lb.detach(pipe);
    this.fq.detach(pipe);
  }

  readable(pipe: Pipe<M, P>): void {
    this.fq.activated(pipe);
    this.host.wakeRecv();
  }

  writable(pipe: Pipe<M, P>): void {
    this.lb.activated(pipe);
    this.host.wakeSend();
  }

  trySend(msg: M): boolean {
    if (this.lb.send(msg) === undefined) return false;
    this.host.stats.txMsgs++;
    return true;
  }

  tryRecv(): M | undefined {
    const msg = this.fq.recv();
    if (msg !== undefined) this.host.stats.rxMsgs++;
    return msg;
  }
}

/** Reads and discards everything a pipe received (for send-only patterns). */
export function discardInbox<M>(pipe: Pipe<M>): number {
  let n = 0;
  while (pipe.recv() !== undefined) n++;
  return n;
}
