/**
 * The built-in ZeroMQ devices (libzmq's `zmq_proxy` and `zmq_proxy_steerable`):
 * messages received on the frontend go to the backend and, where the backend
 * can receive too, replies come back the other way; a capture socket, if
 * given, gets a copy of everything in both directions.
 *
 * QUEUE: ROUTER frontend, DEALER backend (REQ clients, REP workers).
 * FORWARDER: XSUB frontend, XPUB backend (subscriptions travel upstream).
 * STREAMER: PULL frontend, PUSH backend (one direction only).
 *
 * Sends wait when the other side is full, so backpressure crosses the device
 * (as in libzmq); the sockets stay the caller's, the proxy never closes them.
 *
 * Any two sockets whose messages have the same shape can be proxied: ZeroMQ sockets (frames), or
 * SP sockets (one body each; for SP's raw devices see `sp.device`).
 *
 * @module
 */
import { MqError } from "../errors.ts";
import type { RecvOptions, SendOptions } from "../socket.ts";
import type { Receiver, Sender } from "../directions.ts";

/**
 * The proxy's frontend: it receives first (ROUTER, XSUB, PULL); if it can send too, replies from
 * the backend come back through it. A send-only socket is refused by the type checker.
 */
export type ProxyFrontend<M> = Receiver<M> & {
  /** Sends a reply back, if the socket can (a receive-only one fails with `ENOTSUP`). */
  readonly send?: (msg: M, options?: SendOptions) => Promise<void>;
};

/**
 * The proxy's backend: it sends first (DEALER, XPUB, PUSH); if it can receive too, what it
 * receives goes back to the frontend. A receive-only socket is refused by the type checker.
 */
export type ProxyBackend<M> = Sender<M> & {
  /** Receives a reply, if the socket can (a send-only one fails with `ENOTSUP`). */
  readonly recv?: (options?: RecvOptions) => Promise<M>;
};

/**
 * A socket that a proxy can use both ways (ROUTER, DEALER, XSUB, XPUB, ...): it sends and
 * receives messages of one shape (`M`).
 */
export type ProxySocket<M> = Sender<M> & Receiver<M>;

/** State of a steerable proxy. */
export type ProxyState = "running" | "paused" | "terminated";

/**
 * A proxy that can be paused, resumed and terminated while it runs.
 *
 * @example A QUEUE broker between REQ clients and REP workers
 * ```ts ignore
 * import { Dealer, Router, SteerableProxy } from "./mod.ts";
 * await using frontend = new Router();
 * await using backend = new Dealer();
 * await frontend.bind("tcp://*:5559");
 * await backend.bind("tcp://*:5560");
 * const proxy = new SteerableProxy(frontend, backend);
 * proxy.pause(); // messages wait in the sockets' queues
 * proxy.resume();
 * proxy.terminate();
 * await proxy.done;
 * ```
 */
export class SteerableProxy<M = Uint8Array[]> {
  /** Settles when the proxy has stopped: terminated, or one of its sockets closed. */
  readonly done: Promise<void>;

  #stop = new AbortController();
  #state: ProxyState = "running";
  #resumed: Promise<void> = Promise.resolve();
  #wake: () => void = () => {};

  /**
   * Starts moving messages at once.
   *
   * @param frontend receives first (ROUTER, XSUB, PULL)
   * @param backend sends first (DEALER, XPUB, PUSH)
   * @param capture gets a copy of every message (a PUB, PUSH, PAIR or DEALER)
   */
  constructor(frontend: ProxyFrontend<M>, backend: ProxyBackend<M>, capture?: Sender<M>) {
    const run = (from: Partial<Receiver<M>>, to: Partial<Sender<M>>): Promise<void> =>
      this.#pump(from, to, capture).catch((e) => {
        this.#finish(); // an unexpected failure stops the other direction too
        throw e;
      });
    this.done = Promise.all([run(frontend, backend), run(backend, frontend)])
      .then(() => this.#finish());
  }

  /** Where the proxy is. */
  get state(): ProxyState {
    return this.#state;
  }

  /** Stops taking messages; they wait in the sockets (up to their HWMs). */
  pause(): void {
    if (this.#state !== "running") return;
    this.#state = "paused";
    this.#resumed = new Promise((resolve) => (this.#wake = resolve));
  }

  /** Takes messages again after {@linkcode SteerableProxy.pause}. */
  resume(): void {
    if (this.#state !== "paused") return;
    this.#state = "running";
    this.#wake();
  }

  /** Stops for good; `done` settles once both directions have stopped. */
  terminate(): void {
    if (this.#state === "terminated") return;
    this.#state = "terminated";
    this.#stop.abort();
    this.#wake();
  }

  #finish(): void {
    this.#state = "terminated";
    this.#stop.abort();
    this.#wake();
  }

  /**
   * Moves messages from `from` to `to` until stopped; ends quietly if `from` cannot receive or
   * `to` cannot send (no such method, or `ENOTSUP`).
   */
  async #pump(
    from: Partial<Receiver<M>>,
    to: Partial<Sender<M>>,
    capture: Sender<M> | undefined,
  ): Promise<void> {
    if (from.recv === undefined || to.send === undefined) return;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      if (this.#state === "paused") await this.#resumed;
      if (signal.aborted) return;
      let msg;
      try {
        msg = await from.recv({ signal });
      } catch (e) {
        if (ends(e, signal)) return this.#stopAll(e);
        throw e;
      }
      if (this.#state === "paused") await this.#resumed; // a message already taken still goes
      try {
        if (capture !== undefined) await capture.send(msg, { signal });
        await to.send(msg, { signal });
      } catch (e) {
        if (ends(e, signal)) return this.#stopAll(e);
        throw e;
      }
    }
  }

  /** A socket that can't receive ends only its own direction; a closed one ends both. */
  #stopAll(e: unknown): void {
    if (e instanceof MqError && e.code === "ENOTSUP") return;
    this.#stop.abort();
    this.#wake();
  }
}

/** True for the errors that end a proxy direction rather than fail it. */
function ends(e: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  return e instanceof MqError && (e.code === "ENOTSUP" || e.code === "ECLOSED");
}

/**
 * Runs a proxy until one of its sockets closes (libzmq's `zmq_proxy`).
 *
 * @example A STREAMER between pushers and pullers
 * ```ts ignore
 * import { proxy, Pull, Push } from "./mod.ts";
 * const frontend = new Pull();
 * const backend = new Push();
 * await frontend.bind("tcp://*:5557");
 * await backend.bind("tcp://*:5558");
 * await proxy(frontend, backend); // returns when a socket is closed
 * ```
 */
export function proxy<M = Uint8Array[]>(
  frontend: ProxyFrontend<M>,
  backend: ProxyBackend<M>,
  capture?: Sender<M>,
): Promise<void> {
  return new SteerableProxy<M>(frontend, backend, capture).done;
}
