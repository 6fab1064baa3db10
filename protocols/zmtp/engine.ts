/**
 * The ZMTP 3.x engine over a byte stream (RFC 23/37, NULL mechanism): the staged greeting that
 * libzmq expects, the READY exchange with its `Socket-Type` check, then a message stream of
 * multipart messages that answers PING with PONG on its own.
 *
 * Greeting stages (research zmtp.md §1.2): our 10-byte signature goes out at once; our major byte
 * only after the peer's signature arrived; the rest of our 64 bytes only once the peer's major is
 * known to be 3 or more. Sending everything at once would confuse ZMTP 2.0 peers, and waiting for
 * the peer's full greeting first would deadlock against libzmq. ZMTP 1.0 and 2.0 peers are refused
 * for now.
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
  SIGNATURE_SIZE,
} from "./greeting.ts";
import { encodeCommandFrame, FLAG_LONG, FLAG_MORE, FrameDecoder } from "./frame.ts";
import {
  encodeError,
  encodePong,
  encodeReady,
  type Metadata,
  type MetadataInit,
  metadataText,
  parseCommand,
  parseError,
  parseMetadata,
  parsePing,
} from "./command.ts";
import { isCompatiblePeer, type SocketTypeName } from "./socket_types.ts";

/** What the handshake learned about a ZMTP peer. */
export interface ZmtpPeer {
  /** The peer's `Socket-Type` ("DEALER", "PULL", ...). */
  readonly socketType: string;
  /** The peer's `Identity` property (empty when it sent none). */
  readonly identity: Uint8Array;
  /** The minor version of the peer's greeting (1 for ZMTP 3.1, libzmq ≥ 4.3.3). */
  readonly minor: number;
  /** Every property of the peer's READY. */
  readonly metadata: Metadata;
}

/** What the local side announces and accepts. */
export interface EngineOptions {
  /** Our socket type, sent as `Socket-Type`. */
  readonly socketType: SocketTypeName;
  /** Our routing id, sent as `Identity` (REQ, DEALER and ROUTER send it, as libzmq does). */
  readonly routingId?: Uint8Array;
  /** Largest frame accepted from the peer in bytes; -1 (or 0) means no limit. */
  readonly maxMsgSize: number;
}

// Socket types that announce an Identity property (libzmq `add_basic_properties`).
const SENDS_IDENTITY: ReadonlySet<string> = new Set(["REQ", "DEALER", "ROUTER"]);
const EMPTY = new Uint8Array(0);
// How long a refusal waits for its ERROR command to reach the OS before the connection closes.
const ERROR_FLUSH_MS = 100;

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
 * Runs the greeting and NULL handshake on a fresh connection. Resolves with the ready stream and
 * what the peer announced; rejects with an `EPROTO` error saying why (the caller closes `conn`).
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
      if (major !== undefined && major > 0 && major < 3) {
        return fail(`peer speaks ZMTP 2.0 (revision ${major}); only ZMTP 3.x is supported yet`);
      }
      if (!sentRest && major !== undefined && major >= 3) {
        sentRest = true;
        conn.write(ours.subarray(SIGNATURE_SIZE + 1));
      }
      const result = reader.result;
      if (result === undefined) return;
      if (!result.ok) return fail(GREETING_REASONS[result.reason]);
      const greeting = result.greeting;
      if (greeting.version !== 3) return fail("peer speaks ZMTP 2.0; not supported yet");
      if (greeting.mechanism !== "NULL") {
        return fail(`security mechanism mismatch: peer uses ${greeting.mechanism}, we use NULL`);
      }
      const stream = new ZmtpStream(conn, options, greeting.minor);
      stream.ready.then((peer) => resolve({ stream, peer }), reject);
      stream.begin(chunk.subarray(used));
    };
    conn.write(ours.subarray(0, SIGNATURE_SIZE));
  });
}

interface Settle {
  resolve(peer: ZmtpPeer): void;
  reject(err: MqError): void;
}

/**
 * A handshaken ZMTP connection as a stream of multipart messages. Created by
 * {@linkcode zmtpHandshake}, which waits for {@linkcode ZmtpStream.ready}.
 */
export class ZmtpStream implements MessageStream<Uint8Array[]> {
  onMessage: (msg: Uint8Array[]) => void = () => {};
  onDrain: () => void = () => {};
  onClose: (reason?: MqError) => void = () => {};
  /** Resolves with the peer's READY properties; rejects with why the handshake failed. */
  readonly ready: Promise<ZmtpPeer>;

  #conn: Connection;
  #options: EngineOptions;
  #minor: number;
  #decoder: FrameDecoder;
  #peer: ZmtpPeer | undefined; // set by the peer's READY
  #pending: Uint8Array[][] | undefined = []; // messages received before start()
  #reason: MqError | undefined;
  #settle: Settle;
  #failed = false;

  constructor(conn: Connection, options: EngineOptions, minor: number) {
    this.#conn = conn;
    this.#options = options;
    this.#minor = minor;
    let settle!: Settle;
    this.ready = new Promise<ZmtpPeer>((resolve, reject) => (settle = { resolve, reject }));
    this.#settle = settle;
    this.#decoder = new FrameDecoder({
      maxMsgSize: options.maxMsgSize,
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

  /** Sends our READY and decodes `rest`, the bytes that followed the peer's greeting. */
  begin(rest: Uint8Array): void {
    const conn = this.#conn;
    conn.onData = (chunk) => this.#decoder.push(chunk);
    conn.onDrain = () => this.onDrain();
    conn.onClose = (err) => {
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
    const props: Record<string, string | Uint8Array> = { "Socket-Type": this.#options.socketType };
    if (SENDS_IDENTITY.has(this.#options.socketType)) {
      props["Identity"] = this.#options.routingId ?? EMPTY;
    }
    conn.write(encodeCommandFrame(encodeReady(props satisfies MetadataInit)));
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
    this.#conn.resume();
  }

  /** Queues one multipart message (at least one frame). */
  write(msg: Uint8Array[]): void {
    const last = msg.length - 1;
    for (let i = 0; i <= last; i++) {
      const frame = msg[i]!;
      this.#conn.write(frameHeader(frame.length, i < last));
      if (frame.length > 0) this.#conn.write(frame);
    }
  }

  pause(): void {
    this.#conn.pause();
  }

  resume(): void {
    this.#conn.resume();
  }

  close(reason?: MqError): void {
    this.#reason ??= reason;
    this.#conn.close();
  }

  #message(frames: Uint8Array[]): void {
    if (this.#peer === undefined) {
      return this.#handshakeFailed("peer sent a message before its READY command");
    }
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
    if (command.name === "PING") {
      const ping = parsePing(command.data);
      if (ping.ok) this.#conn.write(encodeCommandFrame(encodePong(ping.context)));
    }
    // PONG needs nothing (no heartbeats of our own yet); unknown commands are ignored, as libzmq does
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
    this.#peer = {
      socketType,
      identity: parsed.metadata.get("Identity") ?? EMPTY,
      minor: this.#minor,
      metadata: parsed.metadata,
    };
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
    this.close(new MqError(code, reason));
  }
}

/** A data frame's header: flags, then a 1-byte or (above 255) 8-byte size. */
function frameHeader(size: number, more: boolean): Uint8Array {
  const flags = more ? FLAG_MORE : 0;
  if (size <= 255) return new Uint8Array([flags, size]);
  const out = new Uint8Array(9);
  out[0] = flags | FLAG_LONG;
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
