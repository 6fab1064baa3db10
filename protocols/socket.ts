/**
 * The socket core shared by every pattern of both wire families: it owns the pipes, the
 * contexts with their waiting senders and receivers, and close with linger. Endpoints
 * (listeners, reconnecting dialers, handshakes) are in `_endpoints.ts`; the pattern decides where
 * each message goes.
 *
 * @module
 */
import { invalid, MqError } from "./errors.ts";
import { Monitor, type SocketStats } from "./monitor.ts";
import type { PipeStatistics, SocketStatistics } from "./statistics.ts";
import { checkSocketOption, type ResolvedSocketOptions, type SocketOptions } from "./options.ts";
import type { Pattern, PatternContext, PatternHost } from "./pattern.ts";
import { type MessageStream, Pipe, type PipeEvents, type PipeLimits } from "./pipe.ts";
import { RelayStream } from "./_relay.ts";
import { TimerSet } from "./_timers.ts";
import { WaitQueue } from "./_waiters.ts";
import {
  type EndpointHost,
  Endpoints,
  type Family,
  type Priorities,
  type Relay,
  type SocketEndpoint,
} from "./_endpoints.ts";

export type { Family, SocketEndpoint } from "./_endpoints.ts";

/** The options that change every pipe's marks when set on a live socket. */
const HWM_OPTIONS: ReadonlySet<string> = new Set([
  "sendHwm",
  "recvHwm",
  "sendHwmBytes",
  "recvHwmBytes",
]);

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

const RESOLVED: Promise<void> = Promise.resolve();

/** @internal One context: the pattern's view of it, and its waiting operations. */
export class CoreContext<M> implements PatternContext {
  readonly id: number;
  data: unknown = undefined;
  readonly senders: WaitQueue<M> = new WaitQueue<M>();
  readonly receivers: WaitQueue<M | undefined> = new WaitQueue<M | undefined>();
  closed = false;

  constructor(id: number) {
    this.id = id;
  }
}

/** @internal The engine behind every public socket class. */
export class SocketCore<M, P, W = unknown> implements PatternHost, EndpointHost<M, P> {
  readonly monitor: Monitor = new Monitor();
  readonly stats: SocketStats = {
    pipes: 0,
    txMsgs: 0,
    rxMsgs: 0,
    dropped: 0,
    protocolErrors: 0,
    connects: 0,
    accepts: 0,
    disconnects: 0,
    rejects: 0,
  };
  readonly timers: TimerSet = new TimerSet();
  readonly label: string;
  /** The context of the socket's own `send` and `recv`. */
  readonly defaultContext: CoreContext<M> = new CoreContext<M>(0);

  #options: { -readonly [K in keyof ResolvedSocketOptions]: number };
  #started = false; // listen or dial was called
  #family: Family<M, P, W>;
  #pattern: Pattern<M, P>;
  #endpoints: Endpoints<M, P, W>;
  #contexts = new Set<CoreContext<M>>(); // opened with openContext(), not the default
  #nextContextId = 1;
  #pipes = new Set<Pipe<M, P>>();
  #relays = new Map<Pipe<M, P>, RelayStream<M>>(); // dialers' lasting pipes and their streams
  #gone = { txBytes: 0, rxBytes: 0 }; // the bytes of pipes that have closed
  #closing: Promise<void> | undefined;
  #stop = new AbortController();
  #pipeEvents: PipeEvents<M>;

  constructor(
    family: Family<M, P, W>,
    pattern: Pattern<M, P>,
    options: ResolvedSocketOptions,
    label: string,
  ) {
    this.#family = family;
    this.#pattern = pattern;
    this.#options = { ...options };
    this.label = label;
    this.#endpoints = new Endpoints(this, family);
    const admit = pattern.admit?.bind(pattern);
    this.#pipeEvents = {
      admit: admit === undefined ? () => true : (pipe, msg) => admit(pipe as Pipe<M, P>, msg),
      readable: (pipe) => this.#pattern.readable(pipe as Pipe<M, P>),
      writable: (pipe) => this.#pattern.writable(pipe as Pipe<M, P>),
      closed: (pipe, reason) => this.#pipeClosed(pipe as Pipe<M, P>, reason),
      size: family.measure,
    };
    pattern.bind(this);
  }

  /** The common options as they are now. */
  get options(): ResolvedSocketOptions {
    return this.#options;
  }

  /**
   * Sets a common option on the live socket, checked as in the constructor. Timeouts and linger
   * apply from the next call on, high-water marks to every pipe at once, the endpoint options
   * (reconnect, handshake, priorities) to the endpoints made afterwards.
   */
  setOption(name: keyof SocketOptions, value: unknown): void {
    this.#options[name] = checkSocketOption(name, value);
    if (!HWM_OPTIONS.has(name)) return;
    const marks = this.#limits({ sendPriority: 0, recvPriority: 0 });
    for (const pipe of this.#pipes) pipe.setHwm(marks);
    for (const pipe of this.#relays.keys()) pipe.setHwm(marks);
  }

  /** True once `listen` or `dial` was called: the options fixed from then on can't change. */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Sets whether each dial made from now on gets a queue before its connection exists (ZeroMQ's
   * `immediate` false), if the pattern can queue while connecting at all.
   */
  setQueueWhileConnecting(queue: boolean): void {
    if (this.#pattern.queueWhileConnecting !== undefined) {
      this.#pattern.queueWhileConnecting = queue;
    }
  }

  /** True once `close()` was called. */
  get isClosed(): boolean {
    return this.#closing !== undefined;
  }

  /** Aborts when the socket starts closing. */
  get stopping(): AbortSignal {
    return this.#stop.signal;
  }

  /** The open pipes. */
  get pipes(): ReadonlySet<Pipe<M, P>> {
    return this.#pipes;
  }

  // ---- contexts ----------------------------------------------------------

  /** Opens a context of its own (NNG's `nng_ctx_open`); `ENOTSUP` if the pattern has none. */
  openContext(): CoreContext<M> {
    if (this.#closing) throw this.#closedError();
    if (this.#pattern.contexts !== true) {
      throw new MqError("ENOTSUP", `${this.label} has no contexts`);
    }
    const ctx = new CoreContext<M>(this.#nextContextId++);
    this.#contexts.add(ctx);
    return ctx;
  }

  /** Closes a context: its waiting operations fail with `ECLOSED` and its state is dropped. */
  closeContext(ctx: CoreContext<M>): void {
    if (ctx.closed || ctx === this.defaultContext) return;
    ctx.closed = true;
    this.#contexts.delete(ctx);
    const err = new MqError("ECLOSED", `the context of ${this.label} is closed`);
    ctx.senders.failAll(err);
    ctx.receivers.failAll(err);
    this.#pattern.closeContext?.(ctx);
  }

  // ---- send / recv -------------------------------------------------------

  send(msg: M, options?: SendOptions, ctx: CoreContext<M> = this.defaultContext): Promise<void> {
    if (this.#closing || ctx.closed) return Promise.reject(this.#closedError(ctx));
    if (ctx.senders.length === 0) {
      try {
        if (this.#pattern.trySend(msg, ctx)) return RESOLVED;
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return ctx.senders.park(
      msg,
      options?.signal,
      this.options.sendTimeout,
      this.timers,
      "send",
      this.label,
    ).then(() => {});
  }

  recv(options?: RecvOptions, ctx: CoreContext<M> = this.defaultContext): Promise<M> {
    if (this.#closing || ctx.closed) return Promise.reject(this.#closedError(ctx));
    if (ctx.receivers.length === 0) {
      try {
        const msg = this.#pattern.tryRecv(ctx);
        if (msg !== undefined) return Promise.resolve(msg);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return ctx.receivers.park(
      undefined,
      options?.signal,
      this.options.recvTimeout,
      this.timers,
      "recv",
      this.label,
    ) as Promise<M>;
  }

  /** Sends now if that needs no waiting; false if it would wait (or senders are waiting). */
  trySend(msg: M, ctx: CoreContext<M> = this.defaultContext): boolean {
    if (this.#closing || ctx.closed) throw this.#closedError(ctx);
    return ctx.senders.length === 0 && this.#pattern.trySend(msg, ctx);
  }

  /** A message waiting now, or undefined (also while `recv` calls are waiting). */
  tryRecv(ctx: CoreContext<M> = this.defaultContext): M | undefined {
    if (this.#closing || ctx.closed) throw this.#closedError(ctx);
    return ctx.receivers.length === 0 ? this.#pattern.tryRecv(ctx) : undefined;
  }

  wakeSend(ctx?: PatternContext): void {
    if (ctx !== undefined) return this.#wakeSend(ctx as CoreContext<M>);
    this.#wakeSend(this.defaultContext);
    if (this.#contexts.size > 0) { for (const c of this.#contexts) this.#wakeSend(c); }
  }

  wakeRecv(ctx?: PatternContext): void {
    if (ctx !== undefined) return this.#wakeRecv(ctx as CoreContext<M>);
    this.#wakeRecv(this.defaultContext);
    if (this.#contexts.size > 0) { for (const c of this.#contexts) this.#wakeRecv(c); }
  }

  failRecv(err: MqError, ctx: PatternContext = this.defaultContext): void {
    (ctx as CoreContext<M>).receivers.failAll(err);
  }

  setTimer(ms: number, fn: () => void): () => void {
    return this.timers.set(ms, fn);
  }

  #wakeSend(ctx: CoreContext<M>): void {
    const senders = ctx.senders;
    let waiter;
    while ((waiter = senders.first) !== undefined) {
      let sent: boolean;
      try {
        sent = this.#pattern.trySend(waiter.value, ctx);
      } catch (e) {
        senders.take().reject(e);
        continue;
      }
      if (!sent) return;
      senders.take().resolve(waiter.value);
    }
  }

  #wakeRecv(ctx: CoreContext<M>): void {
    const receivers = ctx.receivers;
    while (receivers.first !== undefined) {
      let msg: M | undefined;
      try {
        msg = this.#pattern.tryRecv(ctx);
      } catch (e) {
        receivers.take().reject(e);
        continue;
      }
      if (msg === undefined) return;
      receivers.take().resolve(msg);
    }
  }

  // ---- endpoints ---------------------------------------------------------

  /** Binds `url`; `options` apply to this endpoint alone. */
  listen(url: string, options?: unknown): Promise<SocketEndpoint> {
    this.#started = true;
    return this.#endpoints.listen(url, options);
  }

  /** Starts dialing `url`; `options` apply to this endpoint alone. */
  dial(url: string, options?: unknown): Promise<SocketEndpoint> {
    this.#started = true;
    return this.#endpoints.dial(url, options);
  }

  /**
   * Closes this socket's listeners (or dialers) of `url`; rejects with `ENOENT` if it has none.
   * A dialer matches the URL it was given, a listener the one it reported (the real port).
   */
  closeEndpoints(url: string, kind: "listen" | "dial"): Promise<void> {
    return this.#endpoints.closeAll(url, kind);
  }

  // ---- pipes -------------------------------------------------------------

  attach(
    stream: MessageStream<M>,
    peer: P,
    url: string,
    side: "accepted" | "connected",
    priorities: Priorities,
    relay?: Relay<M, P>,
  ): Pipe<M, P> | undefined {
    if (relay !== undefined) return this.#plug(relay, stream, url);
    const pipe = new Pipe<M, P>(stream, peer, url, this.#limits(priorities), this.#pipeEvents);
    if (this.#closing) {
      stream.close();
      return undefined;
    }
    const refusal = this.#pattern.attach(pipe);
    if (refusal !== undefined) {
      this.stats.rejects++;
      this.monitor.emit({ type: "rejected", url, pipe: pipe.id, reason: refusal });
      stream.close();
      return undefined;
    }
    this.#pipes.add(pipe);
    this.stats.pipes++;
    if (side === "accepted") this.stats.accepts++;
    else this.stats.connects++;
    this.monitor.emit({ type: side, url, remote: stream.remote, pipe: pipe.id });
    pipe.start();
    this.wakeSend();
    return pipe;
  }

  #limits({ sendPriority, recvPriority }: Priorities): PipeLimits {
    const { sendHwm, recvHwm, sendHwmBytes, recvHwmBytes } = this.#options;
    return {
      sendHwm: this.#pattern.pinnedSendHwm ?? sendHwm,
      recvHwm,
      sendHwmBytes,
      recvHwmBytes,
      sendPriority,
      recvPriority,
    };
  }

  #pipeClosed(pipe: Pipe<M, P>, reason?: MqError): void {
    if (!this.#pipes.delete(pipe)) return;
    this.#count(pipe);
    this.#pattern.detach(pipe);
    this.#disconnected(pipe, reason);
    this.wakeSend();
    this.wakeRecv();
  }

  /** Keeps the byte counts of a pipe that has gone. */
  #count(pipe: Pipe<M, P>): void {
    const { txBytes, rxBytes } = pipe.traffic;
    this.#gone.txBytes += txBytes;
    this.#gone.rxBytes += rxBytes;
  }

  /** Counts and reports the end of a pipe's connection. */
  #disconnected(pipe: Pipe<M, P>, reason?: MqError): void {
    this.stats.pipes--;
    this.stats.disconnects++;
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
  relayFor(url: string, priorities: Priorities): Relay<M, P> | undefined {
    if (this.#pattern.queueWhileConnecting !== true || this.#closing) return undefined;
    const stream = new RelayStream<M>(url);
    const events: PipeEvents<M> = {
      ...this.#pipeEvents,
      closed: (pipe) => {
        if (!this.#relays.delete(pipe as Pipe<M, P>)) return;
        this.#count(pipe as Pipe<M, P>);
        this.#pattern.detach(pipe as Pipe<M, P>);
        this.wakeSend();
        this.wakeRecv();
      },
    };
    const limits = this.#limits(priorities);
    const pipe = new Pipe<M, P>(stream, this.#family.local, url, limits, events);
    const refusal = this.#pattern.attach(pipe);
    if (refusal !== undefined) {
      this.monitor.emit({ type: "rejected", url, pipe: pipe.id, reason: refusal });
      return undefined;
    }
    this.#relays.set(pipe, stream);
    pipe.start();
    this.wakeSend();
    return { stream, pipe, unplugged: RESOLVED };
  }

  /** Plugs a new connection into a dialer's lasting pipe. */
  #plug(relay: Relay<M, P>, stream: MessageStream<M>, url: string): Pipe<M, P> | undefined {
    const { pipe } = relay;
    // while closing lingers, a dialer's connection may still carry its queued messages out
    if (this.stopping.aborted || pipe.isClosed) {
      stream.close();
      return undefined;
    }
    this.stats.pipes++;
    this.stats.connects++;
    this.monitor.emit({ type: "connected", url, remote: stream.remote, pipe: pipe.id });
    relay.unplugged = relay.stream.plug(stream, (reason) => this.#disconnected(pipe, reason));
    this.wakeSend();
    return pipe;
  }

  // ---- statistics --------------------------------------------------------

  /** A snapshot of the socket's statistics, under NNG's names. */
  statistics(): SocketStatistics {
    const s = this.stats;
    let txBytes = this.#gone.txBytes;
    let rxBytes = this.#gone.rxBytes;
    for (const pipe of [...this.#pipes, ...this.#relays.keys()]) {
      const traffic = pipe.traffic;
      txBytes += traffic.txBytes;
      rxBytes += traffic.rxBytes;
    }
    const { dialers, listeners } = this.#endpoints.counts;
    return {
      tx_msgs: s.txMsgs,
      rx_msgs: s.rxMsgs,
      tx_bytes: txBytes,
      rx_bytes: rxBytes,
      pipes: s.pipes,
      dialers,
      listeners,
      connect: s.connects,
      accept: s.accepts,
      disconnect: s.disconnects,
      reject: s.rejects,
      proto: s.protocolErrors,
      drop: s.dropped,
    };
  }

  /** The pipes connected now, each with its peer's address and traffic. */
  pipeStatistics(): PipeStatistics[] {
    const connected = [...this.#pipes];
    for (const [pipe, stream] of this.#relays) if (stream.plugged) connected.push(pipe);
    return connected.map((pipe) => {
      const t = pipe.traffic;
      return {
        id: pipe.id,
        url: pipe.url,
        remote: pipe.remote,
        tx_msgs: t.txMsgs,
        rx_msgs: t.rxMsgs,
        tx_bytes: t.txBytes,
        rx_bytes: t.rxBytes,
      };
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
    for (const ctx of [this.defaultContext, ...this.#contexts]) {
      ctx.senders.failAll(closed);
      ctx.receivers.failAll(closed);
    }
    // linger while every pipe is still up, then stop endpoints and pipes
    if (linger > 0) await this.#lingerFlush(linger);
    this.#stop.abort();
    await this.#endpoints.close();
    const pipes = [...this.#pipes, ...this.#relays.keys()];
    for (const pipe of pipes) pipe.close();
    await Promise.all(pipes.map((p) => p.closedPromise));
    await this.#endpoints.settled();
    this.timers.clear();
    this.monitor.emit({ type: "closed" });
  }

  /** Waits until every pipe has handed its queued bytes to the OS, or `ms` passed. */
  async #lingerFlush(ms: number): Promise<void> {
    const end = Date.now() + ms;
    const pending = (): boolean =>
      [...this.#pipes, ...this.#relays.keys()].some((p) => !p.isClosed && p.buffered > 0);
    while (pending() && Date.now() < end) await this.timers.sleep(2);
  }

  #closedError(ctx?: CoreContext<M>): MqError {
    if (ctx?.closed === true && !this.#closing) {
      return new MqError("ECLOSED", `the context of ${this.label} is closed`);
    }
    return new MqError("ECLOSED", `${this.label} is closed`);
  }
}
