/**
 * The ZMTP engine over a byte stream (RFC 23/37 with the NULL mechanism, RFC 15 for ZMTP 2.0 peers):
 * the staged greeting that libzmq expects, the READY exchange with its `Socket-Type` check (or the
 * ZMTP 2.0 identity exchange), then a stream of multipart messages. Below the patterns it also does
 * what libzmq's engine does on its own: answers PING with PONG, sends heartbeats and drops a silent
 * peer, and turns subscriptions into SUBSCRIBE/CANCEL commands for ZMTP 3.1 peers and back, and a
 * DISH's group joins into JOIN/LEAVE commands and back at the RADIO (RFC 48).
 *
 * Greeting stages (research zmtp.md §1.2): our 10-byte signature goes out at once; our major byte
 * only after the peer's signature arrived; then, once the peer's major is known, the rest of our 64
 * bytes (major ≥ 3) or one byte holding our socket-type number (major 1 or 2: ZMTP 2.0). Sending
 * everything at once would confuse ZMTP 2.0 peers, and waiting for the peer's full greeting first
 * would deadlock against libzmq. ZMTP 1.0 peers are refused.
 *
 * @module
 */
import { MqError } from "../errors.ts";
import type { MessageStream } from "../pipe.ts";
import type { Connection } from "../../transports/transport.ts";
import {
  encodeGreeting,
  type GreetingErrorReason,
  GreetingReader,
  type PeerGreeting,
  SIGNATURE_SIZE,
} from "./greeting.ts";
import { encodeCommandFrame, FLAG_LONG, FLAG_MORE, FrameDecoder } from "./frame.ts";
import {
  encodeCancel,
  encodeCommand,
  encodeError,
  encodePing,
  encodePong,
  encodeReady,
  encodeSubscribe,
  type Metadata,
  type MetadataInit,
  metadataText,
  parseCommand,
  parseError,
  parseMetadata,
  parsePing,
} from "./command.ts";
import {
  isCompatiblePeer,
  SocketType,
  type SocketTypeName,
  socketTypeName,
} from "./socket_types.ts";

/** The ZMTP version spoken on a connection, as negotiated by the greeting. */
export type ZmtpVersion = "2.0" | "3.0" | "3.1";

/** What the handshake learned about a ZMTP peer. */
export interface ZmtpPeer {
  /** The peer's `Socket-Type` ("DEALER", "PULL", ...); from its greeting for a ZMTP 2.0 peer. */
  readonly socketType: string;
  /** The peer's `Identity` property, or its ZMTP 2.0 identity frame (empty when it sent none). */
  readonly identity: Uint8Array;
  /** The minor version of the peer's greeting (1 for ZMTP 3.1, libzmq ≥ 4.3.3; 0 for 2.0). */
  readonly minor: number;
  /** The protocol spoken with this peer: 3.1 (commands for subscriptions), 3.0 or 2.0. */
  readonly version: ZmtpVersion;
  /** Every property of the peer's READY (empty for a ZMTP 2.0 peer, which has no metadata). */
  readonly metadata: Metadata;
}

/**
 * Which side of publish-subscribe a socket is on, for the engine's subscription translation:
 * a subscriber's `0x01`/`0x00` messages go to ZMTP 3.1 peers as SUBSCRIBE/CANCEL commands, and a
 * publisher gets the SUBSCRIBE/CANCEL commands it receives as `0x01`/`0x00` messages.
 */
export type SubscriptionRole = "subscriber" | "publisher";

/** What the local side announces and accepts. */
export interface EngineOptions {
  /** Our socket type, sent as `Socket-Type` (or as its number to a ZMTP 2.0 peer). */
  readonly socketType: SocketTypeName;
  /** Our routing id, sent as `Identity` (REQ, DEALER and ROUTER send it, as libzmq does). */
  readonly routingId?: Uint8Array;
  /** Largest frame accepted from the peer in bytes; -1 (or 0) means no limit. */
  readonly maxMsgSize: number;
  /** Our publish-subscribe side (see {@linkcode subscriptionRoleOf}); none for other types. */
  readonly subscriptionRole?: SubscriptionRole;
  /** Milliseconds between our PINGs; 0 (the default) sends none. */
  readonly heartbeatIvl?: number;
  /** The TTL our PINGs announce, in ms (sent in tenths of a second); 0 (the default) is none. */
  readonly heartbeatTtl?: number;
  /** How long after a PING to wait for any traffic before dropping the peer; default heartbeatIvl. */
  readonly heartbeatTimeout?: number;
}

// Socket types that announce an Identity property (libzmq `add_basic_properties`).
const SENDS_IDENTITY: ReadonlySet<string> = new Set(["REQ", "DEALER", "ROUTER"]);
const EMPTY = new Uint8Array(0);
// How long a refusal waits for its ERROR command to reach the OS before the connection closes.
const ERROR_FLUSH_MS = 100;
// Largest TTL a PING can carry: 65535 tenths of a second.
const MAX_TTL_DS = 0xffff;

const GREETING_REASONS: Record<GreetingErrorReason, string> = {
  "bad-signature": "peer greeting has a bad signature (not a ZMTP peer, or ZMTP 1.0)",
  "unversioned": "peer speaks unversioned ZMTP 1.0, which is not supported",
  "unsupported-version": "peer speaks ZMTP 1.0 (revision 0), which is not supported",
  "bad-mechanism": "peer greeting has a malformed mechanism name",
};

/** Why `local` may not talk to a peer of type `peer`, or undefined if it may. */
export function refusePeerType(local: SocketTypeName, peer: string): string | undefined {
  if (isCompatiblePeer(local, peer)) return undefined;
  return `peer socket type ${JSON.stringify(peer)} cannot talk to ${local}`;
}

/**
 * The publish-subscribe side of a socket type: PUB and XPUB publish, SUB and XSUB subscribe.
 *
 * @example
 * ```ts ignore
 * import { subscriptionRoleOf } from "./engine.ts";
 * console.log(subscriptionRoleOf("XSUB")); // "subscriber"
 * ```
 */
export function subscriptionRoleOf(type: SocketTypeName): SubscriptionRole | undefined {
  if (type === "PUB" || type === "XPUB") return "publisher";
  if (type === "SUB" || type === "XSUB") return "subscriber";
  return undefined;
}

/**
 * Runs the greeting and NULL handshake (or the ZMTP 2.0 identity exchange) on a fresh connection.
 * Resolves with the ready stream and what the peer announced; rejects with an `EPROTO` error
 * saying why (the caller closes `conn`).
 *
 * @example Handshake on a dialed connection
 * ```ts ignore
 * import { zmtpHandshake } from "./engine.ts";
 * const { stream, peer } = await zmtpHandshake(conn, { socketType: "PUSH", maxMsgSize: -1 });
 * console.log(peer.socketType); // "PULL"
 * ```
 */
export function zmtpHandshake(
  conn: Connection,
  options: EngineOptions,
): Promise<{ stream: ZmtpStream; peer: ZmtpPeer }> {
  return new Promise((resolve, reject) => {
    const ours = encodeGreeting();
    const reader = new GreetingReader();
    let sentMajor = false;
    let sentRest = false;
    const fail = (reason: string): void => {
      conn.onData = () => {};
      conn.onClose = () => {};
      reject(new MqError("EPROTO", reason));
    };
    conn.onClose = () => fail("connection closed during the ZMTP greeting");
    conn.onData = (chunk) => {
      const used = reader.push(chunk);
      if (!sentMajor && reader.signatureValid) {
        sentMajor = true;
        conn.write(ours.subarray(SIGNATURE_SIZE, SIGNATURE_SIZE + 1));
      }
      const major = reader.major;
      if (!sentRest && major !== undefined && major > 0) {
        sentRest = true;
        // RFC 23 allows the ZMTP 2.0 downgrade only under NULL, our only mechanism; like libzmq we
        // keep the major byte 3 already sent and add our socket-type number (RFC 15's greeting).
        conn.write(
          major >= 3
            ? ours.subarray(SIGNATURE_SIZE + 1)
            : new Uint8Array([SocketType[options.socketType]]),
        );
      }
      const result = reader.result;
      if (result === undefined) return;
      if (!result.ok) return fail(GREETING_REASONS[result.reason]);
      const greeting = result.greeting;
      const refusal = greeting.version === 2
        ? refuseV2Peer(options.socketType, greeting.socketType)
        : greeting.mechanism !== "NULL"
        ? `security mechanism mismatch: peer uses ${greeting.mechanism}, we use NULL`
        : undefined;
      if (refusal !== undefined) return fail(refusal);
      const stream = new ZmtpStream(conn, options, greeting);
      stream.ready.then((peer) => resolve({ stream, peer }), reject);
      stream.begin(chunk.subarray(used));
    };
    conn.write(ours.subarray(0, SIGNATURE_SIZE));
  });
}

// A ZMTP 2.0 peer has no ERROR command: a wrong type is just disconnected, as libzmq does.
function refuseV2Peer(local: SocketTypeName, type: number): string | undefined {
  const name = socketTypeName(type);
  if (name === undefined) return `ZMTP 2.0 peer announced unknown socket type ${type}`;
  const refusal = refusePeerType(local, name);
  return refusal === undefined ? undefined : `${refusal} (ZMTP 2.0 peer)`;
}

interface Settle {
  resolve(peer: ZmtpPeer): void;
  reject(err: MqError): void;
}

type Timer = ReturnType<typeof setTimeout>;

/**
 * A handshaken ZMTP connection as a stream of multipart messages. Created by
 * {@linkcode zmtpHandshake}, which waits for {@linkcode ZmtpStream.ready}.
 */
export class ZmtpStream implements MessageStream<Uint8Array[]> {
  onMessage: (msg: Uint8Array[]) => void = () => {};
  onDrain: () => void = () => {};
  onClose: (reason?: MqError) => void = () => {};
  /** Resolves with what the peer announced; rejects with why the handshake failed. */
  readonly ready: Promise<ZmtpPeer>;

  #conn: Connection;
  #options: EngineOptions;
  #greeting: PeerGreeting;
  #version: ZmtpVersion;
  #decoder: FrameDecoder;
  #peer: ZmtpPeer | undefined; // set by the peer's READY (or 2.0 identity frame)
  #pending: Uint8Array[][] | undefined = []; // messages received before start()
  #reason: MqError | undefined;
  #settle: Settle;
  #failed = false;
  #earlyError: MqError | undefined; // a framing error found before start()
  #ended = false; // closed: no timer may start any more
  #paused = false; // by us: silence is not the peer's fault then
  #pingTimer: ReturnType<typeof setInterval> | undefined; // our heartbeat
  #timeoutTimer: Timer | undefined; // armed by our PING, cleared by any traffic
  #ttlTimer: Timer | undefined; // armed by the peer's PING with a TTL, cleared by any traffic

  constructor(conn: Connection, options: EngineOptions, greeting: PeerGreeting) {
    this.#conn = conn;
    this.#options = options;
    this.#greeting = greeting;
    this.#version = greeting.version === 2
      ? "2.0"
      : greeting.major > 3 || greeting.minor >= 1
      ? "3.1"
      : "3.0";
    let settle!: Settle;
    this.ready = new Promise<ZmtpPeer>((resolve, reject) => (settle = { resolve, reject }));
    this.#settle = settle;
    this.#decoder = new FrameDecoder({
      maxMsgSize: options.maxMsgSize,
      v2: greeting.version === 2,
      onMessage: (frames) => this.#message(frames),
      onCommand: (body) => this.#command(body),
      onError: (reason) =>
        this.#protocolError(
          reason === "frame-too-large" ? "EMSGSIZE" : "EPROTO",
          reason === "frame-too-large"
            ? `peer sent a frame larger than maxMsgSize ${options.maxMsgSize}`
            : `peer broke ZMTP framing (${reason})`,
        ),
    });
  }

  /**
   * Sends our READY (or, to a ZMTP 2.0 peer, our identity frame) and decodes `rest`, the bytes
   * that followed the peer's greeting.
   */
  begin(rest: Uint8Array): void {
    const conn = this.#conn;
    conn.onData = (chunk) => {
      this.#traffic();
      this.#decoder.push(chunk);
    };
    conn.onDrain = () => this.onDrain();
    conn.onClose = (err) => {
      this.#stopTimers();
      if (this.#peer === undefined) {
        this.#handshakeFailed("connection closed during the ZMTP handshake");
        return;
      }
      this.#decoder.stop();
      this.onClose(
        this.#reason ??
          (err ? new MqError("ECLOSED", `connection lost: ${err.message}`) : undefined),
      );
    };
    const type = this.#options.socketType;
    const identity = SENDS_IDENTITY.has(type) ? this.#options.routingId : undefined;
    if (this.#version === "2.0") {
      // RFC 15: the first message is our identity, one frame of at most 255 bytes
      const id = identity ?? EMPTY;
      conn.write(Uint8Array.of(0, id.length, ...id));
    } else {
      const props: Record<string, string | Uint8Array> = { "Socket-Type": type };
      if (SENDS_IDENTITY.has(type)) props["Identity"] = identity ?? EMPTY;
      conn.write(encodeCommandFrame(encodeReady(props satisfies MetadataInit)));
    }
    if (rest.length > 0) this.#decoder.push(rest);
  }

  /** What the peer announced (once ready). */
  get peer(): ZmtpPeer | undefined {
    return this.#peer;
  }

  get buffered(): number {
    return this.#conn.buffered;
  }

  get closed(): Promise<void> {
    return this.#conn.closed;
  }

  get remote(): string {
    return this.#conn.remote;
  }

  start(): void {
    const pending = this.#pending ?? [];
    this.#pending = undefined;
    for (const msg of pending) this.onMessage(msg);
    if (this.#earlyError !== undefined) return this.close(this.#earlyError);
    this.#startHeartbeats();
    this.#conn.resume();
  }

  /**
   * Queues one multipart message (at least one frame). On a subscriber, a one-frame message that
   * starts with `0x01` or `0x00` goes to a ZMTP 3.1 peer as a SUBSCRIBE or CANCEL command.
   */
  write(msg: Uint8Array[]): void {
    if (this.#options.subscriptionRole === "subscriber" && this.#version === "3.1") {
      const command = subscriptionCommand(msg);
      if (command !== undefined) return this.#conn.write(encodeCommandFrame(command));
    }
    if (this.#options.socketType === "DISH") {
      // a DISH sends nothing but its groups, always as commands (libzmq's dish session)
      const command = groupCommand(msg);
      if (command !== undefined) return this.#conn.write(encodeCommandFrame(command));
    }
    const last = msg.length - 1;
    for (let i = 0; i <= last; i++) {
      const frame = msg[i]!;
      this.#conn.write(frameHeader(frame.length, i < last));
      if (frame.length > 0) this.#conn.write(frame);
    }
  }

  pause(): void {
    this.#paused = true;
    this.#clearSilenceTimers(); // we stopped reading, so the peer's silence proves nothing
    this.#conn.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#conn.resume();
  }

  close(reason?: MqError): void {
    this.#reason ??= reason;
    this.#stopTimers();
    this.#conn.close();
  }

  #message(frames: Uint8Array[]): void {
    if (this.#peer === undefined) {
      if (this.#version === "2.0") return this.#identityV2(frames);
      return this.#handshakeFailed("peer sent a message before its READY command");
    }
    // a RADIO takes only JOIN/LEAVE from a DISH; data could pass for a join (libzmq drops it)
    if (this.#options.socketType === "RADIO") return;
    this.#deliver(frames);
  }

  #deliver(frames: Uint8Array[]): void {
    if (this.#pending !== undefined) this.#pending.push(frames);
    else this.onMessage(frames);
  }

  #command(body: Uint8Array): void {
    const command = parseCommand(body);
    if (!command.ok) {
      if (this.#peer === undefined) {
        return this.#handshakeFailed(`peer sent a malformed command (${command.reason})`);
      }
      return; // libzmq drops what it cannot use after the handshake
    }
    if (this.#peer === undefined) return this.#handshakeCommand(command.name, command.data);
    switch (command.name) {
      case "PING":
        return this.#ping(command.data);
      case "SUBSCRIBE":
      case "CANCEL":
        // a publisher's pattern reads subscriptions in the ZMTP 3.0 form, whatever the peer speaks
        if (this.#options.subscriptionRole === "publisher") {
          const msg = new Uint8Array(1 + command.data.length);
          msg[0] = command.name === "SUBSCRIBE" ? 1 : 0;
          msg.set(command.data, 1);
          this.#deliver([msg]);
        }
        return;
      case "JOIN":
      case "LEAVE":
        // RFC 48: a RADIO's pattern reads them as one frame, 0x01 (JOIN) or 0x00 (LEAVE) + group
        if (this.#options.socketType === "RADIO") {
          const msg = new Uint8Array(1 + command.data.length);
          msg[0] = command.name === "JOIN" ? 1 : 0;
          msg.set(command.data, 1);
          this.#deliver([msg]);
        }
        return;
    }
    // PONG needs nothing (any traffic already cleared the timeout); unknown commands are ignored,
    // as libzmq does
  }

  #ping(data: Uint8Array): void {
    const ping = parsePing(data);
    if (!ping.ok) return;
    this.#conn.write(encodeCommandFrame(encodePong(ping.context)));
    // RFC 37: the peer's TTL says how long it may stay silent after this PING
    if (ping.ttl > 0 && this.#ttlTimer === undefined && !this.#ended && !this.#paused) {
      const ms = ping.ttl * 100;
      this.#ttlTimer = setTimeout(() => {
        this.#ttlTimer = undefined;
        this.close(
          new MqError(
            "ETIMEDOUT",
            `heartbeat timed out: peer silent past the ${ms} ms TTL of its PING`,
          ),
        );
      }, ms);
    }
  }

  #handshakeCommand(name: string, data: Uint8Array): void {
    if (name === "ERROR") {
      const error = parseError(data);
      const why = error.ok ? JSON.stringify(error.message) : "(malformed reason)";
      return this.#handshakeFailed(`peer refused the handshake with ERROR ${why}`);
    }
    if (name !== "READY") {
      return this.#handshakeFailed(`peer sent ${name} where READY was expected`);
    }
    const parsed = parseMetadata(data);
    if (!parsed.ok) return this.#handshakeFailed(`peer READY is malformed (${parsed.reason})`);
    const socketType = metadataText(parsed.metadata, "Socket-Type");
    if (socketType === undefined) {
      return this.#handshakeFailed("peer READY has no Socket-Type property");
    }
    const refusal = refusePeerType(this.#options.socketType, socketType);
    if (refusal !== undefined) {
      // RFC 23: tell the peer why, then disconnect (libzmq itself just disconnects)
      this.#conn.write(encodeCommandFrame(encodeError(refusal.slice(0, 255))));
      return this.#handshakeFailed(refusal, true);
    }
    const identity = parsed.metadata.get("Identity") ?? EMPTY;
    this.#ready(socketType, identity, parsed.metadata);
  }

  // RFC 15: the first message of a ZMTP 2.0 peer is its identity, a single frame.
  #identityV2(frames: Uint8Array[]): void {
    if (frames.length !== 1) {
      return this.#handshakeFailed("ZMTP 2.0 peer sent a multipart identity message");
    }
    const greeting = this.#greeting;
    const type = greeting.version === 2 ? socketTypeName(greeting.socketType) : undefined;
    this.#ready(type ?? "", frames[0]!.slice(), new Map());
  }

  #ready(socketType: string, identity: Uint8Array, metadata: Metadata): void {
    const minor = this.#greeting.version === 2 ? 0 : this.#greeting.minor;
    this.#peer = { socketType, identity, minor, version: this.#version, metadata };
    this.#conn.pause(); // until start(); messages already decoded wait in #pending
    this.#settle.resolve(this.#peer);
  }

  #handshakeFailed(reason: string, flushFirst = false): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#decoder.stop();
    const conn = this.#conn;
    conn.onData = () => {};
    const reject = (): void => {
      conn.onDrain = () => {};
      conn.onClose = () => {};
      this.#settle.reject(new MqError("EPROTO", reason));
    };
    if (!flushFirst) return reject();
    // let the ERROR command reach the OS before the caller closes the connection
    const timer = setTimeout(reject, ERROR_FLUSH_MS);
    const done = (): void => (clearTimeout(timer), reject());
    conn.onDrain = done;
    conn.onClose = done;
  }

  #protocolError(code: "EPROTO" | "EMSGSIZE", reason: string): void {
    if (this.#peer === undefined) return this.#handshakeFailed(reason);
    const error = new MqError(code, reason);
    // before start() nobody listens to onClose yet: report it once the pipe is attached
    if (this.#pending !== undefined) this.#earlyError = error;
    else this.close(error);
  }

  // ---- heartbeats (RFC 37 §Connection Heartbeating; libzmq's ZMQ_HEARTBEAT_* options) ----

  // ZMTP 2.0 has no commands, so no PING; libzmq pings 3.0 and 3.1 peers alike.
  #startHeartbeats(): void {
    const ivl = this.#options.heartbeatIvl ?? 0;
    if (ivl <= 0 || this.#version === "2.0" || this.#ended || this.#pingTimer !== undefined) return;
    const ttl = Math.min(MAX_TTL_DS, Math.floor((this.#options.heartbeatTtl ?? 0) / 100));
    const timeout = this.#options.heartbeatTimeout ?? ivl;
    const ping = encodeCommandFrame(encodePing(ttl));
    this.#pingTimer = setInterval(() => {
      this.#conn.write(ping);
      if (timeout <= 0 || this.#timeoutTimer !== undefined || this.#paused) return;
      this.#timeoutTimer = setTimeout(() => {
        this.#timeoutTimer = undefined;
        this.close(
          new MqError(
            "ETIMEDOUT",
            `heartbeat timed out: nothing received ${timeout} ms after PING`,
          ),
        );
      }, timeout);
    }, ivl);
  }

  // Anything from the peer proves it alive (libzmq clears both timers on every message).
  #traffic(): void {
    this.#clearSilenceTimers();
  }

  #clearSilenceTimers(): void {
    clearTimeout(this.#timeoutTimer);
    clearTimeout(this.#ttlTimer);
    this.#timeoutTimer = undefined;
    this.#ttlTimer = undefined;
  }

  #stopTimers(): void {
    this.#ended = true;
    clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
    this.#clearSilenceTimers();
  }
}

/** The SUBSCRIBE/CANCEL command body for a ZMTP 3.0 subscription message, if `msg` is one. */
function subscriptionCommand(msg: Uint8Array[]): Uint8Array | undefined {
  if (msg.length !== 1) return undefined;
  const frame = msg[0]!;
  if (frame.length === 0 || frame[0]! > 1) return undefined;
  const topic = frame.subarray(1);
  return frame[0] === 1 ? encodeSubscribe(topic) : encodeCancel(topic);
}

/** The JOIN/LEAVE command body for a DISH's group message (0x01/0x00 + group), if `msg` is one. */
function groupCommand(msg: Uint8Array[]): Uint8Array | undefined {
  if (msg.length !== 1) return undefined;
  const frame = msg[0]!;
  if (frame.length === 0 || frame[0]! > 1) return undefined;
  return encodeCommand(frame[0] === 1 ? "JOIN" : "LEAVE", frame.subarray(1));
}

// Every short header (flags 0 or MORE, size 0..255) made once: allocating a
// two-byte array per frame cost half of Deno's sending time at 64 B. Sharing
// them (and one scratch array for long headers) is safe because
// Connection.write copies anything this small before it returns.
const SHORT_HEADERS: Uint8Array[] = Array.from(
  { length: 512 },
  (_, i) => new Uint8Array([i >= 256 ? FLAG_MORE : 0, i & 0xff]),
);
const longHeader = new Uint8Array(9);

/** A data frame's header: flags, then a 1-byte or (above 255) 8-byte size. */
function frameHeader(size: number, more: boolean): Uint8Array {
  if (size <= 255) return SHORT_HEADERS[more ? 256 + size : size]!;
  const out = longHeader;
  out[0] = (more ? FLAG_MORE : 0) | FLAG_LONG;
  const hi = Math.floor(size / 0x100000000);
  const lo = size >>> 0;
  out[1] = hi >>> 24;
  out[2] = hi >>> 16;
  out[3] = hi >>> 8;
  out[4] = hi;
  out[5] = lo >>> 24;
  out[6] = lo >>> 16;
  out[7] = lo >>> 8;
  out[8] = lo;
  return out;
}
