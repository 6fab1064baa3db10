/**
 * Fair queuing: messages are taken from the pipes that have some, one pipe after the other, as
 * libzmq's `fq` does; with priorities (nanomsg's `NN_RCVPRIO`), from the pipes of the highest
 * priority that have messages first.
 *
 * @module
 */
import { PriorityLevels } from "./_priorities.ts";
import type { Pipe } from "./pipe.ts";

/** @internal Round robin over the pipes that have messages, by receive priority. */
export class FairQueue<M> {
  #pipes = new PriorityLevels<Pipe<M>>((pipe) => pipe.recvPriority);
  #last: Pipe<M> | undefined;

  /** A new pipe joins. */
  attach(pipe: Pipe<M>): void {
    this.#pipes.levelOf(pipe).members.add(pipe, pipe.queued > 0);
  }

  /** A pipe left; its queued messages are still delivered. */
  detach(pipe: Pipe<M>): void {
    if (pipe.queued === 0) this.#pipes.delete(pipe);
  }

  /** A pipe has messages. */
  activated(pipe: Pipe<M>): void {
    this.#pipes.levelOf(pipe).members.activate(pipe);
  }

  /** True if some pipe has a message. */
  get hasIn(): boolean {
    return this.#pipes.anyActive;
  }

  /** The pipe the message last returned by {@linkcode FairQueue.recv} came from. */
  get lastPipe(): Pipe<M> {
    return this.#last!;
  }

  /** Takes the next message; {@linkcode FairQueue.lastPipe} says which pipe it came from. */
  recv(): M | undefined {
    const levels = this.#pipes.levels;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i]!;
      const pipes = level.members;
      while (pipes.activeCount > 0) {
        if (level.current >= pipes.activeCount) level.current = 0;
        const pipe = pipes.at(level.current);
        const msg = pipe.recv();
        if (pipe.queued === 0) {
          if (pipe.isClosed) {
            this.#pipes.delete(pipe); // may remove this level: the next is then at i
            if (levels[i] !== level) i--;
          } else pipes.deactivate(pipe);
        } else level.current++;
        if (msg !== undefined) {
          this.#last = pipe;
          return msg;
        }
      }
    }
    return undefined;
  }
}
