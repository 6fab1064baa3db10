/**
 * One peer at a time, both ways: the body of SP's PAIR (pair0, pair1) and ZeroMQ's PAIR. While a
 * peer is live, a newcomer is refused right after its handshake (NNG, nanomsg and libzmq all do
 * this); once the peer has gone, the next one is taken.
 *
 * @module
 */
import { LbFqPattern } from "./_lb_fq.ts";
import type { Pipe } from "./pipe.ts";

/** @internal Load-balance and fair-queue over at most one live peer. */
export class MonogamousPattern<M, P> extends LbFqPattern<M, P> {
  #peer: Pipe<M, P> | undefined;
  readonly #refusal: string;

  /**
   * @param refusal why a second peer is refused (for the monitor)
   * @param queue give a `connect()` its queue at once (ZeroMQ without `immediate`)
   */
  constructor(refusal: string, queue = false) {
    super(queue);
    this.#refusal = refusal;
  }

  override attach(pipe: Pipe<M, P>): string | undefined {
    if (this.#peer !== undefined && !this.#peer.isClosed) return this.#refusal;
    this.#peer = pipe;
    return super.attach(pipe);
  }
}
