/**
 * The ZMTP engine over a byte stream (RFC 23/37; RFC 15 for ZMTP 2.0 peers), in three steps:
 * greeting, then the security mechanism's handshake, then traffic. The engine owns the staged
 * greeting that libzmq expects, the `Socket-Type` check once the mechanism is done with the
 * peer's metadata, and the stream of multipart messages; below the patterns it also answers PING
 * with PONG, sends heartbeats and drops a silent peer. What happens inside the handshake belongs
 * to the mechanism (`mechanisms/`, NULL by default): the engine knows no mechanism's commands.
 * What a socket type does with SUBSCRIBE, CANCEL, JOIN and LEAVE belongs to that type's
 * {@linkcode TrafficHooks}: the engine knows no socket type's behaviour.
 *
 * Greeting stages (libzmq 4.3.4 `zmtp_engine.cpp`; RFC 23 §Backwards Interoperability): our
 * 10-byte signature goes out at once; our major byte only after the peer's signature arrived;
 * then, once the peer's major is known, the rest of our 64 bytes (major ≥ 3) or one byte holding
 * our socket-type number (major 1 or 2: ZMTP 2.0, only under a mechanism that allows it). Sending
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
  encodeGreetingV2,
  type GreetingErrorReason,
  GreetingReader,
  isZmtp31,
  type PeerGreeting,
  SIGNATURE_SIZE,
  V2_GREETING_SIZE,
} from "./greeting.ts";
import {
  dataFrameHeader,
  DEFAULT_MAX_MSG_FRAMES,
  encodeCommandFrame,
  FLAG_COMMAND,
  FLAG_MORE,
  FrameDecoder,
  type FrameErrorReason,
} from "./frame.ts";
import {
  encodeError,
  encodePing,
  encodePong,
  type Metadata,
  metadataText,
  parseCommand,
  parseError,
  parsePing,
} from "./command.ts";
import {
  isCompatiblePeer,
  SocketType,
  type SocketTypeName,
  socketTypeName,
} from "./socket_types.ts";
import type { Mechanism, MechanismFactory } from "./mechanisms/mechanism.ts";
import { announcedIdentity } from "./mechanisms/mechanism.ts";
import { NULL_MECHANISM } from "./mechanisms/null.ts";

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
  /** Every property the peer announced (empty for a ZMTP 2.0 peer, which has no metadata). */
  readonly metadata: Metadata;
}

/**
 * What a socket type does with the traffic of one connection beyond carrying messages: how its
 * pattern's messages become commands and back (subscriptions, RFC 29/37; groups, RFC 48). Each
 * hook is optional; a connection without hooks pays nothing for them.
 *
 * @example A subscriber's hook for a ZMTP 3.1 peer
 * ```ts ignore
 * import type { TrafficHooks } from "./engine.ts";
 * import { encodeSubscribe } from "./command.ts";
 * const hooks: TrafficHooks = {
 *   outgoing: (msg) => msg.length === 1 && msg[0][0] === 1 ? encodeSubscribe(msg[0].subarray(1)) : undefined,
 * };
 * ```
 */
export interface TrafficHooks {
  /**
   * Sees each message the pattern sends: returns the body of a command to send instead, or
   * undefined to send the message as it is.
   */
  readonly outgoing?: (msg: Uint8Array[]) => Uint8Array | undefined;
  /**
   * Sees each command of the peer after the handshake that the engine does not handle itself (it
   * handles PING and PONG): returns a message to hand to the pattern in its place, or undefined to
   * drop the command (libzmq drops commands it has no use for).
   */
  readonly command?: (name: string, data: Uint8Array) => Uint8Array[] | undefined;
  /** Sees each message of the peer: false drops it before the pattern sees it. */
  readonly incoming?: (msg: Uint8Array[]) => boolean;
}

/**
 * Gives a connection its {@linkcode TrafficHooks} once the handshake has told who the peer is
 * (its version decides, for one, whether subscriptions go as commands); undefined for none.
 *
 * @example No hooks for ZMTP 2.0 peers
 * ```ts ignore
 * import type { TrafficHooksFor } from "./engine.ts";
 * const hooksFor: TrafficHooksFor = (peer) => peer.version === "2.0" ? undefined : {};
 * ```
 */
export type TrafficHooksFor = (peer: ZmtpPeer) => TrafficHooks | undefined;

/** What the local side announces and accepts. */
export interface EngineOptions {
  /** Our socket type, sent as `Socket-Type` (or as its number to a ZMTP 2.0 peer). */
  readonly socketType: SocketTypeName;
  /** Our routing id, sent as `Identity` (REQ, DEALER and ROUTER send it, as libzmq does). */
  readonly routingId?: Uint8Array;
  /** Largest message accepted from the peer in bytes (all its frames); -1 (or 0): no limit. */
  readonly maxMsgSize: number;
  /** Most frames a message from the peer may have; -1 (or 0): no limit. Default 65536. */
  readonly maxMsgFrames?: number;
  /** The security mechanism, named in the greeting; the peer's must be the same. Default NULL. */
  readonly mechanism?: MechanismFactory;
  /** What our socket type does with the traffic of each connection (see {@linkcode TrafficHooks}). */
  readonly hooks?: TrafficHooksFor;
  /** Milliseconds between our PINGs; 0 (the default) sends none. */
  readonly heartbeatIvl?: number;
  /** The TTL our PINGs announce, in ms (sent in tenths of a second); 0 (the default) is none. */
  readonly heartbeatTtl?: number;
  /** How long after a PING to wait for any traffic before dropping the peer; default heartbeatIvl. */
  readonly heartbeatTimeout?: number;
}

const EMPTY = new Uint8Array(0);
// How long a refusal waits for its ERROR command to reach the OS before the connection closes.
const ERROR_FLUSH_MS = 100;
// Largest TTL a PING can carry: 65535 tenths of a second.
const MAX_TTL_DS = 0xffff;
// Largest command accepted during a ZMTP 3.x handshake. A NULL READY is tens of bytes, PLAIN's
// HELLO at most 512 and CURVE's INITIATE a few hundred plus its metadata; refusing anything larger
// on its size field keeps a peer that has not authenticated from making us hold its bytes.
const HANDSHAKE_COMMAND_MAX = 64 * 1024;
// RFC 15: a ZMTP 2.0 identity is one frame of at most 255 bytes.
const V2_IDENTITY_MAX = 255;

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
 * Runs the greeting and the mechanism's handshake (or the ZMTP 2.0 identity exchange) on a fresh
 * connection. Resolves with the ready stream and what the peer announced; rejects with an `EPROTO`
 * error saying why (the caller closes `conn`).
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
    // the stream takes over the mechanism's command channel once the greeting is done
    let sendCommand: (body: Uint8Array) => void = () => {};
    const mechanism = (options.mechanism ?? NULL_MECHANISM).create({
      socketType: options.socketType,
      routingId: options.routingId,
      send: (body) => sendCommand(body),
    });
    const ours = encodeGreeting({ mechanism: mechanism.name, asServer: mechanism.asServer });
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
      if (!sentRest && major !== undefined && major > 0 && (major >= 3 || mechanism.zmtp2)) {
        sentRest = true;
        // like libzmq we keep the major byte 3 already sent and, to a ZMTP 2.0 peer, add only the
        // last byte of RFC 15's greeting: our socket-type number
        conn.write(
          major >= 3
            ? ours.subarray(SIGNATURE_SIZE + 1)
            : encodeGreetingV2(SocketType[options.socketType]).subarray(V2_GREETING_SIZE - 1),
        );
      }
      const result = reader.result;
      if (result === undefined) return;
      if (!result.ok) return fail(GREETING_REASONS[result.reason]);
      const refusal = refuseGreeting(options.socketType, mechanism, result.greeting);
      if (refusal !== undefined) return fail(refusal);
      const stream = new ZmtpStream(conn, options, result.greeting, mechanism);
      sendCommand = (body) => conn.write(encodeCommandFrame(body));
      stream.ready.then((peer) => resolve({ stream, peer }), reject);
      stream.begin(chunk.subarray(used));
    };
    conn.write(ours.subarray(0, SIGNATURE_SIZE));
  });
}

// Why the peer's greeting ends the connection, if it does.
function refuseGreeting(
  local: SocketTypeName,
  mechanism: Mechanism,
  greeting: PeerGreeting,
): string | undefined {
  if (greeting.version === 2) {
    // RFC 23 §Backwards Interoperability: only NULL may fall back to ZMTP 2.0, which has no
    // handshake
    if (!mechanism.zmtp2) {
      return `peer speaks ZMTP 2.0, which has no security handshake; we use ${mechanism.name}`;
    }
    return refuseV2Peer(local, greeting.socketType);
  }
  if (greeting.mechanism !== mechanism.name) {
    return `security mechanism mismatch: peer uses ${greeting.mechanism}, we use ${mechanism.name}`;
  }
  return mechanism.checkPeerRole?.(greeting.asServer);
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
  #mechanism: Mechanism;
  #decoder: FrameDecoder;
  #peer: ZmtpPeer | undefined; // set by the peer's READY (or 2.0 identity frame)
  // the socket type's hooks and the mechanism's frame protection, set once the peer is known
  #outgoing: TrafficHooks["outgoing"];
  #commandHook: TrafficHooks["command"];
  #incoming: TrafficHooks["incoming"];
  #wrap: Mechanism["wrap"];
  #unwrap: Mechanism["unwrap"];
  #reason: MqError | undefined;
  #settle: Settle;
  #failed = false;
  #ended = false; // closed: no timer may start any more
  #paused = false; // by us: silence is not the peer's fault then
  #pingTimer: ReturnType<typeof setInterval> | undefined; // our heartbeat
  #timeoutTimer: Timer | undefined; // armed by our PING, cleared by any traffic
  #ttlTimer: Timer | undefined; // armed by the peer's PING with a TTL, cleared by any traffic

  constructor(
    conn: Connection,
    options: EngineOptions,
    greeting: PeerGreeting,
    mechanism: Mechanism,
  ) {
    this.#conn = conn;
    this.#options = options;
    this.#greeting = greeting;
    this.#mechanism = mechanism;
    this.#version = greeting.version === 2 ? "2.0" : isZmtp31(greeting) ? "3.1" : "3.0";
    let settle!: Settle;
    this.ready = new Promise<ZmtpPeer>((resolve, reject) => (settle = { resolve, reject }));
    this.#settle = settle;
    const decoder = new FrameDecoder({
      maxMsgSize: options.maxMsgSize,
      maxMsgFrames: options.maxMsgFrames ?? DEFAULT_MAX_MSG_FRAMES,
      v2: greeting.version === 2,
      onMessage: (frames) => this.#message(frames),
      onCommand: (body) => this.#command(body),
      onError: (reason) => this.#framingError(reason),
    });
    // Until the handshake is done, accept only what it needs, refused on the header otherwise:
    // ZMTP 3.x sends only commands of a bounded size; ZMTP 2.0 one identity frame of ≤ 255 bytes.
    if (greeting.version === 2) {
      decoder.maxFrameSize = V2_IDENTITY_MAX;
      decoder.maxMsgFrames = 1;
    } else {
      decoder.acceptData = false;
      decoder.maxFrameSize = HANDSHAKE_COMMAND_MAX;
    }
    this.#decoder = decoder;
  }

  /**
   * Starts the mechanism's handshake (or, with a ZMTP 2.0 peer, sends our identity frame) and
   * decodes `rest`, the bytes that followed the peer's greeting.
   */
  begin(rest: Uint8Array): void {
    const conn = this.#conn;
    const decoder = this.#decoder;
    const read = (chunk: Uint8Array): void => {
      this.#traffic();
      decoder.push(chunk);
      if (decoder.suspended) this.#handOver(); // the handshake is done
    };
    conn.onData = read;
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
    if (this.#version === "2.0") {
      // RFC 15: the first message is our identity, one frame of at most 255 bytes
      const id = announcedIdentity(this.#options) ?? EMPTY;
      conn.write(dataFrameHeader(id.length, false));
      if (id.length > 0) conn.write(id);
    } else {
      this.#mechanism.start();
    }
    if (rest.length > 0) read(rest);
  }

  // The handshake is done: what followed it goes back to the connection, which holds it (and
  // anything read later) until start() takes over. Nothing is decoded before then.
  #handOver(): void {
    const conn = this.#conn;
    conn.onData = undefined;
    conn.pause();
    conn.unread(this.#decoder.takeRest());
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
    const decoder = this.#decoder;
    decoder.resume();
    this.#conn.onData = (chunk) => {
      this.#traffic();
      decoder.push(chunk);
    };
    this.#startHeartbeats();
    this.#conn.resume();
  }

  /**
   * Queues one multipart message (at least one frame). The socket type's `outgoing` hook may send
   * a command in its place (a subscriber's `0x01`/`0x00` message goes to a ZMTP 3.1 peer as
   * SUBSCRIBE or CANCEL).
   */
  write(msg: Uint8Array[]): void {
    const outgoing = this.#outgoing;
    if (outgoing !== undefined) {
      const command = outgoing(msg);
      if (command !== undefined) return this.#writeCommand(command);
    }
    if (this.#wrap !== undefined) return this.#writeWrapped(msg, this.#wrap);
    const conn = this.#conn;
    const last = msg.length - 1;
    for (let i = 0; i <= last; i++) {
      const frame = msg[i]!;
      conn.write(dataFrameHeader(frame.length, i < last));
      if (frame.length > 0) conn.write(frame);
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

  // A command after the handshake, through the mechanism's protection if it has one.
  #writeCommand(body: Uint8Array): void {
    const wrap = this.#wrap;
    this.#conn.write(encodeCommandFrame(wrap === undefined ? body : wrap(FLAG_COMMAND, body)));
  }

  #writeWrapped(msg: Uint8Array[], wrap: NonNullable<Mechanism["wrap"]>): void {
    const last = msg.length - 1;
    for (let i = 0; i <= last; i++) {
      this.#conn.write(encodeCommandFrame(wrap(i < last ? FLAG_MORE : 0, msg[i]!)));
    }
  }

  #message(frames: Uint8Array[]): void {
    // before the handshake is done the decoder lets through only a ZMTP 2.0 identity frame
    if (this.#peer === undefined) return this.#identityV2(frames);
    if (this.#incoming !== undefined && !this.#incoming(frames)) return;
    this.onMessage(frames);
  }

  #command(body: Uint8Array): void {
    if (this.#peer !== undefined && this.#unwrap !== undefined) return this.#unwrapped(body);
    this.#plainCommand(body);
  }

  // A protected frame: a message frame goes back into the decoder's message assembly.
  #unwrapped(body: Uint8Array): void {
    const frame = this.#unwrap!(body);
    if (frame === undefined) {
      return this.#protocolError("EPROTO", "peer sent a frame the mechanism cannot open");
    }
    if ((frame.flags & FLAG_COMMAND) !== 0) this.#plainCommand(frame.body);
    else this.#decoder.frame((frame.flags & FLAG_MORE) !== 0, frame.body);
  }

  #plainCommand(body: Uint8Array): void {
    const command = parseCommand(body);
    if (!command.ok) {
      if (this.#peer === undefined) {
        return this.#handshakeFailed(`peer sent a malformed command (${command.reason})`);
      }
      return; // libzmq drops what it cannot use after the handshake
    }
    if (this.#peer === undefined) return this.#handshakeCommand(command.name, command.data);
    if (command.name === "PING") return this.#ping(command.data);
    // PONG needs nothing (any traffic already cleared the timeout); the socket type's hook may
    // turn a command into a message for its pattern; others are ignored, as libzmq does
    const msg = this.#commandHook?.(command.name, command.data);
    if (msg !== undefined) this.onMessage(msg);
  }

  #ping(data: Uint8Array): void {
    const ping = parsePing(data);
    if (!ping.ok) return;
    this.#writeCommand(encodePong(ping.context));
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
    if (this.#failed) return;
    if (name === "ERROR") {
      // RFC 23/37 §Error Handling: the same for every mechanism
      const error = parseError(data);
      const why = error.ok ? JSON.stringify(error.message) : "(malformed reason)";
      return this.#handshakeFailed(`peer refused the handshake with ERROR ${why}`);
    }
    const step = this.#mechanism.command(name, data);
    if (step.kind === "more") return;
    if (step.kind === "failed") {
      if (step.error === undefined) return this.#handshakeFailed(step.reason);
      return this.#refuse(step.error, step.reason);
    }
    const metadata = step.metadata;
    const socketType = metadataText(metadata, "Socket-Type");
    if (socketType === undefined) {
      return this.#handshakeFailed("peer announced no Socket-Type property");
    }
    const refusal = refusePeerType(this.#options.socketType, socketType);
    // RFC 23: tell the peer why, then disconnect (libzmq itself just disconnects)
    if (refusal !== undefined) return this.#refuse(refusal, refusal);
    this.#ready(socketType, metadata.get("Identity") ?? EMPTY, metadata);
  }

  // Sends the peer an ERROR command, then fails once it has reached the OS.
  #refuse(error: string, reason: string): void {
    this.#conn.write(encodeCommandFrame(encodeError(fitReason(error))));
    this.#handshakeFailed(reason, true);
  }

  // RFC 15: the first message of a ZMTP 2.0 peer is its identity, a single frame (the decoder
  // holds it to one frame of at most 255 bytes).
  #identityV2(frames: Uint8Array[]): void {
    const greeting = this.#greeting;
    const type = greeting.version === 2 ? socketTypeName(greeting.socketType) : undefined;
    this.#ready(type ?? "", frames[0]!.slice(), new Map());
  }

  #ready(socketType: string, identity: Uint8Array, metadata: Metadata): void {
    const minor = this.#greeting.version === 2 ? 0 : this.#greeting.minor;
    const peer: ZmtpPeer = { socketType, identity, minor, version: this.#version, metadata };
    this.#peer = peer;
    const hooks = this.#options.hooks?.(peer);
    this.#outgoing = hooks?.outgoing;
    this.#commandHook = hooks?.command;
    this.#incoming = hooks?.incoming;
    this.#wrap = this.#mechanism.wrap?.bind(this.#mechanism);
    this.#unwrap = this.#mechanism.unwrap?.bind(this.#mechanism);
    // traffic: lift the handshake's limits; a mechanism that protects frames sends them all as
    // commands, so a bare data frame stays refused
    const decoder = this.#decoder;
    decoder.acceptData = this.#unwrap === undefined;
    decoder.maxFrameSize = Infinity;
    decoder.maxMsgFrames = this.#options.maxMsgFrames ?? DEFAULT_MAX_MSG_FRAMES;
    decoder.suspend(); // nothing more is decoded until start(): see #handOver
    this.#settle.resolve(peer);
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

  #framingError(reason: FrameErrorReason): void {
    if (this.#peer === undefined) return this.#handshakeFailed(this.#handshakeFraming(reason));
    const options = this.#options;
    switch (reason) {
      case "frame-too-large":
        return this.#protocolError(
          "EMSGSIZE",
          `peer sent a command larger than maxMsgSize ${options.maxMsgSize}`,
        );
      case "message-too-large":
        return this.#protocolError(
          "EMSGSIZE",
          `peer sent a message larger than maxMsgSize ${options.maxMsgSize}`,
        );
      case "too-many-frames":
        return this.#protocolError(
          "EMSGSIZE",
          `peer sent a message of more than maxMsgFrames ${this.#decoder.maxMsgFrames} frames`,
        );
      case "unexpected-data":
        return this.#protocolError(
          "EPROTO",
          `peer sent a data frame where ${this.#mechanism.name} allows only commands`,
        );
    }
    this.#protocolError("EPROTO", `peer broke ZMTP framing (${reason})`);
  }

  // Why the handshake failed on a framing error: what the decoder refused before the peer was
  // known (ZMTP-LIMIT-3).
  #handshakeFraming(reason: FrameErrorReason): string {
    if (this.#version === "2.0") {
      if (reason === "too-many-frames") return "ZMTP 2.0 peer sent a multipart identity message";
      if (reason === "frame-too-large") {
        return `ZMTP 2.0 peer sent an identity over ${V2_IDENTITY_MAX} bytes`;
      }
    } else if (reason === "unexpected-data") {
      return `peer sent a data frame before the ${this.#mechanism.name} handshake was done`;
    } else if (reason === "frame-too-large") {
      return `peer sent a handshake command over ${HANDSHAKE_COMMAND_MAX} bytes`;
    }
    return `peer broke ZMTP framing (${reason})`;
  }

  #protocolError(code: "EPROTO" | "EMSGSIZE", reason: string): void {
    if (this.#peer === undefined) return this.#handshakeFailed(reason);
    this.close(new MqError(code, reason)); // only after start(): nothing is decoded before
  }

  // ---- heartbeats (RFC 37 §Connection Heartbeating; libzmq's ZMQ_HEARTBEAT_* options) ----

  // ZMTP 2.0 has no commands, so no PING; libzmq pings 3.0 and 3.1 peers alike.
  #startHeartbeats(): void {
    const ivl = this.#options.heartbeatIvl ?? 0;
    if (ivl <= 0 || this.#version === "2.0" || this.#ended || this.#pingTimer !== undefined) return;
    const ttl = Math.min(MAX_TTL_DS, Math.floor((this.#options.heartbeatTtl ?? 0) / 100));
    const timeout = this.#options.heartbeatTimeout ?? ivl;
    const body = encodePing(ttl);
    // one frame for every PING, unless the mechanism protects each frame anew
    const ping = this.#wrap === undefined ? encodeCommandFrame(body) : undefined;
    this.#pingTimer = setInterval(() => {
      if (ping !== undefined) this.#conn.write(ping);
      else this.#writeCommand(body);
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

const utf8 = new TextEncoder();

// An ERROR reason holds at most 255 bytes of UTF-8: cut whole characters off the end until it fits.
function fitReason(text: string): string {
  // every UTF-16 unit takes at least one byte: start from 255 of them, not from a peer's megabyte
  // (cutting one unit at a time off the whole text took minutes for a 1 MB Socket-Type)
  let out = text.slice(0, 255);
  while (utf8.encode(out).length > 255) out = out.slice(0, -1);
  return out;
}
