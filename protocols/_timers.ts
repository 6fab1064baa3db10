/**
 * The timers of one socket, cleared together when it closes, so that no timer outlives it.
 *
 * @module
 */

/** @internal A set of timers cleared together. */
export class TimerSet {
  #timers = new Set<ReturnType<typeof setTimeout>>();

  /** Runs `fn` after `ms`; returns a function that cancels it. */
  set(ms: number, fn: () => void): () => void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    };
  }

  /** Resolves after `ms` (cleared, and so never settling, if the set is cleared first). */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => this.set(ms, resolve));
  }

  /** Cancels every timer. */
  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
