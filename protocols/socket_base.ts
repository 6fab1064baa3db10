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
import { Context, encodeAndSend } from "./context.ts";
import type { PipeStatistics, SocketStatistics } from "./statistics.ts";
import type { MayRecv, MaySend } from "./directions.ts";

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

  // `this` is typed so that a receive-only socket type (marked SEND_REFUSED, directions.ts) has
  // no `send` the type checker accepts; likewise `recv` on a send-only one. Nothing at run time.
  // (Structurally, not as SocketBase<M, In>: a union of sockets of both families can still call.)

  /** Sends one message (strings are UTF-8 encoded). Do not change the bytes afterwards. */
  send(this: MaySend, msg: In, options?: SendOptions): Promise<void> {
    const self = this as SocketBase<M, In>;
    return encodeAndSend(self.#core, self.#encode, msg, options);
  }

  /** Receives one message. */
  recv(this: MayRecv, options?: RecvOptions): Promise<M> {
    return (this as SocketBase<M, In>).#core.recv(options);
  }

  /**
   * Sends only if that needs no waiting (libzmq's `ZMQ_DONTWAIT`, NNG's `NNG_FLAG_NONBLOCK`):
   * true if the message was queued, false if `send` would have waited (no peer can take it, or
   * earlier `send` calls are still waiting). Throws what `send` would reject with (`EINVAL`,
   * `ESTATE`, `ECLOSED`, ...).
   *
   * @example Publish without ever waiting
   * ```ts
   * import { Push } from "./zmtp/push.ts";
   * await using push = new Push({ immediate: true });
   * console.log(push.trySend("job")); // false: nobody to take it
   * ```
   */
  trySend(this: MaySend, msg: In): boolean {
    const self = this as SocketBase<M, In>;
    return self.#core.trySend(self.#encode(msg));
  }

  /**
   * The next message if one is waiting now, else undefined (libzmq's `ZMQ_DONTWAIT`, NNG's
   * `NNG_FLAG_NONBLOCK`); never waits, and leaves messages to `recv` calls already waiting.
   * Draining a burst this way costs no promise per message. Throws what `recv` would reject with.
   *
   * @example Drain what has arrived, then wait
   * ```ts
   * import { Pull, Push } from "./zmtp/mod.ts";
   * await using pull = new Pull();
   * await using push = new Push();
   * await push.connect((await pull.bind("tcp://127.0.0.1:0")).url);
   * for (let i = 0; i < 3; i++) await push.send(String(i));
   * let got = [await pull.recv()]; // waits for the first
   * for (let m; (m = pull.tryRecv()) !== undefined;) got.push(m); // the rest, if here already
   * console.log(got.length >= 1); // true
   * ```
   */
  tryRecv(this: MayRecv): M | undefined {
    return (this as SocketBase<M, In>).#core.tryRecv();
  }

  /**
   * Opens a context of this socket (for the classes that offer `context()`); throws `ENOTSUP` if
   * the pattern has none, `ECLOSED` once the socket is closed.
   */
  protected openContext(): Context<M, In> {
    return new Context(this.#core, this.#core.openContext(), this.#encode);
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

  /**
   * A snapshot of the socket's statistics under NNG's names (`tx_msgs`, `rx_msgs`, `tx_bytes`,
   * `rx_bytes`, `pipes`, `dialers`, `listeners`, `connect`, `accept`, `disconnect`, `reject`,
   * `proto`, `drop`), readable at any time.
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * await using pull = new sp.Pull();
   * await pull.listen("inproc://stats-doc");
   * console.log(pull.statistics().listeners); // 1
   * ```
   */
  statistics(): SocketStatistics {
    return this.#core.statistics();
  }

  /**
   * The pipes (connected peers) open now: each one's id, endpoint URL, remote address and
   * traffic (`tx_msgs`, `rx_msgs`, `tx_bytes`, `rx_bytes`).
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * await using pull = new sp.Pull();
   * console.log(pull.pipeStatistics().length); // 0
   * ```
   */
  pipeStatistics(): PipeStatistics[] {
    return this.#core.pipeStatistics();
  }

  // ---- options, readable and settable on the live socket (rfc/core.md, CORE-OPT) ----------
  // Each is checked as in the constructor (EINVAL naming it). None adds work per message.

  /**
   * How long `send` may wait, in ms; -1 forever. Set live: applies to `send` calls made
   * afterwards (one already waiting keeps its deadline), as NNG's and libzmq's.
   *
   * @example Give up on a send after 100 ms from now on
   * ```ts
   * import { sp } from "../mod.ts";
   * await using push = new sp.Push();
   * push.sendTimeout = 100;
   * console.log(push.sendTimeout); // 100
   * ```
   */
  get sendTimeout(): number {
    return this.#core.options.sendTimeout;
  }
  set sendTimeout(ms: number) {
    this.#core.setOption("sendTimeout", ms);
  }

  /**
   * How long `recv` may wait, in ms; -1 forever. Set live: applies to `recv` calls made
   * afterwards (one already waiting keeps its deadline).
   *
   * @example As zeromq.js users write it
   * ```ts
   * import { zmq } from "../mod.ts";
   * await using pull = new zmq.Pull();
   * pull.recvTimeout = 10;
   * await pull.recv().catch((e) => console.log(e.code)); // ETIMEDOUT
   * ```
   */
  get recvTimeout(): number {
    return this.#core.options.recvTimeout;
  }
  set recvTimeout(ms: number) {
    this.#core.setOption("recvTimeout", ms);
  }

  /**
   * Messages each pipe may hold on its way out. Set live: applies to every pipe at once (NNG
   * resizes its buffers so; libzmq only to later connections): raised, a full pipe takes more at
   * once; lowered, a pipe over it takes nothing until it drains.
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * await using push = new sp.Push({ sendHwm: 10 });
   * push.sendHwm = 100;
   * console.log(push.sendHwm); // 100
   * ```
   */
  get sendHwm(): number {
    return this.#core.options.sendHwm;
  }
  set sendHwm(messages: number) {
    this.#core.setOption("sendHwm", messages);
  }

  /**
   * Messages each pipe may hold on its way in. Set live: applies to every pipe at once (and to
   * SP SUB's queue): raised, reading resumes; lowered, reading pauses until the inbox is read down.
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * await using pull = new sp.Pull();
   * pull.recvHwm = 10;
   * console.log(pull.recvHwm); // 10
   * ```
   */
  get recvHwm(): number {
    return this.#core.options.recvHwm;
  }
  set recvHwm(messages: number) {
    this.#core.setOption("recvHwm", messages);
  }

  /**
   * Bytes each pipe may hold on its way out, beside `sendHwm`; 0 means no limit. Set live: applies
   * to every pipe at once, as `sendHwm` does.
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * await using push = new sp.Push();
   * push.sendHwmBytes = 1 << 20;
   * console.log(push.sendHwmBytes); // 1048576
   * ```
   */
  get sendHwmBytes(): number {
    return this.#core.options.sendHwmBytes;
  }
  set sendHwmBytes(bytes: number) {
    this.#core.setOption("sendHwmBytes", bytes);
  }

  /**
   * Bytes each pipe may hold on its way in, beside `recvHwm`; 0 means no limit. Set live: applies
   * to every pipe at once (reading pauses or resumes as `recvHwm` makes it).
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * await using pull = new sp.Pull();
   * pull.recvHwmBytes = 1 << 20;
   * console.log(pull.recvHwmBytes); // 1048576
   * ```
   */
  get recvHwmBytes(): number {
    return this.#core.options.recvHwmBytes;
  }
  set recvHwmBytes(bytes: number) {
    this.#core.setOption("recvHwmBytes", bytes);
  }

  /**
   * How long `close()` waits for queued messages to leave, in ms. Set live: the next `close()`
   * uses it (libzmq's `ZMQ_LINGER` likewise).
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * const push = new sp.Push();
   * push.linger = 0;
   * await push.close(); // drops what is queued at once
   * ```
   */
  get linger(): number {
    return this.#core.options.linger;
  }
  set linger(ms: number) {
    this.#core.setOption("linger", ms);
  }

  /**
   * The dialers' first reconnect wait, in ms. Set live: applies to the endpoints made afterwards
   * (libzmq reads it at `zmq_connect`); give a dialer its own with `dial(url, { reconnectIvl })`.
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * await using req = new sp.Req();
   * req.reconnectIvl = 20;
   * console.log(req.reconnectIvl); // 20
   * ```
   */
  get reconnectIvl(): number {
    return this.#core.options.reconnectIvl;
  }
  set reconnectIvl(ms: number) {
    this.#core.setOption("reconnectIvl", ms);
  }

  /**
   * The longest reconnect wait of the doubling backoff, in ms; 0 keeps `reconnectIvl`. Set live:
   * applies to the endpoints made afterwards.
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * await using req = new sp.Req();
   * req.reconnectIvlMax = 2000;
   * console.log(req.reconnectIvlMax); // 2000
   * ```
   */
  get reconnectIvlMax(): number {
    return this.#core.options.reconnectIvlMax;
  }
  set reconnectIvlMax(ms: number) {
    this.#core.setOption("reconnectIvlMax", ms);
  }

  /**
   * How long a new connection may take to finish its handshake, in ms. Set live: applies to the
   * endpoints made afterwards (libzmq's `ZMQ_HANDSHAKE_IVL` likewise).
   *
   * @example
   * ```ts
   * import { zmq } from "../mod.ts";
   * await using dealer = new zmq.Dealer();
   * dealer.handshakeTimeout = 2000;
   * console.log(dealer.handshakeTimeout); // 2000
   * ```
   */
  get handshakeTimeout(): number {
    return this.#core.options.handshakeTimeout;
  }
  set handshakeTimeout(ms: number) {
    this.#core.setOption("handshakeTimeout", ms);
  }

  /**
   * The send priority of the endpoints, 1 (highest) to 16. Set live: applies to the endpoints
   * made afterwards (nanomsg's `NN_SNDPRIO` likewise).
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * await using push = new sp.Push();
   * push.sendPriority = 1;
   * console.log(push.sendPriority); // 1
   * ```
   */
  get sendPriority(): number {
    return this.#core.options.sendPriority;
  }
  set sendPriority(priority: number) {
    this.#core.setOption("sendPriority", priority);
  }

  /**
   * The receive priority of the endpoints, 1 (highest) to 16. Set live: applies to the endpoints
   * made afterwards (nanomsg's `NN_RCVPRIO` likewise).
   *
   * @example
   * ```ts
   * import { sp } from "../mod.ts";
   * await using pull = new sp.Pull();
   * pull.recvPriority = 2;
   * console.log(pull.recvPriority); // 2
   * ```
   */
  get recvPriority(): number {
    return this.#core.options.recvPriority;
  }
  set recvPriority(priority: number) {
    this.#core.setOption("recvPriority", priority);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#core.isClosed;
  }

  /** Receives messages until the socket closes. */
  async *[Symbol.asyncIterator](): AsyncIterator<M> {
    while (true) {
      try {
        yield await this.recv(); // a subclass may shape what recv gives (sp.Pair1 polyamorous)
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
