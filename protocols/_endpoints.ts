/**
 * A socket's endpoints: listeners that accept, dialers that connect and reconnect with back-off,
 * and the handshake every new connection goes through before it becomes a pipe. Transports are
 * found in the registry by the URL's scheme; a connection is handed to the family's handshake,
 * whose message stream is handed to the socket core ({@linkcode EndpointHost.attach}).
 *
 * @module
 */
import { fromSystemError, MqError } from "./errors.ts";
import type { Monitor, SocketStats } from "./monitor.ts";
import {
  type ResolvedEndpointOptions,
  type ResolvedSocketOptions,
  resolveEndpointOptions,
} from "./options.ts";
import type { MessageStream, Pipe } from "./pipe.ts";
import type { RelayStream } from "./_relay.ts";
import type { TimerSet } from "./_timers.ts";
import type { Connection, Listener } from "../transports/transport.ts";
import {
  type ConnectionTransport,
  type Endpoint,
  type LocalTransport,
  resolveEndpoint,
  type Transport,
  type WireTraits,
} from "../transports/registry.ts";

/**
 * A wire family (SP, ZMTP): how a connection becomes a message stream. `W` is what the family
 * makes of an endpoint's options (for example SP's `recvMaxSize`).
 */
export interface Family<M, P, W = unknown> {
  /** "sp" or "zmtp"; local (inproc) peers must share it. */
  readonly name: string;
  /** What local peers learn about this socket. */
  readonly local: P;
  /** The names of the family's per-endpoint options. */
  readonly endpointOptions: readonly string[];
  /** Checks an endpoint's family options (given ones only); throws `EINVAL`. */
  wireOptions(options: Readonly<Record<string, unknown>>): W;
  /**
   * Runs the handshake over a connection of a transport with these traits; rejects with an
   * `MqError` saying why it failed (the caller closes the connection).
   */
  handshake(
    conn: Connection,
    traits: WireTraits,
    options: W,
  ): Promise<{ stream: MessageStream<M>; peer: P }>;
  /** Why this peer may not talk to this socket, or undefined if it may. */
  refuse(peer: P): string | undefined;
  /** A message's size in bytes (for the statistics). */
  measure(msg: M): number;
}

/** A listener or dialer of a socket. */
export interface SocketEndpoint {
  /** The endpoint's URL (for a listener on port 0, with the real port). */
  readonly url: string;
  /** A listener (`bind`, `listen`) or a dialer (`connect`, `dial`). */
  readonly kind: "listen" | "dial";
  /**
   * Stops it: a listener stops accepting and closes the connections it accepted (as NNG's
   * `nng_listener_close` and libzmq's `zmq_unbind`); a dialer stops reconnecting and drops its
   * pipe.
   */
  close(): Promise<void>;
}

/** A dialer's lasting pipe and the stream its connections are plugged into. */
export interface Relay<M, P> {
  /** The stream that outlives connections. */
  readonly stream: RelayStream<M>;
  /** The pipe on it. */
  readonly pipe: Pipe<M, P>;
  /** Settles when the current connection has gone. */
  unplugged: Promise<void>;
}

/** An endpoint's send and receive priorities (1 highest to 16), given to its pipes. */
export interface Priorities {
  readonly sendPriority: number;
  readonly recvPriority: number;
}

/** What the endpoints need from the socket core. */
export interface EndpointHost<M, P> {
  readonly monitor: Monitor;
  readonly stats: SocketStats;
  readonly options: ResolvedSocketOptions;
  readonly timers: TimerSet;
  /** Aborts when the socket starts closing. */
  readonly stopping: AbortSignal;
  /**
   * A handshaken stream becomes a pipe with its endpoint's priorities (or is plugged into
   * `relay`); undefined if refused.
   */
  attach(
    stream: MessageStream<M>,
    peer: P,
    url: string,
    side: "accepted" | "connected",
    priorities: Priorities,
    relay?: Relay<M, P>,
  ): Pipe<M, P> | undefined;
  /** A dialer's lasting pipe, if the pattern wants one. */
  relayFor(url: string, priorities: Priorities): Relay<M, P> | undefined;
  /** The socket's name for messages ("sp.req0 socket"). */
  readonly label: string;
}

/** @internal The listeners and dialers of one socket. */
export class Endpoints<M, P, W> {
  #host: EndpointHost<M, P>;
  #family: Family<M, P, W>;
  #endpoints = new Set<SocketEndpoint>();
  #handshaking = new Set<Connection>();

  constructor(host: EndpointHost<M, P>, family: Family<M, P, W>) {
    this.#host = host;
    this.#family = family;
  }

  /** Binds `url` with `options` for this endpoint alone. */
  async listen(url: string, options?: unknown): Promise<SocketEndpoint> {
    const { endpoint, transport, settings, wire } = this.#resolve(url, "listen", options);
    let bound = endpoint.url; // the real URL (port 0 resolved) once listening
    const accepted = new Accepted();
    const listener: Listener = transport.kind === "local"
      ? this.#listenLocal(transport, endpoint, settings, accepted)
      : await transport.listen(
        endpoint,
        (c) => {
          if (accepted.add(c)) this.#accepted(c, bound, transport.traits, settings, wire, accepted);
        },
        settings.transport,
        (e) => this.#host.monitor.emit({ type: "accept-failed", url: bound, reason: e.message }),
      );
    bound = listener.url;
    if (this.#host.stopping.aborted) {
      await listener.close();
      throw this.#closedError();
    }
    const ep: SocketEndpoint = {
      url: listener.url,
      kind: "listen",
      close: async () => {
        if (!this.#endpoints.delete(ep)) return;
        await listener.close();
        // as nng_listener_close and zmq_unbind: the peers it accepted go with it (and reconnect
        // to whoever listens there next)
        await accepted.closeAll();
      },
    };
    this.#endpoints.add(ep);
    this.#host.monitor.emit({ type: "listening", url: listener.url });
    return ep;
  }

  /**
   * Starts dialing `url` (and redialing it) with `options` for this endpoint alone. With `wait`,
   * resolves once the first attempt connected, or rejects with why it failed (the dialer is then
   * closed), as `nng_dial` does.
   */
  async dial(url: string, options?: unknown): Promise<SocketEndpoint> {
    const resolved = this.#resolve(url, "dial", options);
    const stop = new AbortController();
    let first: ((outcome: MqError | undefined) => void) | undefined;
    const outcome = resolved.settings.wait
      ? new Promise<MqError | undefined>((resolve) => (first = resolve))
      : undefined;
    const done = this.#dialLoop(resolved, stop.signal, first);
    const ep: SocketEndpoint = {
      url: resolved.endpoint.url,
      kind: "dial",
      close: async () => {
        this.#endpoints.delete(ep);
        stop.abort();
        await done;
      },
    };
    this.#endpoints.add(ep);
    const failure = await outcome;
    if (failure !== undefined) {
      await ep.close();
      throw failure;
    }
    return ep;
  }

  /** Closes the listeners (or dialers) of `url`; rejects with `ENOENT` if there are none. */
  async closeAll(url: string, kind: "listen" | "dial"): Promise<void> {
    const matching = [...this.#endpoints].filter((e) => e.kind === kind && e.url === url);
    if (matching.length === 0) {
      const what = kind === "listen" ? "bound to" : "connected to";
      throw new MqError("ENOENT", `${this.#host.label} is not ${what} ${url}`);
    }
    await Promise.all(matching.map((e) => e.close()));
  }

  /** How many dialers and listeners are open. */
  get counts(): { dialers: number; listeners: number } {
    let dialers = 0;
    for (const e of this.#endpoints) if (e.kind === "dial") dialers++;
    return { dialers, listeners: this.#endpoints.size - dialers };
  }

  /** Closes every endpoint and every connection still in its handshake. */
  async close(): Promise<void> {
    const endpoints = [...this.#endpoints]; // each close() removes itself
    // connections mid-handshake go first: a dialer's close waits for its handshake
    for (const conn of this.#handshaking) conn.close();
    await Promise.all(endpoints.map((e) => e.close().catch(() => {})));
  }

  /** Settles once every connection that was mid-handshake has closed. */
  async settled(): Promise<void> {
    await Promise.all([...this.#handshaking].map((c) => c.closed));
  }

  #resolve(url: string, mode: "dial" | "listen", options: unknown): Resolved<W> {
    if (this.#host.stopping.aborted) throw this.#closedError();
    const { endpoint, transport } = resolveEndpoint(url, mode);
    const settings = resolveEndpointOptions(
      options,
      this.#host.options,
      this.#family.endpointOptions,
      transport.kind === "connection" ? transport.optionNames ?? [] : [],
      mode,
    );
    return { endpoint, transport, settings, wire: this.#family.wireOptions(settings.family) };
  }

  #listenLocal(
    transport: LocalTransport,
    endpoint: Endpoint,
    priorities: Priorities,
    accepted: Accepted,
  ): Listener {
    const url = endpoint.url;
    const host = this.#host;
    return transport.listen(endpoint, {
      family: this.#family.name,
      local: this.#family.local,
      refuse: (peer) => {
        const refusal = this.#family.refuse(peer as P);
        if (refusal !== undefined) {
          host.stats.protocolErrors++;
          host.stats.rejects++;
          host.monitor.emit({ type: "handshake-failed", url, remote: url, reason: refusal });
        }
        return refusal;
      },
      accept: (stream, peer) => {
        if (accepted.add(stream)) {
          host.attach(stream as MessageStream<M>, peer as P, url, "accepted", priorities);
        }
      },
    });
  }

  #accepted(
    conn: Connection,
    url: string,
    traits: WireTraits,
    settings: ResolvedEndpointOptions,
    wire: W,
    listener: Accepted,
  ): void {
    if (this.#host.stopping.aborted) {
      conn.close();
      return;
    }
    void this.#handshake(conn, url, traits, settings, wire, "accepted", undefined, listener);
  }

  /**
   * Runs the handshake on a new connection; resolves with the pipe, with why it failed, or with
   * undefined when the socket's own close interrupted it.
   */
  async #handshake(
    conn: Connection,
    url: string,
    traits: WireTraits,
    settings: ResolvedEndpointOptions,
    wire: W,
    side: "accepted" | "connected",
    relay?: Relay<M, P>,
    listener?: Accepted,
  ): Promise<Pipe<M, P> | MqError | undefined> {
    const host = this.#host;
    this.#handshaking.add(conn);
    let timedOut = false;
    const cancel = host.timers.set(settings.handshakeTimeout, () => {
      timedOut = true;
      conn.close();
    });
    try {
      const { stream, peer } = await this.#family.handshake(conn, traits, wire);
      const refusal = this.#family.refuse(peer);
      if (refusal !== undefined) {
        host.stats.rejects++;
        stream.close();
        throw new MqError("EPROTO", refusal);
      }
      if (host.stopping.aborted) {
        stream.close();
        return undefined;
      }
      return host.attach(stream, peer, url, side, settings, relay);
    } catch (e) {
      if (host.stopping.aborted || listener?.closing === true) {
        // our own close (of the socket, or of the listener) interrupted it: not the peer's fault
        conn.close();
        await conn.closed;
        return undefined;
      }
      const reason = timedOut
        ? `handshake timed out after ${settings.handshakeTimeout} ms`
        : e instanceof MqError
        ? e.message
        : `handshake failed: ${String(e)}`;
      host.stats.protocolErrors++;
      host.monitor.emit({ type: "handshake-failed", url, remote: conn.remote, reason });
      conn.close();
      await conn.closed;
      return new MqError(timedOut ? "ETIMEDOUT" : "EPROTO", `dial ${url}: ${reason}`, { cause: e });
    } finally {
      cancel();
      this.#handshaking.delete(conn);
    }
  }

  async #dialLoop(
    resolved: Resolved<W>,
    signal: AbortSignal,
    first?: (outcome: MqError | undefined) => void,
  ): Promise<void> {
    const { endpoint, settings } = resolved;
    const { reconnectIvl, reconnectIvlMax } = settings;
    const host = this.#host;
    let delay = reconnectIvl;
    const relay = host.relayFor(endpoint.url, settings);
    const stopped = (): boolean =>
      signal.aborted || host.stopping.aborted || relay?.pipe.isClosed === true;
    while (!stopped()) {
      const result = await this.#connectOnce(resolved, signal, relay);
      const pipe = result instanceof MqError ? undefined : result;
      if (first !== undefined) {
        first(
          result instanceof MqError ? result : pipe === undefined ? refused(resolved) : undefined,
        );
        first = undefined;
      }
      if (stopped()) {
        pipe?.close();
        break;
      }
      if (pipe !== undefined) {
        delay = reconnectIvl;
        await this.#whileOpen(pipe, signal, relay);
        if (stopped()) break;
      }
      host.monitor.emit({ type: "reconnect", url: endpoint.url, delay });
      await this.#sleep(delay, signal, resolved);
      if (pipe === undefined && reconnectIvlMax > 0) delay = Math.min(delay * 2, reconnectIvlMax);
    }
    first?.(new MqError("ECLOSED", `dial ${resolved.endpoint.url}: the dialer was closed`));
    if (relay !== undefined) {
      relay.pipe.close();
      await relay.pipe.closedPromise;
    }
  }

  async #connectOnce(
    { endpoint, transport, settings, wire }: Resolved<W>,
    signal: AbortSignal,
    relay: Relay<M, P> | undefined,
  ): Promise<Pipe<M, P> | MqError | undefined> {
    const host = this.#host;
    try {
      if (transport.kind === "local") {
        const { stream, peer } = transport.dial<M>(endpoint, {
          family: this.#family.name,
          local: this.#family.local,
          refuse: (p) => this.#family.refuse(p as P),
        });
        return host.attach(stream, peer as P, endpoint.url, "connected", settings, relay);
      }
      const conn = await transport.dial(endpoint, settings.transport);
      if (signal.aborted || host.stopping.aborted) {
        conn.close();
        await conn.closed;
        return undefined;
      }
      return await this.#handshake(
        conn,
        endpoint.url,
        transport.traits,
        settings,
        wire,
        "connected",
        relay,
      );
    } catch (e) {
      const err = fromSystemError(e, `dial ${endpoint.url}`);
      host.monitor.emit({ type: "connect-failed", url: endpoint.url, reason: err.message });
      return err;
    }
  }

  /**
   * Resolves when the pipe closed (a lasting pipe: when its connection did), or closes it when
   * the dialer stops.
   */
  async #whileOpen(pipe: Pipe<M, P>, signal: AbortSignal, relay?: Relay<M, P>): Promise<void> {
    const onAbort = (): void => pipe.close();
    const stopping = this.#host.stopping;
    signal.addEventListener("abort", onAbort, { once: true });
    stopping.addEventListener("abort", onAbort, { once: true });
    await (relay !== undefined ? relay.unplugged : pipe.closedPromise);
    signal.removeEventListener("abort", onAbort);
    stopping.removeEventListener("abort", onAbort);
  }

  /** Waits `ms` (±25 % jitter), ending early when stopped or when a local listener appears. */
  #sleep(ms: number, signal: AbortSignal, { endpoint, transport }: Resolved<W>): Promise<void> {
    const wait = Math.max(1, Math.round(ms * (0.75 + Math.random() * 0.5)));
    const stopping = this.#host.stopping;
    return new Promise<void>((resolve) => {
      const local = new AbortController();
      const done = (): void => {
        cancel();
        signal.removeEventListener("abort", done);
        stopping.removeEventListener("abort", done);
        local.abort();
        resolve();
      };
      const cancel = this.#host.timers.set(wait, done);
      signal.addEventListener("abort", done, { once: true });
      stopping.addEventListener("abort", done, { once: true });
      if (transport.kind === "local") transport.listening(endpoint, local.signal).then(done);
    });
  }

  #closedError(): MqError {
    return new MqError("ECLOSED", `${this.#host.label} is closed`);
  }
}

/** Why a first connection that the socket itself refused (its pattern, or its close) failed. */
function refused<W>({ endpoint }: Resolved<W>): MqError {
  return new MqError("ECLOSED", `dial ${endpoint.url}: the socket did not take the connection`);
}

/** An endpoint URL resolved: its transport and its options. */
interface Resolved<W> {
  readonly endpoint: Endpoint;
  readonly transport: Transport & (ConnectionTransport | LocalTransport);
  readonly settings: ResolvedEndpointOptions;
  readonly wire: W;
}

/**
 * What one listener accepted and has not seen close: connections (in their handshake or carrying
 * a pipe) and, for inproc, message streams. Closing the listener closes them.
 */
class Accepted {
  /** Set once the listener is closing: whatever arrives now is closed at once. */
  closing = false;
  #open = new Set<{ close(): void; readonly closed: Promise<void> }>();

  /** Tracks `conn` until it closes; false (and closes it) if the listener is closing. */
  add(conn: { close(): void; readonly closed: Promise<void> }): boolean {
    if (this.closing) {
      conn.close();
      return false;
    }
    this.#open.add(conn);
    void conn.closed.then(() => this.#open.delete(conn));
    return true;
  }

  /** Closes everything accepted and waits until it has closed. */
  async closeAll(): Promise<void> {
    this.closing = true;
    const open = [...this.#open];
    for (const conn of open) conn.close();
    await Promise.all(open.map((c) => c.closed));
  }
}
