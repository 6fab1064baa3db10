/**
 * What a listener does when an accept fails: it reports the failure and tries
 * again after a back-off, for ever, until it is closed. A failed accept is
 * almost always temporary: the process ran out of descriptors (`EMFILE`), the
 * system did (`ENFILE`), the kernel is short of buffers or memory (`ENOBUFS`,
 * `ENOMEM`), or the peer gave up while it waited in the queue
 * (`ECONNABORTED`, `ECONNRESET`, `EPROTO`). libzmq reports each one as
 * `ZMQ_EVENT_ACCEPT_FAILED` and goes on listening; NNG's stream transports
 * sleep 10 ms after `NNG_ENOFILES`/`NNG_ENOMEM` and accept again. Giving up
 * instead leaves the port open with its queue filling and nobody accepting.
 *
 * Back-off: 10 ms after the first failure, doubling after each further one in
 * a row, at most 500 ms; one successful accept starts again at 10 ms. Every
 * error is retried alike, the unknown ones included: a listener that keeps
 * failing shows up in the monitor twice a second, which is cheap, whereas
 * stopping would lose it for good.
 *
 * @module
 */
import { fromSystemError, MqError } from "../protocols/errors.ts";

/** The wait after the first failed accept, in ms. */
export const ACCEPT_RETRY_FIRST_MS = 10;
/** The longest wait between accepts that keep failing, in ms. */
export const ACCEPT_RETRY_MAX_MS = 500;

/**
 * What a backend's listener calls after a failed accept: the raw runtime
 * error, and in how many ms it accepts again (undefined when the runtime
 * retries by itself on its own schedule).
 */
export type RawAcceptErrorHandler = (err: unknown, retryInMs?: number) => void;

/**
 * The back-off of one listener.
 *
 * @example
 * ```ts
 * import { AcceptBackoff } from "./_accept_retry.ts";
 * const backoff = new AcceptBackoff();
 * console.log(backoff.failed(), backoff.failed()); // 10 20
 * backoff.succeeded();
 * console.log(backoff.failed()); // 10
 * ```
 */
export class AcceptBackoff {
  #next = ACCEPT_RETRY_FIRST_MS;

  /** Records a failure; returns how long to wait before the next accept. */
  failed(): number {
    const wait = this.#next;
    this.#next = Math.min(wait * 2, ACCEPT_RETRY_MAX_MS);
    return wait;
  }

  /** Records an accepted connection: the next failure waits the shortest time again. */
  succeeded(): void {
    this.#next = ACCEPT_RETRY_FIRST_MS;
  }
}

/** The system error code of a runtime error (`EMFILE`, ...), if it has one. */
export function systemErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * The error a transport reports for a failed accept on `url`; its message
 * names the system code and when the listener tries again.
 *
 * @example
 * ```ts
 * import { acceptFailure } from "./_accept_retry.ts";
 * const raw = Object.assign(new Error("Too many open files"), { code: "EMFILE" });
 * console.log(acceptFailure(raw, "tcp://127.0.0.1:5555", 10).message);
 * // accept on tcp://127.0.0.1:5555: Too many open files (EMFILE); retrying in 10 ms
 * ```
 */
export function acceptFailure(err: unknown, url: string, retryInMs?: number): MqError {
  const code = systemErrorCode(err);
  const text = err instanceof Error ? err.message : String(err);
  const named = code !== undefined && !text.includes(code) ? `${text} (${code})` : text;
  const when = retryInMs === undefined ? "the runtime retries" : `retrying in ${retryInMs} ms`;
  const { code: mqCode } = fromSystemError(err, `accept on ${url}`);
  return new MqError(mqCode, `accept on ${url}: ${named}; ${when}`, { cause: err });
}
