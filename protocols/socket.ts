/**
 * The socket core shared by every pattern of both wire families: endpoints
 * (listeners and reconnecting dialers), handshakes, pipes, waiting senders
 * and receivers with timeouts and abort signals, close with linger.
 *
 * @module
 */
import { fromSystemError, invalid, MqError } from "./errors.ts";
import { Monitor, type SocketStats } from "./monitor.ts";
import { type ResolvedSocketOptions } from "./options.ts";
import type { Pattern, PatternHost } from "./pattern.ts";
import { type MessageStream, Pipe, type PipeEvents } from "./pipe.ts";
import { RelayStream } from "./_relay.ts";
import type { Connection, Listener } from "../transports/transport.ts";
import { type EndpointAddress, parseEndpoint } from "../transports/url.ts";
import { tcpTransport } from "../transports/tcp.ts";
import { ipcTransport } from "../transports/ipc.ts";
import { inprocDial, inprocListen, inprocListening } from "../transports/inproc.ts";

/** A wire family (SP, ZMTP): how a byte connection becomes a message stream. */
export interface Family<M, P> {
  /** "sp" or "zmtp"; inproc peers must share it. */
  readonly name: string;
  /** What inproc peers learn about this socket. */
  readonly local: P;
  /** Runs the handshake; rejects with an `MqError` saying why it failed. */
  handshake(
    conn: Connection,
    scheme: "tcp" | "ipc",
  ): Promise<{ stream: MessageStream<M>; peer: P }>;
  /** Why this peer may not talk to this socket, or undefined if it may. */
  refuse(peer: P): string | undefined;
}

/** A listener or dialer of a socket. */
export interface SocketEndpoint {
  /** The endpoint's URL (for a listener on port 0, with the real port). */
  readonly url: string;
  /** A listener (`bind`, `listen`) or a dialer (`connect`, `dial`). */
  readonly kind: "listen" | "dial";
  /** Stops it: a listener stops accepting, a dialer stops reconnecting and drops its pipe. */
  close(): Promise<void>;
}

/** Per-call options of `send`. */
export interface SendOptions {
  /** Aborts the wait for a peer (rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** Per-call options of `recv`. */
export interface RecvOptions {
  /** Aborts the wait for a message (rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

interface Waiter<T> {
  value: T;
  resolve(value: T): void;
  reject(err: unknown): void;
  cleanup(): void;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** A dialer's lasting pipe and the stream its connections are plugged into. */
interface Relay<M, P> {
  readonly stream: RelayStream<M>;
  readonly pipe: Pipe<M, P>;
  /** Settles when the current connection has gone. */
  unplugged: Promise<void>;
}

/** @internal The engine behind every public socket class. */
export class SocketCore<M, P> implements PatternHost {
  readonly monitor: Monitor = new Monitor();
  readonly stats: SocketStats = { pipes: 0, txMsgs: 0, rxMsgs: 0, dropped: 0, protocolErrors: 0 };
  readonly options: ResolvedSocketOptions;

  #family: Family<M, P>;
  #pattern: Pattern<M, P>;
  #label: string;
  #senders: Waiter<M>[] = [];
  #receivers: Waiter<M | undefined>[] = [];
  #pipes = new Set<Pipe<M, P>>();
  #relays = new Set<Pipe<M, P>>(); // dialers' lasting pipes (Pattern.queueWhileConnecting)
  #endpoints = new Set<SocketEndpoint>();
  #handshaking = new Set<Connection>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #closing: Promise<void> | undefined;
  #stop = new AbortController();
  #pipeEvents: PipeEvents<M>;

  constructor(
    family: Family<M, P>,
    pattern: Pattern<M, P>,
    options: ResolvedSocketOptions,
    label: string,
  ) {
    this.#family = family;
    this.#pattern = pattern;
    this.options = options;
    this.#label = label;
    const admit = pattern.admit?.bind(pattern);
    this.#pipeEvents = {
      admit: admit === undefined ? () => true : (pipe, msg) => admit(pipe as Pipe<M, P>, msg),
      readable: (pipe) => this.#pattern.readable(pipe as Pipe<M, P>),
      writable: (pipe) => this.#pattern.writable(pipe as Pipe<M, P>),
      closed: (pipe, reason) => this.#pipeClosed(pipe as Pipe<M, P>, reason),
    };
    pattern.bind(this);
  }

  /** True once `close()` was called. */
  get isClosed(): boolean {
    return this.#closing !== undefined;
  }

  /** The open pipes. */
  get pipes(): ReadonlySet<Pipe<M, P>> {
    return this.#pipes;
  }

  // ---- send / recv -------------------------------------------------------

  send(msg: M, options?: SendOptions): Promise<void> {
    if (this.#closing) return Promise.reject(this.#closedError());
    if (this.#senders.length === 0) {
      try {
        if (this.#pattern.trySend(msg)) return RESOLVED;
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.#park(this.#senders, msg, options?.signal, this.options.sendTimeout, "send")
      .then(() => {});
  }

  recv(options?: RecvOptions): Promise<M> {
    if (this.#closing) return Promise.reject(this.#closedError());
    if (this.#receivers.length === 0) {
      try {
        const msg = this.#pattern.tryRecv();
        if (msg !== undefined) return Promise.resolve(msg);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.#park<M | undefined>(
      this.#receivers,
      undefined,
      options?.signal,
      this.options.recvTimeout,
      "recv",
    ) as Promise<M>;
  }

  /** Sends now if that needs no waiting; false if it would wait (or senders are waiting). */
  trySend(msg: M): boolean {
    if (this.#closing) throw this.#closedError();
    return this.#senders.length === 0 && this.#pattern.trySend(msg);
  }

  /** A message waiting now, or undefined (also while `recv` calls are waiting). */
  tryRecv(): M | undefined {
    if (this.#closing) throw this.#closedError();
    return this.#receivers.length === 0 ? this.#pattern.tryRecv() : undefined;
  }

  wakeSend(): void {
    const senders = this.#senders;
    while (senders.length > 0) {
      const waiter = senders[0]!;
      let sent: boolean;
      try {
        sent = this.#pattern.trySend(waiter.value);
      } catch (e) {
        senders.shift();
        waiter.cleanup();
        waiter.reject(e);
        continue;
      }
      if (!sent) return;
      senders.shift();
      waiter.cleanup();
      waiter.resolve(waiter.value);
    }
  }

  wakeRecv(): void {
    const receivers = this.#receivers;
    while (receivers.length > 0) {
      const waiter = receivers[0]!;
      let msg: M | undefined;
      try {
        msg = this.#pattern.tryRecv();
      } catch (e) {
        receivers.shift();
        waiter.cleanup();
        waiter.reject(e);
        continue;
      }
      if (msg === undefined) return;
      receivers.shift();
      waiter.cleanup();
      waiter.resolve(msg);
    }
  }

  failRecv(err: MqError): void {
    for (const waiter of this.#receivers.splice(0)) {
      waiter.cleanup();
      waiter.reject(err);
    }
  }

  setTimer(ms: number, fn: () => void): () => void {
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

  #park<T>(
    queue: Waiter<T>[],
    value: T,
    signal: AbortSignal | undefined,
    timeout: number,
    what: string,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      let cancelTimer: (() => void) | undefined;
      const fail = (err: unknown): void => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        waiter.cleanup();
        reject(err);
      };
      const onAbort = (): void => fail(signal!.reason);
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
        cancelTimer = this.setTimer(
          timeout,
          () =>
            fail(
              new MqError("ETIMEDOUT", `${what} timed out after ${timeout} ms on ${this.#label}`),
            ),
        );
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      queue.push(waiter);
    });
  }

  // ---- endpoints ---------------------------------------------------------

  async listen(url: string): Promise<SocketEndpoint> {
    const ep = this.#endpointFor(url, "listen");
    let bound = ep.url; // the real URL (port 0 resolved) once listening
    let listener: Listener;
    const failed = (e: MqError): void =>
      this.monitor.emit({ type: "accept-failed", url: bound, reason: e.message });
    switch (ep.scheme) {
      case "inproc":
        listener = this.#listenInproc(ep.name, ep.url);
        break;
      case "tcp":
        listener = await tcpTransport().listen(ep, (c) => this.#accepted(c, bound, "tcp"), failed);
        break;
      case "ipc":
        listener = await ipcTransport().listen(ep, (c) => this.#accepted(c, bound, "ipc"), failed);
        break;
    }
    bound = listener.url;
    if (this.#closing) {
      await listener.close();
      throw this.#closedError();
    }
    const endpoint: SocketEndpoint = {
      url: listener.url,
      kind: "listen",
      close: async () => {
        if (!this.#endpoints.delete(endpoint)) return;
        await listener.close();
      },
    };
    this.#endpoints.add(endpoint);
    this.monitor.emit({ type: "listening", url: listener.url });
    return endpoint;
  }

  dial(url: string): Promise<SocketEndpoint> {
    try {
      const ep = this.#endpointFor(url, "dial");
      const stop = new AbortController();
      const done = this.#dialLoop(ep, stop.signal);
      const endpoint: SocketEndpoint = {
        url: ep.url,
        kind: "dial",
        close: async () => {
          this.#endpoints.delete(endpoint);
          stop.abort();
          await done;
        },
      };
      this.#endpoints.add(endpoint);
      return Promise.resolve(endpoint);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Closes this socket's listeners (or dialers) of `url`; rejects with `ENOENT` if it has none.
   * A dialer matches the URL it was given, a listener the one it reported (the real port).
   */
  async closeEndpoints(url: string, kind: "listen" | "dial"): Promise<void> {
    const matching = [...this.#endpoints].filter((e) => e.kind === kind && e.url === url);
    if (matching.length === 0) {
      const what = kind === "listen" ? "bound to" : "connected to";
      throw new MqError("ENOENT", `${this.#label} is not ${what} ${url}`);
    }
    await Promise.all(matching.map((e) => e.close()));
  }

  #endpointFor(url: string, mode: "dial" | "listen"): EndpointAddress {
    if (this.#closing) throw this.#closedError();
    return parseEndpoint(url, mode);
  }

  #listenInproc(name: string, url: string): Listener {
    const stop = inprocListen(name, {
      family: this.#family.name,
      local: this.#family.local,
      refuse: (peer) => {
        const refusal = this.#family.refuse(peer as P);
        if (refusal !== undefined) {
          this.stats.protocolErrors++;
          this.monitor.emit({ type: "handshake-failed", url, remote: url, reason: refusal });
        }
        return refusal;
      },
      accept: (stream, peer) =>
        this.#attach(stream as MessageStream<M>, peer as P, url, "accepted"),
    });
    return { url, close: () => Promise.resolve(stop()) };
  }

  #accepted(conn: Connection, url: string, scheme: "tcp" | "ipc"): void {
    if (this.#closing) {
      conn.close();
      return;
    }
    this.#handshake(conn, url, scheme, "accepted");
  }

  /** Runs the handshake on a new connection; resolves with the pipe, or undefined if it failed. */
  async #handshake(
    conn: Connection,
    url: string,
    scheme: "tcp" | "ipc",
    side: "accepted" | "connected",
    relay?: Relay<M, P>,
  ): Promise<Pipe<M, P> | undefined> {
    this.#handshaking.add(conn);
    let timedOut = false;
    const cancel = this.setTimer(this.options.handshakeTimeout, () => {
      timedOut = true;
      conn.close();
    });
    try {
      const { stream, peer } = await this.#family.handshake(conn, scheme);
      const refusal = this.#family.refuse(peer);
      if (refusal !== undefined) {
        stream.close();
        throw new MqError("EPROTO", refusal);
      }
      if (this.#closing) {
        stream.close();
        return undefined;
      }
      return this.#attach(stream, peer, url, side, relay);
    } catch (e) {
      if (this.#closing) { // our own close interrupted it: not the peer's fault
        conn.close();
        await conn.closed;
        return undefined;
      }
      const reason = timedOut
        ? `handshake timed out after ${this.options.handshakeTimeout} ms`
        : e instanceof MqError
        ? e.message
        : `handshake failed: ${String(e)}`;
      this.stats.protocolErrors++;
      this.monitor.emit({ type: "handshake-failed", url, remote: conn.remote, reason });
      conn.close();
      await conn.closed;
      return undefined;
    } finally {
      cancel();
      this.#handshaking.delete(conn);
    }
  }

  #attach(
    stream: MessageStream<M>,
    peer: P,
    url: string,
    side: "accepted" | "connected",
    relay?: Relay<M, P>,
  ): Pipe<M, P> | undefined {
    if (relay !== undefined) return this.#plug(relay, stream, url);
    const pipe = new Pipe<M, P>(stream, peer, url, this.options, this.#pipeEvents);
    if (this.#closing) {
      stream.close();
      return undefined;
    }
    const refusal = this.#pattern.attach(pipe);
    if (refusal !== undefined) {
      this.monitor.emit({ type: "rejected", url, pipe: pipe.id, reason: refusal });
      stream.close();
      return undefined;
    }
    this.#pipes.add(pipe);
    this.stats.pipes++;
    this.monitor.emit({ type: side, url, remote: stream.remote, pipe: pipe.id });
    pipe.start();
    this.wakeSend();
    return pipe;
  }

  #pipeClosed(pipe: Pipe<M, P>, reason?: MqError): void {
    if (!this.#pipes.delete(pipe)) return;
    this.#pattern.detach(pipe);
    this.#disconnected(pipe, reason);
    this.wakeSend();
    this.wakeRecv();
  }

  /** Counts and reports the end of a pipe's connection. */
  #disconnected(pipe: Pipe<M, P>, reason?: MqError): void {
    this.stats.pipes--;
    if (reason?.code === "EPROTO" || reason?.code === "EMSGSIZE") {
      this.stats.protocolErrors++;
      this.monitor.emit({
        type: "protocol-error",
        url: pipe.url,
        pipe: pipe.id,
        reason: reason.message,
      });
    }
    const event = { type: "disconnected", url: pipe.url, pipe: pipe.id } as const;
    this.monitor.emit(reason ? { ...event, reason: reason.message } : event);
  }

  /** A dialer's lasting pipe, or undefined if the pattern does not want one (or refused it). */
  #relayFor(url: string): Relay<M, P> | undefined {
    if (this.#pattern.queueWhileConnecting !== true || this.#closing) return undefined;
    const stream = new RelayStream<M>(url);
    const events: PipeEvents<M> = {
      ...this.#pipeEvents,
      closed: (pipe) => {
        if (!this.#relays.delete(pipe as Pipe<M, P>)) return;
        this.#pattern.detach(pipe as Pipe<M, P>);
        this.wakeSend();
        this.wakeRecv();
      },
    };
    const pipe = new Pipe<M, P>(stream, this.#family.local, url, this.options, events);
    const refusal = this.#pattern.attach(pipe);
    if (refusal !== undefined) {
      this.monitor.emit({ type: "rejected", url, pipe: pipe.id, reason: refusal });
      return undefined;
    }
    this.#relays.add(pipe);
    pipe.start();
    this.wakeSend();
    return { stream, pipe, unplugged: RESOLVED };
  }

  /** Plugs a new connection into a dialer's lasting pipe. */
  #plug(relay: Relay<M, P>, stream: MessageStream<M>, url: string): Pipe<M, P> | undefined {
    const { pipe } = relay;
    if (this.#closing || pipe.isClosed) {
      stream.close();
      return undefined;
    }
    this.stats.pipes++;
    this.monitor.emit({ type: "connected", url, remote: stream.remote, pipe: pipe.id });
    relay.unplugged = relay.stream.plug(stream, (reason) => this.#disconnected(pipe, reason));
    this.wakeSend();
    return pipe;
  }

  async #dialLoop(ep: EndpointAddress, signal: AbortSignal): Promise<void> {
    const { reconnectIvl, reconnectIvlMax } = this.options;
    let delay = reconnectIvl;
    const relay = this.#relayFor(ep.url);
    const stopped = (): boolean =>
      signal.aborted || this.#stop.signal.aborted || relay?.pipe.isClosed === true;
    while (!stopped()) {
      const pipe = await this.#connectOnce(ep, signal, relay);
      if (stopped()) {
        pipe?.close();
        break;
      }
      if (pipe !== undefined) {
        delay = reconnectIvl;
        await this.#whileOpen(pipe, signal, relay);
        if (stopped()) break;
      }
      this.monitor.emit({ type: "reconnect", url: ep.url, delay });
      await this.#sleep(delay, signal, ep);
      if (pipe === undefined && reconnectIvlMax > 0) delay = Math.min(delay * 2, reconnectIvlMax);
    }
    if (relay !== undefined) {
      relay.pipe.close();
      await relay.pipe.closedPromise;
    }
  }

  async #connectOnce(
    ep: EndpointAddress,
    signal: AbortSignal,
    relay: Relay<M, P> | undefined,
  ): Promise<Pipe<M, P> | undefined> {
    try {
      switch (ep.scheme) {
        case "inproc": {
          const { stream, peer } = inprocDial<M>(
            ep.name,
            this.#family.name,
            this.#family.local,
            (p) => this.#family.refuse(p as P),
          );
          return this.#attach(stream, peer as P, ep.url, "connected", relay);
        }
        case "tcp":
        case "ipc": {
          const transport = ep.scheme === "tcp" ? tcpTransport() : ipcTransport();
          const conn = await transport.dial(ep as never);
          if (signal.aborted || this.#closing) {
            conn.close();
            await conn.closed;
            return undefined;
          }
          return await this.#handshake(conn, ep.url, ep.scheme, "connected", relay);
        }
      }
    } catch (e) {
      const err = fromSystemError(e, `dial ${ep.url}`);
      this.monitor.emit({ type: "connect-failed", url: ep.url, reason: err.message });
      return undefined;
    }
  }

  /**
   * Resolves when the pipe closed (a lasting pipe: when its connection did), or closes it when
   * the dialer stops.
   */
  async #whileOpen(pipe: Pipe<M, P>, signal: AbortSignal, relay?: Relay<M, P>): Promise<void> {
    const onAbort = (): void => pipe.close();
    signal.addEventListener("abort", onAbort, { once: true });
    this.#stop.signal.addEventListener("abort", onAbort, { once: true });
    await (relay !== undefined ? relay.unplugged : pipe.closedPromise);
    signal.removeEventListener("abort", onAbort);
    this.#stop.signal.removeEventListener("abort", onAbort);
  }

  /** Waits `ms` (with ±25 % jitter), ending early when stopped or when an inproc listener appears. */
  #sleep(ms: number, signal: AbortSignal, ep: EndpointAddress): Promise<void> {
    const wait = Math.max(1, Math.round(ms * (0.75 + Math.random() * 0.5)));
    return new Promise<void>((resolve) => {
      const local = new AbortController();
      const done = (): void => {
        cancel();
        signal.removeEventListener("abort", done);
        this.#stop.signal.removeEventListener("abort", done);
        local.abort();
        resolve();
      };
      const cancel = this.setTimer(wait, done);
      signal.addEventListener("abort", done, { once: true });
      this.#stop.signal.addEventListener("abort", done, { once: true });
      if (ep.scheme === "inproc") inprocListening(ep.name, local.signal).then(done);
    });
  }

  // ---- close -------------------------------------------------------------

  close(options: { linger?: number } = {}): Promise<void> {
    const linger = options.linger ?? this.options.linger;
    if (this.#closing === undefined && (!Number.isInteger(linger) || linger < 0)) {
      return Promise.reject(invalid(`linger must be an integer ≥ 0, got ${linger}`));
    }
    return this.#closing ??= this.#shutdown(linger);
  }

  async #shutdown(linger: number): Promise<void> {
    const closed = this.#closedError();
    for (const w of this.#senders.splice(0)) (w.cleanup(), w.reject(closed));
    for (const w of this.#receivers.splice(0)) (w.cleanup(), w.reject(closed));
    // linger while every pipe is still up, then stop endpoints and pipes
    if (linger > 0) await this.#lingerFlush(linger);
    const endpoints = [...this.#endpoints]; // each close() removes itself
    this.#stop.abort();
    // connections mid-handshake go first: a dialer's close waits for its handshake
    for (const conn of this.#handshaking) conn.close();
    await Promise.all(endpoints.map((e) => e.close().catch(() => {})));
    const pipes = [...this.#pipes, ...this.#relays];
    for (const pipe of pipes) pipe.close();
    await Promise.all(pipes.map((p) => p.closedPromise));
    await Promise.all([...this.#handshaking].map((c) => c.closed));
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.monitor.emit({ type: "closed" });
  }

  /** Waits until every pipe has handed its queued bytes to the OS, or `ms` passed. */
  async #lingerFlush(ms: number): Promise<void> {
    const end = Date.now() + ms;
    const pending = (): boolean =>
      [...this.#pipes, ...this.#relays].some((p) => !p.isClosed && p.buffered > 0);
    while (pending() && Date.now() < end) {
      await new Promise<void>((resolve) => this.setTimer(2, resolve));
    }
  }

  #closedError(): MqError {
    return new MqError("ECLOSED", `${this.#label} is closed`);
  }
}
