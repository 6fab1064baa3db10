/**
 * Distribution: a message goes to every pipe that can take it now; a pipe at
 * its high-water mark misses it (PUB never blocks for a slow subscriber).
 *
 * @module
 */
import type { Pipe } from "./pipe.ts";

/** @internal Sends to all pipes, dropping for the full ones. */
export class Distributor<M> {
  #pipes = new Set<Pipe<M>>();

  /** A pipe joins. */
  attach(pipe: Pipe<M>): void {
    this.#pipes.add(pipe);
  }

  /** A pipe left. */
  detach(pipe: Pipe<M>): void {
    this.#pipes.delete(pipe);
  }

  /** Number of pipes. */
  get size(): number {
    return this.#pipes.size;
  }

  /** Sends to every pipe that takes it (or only to those `match` accepts); returns how many missed it. */
  send(msg: M, match?: (pipe: Pipe<M>) => boolean): number {
    let missed = 0;
    for (const pipe of this.#pipes) {
      if (match !== undefined && !match(pipe)) continue;
      if (pipe.writable) pipe.send(msg);
      else missed++;
    }
    return missed;
  }
}
