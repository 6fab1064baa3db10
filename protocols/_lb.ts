/**
 * Load balancing: each message goes to the next pipe, round robin, that can
 * take it. A pipe at its high-water mark leaves the rotation until it drains.
 *
 * @module
 */
import { ActiveSet } from "./_active_set.ts";
import type { Pipe } from "./pipe.ts";

/** @internal The load balancer over a socket's pipes. */
export class LoadBalancer<M> {
  #pipes = new ActiveSet<Pipe<M>>();
  #current = 0;

  /** A new pipe joins (active if it can take messages). */
  attach(pipe: Pipe<M>): void {
    this.#pipes.add(pipe, pipe.writable);
  }

  /** A pipe left. */
  detach(pipe: Pipe<M>): void {
    this.#pipes.delete(pipe);
  }

  /** A pipe can take messages again. */
  activated(pipe: Pipe<M>): void {
    this.#pipes.activate(pipe);
  }

  /** True if some pipe can take a message now. */
  get hasOut(): boolean {
    return this.#pipes.activeCount > 0;
  }

  /** Sends to the next ready pipe; returns it, or undefined if none is ready. */
  send(msg: M): Pipe<M> | undefined {
    const pipes = this.#pipes;
    while (pipes.activeCount > 0) {
      if (this.#current >= pipes.activeCount) this.#current = 0;
      const pipe = pipes.at(this.#current);
      if (!pipe.writable) {
        pipes.deactivate(pipe);
        continue;
      }
      pipe.send(msg);
      if (pipe.writable) this.#current++;
      else pipes.deactivate(pipe);
      return pipe;
    }
    return undefined;
  }
}
