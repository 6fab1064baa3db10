/**
 * What a socket tells about its network: endpoints, connections, handshakes,
 * reconnects and peers that broke the protocol, each with a reason.
 *
 * @module
 */

/** One event seen by a socket's monitor. */
export type MonitorEvent =
  | { readonly type: "listening"; readonly url: string }
  | {
    readonly type: "accepted";
    readonly url: string;
    readonly remote: string;
    readonly pipe: number;
  }
  | {
    readonly type: "connected";
    readonly url: string;
    readonly remote: string;
    readonly pipe: number;
  }
  | { readonly type: "connect-failed"; readonly url: string; readonly reason: string }
  /**
   * A listener's accept failed: the process or the system ran out of file
   * descriptors or buffers, or a peer left the queue first. The reason names
   * the system error and when the listener accepts again; it goes on
   * listening (libzmq's `ZMQ_EVENT_ACCEPT_FAILED`).
   *
   * @example
   * ```ts ignore
   * rep.monitor.on((e) => {
   *   if (e.type === "accept-failed") console.warn(e.url, e.reason);
   * });
   * ```
   */
  | { readonly type: "accept-failed"; readonly url: string; readonly reason: string }
  | { readonly type: "reconnect"; readonly url: string; readonly delay: number }
  | {
    readonly type: "handshake-failed";
    readonly url: string;
    readonly remote: string;
    readonly reason: string;
  }
  | {
    readonly type: "protocol-error";
    readonly url: string;
    readonly pipe: number;
    readonly reason: string;
  }
  | {
    readonly type: "disconnected";
    readonly url: string;
    readonly pipe: number;
    readonly reason?: string;
  }
  | {
    readonly type: "rejected";
    readonly url: string;
    readonly pipe: number;
    readonly reason: string;
  }
  | { readonly type: "closed" };

/** The kinds of {@linkcode MonitorEvent}. */
export type MonitorEventType = MonitorEvent["type"];

/** Counters kept by every socket. */
export interface SocketStats {
  /** Pipes (connected, handshaken peers) open now. */
  pipes: number;
  /** Messages handed to pipes. */
  txMsgs: number;
  /** Messages taken from pipes. */
  rxMsgs: number;
  /** Messages dropped by the pattern (no peer, full peer, filtered, too many hops, stale reply). */
  dropped: number;
  /** Connections closed because the peer broke the protocol or failed the handshake. */
  protocolErrors: number;
  /** Connections made by dialers. */
  connects: number;
  /** Connections accepted by listeners. */
  accepts: number;
  /** Connections that ended. */
  disconnects: number;
  /** Peers refused after their handshake (wrong protocol, a second PAIR peer). */
  rejects: number;
}

/**
 * A socket's event stream. Listeners run synchronously; one that throws is
 * ignored so that it cannot disturb the socket.
 *
 * @example Log every event
 * ```ts
 * import { Monitor } from "./monitor.ts";
 * const monitor = new Monitor();
 * const stop = monitor.on((event) => console.log(event.type));
 * monitor.emit({ type: "listening", url: "tcp://127.0.0.1:5555" });
 * stop();
 * ```
 */
export class Monitor {
  #listeners = new Set<(event: MonitorEvent) => void>();

  /** Calls `listener` with every later event; returns a function that stops it. */
  on(listener: (event: MonitorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Resolves with the next event of the given type (and, optionally, that
   * `filter` accepts); rejects when `signal` aborts.
   */
  next<T extends MonitorEventType>(
    type: T,
    options: { signal?: AbortSignal; filter?: (e: Extract<MonitorEvent, { type: T }>) => boolean } =
      {},
  ): Promise<Extract<MonitorEvent, { type: T }>> {
    return new Promise((resolve, reject) => {
      const { signal, filter } = options;
      const onAbort = (): void => {
        stop();
        reject(signal?.reason);
      };
      const stop = this.on((event) => {
        if (event.type !== type) return;
        const e = event as Extract<MonitorEvent, { type: T }>;
        if (filter && !filter(e)) return;
        stop();
        signal?.removeEventListener("abort", onAbort);
        resolve(e);
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** @internal Delivers an event to every listener. */
  emit(event: MonitorEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch { /* a listener's failure is its own */ }
    }
  }
}
