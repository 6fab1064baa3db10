/**
 * What every ZeroMQ-compatible socket has: `bind`/`connect`, multipart `send`/`recv`, async
 * iteration, `close`, a monitor and counters; plus the ZMTP family (greeting, NULL handshake,
 * `Socket-Type` check) that the socket core runs on each new connection.
 *
 * @module
 */
import {
  checkBoolean,
  checkInteger,
  describe,
  type EndpointOptions,
  fixedOptions,
  resolveSocketOptions,
  type SocketOptions,
} from "../options.ts";
import { invalid, MqError } from "../errors.ts";
import type { Pattern } from "../pattern.ts";
import { type Family, SocketCore, type SocketEndpoint } from "../socket.ts";
import { SocketBase } from "../socket_base.ts";
import {
  type EngineOptions,
  refusePeerType,
  type TrafficHooksFor,
  zmtpHandshake,
  type ZmtpPeer,
} from "./engine.ts";
import type { SocketTypeName } from "./socket_types.ts";
import type { TransportEndpointOptions } from "../../transports/registry.ts";
import { DEFAULT_MAX_MSG_FRAMES } from "./frame.ts";
import type { ImmediateOptions } from "./options.ts";

export type { ZmtpPeer, ZmtpVersion } from "./engine.ts";

/** A ZeroMQ message: one or more frames. */
export type Frames = Uint8Array[];

/** What `send` takes: a list of frames, or a single frame (strings are UTF-8 encoded). */
export type ZmqMessage = readonly (Uint8Array | string)[] | Uint8Array | string;

/** Options of every ZeroMQ socket. */
export interface ZmqSocketOptions extends SocketOptions {
  /**
   * Largest message accepted from a peer, in bytes: the sum of its frames, checked on each frame's
   * size field before the frame is kept; a peer that sends more is disconnected (the monitor's
   * `protocol-error`, `EMSGSIZE`). Each command is held to it on its own. -1 (or 0) means no limit,
   * libzmq's `ZMQ_MAXMSGSIZE` default. Unlike libzmq, which checks each frame on its own, the
   * limit covers the whole message, as its name says: with libzmq a peer can send a message of
   * any size in frames below the limit.
   * @default {-1}
   */
  readonly maxMsgSize?: number;
  /**
   * Most frames a message from a peer may have, checked on each frame's header; a peer that sends
   * more is disconnected (`protocol-error`, `EMSGSIZE`). Each frame of a message still arriving
   * costs memory beyond its bytes (its view object: up to about 512 bytes on Deno and Bun), so
   * without this cap a peer sending one endless message of empty frames makes a socket hold over
   * 100 times what it sent, whatever `maxMsgSize` is. At the default an incomplete message holds
   * at most `maxMsgSize` + 32 MiB. libzmq has no such cap (its frames cost it less, and it still
   * grows without bound). -1 (or 0) means no limit.
   * @default {65536}
   */
  readonly maxMsgFrames?: number;
  /**
   * The routing id announced to peers as `Identity` (REQ, DEALER and ROUTER send it), 1 to 255
   * bytes; ids starting with a zero byte are reserved for ROUTER's generated ids. Strings are
   * UTF-8 encoded.
   * @default {undefined} (an empty Identity)
   */
  readonly routingId?: Uint8Array | string;
  /**
   * Milliseconds between the PINGs sent to each ZMTP 3.x peer (libzmq's `ZMQ_HEARTBEAT_IVL`);
   * 0 sends none. ZMTP 2.0 peers get no PINGs (that version has no commands).
   * @default {0}
   */
  readonly heartbeatIvl?: number;
  /**
   * The time-to-live our PINGs announce, in ms, sent in tenths of a second (below 100 ms it is
   * 0, no TTL): a peer that hears nothing from us for that long after a PING drops us
   * (libzmq's `ZMQ_HEARTBEAT_TTL`). At most 6553599.
   * @default {0}
   */
  readonly heartbeatTtl?: number;
  /**
   * How long after sending a PING to wait for anything at all from the peer before dropping it
   * (the monitor's `disconnected` event says "heartbeat timed out"); 0 never drops
   * (libzmq's `ZMQ_HEARTBEAT_TIMEOUT`).
   * @default {heartbeatIvl}
   */
  readonly heartbeatTimeout?: number;
}

/**
 * Options of one ZeroMQ endpoint (`bind(url, options)`, `connect(url, options)`): they override
 * the socket's for that endpoint alone.
 */
export interface ZmqEndpointOptions extends EndpointOptions, TransportEndpointOptions {
  /** This endpoint's `maxMsgSize`. */
  readonly maxMsgSize?: number;
  /** This endpoint's `maxMsgFrames`. */
  readonly maxMsgFrames?: number;
}

const HEARTBEAT_OPTIONS = ["heartbeatIvl", "heartbeatTtl", "heartbeatTimeout"] as const;
const MAX_MS = 2 ** 31 - 1;
const MAX_TTL_MS = 6553599; // 65535 tenths of a second, and the 99 ms below the next one

const textEncoder = new TextEncoder();

function frameBytes(frame: Uint8Array | string): Uint8Array {
  if (frame instanceof Uint8Array) return frame;
  if (typeof frame === "string") return textEncoder.encode(frame);
  throw invalid(`a frame must be a Uint8Array or a string, got ${typeof frame}`);
}

/** Turns what `send` accepts into a list of frames; throws `EINVAL` on anything else. */
export function toFrames(msg: ZmqMessage): Frames {
  if (!Array.isArray(msg)) return [frameBytes(msg as Uint8Array | string)];
  if (msg.length === 0) throw invalid("a message needs at least one frame");
  return msg.map(frameBytes);
}

function checkRoutingId(value: Uint8Array | string | undefined): Uint8Array | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Uint8Array) && typeof value !== "string") {
    throw invalid(`option routingId must be a Uint8Array or a string, got ${describe(value)}`);
  }
  const bytes = frameBytes(value);
  if (bytes.length < 1 || bytes.length > 255) {
    throw invalid(`option routingId must be 1 to 255 bytes, got ${bytes.length}`);
  }
  if (bytes[0] === 0) throw invalid("option routingId must not start with a zero byte");
  return bytes;
}

/** The checks of the engine's numeric options, in the constructor and when set live. */
const ENGINE_CHECKS = {
  maxMsgSize: (v: unknown): number => checkInteger("maxMsgSize", v, -1, MAX_MS),
  maxMsgFrames: (v: unknown): number => checkInteger("maxMsgFrames", v, -1, MAX_MS),
  heartbeatIvl: (v: unknown): number => checkInteger("heartbeatIvl", v, 0, MAX_MS),
  heartbeatTtl: (v: unknown): number => checkInteger("heartbeatTtl", v, 0, MAX_TTL_MS),
  heartbeatTimeout: (v: unknown): number => checkInteger("heartbeatTimeout", v, 0, MAX_MS),
} as const;

/** The family's settings that may change while the socket lives (read as endpoints are made). */
interface ZmtpSettings {
  engine: EngineOptions;
}

function zmtpFamily(settings: ZmtpSettings): Family<Frames, ZmtpPeer, EngineOptions> {
  const socketType = settings.engine.socketType;
  return {
    name: "zmtp",
    // a getter: routingId may change until the first bind/connect
    get local(): ZmtpPeer {
      return {
        socketType,
        identity: settings.engine.routingId ?? new Uint8Array(0),
        minor: 1,
        version: "3.1",
        metadata: new Map(),
      };
    },
    endpointOptions: ["maxMsgSize", "maxMsgFrames"],
    wireOptions: (o) => {
      const engine = settings.engine;
      if (o.maxMsgSize === undefined && o.maxMsgFrames === undefined) return engine;
      const { maxMsgSize, maxMsgFrames } = o;
      return {
        ...engine,
        ...(maxMsgSize === undefined ? {} : { maxMsgSize: ENGINE_CHECKS.maxMsgSize(maxMsgSize) }),
        ...(maxMsgFrames === undefined
          ? {}
          : { maxMsgFrames: ENGINE_CHECKS.maxMsgFrames(maxMsgFrames) }),
      };
    },
    handshake(conn, traits, options) {
      if (traits.framing !== "stream") {
        const err = new MqError(
          "ENOTSUP",
          "ZMTP over a message-framed transport is not supported yet",
        );
        return Promise.reject(err);
      }
      return zmtpHandshake(conn, options);
    },
    refuse: (peer) => refusePeerType(socketType, peer.socketType),
    measure: (frames) => {
      let size = 0;
      for (let i = 0; i < frames.length; i++) size += frames[i]!.length;
      return size;
    },
  };
}

/** Checks the engine's options and adds the socket type's traffic hooks. */
function engineOptions(
  socketType: SocketTypeName,
  options: ZmqSocketOptions,
  hooks: TrafficHooksFor | undefined,
): EngineOptions {
  const routingId = checkRoutingId(options.routingId);
  const { heartbeatTimeout } = options; // unset, it follows heartbeatIvl (libzmq's -1)
  return {
    socketType,
    maxMsgSize: ENGINE_CHECKS.maxMsgSize(options.maxMsgSize ?? -1),
    maxMsgFrames: ENGINE_CHECKS.maxMsgFrames(options.maxMsgFrames ?? DEFAULT_MAX_MSG_FRAMES),
    heartbeatIvl: ENGINE_CHECKS.heartbeatIvl(options.heartbeatIvl ?? 0),
    heartbeatTtl: ENGINE_CHECKS.heartbeatTtl(options.heartbeatTtl ?? 0),
    ...(heartbeatTimeout === undefined
      ? {}
      : { heartbeatTimeout: ENGINE_CHECKS.heartbeatTimeout(heartbeatTimeout) }),
    ...(routingId === undefined ? {} : { routingId }),
    ...(hooks === undefined ? {} : { hooks }),
  };
}

/**
 * The base of every ZeroMQ socket class. Create a concrete one (`zmq.Push`, `zmq.Dealer`, ...)
 * rather than this.
 *
 * @example A PUSH and a PULL over tcp
 * ```ts
 * import { Pull, Push } from "./mod.ts";
 * await using pull = new Pull();
 * await using push = new Push();
 * const { url } = await pull.bind("tcp://127.0.0.1:0");
 * await push.connect(url);
 * await push.send(["job", "1"]);
 * console.log((await pull.recv()).length); // 2
 * ```
 */
export class ZmqSocket extends SocketBase<Frames, ZmqMessage> {
  #core: SocketCore<Frames, ZmtpPeer, EngineOptions>;
  #settings: ZmtpSettings;
  #immediate: boolean;

  /**
   * @param socketType the wire identity
   * @param pattern the pattern's logic
   * @param options the options, checked here
   * @param extra the names of the pattern's own options
   * @param check the socket type's rule for the shape of a sent message (an `EINVAL` to reject
   *   with, or undefined), applied once at `send`
   * @param hooks what the socket type does with each connection's traffic beyond carrying
   *   messages (subscriptions and groups as commands; see `_subscription_hooks.ts`)
   */
  protected constructor(
    socketType: SocketTypeName,
    pattern: Pattern<Frames, ZmtpPeer>,
    options: ZmqSocketOptions,
    extra: readonly string[] = [],
    check?: (frames: Frames) => MqError | undefined,
    hooks?: TrafficHooksFor,
  ) {
    const resolved = resolveSocketOptions(options, [
      "maxMsgSize",
      "maxMsgFrames",
      "routingId",
      ...HEARTBEAT_OPTIONS,
      ...extra,
    ]);
    const settings = { engine: engineOptions(socketType, options, hooks) };
    const core = new SocketCore(
      zmtpFamily(settings),
      pattern,
      resolved,
      `zmq.${socketType} socket`,
    );
    const encode = check === undefined ? toFrames : (msg: ZmqMessage): Frames => {
      const frames = toFrames(msg);
      const error = check(frames);
      if (error !== undefined) throw error;
      return frames;
    };
    super(core as SocketCore<Frames, unknown>, encode);
    this.#core = core;
    this.#settings = settings;
    // only the types that list it take the option; the others have no queues to skip
    this.#immediate = extra.includes("immediate") &&
      checkBoolean("immediate", (options as ImmediateOptions).immediate);
  }

  static {
    fixedOptions(this.prototype, ["socketType"], "it is the socket's type");
  }

  /** The socket type, as sent in the handshake (`"PUSH"`, `"DEALER"`, ...); read-only. */
  get socketType(): SocketTypeName {
    return this.#settings.engine.socketType;
  }

  /**
   * The routing id announced to peers (see {@linkcode ZmqSocketOptions.routingId}), or undefined.
   * Settable until the first `bind` or `connect`, then fixed (`ESTATE`): peers, a ROUTER first,
   * know the socket by it (libzmq applies a change to later connects only).
   *
   * @example Name a worker before it connects, as zeromq.js users do
   * ```ts
   * import { Dealer } from "./mod.ts";
   * await using worker = new Dealer();
   * worker.routingId = "worker-1";
   * console.log(new TextDecoder().decode(worker.routingId)); // worker-1
   * ```
   */
  get routingId(): Uint8Array | undefined {
    return this.#settings.engine.routingId;
  }
  set routingId(id: Uint8Array | string | undefined) {
    const routingId = checkRoutingId(id);
    if (this.#core.started) {
      throw new MqError(
        "ESTATE",
        `${this.#core.label}: routingId cannot change after bind or connect; set it before`,
      );
    }
    const { routingId: _old, ...engine } = this.#settings.engine;
    this.#settings.engine = routingId === undefined ? engine : { ...engine, routingId };
  }

  /**
   * Largest message accepted from a peer, in bytes (-1: no limit). Set live: applies to the
   * endpoints made afterwards (libzmq's `ZMQ_MAXMSGSIZE` to later binds and connects).
   *
   * @example
   * ```ts
   * import { Pull } from "./mod.ts";
   * await using pull = new Pull();
   * pull.maxMsgSize = 1024;
   * console.log(pull.maxMsgSize); // 1024
   * ```
   */
  get maxMsgSize(): number {
    return this.#settings.engine.maxMsgSize;
  }
  set maxMsgSize(bytes: number) {
    this.#setEngine("maxMsgSize", bytes);
  }

  /**
   * Most frames a message from a peer may have (-1: no limit). Set live: applies to the endpoints
   * made afterwards.
   *
   * @example
   * ```ts
   * import { Pull } from "./mod.ts";
   * await using pull = new Pull();
   * pull.maxMsgFrames = 16;
   * console.log(pull.maxMsgFrames); // 16
   * ```
   */
  get maxMsgFrames(): number {
    return this.#settings.engine.maxMsgFrames ?? DEFAULT_MAX_MSG_FRAMES;
  }
  set maxMsgFrames(frames: number) {
    this.#setEngine("maxMsgFrames", frames);
  }

  /**
   * Milliseconds between PINGs to each peer; 0 sends none. Set live: applies to the endpoints made
   * afterwards (libzmq's `ZMQ_HEARTBEAT_IVL` to later binds and connects).
   *
   * @example
   * ```ts
   * import { Dealer } from "./mod.ts";
   * await using dealer = new Dealer();
   * dealer.heartbeatIvl = 1000;
   * console.log(dealer.heartbeatTimeout); // 1000: it follows heartbeatIvl unless set
   * ```
   */
  get heartbeatIvl(): number {
    return this.#settings.engine.heartbeatIvl ?? 0;
  }
  set heartbeatIvl(ms: number) {
    this.#setEngine("heartbeatIvl", ms);
  }

  /**
   * The time-to-live our PINGs announce, in ms. Set live: applies to the endpoints made afterwards.
   *
   * @example
   * ```ts
   * import { Dealer } from "./mod.ts";
   * await using dealer = new Dealer();
   * dealer.heartbeatTtl = 3000;
   * console.log(dealer.heartbeatTtl); // 3000
   * ```
   */
  get heartbeatTtl(): number {
    return this.#settings.engine.heartbeatTtl ?? 0;
  }
  set heartbeatTtl(ms: number) {
    this.#setEngine("heartbeatTtl", ms);
  }

  /**
   * How long after a PING to wait for any traffic before dropping the peer, in ms; 0 never drops.
   * Unset, it follows `heartbeatIvl`. Set live: applies to the endpoints made afterwards.
   *
   * @example
   * ```ts
   * import { Dealer } from "./mod.ts";
   * await using dealer = new Dealer({ heartbeatIvl: 500 });
   * dealer.heartbeatTimeout = 2000;
   * console.log(dealer.heartbeatTimeout); // 2000
   * ```
   */
  get heartbeatTimeout(): number {
    const { heartbeatTimeout, heartbeatIvl } = this.#settings.engine;
    return heartbeatTimeout ?? heartbeatIvl ?? 0;
  }
  set heartbeatTimeout(ms: number) {
    this.#setEngine("heartbeatTimeout", ms);
  }

  #setEngine(name: keyof typeof ENGINE_CHECKS, value: unknown): void {
    this.#settings.engine = { ...this.#settings.engine, [name]: ENGINE_CHECKS[name](value) };
  }

  /**
   * @internal `immediate`, for the socket types that take it ({@linkcode ImmediateOptions}): set
   * live, it applies to the connects made afterwards (libzmq's `ZMQ_IMMEDIATE` likewise).
   */
  protected get immediateOption(): boolean {
    return this.#immediate;
  }
  protected set immediateOption(value: boolean) {
    this.#immediate = checkBoolean("immediate", value);
    this.#core.setQueueWhileConnecting(!this.#immediate);
  }

  /**
   * Binds an address and accepts peers on it (`tcp://host:port`, `tcp://127.0.0.1:0`,
   * `ipc:///path`, `inproc://name`, or a registered transport's URL). `options` apply to this
   * endpoint alone. Rejects with `EADDRINUSE`, `EINVAL`, ...
   */
  bind(url: string, options?: ZmqEndpointOptions): Promise<SocketEndpoint> {
    return this.#core.listen(url, options);
  }

  /**
   * Connects to an address, now or whenever it starts listening, and again after every
   * disconnect (`reconnectIvl`, `reconnectIvlMax`). Resolves once connecting has started; a bad
   * URL or option rejects with `EINVAL`. `options` apply to this endpoint alone (for example its
   * own `reconnectIvl`).
   */
  connect(url: string, options?: ZmqEndpointOptions): Promise<SocketEndpoint> {
    return this.#core.dial(url, options);
  }

  /**
   * Stops listening on `url`, the URL `bind` resolved with (with the real port), and closes the
   * connections accepted there (their peers reconnect to whoever binds it next); messages already
   * received from them can still be read. Rejects with `ENOENT` if the socket is not bound there
   * (libzmq's `zmq_unbind`).
   */
  unbind(url: string): Promise<void> {
    return this.#core.closeEndpoints(url, "listen");
  }

  /**
   * Stops connecting to `url`, as given to `connect`: its connection closes and it is not
   * reconnected, and messages still queued for it are dropped. Rejects with `ENOENT` if the socket
   * is not connected to `url` (libzmq's `zmq_disconnect`).
   */
  disconnect(url: string): Promise<void> {
    return this.#core.closeEndpoints(url, "dial");
  }
}
