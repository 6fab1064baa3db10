/**
 * Operations waiting their turn: `send` calls waiting for a peer that can take their message, and
 * `recv` calls waiting for a message, each with its timeout and abort signal. The socket core keeps
 * one queue of each per context; the first in a queue is served first.
 *
 * @module
 */
import { MqError } from "./errors.ts";
import type { TimerSet } from "./_timers.ts";

/** One waiting operation. */
export interface Waiter<T> {
  /** What a waiting `send` carries (undefined for `recv`). */
  readonly value: T;
  /** Settles the operation. */
  resolve(value: T): void;
  /** Fails the operation. */
  reject(err: unknown): void;
  /** Stops its timer and signal listener. */
  cleanup(): void;
}

/** @internal A FIFO of waiting operations. */
export class WaitQueue<T> {
  #items: Waiter<T>[] = [];

  /** How many are waiting. */
  get length(): number {
    return this.#items.length;
  }

  /** The first in line, or undefined. */
  get first(): Waiter<T> | undefined {
    return this.#items[0];
  }

  /** Removes the first in line, cleaned up, to be settled by the caller. */
  take(): Waiter<T> {
    const waiter = this.#items.shift()!;
    waiter.cleanup();
    return waiter;
  }

  /**
   * Waits until settled by the queue's owner, `timeout` ms pass (`ETIMEDOUT` naming `what` and
   * `label`; -1 is forever) or `signal` aborts (see {@linkcode abortError}).
   */
  park(
    value: T,
    signal: AbortSignal | undefined,
    timeout: number,
    timers: TimerSet,
    what: string,
    label: string,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortError(signal, what, label));
    return new Promise<T>((resolve, reject) => {
      let cancelTimer: (() => void) | undefined;
      const fail = (err: unknown): void => {
        const i = this.#items.indexOf(waiter);
        if (i >= 0) this.#items.splice(i, 1);
        waiter.cleanup();
        reject(err);
      };
      const onAbort = (): void => fail(abortError(signal!, what, label));
      const waiter: Waiter<T> = {
        value,
        resolve,
        reject,
        cleanup: () => {
          cancelTimer?.();
          signal?.removeEventListener("abort", onAbort);
        },
      };
      if (timeout >= 0) {
        cancelTimer = timers.set(
          timeout,
          () => fail(new MqError("ETIMEDOUT", `${what} timed out after ${timeout} ms on ${label}`)),
        );
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#items.push(waiter);
    });
  }

  /** Fails every waiting operation with `err`. */
  failAll(err: unknown): void {
    for (const waiter of this.#items.splice(0)) {
      waiter.cleanup();
      waiter.reject(err);
    }
  }
}

/**
 * What an aborted wait rejects with: for the runtime's own reasons (`controller.abort()` with no
 * reason, `AbortSignal.timeout()`), an `MqError` — `ECANCELED` or `ETIMEDOUT` — with the reason
 * as its cause, so that callers branch on one error type; a reason the caller gave is passed
 * through as it is, as `fetch` does.
 *
 * @example
 * ```ts
 * import { abortError } from "./_waiters.ts";
 * const err = abortError(AbortSignal.abort(), "recv", "sp.pull0 socket");
 * console.log((err as { code?: string }).code); // ECANCELED
 * ```
 */
export function abortError(signal: AbortSignal, what: string, label: string): unknown {
  const reason: unknown = signal.reason;
  if (
    !(reason instanceof Error) || (reason.name !== "AbortError" && reason.name !== "TimeoutError")
  ) {
    return reason;
  }
  return reason.name === "TimeoutError"
    ? new MqError("ETIMEDOUT", `${what} on ${label}: the signal timed out`, { cause: reason })
    : new MqError("ECANCELED", `${what} on ${label} was aborted`, { cause: reason });
}
