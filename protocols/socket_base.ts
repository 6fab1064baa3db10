/**
 * The public face every socket class shares, in both families: `send`,
 * `recv`, async iteration, `close`, `await using`, the monitor and counters.
 * `sp.SpSocket` adds `listen`/`dial`, `zmq.ZmqSocket` adds `bind`/`connect`.
 *
 * @module
 */
import { MqError } from "./errors.ts";
import type { Monitor, SocketStats } from "./monitor.ts";
import type { RecvOptions, SendOptions, SocketCore } from "./socket.ts";

/**
 * What every edgemq socket can do. `M` is a received message (SP: bytes;
 * ZMTP: an array of frames) and `In` what `send` accepts.
 *
 * @example Receive until closed
 * ```ts
 * import { sp } from "../mod.ts";
 * const pull = new sp.Pull();
 * setTimeout(() => pull.close(), 10);
 * for await (const msg of pull) console.log(msg); // ends when the socket closes
 * ```
 */
export class SocketBase<M, In> implements AsyncIterable<M>, AsyncDisposable {
  #core: SocketCore<M, unknown>;
  #encode: (msg: In) => M;

  /**
   * Wraps a socket core.
   *
   * @param core the engine behind the socket
   * @param encode turns what `send` accepts into a message, throwing `EINVAL` on anything else
   */
  protected constructor(core: SocketCore<M, unknown>, encode: (msg: In) => M) {
    this.#core = core;
    this.#encode = encode;
  }

  /** Sends one message (strings are UTF-8 encoded). Do not change the bytes afterwards. */
  send(msg: In, options?: SendOptions): Promise<void> {
    let encoded: M;
    try {
      encoded = this.#encode(msg);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#core.send(encoded, options);
  }

  /** Receives one message. */
  recv(options?: RecvOptions): Promise<M> {
    return this.#core.recv(options);
  }

  /** Closes the socket: waits up to `linger` ms for queued messages to leave, then drops every peer. */
  close(options?: { linger?: number }): Promise<void> {
    return this.#core.close(options);
  }

  /** The socket's events (connections, disconnections, handshake and protocol errors). */
  get monitor(): Monitor {
    return this.#core.monitor;
  }

  /** The socket's counters. */
  get stats(): Readonly<SocketStats> {
    return this.#core.stats;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#core.isClosed;
  }

  /** Receives messages until the socket closes. */
  async *[Symbol.asyncIterator](): AsyncIterator<M> {
    while (true) {
      try {
        yield await this.#core.recv();
      } catch (e) {
        if (e instanceof MqError && e.code === "ECLOSED") return;
        throw e;
      }
    }
  }

  /** Closes the socket (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
