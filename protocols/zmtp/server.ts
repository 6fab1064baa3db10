/**
 * SERVER (RFC 41, ZMTP `Socket-Type` "SERVER", a libzmq draft type): the answering side of
 * CLIENT/SERVER. It gives every CLIENT peer a routing id, a non-zero 32-bit number counted up from
 * a random start (as libzmq does; peers cannot choose it, and it never goes on the wire).
 *
 * `recv` returns two frames, `[routingId, data]`, where `routingId` is the id as 4 bytes big-endian;
 * `send([routingId, data])` answers that peer. {@linkcode Server.recvFrom} and
 * {@linkcode Server.sendTo} do the same with the id as a number (the number zeromq.js and libzmq's
 * `zmq_msg_routing_id` give). A message for an id that names no connected peer rejects with
 * `EHOSTUNREACH`; while that peer is at its high-water mark `send` waits (SERVER never drops).
 *
 * Single frames only, as every thread-safe type: anything but `[routingId, data]` given to `send`
 * is `EINVAL`, and a multipart message from a peer is dropped on arrival.
 *
 * PEER (peer.ts) is the same routing with ids also given to the peers it connects to.
 *
 * @module
 */
import { FairQueue } from "../_fq.ts";
import { invalid, MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import type { RecvOptions, SendOptions } from "../socket.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";

type ZmtpPipe = Pipe<Frames, ZmtpPeer>;

/** @internal A routing id as its 4-byte big-endian frame. */
export function routingIdFrame(id: number): Uint8Array {
  const frame = new Uint8Array(4);
  new DataView(frame.buffer).setUint32(0, id);
  return frame;
}

/** @internal Reads a 4-byte big-endian routing-id frame; undefined if it is not 4 bytes. */
export function readRoutingId(frame: Uint8Array): number | undefined {
  if (frame.length !== 4) return undefined;
  return new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0);
}

/** @internal Checks a `[routingId, data]` message; returns the `EINVAL` error, or undefined. */
export function addressedError(frames: Frames, who: string): MqError | undefined {
  if (frames.length !== 2) {
    return invalid(`${who} sends [routingId, data], two frames; got ${frames.length}`);
  }
  if (readRoutingId(frames[0]!) === undefined) {
    return invalid(`${who}: a routing id is 4 bytes (big-endian), got ${frames[0]!.length}`);
  }
  return undefined;
}

/** @internal Routing by 32-bit id, fair-queued receiving, single frames (SERVER). */
export class ServerPattern implements Pattern<Frames, ZmtpPeer> {
  #host!: PatternHost;
  #fq = new FairQueue<Frames>();
  #byId = new Map<number, ZmtpPipe>();
  #nextId = Math.floor(Math.random() * 0x100000000);
  #name: string;
  /** Does each `connect()` get a peer (and a routing id) at once? (PEER: yes; SERVER: no) */
  readonly queueWhileConnecting: boolean;
  /** The routing id given to the last peer attached, as libzmq's `zmq_connect_peer` reads it. */
  lastAttached: number | undefined;

  /**
   * @param name the class name, for error messages
   * @param queue give each `connect()` its peer from the start, before its handshake
   */
  constructor(name: string, queue = false) {
    this.#name = name;
    this.queueWhileConnecting = queue;
  }

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: ZmtpPipe): undefined {
    let id: number;
    do {
      id = this.#nextId;
      this.#nextId = (this.#nextId + 1) >>> 0;
    } while (id === 0 || this.#byId.has(id));
    pipe.data = id;
    this.lastAttached = id;
    this.#byId.set(id, pipe);
    this.#fq.attach(pipe);
  }

  detach(pipe: ZmtpPipe): void {
    if (this.#byId.get(pipe.data as number) === pipe) this.#byId.delete(pipe.data as number);
    this.#fq.detach(pipe);
  }

  admit(_pipe: ZmtpPipe, msg: Frames): boolean {
    if (msg.length === 1) return true;
    this.#host.stats.dropped++; // libzmq drops multipart messages on thread-safe types
    return false;
  }

  readable(pipe: ZmtpPipe): void {
    this.#fq.activated(pipe);
    this.#host.wakeRecv();
  }

  writable(): void {
    this.#host.wakeSend();
  }

  trySend(msg: Frames): boolean {
    const id = readRoutingId(msg[0]!)!;
    const pipe = this.#byId.get(id);
    if (pipe === undefined || pipe.isClosed) {
      throw new MqError("EHOSTUNREACH", `${this.#name}: no connected peer has routing id ${id}`);
    }
    if (!pipe.writable) return false;
    pipe.send([msg[1]!]);
    this.#host.stats.txMsgs++;
    return true;
  }

  tryRecv(): Frames | undefined {
    const msg = this.#fq.recv();
    if (msg === undefined) return undefined;
    this.#host.stats.rxMsgs++;
    return [routingIdFrame(this.#fq.lastPipe.data as number), msg[0]!];
  }
}

/** A message received by {@linkcode Server.recvFrom}: who sent it and what. */
export interface Addressed {
  /** The sender's routing id (non-zero, 32 bits). */
  readonly routingId: number;
  /** The message. */
  readonly data: Uint8Array;
}

/**
 * What SERVER and PEER have in common: messages addressed by a 32-bit routing id. Create a
 * {@linkcode Server} or a {@linkcode Peer} rather than this.
 *
 * @example Answer by routing id
 * ```ts
 * import { Client } from "./client.ts";
 * import { Server } from "./server.ts";
 * await using server = new Server();
 * await using client = new Client();
 * await client.connect((await server.bind("tcp://127.0.0.1:0")).url);
 * await client.send("ping");
 * const { routingId } = await server.recvFrom();
 * await server.sendTo(routingId, "pong");
 * console.log(new TextDecoder().decode((await client.recv())[0])); // pong
 * ```
 */
export class AddressedSocket extends ZmqSocket {
  readonly #label: string;

  /**
   * @param socketType "SERVER" or "PEER"
   * @param pattern the routing pattern
   * @param options the socket's options
   */
  protected constructor(
    socketType: "SERVER" | "PEER",
    pattern: ServerPattern,
    options: ZmqSocketOptions,
  ) {
    const label = socketType === "SERVER" ? "zmq.Server" : "zmq.Peer";
    // send takes [routingId, data], the id as 4 bytes big-endian as recv gives it; an unknown
    // id rejects with EHOSTUNREACH, any other shape with EINVAL
    super(socketType, pattern, options, [], (f) => addressedError(f, label));
    this.#label = label;
  }

  /** Sends `data` (one frame) to the peer with routing id `routingId`. */
  sendTo(routingId: number, data: Uint8Array | string, options?: SendOptions): Promise<void> {
    if (!Number.isInteger(routingId) || routingId < 1 || routingId > 0xffffffff) {
      return Promise.reject(
        invalid(`${this.#label}: a routing id is 1 to 2^32-1, got ${routingId}`),
      );
    }
    return this.send([routingIdFrame(routingId), data], options);
  }

  /** Receives one message with the routing id of the peer that sent it. */
  async recvFrom(options?: RecvOptions): Promise<Addressed> {
    const [id, data] = await this.recv(options);
    return { routingId: readRoutingId(id!)!, data: data! };
  }
}

/**
 * A SERVER socket (libzmq's draft `ZMQ_SERVER`), the peer of {@linkcode Client}.
 *
 * @example Answer each client
 * ```ts
 * import { Client } from "./client.ts";
 * import { Server } from "./server.ts";
 * await using server = new Server();
 * await using client = new Client();
 * const { url } = await server.bind("tcp://127.0.0.1:0");
 * await client.connect(url);
 * await client.send("hello");
 * const { routingId, data } = await server.recvFrom();
 * await server.sendTo(routingId, data);
 * console.log(new TextDecoder().decode((await client.recv())[0])); // hello
 * ```
 */
export class Server extends AddressedSocket {
  /** Creates a SERVER socket. */
  constructor(options: ZmqSocketOptions = {}) {
    super("SERVER", new ServerPattern("zmq.Server"), options);
  }
}
