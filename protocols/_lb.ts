/**
 * Load balancing: each message goes to one pipe that can take it, round robin, as libzmq's `lb`
 * does; with priorities (nanomsg's `NN_SNDPRIO`), to a pipe of the highest priority that can take
 * it, and to a lower one only when none of the higher can.
 *
 * @module
 */
import { PriorityLevels } from "./_priorities.ts";
import type { Pipe } from "./pipe.ts";

/** @internal Round robin over the pipes that can take a message, by send priority. */
export class LoadBalancer<M> {
  #pipes = new PriorityLevels<Pipe<M>>((pipe) => pipe.sendPriority);

  /** A new pipe joins (active if it can take messages). */
  attach(pipe: Pipe<M>): void {
    this.#pipes.levelOf(pipe).members.add(pipe, pipe.writable);
  }

  /** A pipe left. */
  detach(pipe: Pipe<M>): void {
    this.#pipes.delete(pipe);
  }

  /** A pipe can take messages again. */
  activated(pipe: Pipe<M>): void {
    this.#pipes.levelOf(pipe).members.activate(pipe);
  }

  /** True if some pipe can take a message now. */
  get hasOut(): boolean {
    return this.#pipes.anyActive;
  }

  /** Sends to the next ready pipe; returns it, or undefined if none is ready. */
  send(msg: M): Pipe<M> | undefined {
    const levels = this.#pipes.levels;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i]!;
      const pipes = level.members;
      while (pipes.activeCount > 0) {
        if (level.current >= pipes.activeCount) level.current = 0;
        const pipe = pipes.at(level.current);
        if (!pipe.writable) {
          pipes.deactivate(pipe);
          continue;
        }
        pipe.send(msg);
        if (pipe.writable) level.current++;
        else pipes.deactivate(pipe);
        return pipe;
      }
    }
    return undefined;
  }
}
