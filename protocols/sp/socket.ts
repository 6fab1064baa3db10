/**
 * What every SP socket has: `listen`/`dial`, `send`/`recv`, async iteration,
 * `close`, a monitor and counters; plus the SP family (header exchange,
 * peer-protocol check) that the socket core runs on each new connection.
 *
 * @module
 */
import {
  checkBoolean,
  checkInteger,
  type EndpointOptions,
  fixedOptions,
  resolveSocketOptions,
  type SocketOptions,
} from "../options.ts";
import { MqError } from "../errors.ts";
import type { Pattern } from "../pattern.ts";
import {
  type Family,
  type RecvOptions,
  type SendOptions,
  SocketCore,
  type SocketEndpoint,
} from "../socket.ts";
import { SocketBase } from "../socket_base.ts";
import type { TransportEndpointOptions } from "../../transports/registry.ts";
import { exchangeHeaders, type SpMessage, SpStream } from "./wire.ts";

/** What an SP peer announced in its header. */
export interface SpPeer {
  /** The peer's protocol id (for example 0x30 for req0). */
  readonly protocol: number;
}

/** Options of every SP socket. */
export interface SpSocketOptions extends SocketOptions {
  /**
   * Largest message accepted from a peer, in bytes; checked on the length
   * prefix before anything is allocated. A peer that sends more is
   * disconnected. 0 means no limit. (nanomsg and mangos use the same 1 MiB;
   * NNG 1.x has no limit, NNG 2 1 GiB.)
   * @default {1048576}
   */
  readonly recvMaxSize?: number;
  /**
   * A raw socket (NNG's `*_open_raw`, nanomsg's `AF_SP_RAW`): the SP header is the user's — a
   * received message holds its header then its body, and a sent one must too — and the socket
   * keeps no protocol state (no request ids, no resends, no hop counting of its own). Raw sockets
   * are what devices forward between. REQ, REP and PAIR1 have headers; on the other protocols
   * `raw` changes nothing.
   * @default {false}
   */
  readonly raw?: boolean;
}

/**
 * Options of one SP endpoint (`listen(url, options)`, `dial(url, options)`): they override the
 * socket's for that endpoint alone.
 */
export interface SpEndpointOptions extends EndpointOptions, TransportEndpointOptions {
  /** This endpoint's `recvMaxSize`. */
  readonly recvMaxSize?: number;
}

/** An SP protocol's identity on the wire. */
export interface SpProtocol {
  /** Its 16-bit id (0x30 for req0). */
  readonly id: number;
  /** Its name ("req0"). */
  readonly name: string;
  /** The id of the protocol it talks to (0x31 for req0). */
  readonly peerId: number;
  /** That protocol's name ("rep0"). */
  readonly peerName: string;
}

const NAMES: Record<number, string> = {
  0x10: "pair0",
  0x11: "pair1",
  0x20: "pub0",
  0x21: "sub0",
  0x30: "req0",
  0x31: "rep0",
  0x50: "push0",
  0x51: "pull0",
  0x62: "surveyor0",
  0x63: "respondent0",
  0x70: "bus0",
};

/** The name of an SP protocol id, or its hex form. */
export function protocolName(id: number): string {
  return NAMES[id] ?? `0x${id.toString(16).padStart(4, "0")}`;
}

const textEncoder = new TextEncoder();

/** UTF-8 encodes strings; passes bytes through; refuses anything else. */
export function toBytes(msg: Uint8Array | string): Uint8Array {
  if (msg instanceof Uint8Array) return msg;
  if (typeof msg === "string") return textEncoder.encode(msg);
  throw new MqError("EINVAL", `a message must be a Uint8Array or a string, got ${typeof msg}`);
}

const MAX_SIZE = 2 ** 31 - 1;

/** Checks `recvMaxSize`, in the constructor and when set live. */
function checkRecvMaxSize(value: unknown): number {
  return checkInteger("recvMaxSize", value, 0, MAX_SIZE);
}

/**
 * Checks `maxTtl` (REP, RESPONDENT, PAIR1), in the constructor and when set live: 1 to 15 hops.
 *
 * @example
 * ```ts
 * import { checkMaxTtl } from "./socket.ts";
 * console.log(checkMaxTtl(undefined)); // 8
 * ```
 */
export function checkMaxTtl(value: unknown): number {
  return checkInteger("maxTtl", value ?? 8, 1, 15);
}

/** The family's settings that may change while the socket lives (read as endpoints are made). */
interface SpSettings {
  recvMaxSize: number;
}

function spFamily(protocol: SpProtocol, settings: SpSettings): Family<SpMessage, SpPeer, number> {
  return {
    name: "sp",
    local: { protocol: protocol.id },
    endpointOptions: ["recvMaxSize"],
    wireOptions: (o) =>
      o.recvMaxSize === undefined ? settings.recvMaxSize : checkRecvMaxSize(o.recvMaxSize),
    async handshake(conn, traits, maxSize) {
      if (traits.framing !== "stream") {
        throw new MqError("ENOTSUP", "SP over a message-framed transport is not supported yet");
      }
      const peerId = await exchangeHeaders(conn, protocol.id);
      const stream = new SpStream(conn, { ipc: traits.spMessageType === true, maxSize });
      return { stream, peer: { protocol: peerId } };
    },
    measure: (msg) => msg instanceof Uint8Array ? msg.length : msg.head.length + msg.body.length,
    refuse(peer) {
      if (peer.protocol === protocol.peerId) return undefined;
      return `peer protocol ${
        protocolName(peer.protocol)
      } cannot talk to ${protocol.name} (it needs ${protocol.peerName})`;
    },
  };
}

/**
 * The base of every SP socket class. Create a concrete one (`sp.Req`,
 * `sp.Pub`, ...) rather than this.
 *
 * @example A PUSH and a PULL over inproc
 * ```ts
 * import { Pull, Push } from "./mod.ts";
 * await using pull = new Pull();
 * await using push = new Push();
 * await pull.listen("inproc://jobs");
 * await push.dial("inproc://jobs");
 * await push.send("job 1");
 * console.log(new TextDecoder().decode(await pull.recv())); // job 1
 * ```
 */
export class SpSocket extends SocketBase<Uint8Array, Uint8Array | string> {
  #protocol: SpProtocol;
  #raw: boolean;
  #settings: SpSettings;
  #core: SocketCore<SpMessage, SpPeer, number>;

  /**
   * @param protocol the wire identity
   * @param pattern the pattern's logic
   * @param options the options, checked here
   * @param extra the names of the pattern's own options
   */
  protected constructor(
    protocol: SpProtocol,
    pattern: Pattern<SpMessage, SpPeer>,
    options: SpSocketOptions,
    extra: readonly string[] = [],
  ) {
    const resolved = resolveSocketOptions(options, ["recvMaxSize", "raw", ...extra]);
    const raw = checkBoolean("raw", options.raw);
    const settings = { recvMaxSize: checkRecvMaxSize(options.recvMaxSize ?? 1024 * 1024) };
    const core = new SocketCore(
      spFamily(protocol, settings),
      pattern,
      resolved,
      `sp.${protocol.name} socket`,
    );
    super(core as SocketCore<Uint8Array, unknown>, toBytes);
    this.#core = core;
    this.#protocol = protocol;
    this.#raw = raw;
    this.#settings = settings;
  }

  static {
    fixedOptions(this.prototype, ["protocol"], "it is the socket's type");
    fixedOptions(this.prototype, ["raw"]);
  }

  /** The protocol this socket speaks (NNG's `NNG_OPT_PROTO`, `NNG_OPT_PEER`); read-only. */
  get protocol(): SpProtocol {
    return this.#protocol;
  }

  /**
   * True for a raw socket (see {@linkcode SpSocketOptions.raw}); fixed when the socket is created
   * (NNG's `NNG_OPT_RAW` is read-only): assigning it throws `EREADONLY`.
   *
   * @example
   * ```ts
   * import { Rep } from "./mod.ts";
   * await using rep = new Rep({ raw: true });
   * console.log(rep.raw); // true
   * ```
   */
  get raw(): boolean {
    return this.#raw;
  }

  /**
   * The largest message accepted from a peer, in bytes (0: no limit). Set live: applies to the
   * endpoints made afterwards (NNG asks for it before any endpoint exists, as its size limit may
   * be agreed when a connection is made); `listen`/`dial` take their own.
   *
   * @example
   * ```ts
   * import { Pull } from "./mod.ts";
   * await using pull = new Pull();
   * pull.recvMaxSize = 64 * 1024;
   * await pull.listen("inproc://recv-max-size-doc"); // its peers may send up to 64 KiB
   * ```
   */
  get recvMaxSize(): number {
    return this.#settings.recvMaxSize;
  }
  set recvMaxSize(bytes: number) {
    this.#settings.recvMaxSize = checkRecvMaxSize(bytes);
  }

  /** @internal Sends a message as the pattern takes it (a head and a body, unjoined). */
  protected sendMessage(msg: SpMessage, options?: SendOptions): Promise<void> {
    return this.#core.send(msg, options);
  }

  /** @internal {@linkcode SpSocket.sendMessage} without waiting. */
  protected trySendMessage(msg: SpMessage): boolean {
    return this.#core.trySend(msg);
  }

  /** @internal Receives a message as the pattern gives it (a head and a body, unjoined). */
  protected recvMessage(options?: RecvOptions): Promise<SpMessage> {
    return this.#core.recv(options);
  }

  /** @internal {@linkcode SpSocket.recvMessage} without waiting. */
  protected tryRecvMessage(): SpMessage | undefined {
    return this.#core.tryRecv();
  }

  /**
   * Binds an address and accepts peers on it (`tcp://host:port`, `tcp://*:0`,
   * `ipc:///path`, `inproc://name`, or a registered transport's URL). `options` apply to this
   * endpoint alone. Rejects with `EADDRINUSE`, `EINVAL`, ...
   */
  listen(url: string, options?: SpEndpointOptions): Promise<SocketEndpoint> {
    return this.#core.listen(url, options);
  }

  /**
   * Connects to an address, now or whenever it starts listening, and again
   * after every disconnect (`reconnectIvl`, `reconnectIvlMax`). Resolves once
   * dialing has started; a bad URL or option rejects with `EINVAL`. `options` apply to this
   * endpoint alone (for example its own `reconnectIvl`).
   */
  dial(url: string, options?: SpEndpointOptions): Promise<SocketEndpoint> {
    return this.#core.dial(url, options);
  }
}
