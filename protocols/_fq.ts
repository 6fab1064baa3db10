/**
 * Fair queueing: messages are taken from the pipes that have some, round
 * robin, one message per pipe per turn, so one flooding peer cannot starve
 * the others. A pipe whose peer left stays until its inbox is empty.
 *
 * @module
 */
import { ActiveSet } from "./_active_set.ts";
import type { Pipe } from "./pipe.ts";

/** @internal The fair queue over a socket's pipes. */
export class FairQueue<M> {
  #pipes = new ActiveSet<Pipe<M>>();
  #current = 0;
  #last: Pipe<M> | undefined;

  /** A new pipe joins. */
  attach(pipe: Pipe<M>): void {
    this.#pipes.add(pipe, pipe.queued > 0);
  }

  /** A pipe left; its queued messages are still delivered. */
  detach(pipe: Pipe<M>): void {
    if (pipe.queued === 0) this.#pipes.delete(pipe);
  }

  /** A pipe has messages. */
  activated(pipe: Pipe<M>): void {
    this.#pipes.activate(pipe);
  }

  /** True if some pipe has a message. */
  get hasIn(): boolean {
    return this.#pipes.activeCount > 0;
  }

  /** The pipe the message last returned by {@linkcode FairQueue.recv} came from. */
  get lastPipe(): Pipe<M> {
    return this.#last!;
  }

  /** Takes the next message; {@linkcode FairQueue.lastPipe} says which pipe it came from. */
  recv(): M | undefined {
    const pipes = this.#pipes;
    while (pipes.activeCount > 0) {
      if (this.#current >= pipes.activeCount) this.#current = 0;
      const pipe = pipes.at(this.#current);
      const msg = pipe.recv();
      if (pipe.queued === 0) {
        if (pipe.isClosed) pipes.delete(pipe);
        else pipes.deactivate(pipe);
      } else this.#current++;
      if (msg !== undefined) {
        this.#last = pipe;
        return msg;
      }
    }
    return undefined;
  }
}
