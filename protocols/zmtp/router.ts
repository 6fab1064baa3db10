/**
 * ROUTER (RFC 28, ZMTP `Socket-Type` "ROUTER"): talks to many REQ, DEALER and ROUTER peers and
 * addresses each by its routing id. A received message comes with the sender's routing id as its
 * first frame; a sent message's first frame names the peer it goes to (and is not sent).
 *
 * A peer's routing id is the `Identity` it announced in its READY, or, when that is empty, one
 * the ROUTER makes up as libzmq does: five bytes, a zero byte then a 32-bit big-endian counter
 * that starts at a random value. A peer announcing an `Identity` that another connected peer
 * already has stays connected but anonymous: what it sends is dropped and nothing can reach it
 * (libzmq's behaviour without `ZMQ_ROUTER_HANDOVER`). With `handover: true` (libzmq's
 * `ZMQ_ROUTER_HANDOVER`) the newcomer takes the id over instead: the old peer is given a fresh
 * generated id (messages it sent that are still queued are delivered with that id) and is
 * disconnected, and from then on the id names the new peer.
 *
 * A message for an unknown peer, or for one at its high-water mark, is dropped silently, unless
 * the `mandatory` option is set: then `send` rejects with `EHOSTUNREACH` for an unknown peer and
 * waits while the peer is full (libzmq's `ZMQ_ROUTER_MANDATORY`).
 *
 * `immediate` (libzmq's `ZMQ_IMMEDIATE`) is accepted, as libzmq accepts it on every type, and
 * changes nothing a ROUTER does: a peer it connects to can be addressed only once the handshake
 * has told its routing id, with or without it (libzmq's ROUTER keeps a connecting pipe anonymous
 * until then, and edgemq has no `ZMQ_CONNECT_ROUTING_ID`).
 *
 * @module
 */
import { bytesKey } from "../_bytes.ts";
import { FairQueue } from "../_fq.ts";
import { MqError } from "../errors.ts";
import { checkBoolean } from "../options.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import type { ImmediateOptions } from "./options.ts";
import { type Frames, ZmqSocket, type ZmtpPeer } from "./socket.ts";

/** Options of a ROUTER socket. */
export interface RouterOptions extends ImmediateOptions {
  /**
   * Reject `send` with `EHOSTUNREACH` when the routing id names no connected peer, and wait
   * (instead of dropping) while the named peer is at its high-water mark.
   * @default {false}
   */
  readonly mandatory?: boolean;
  /**
   * Let a peer announcing an `Identity` that a connected peer already has take it over: the old
   * peer is disconnected (libzmq's `ZMQ_ROUTER_HANDOVER`). Without it the newcomer stays
   * anonymous.
   * @default {false}
   */
  readonly handover?: boolean;
}

type ZmtpPipe = Pipe<Frames, ZmtpPeer>;

/** A routing id as a map key. */
const idKey = bytesKey;

// Routing ids and fair-queued receiving. `pipe.data` holds the pipe's routing id (undefined for
// an anonymous pipe).
class RouterCore {
  readonly fq: FairQueue<Frames> = new FairQueue<Frames>();
  #byId = new Map<string, ZmtpPipe>();
  #nextId = Math.floor(Math.random() * 0x100000000);
  /** A newcomer takes over an `Identity` in use; read as each peer attaches (settable live). */
  handover: boolean;

  /** @param handover a newcomer takes over an `Identity` in use (the old pipe is closed) */
  constructor(handover = false) {
    this.handover = handover;
  }

  #generatedId(): Uint8Array {
    let id: Uint8Array;
    do {
      id = new Uint8Array(5);
      new DataView(id.buffer).setUint32(1, this.#nextId);
      this.#nextId = (this.#nextId + 1) >>> 0;
    } while (this.#byId.has(idKey(id)));
    return id;
  }

  /** Gives a new pipe its routing id; false if its `Identity` is taken (the pipe is anonymous). */
  attach(pipe: ZmtpPipe): boolean {
    let id = pipe.peer.identity;
    if (id.length === 0) {
      id = this.#generatedId();
    } else {
      const holder = this.#byId.get(idKey(id));
      if (holder !== undefined) {
        if (!this.handover) return false;
        // handover: the old pipe keeps a fresh id for what it already sent, and goes
        const fresh = this.#generatedId();
        holder.data = fresh;
        this.#byId.set(idKey(fresh), holder);
        this.#byId.delete(idKey(id));
        holder.close();
      }
    }
    pipe.data = id;
    this.#byId.set(idKey(id), pipe);
    this.fq.attach(pipe);
    return true;
  }

  /** A pipe left. */
  detach(pipe: ZmtpPipe): void {
    const id = pipe.data;
    if (id instanceof Uint8Array && this.#byId.get(idKey(id)) === pipe) {
      this.#byId.delete(idKey(id));
    }
    this.fq.detach(pipe);
  }

  /** The pipe with this routing id, if connected. */
  lookup(id: Uint8Array): ZmtpPipe | undefined {
    return this.#byId.get(idKey(id));
  }

  /** True if the pipe has a routing id (was not refused one). */
  routed(pipe: ZmtpPipe): boolean {
    return pipe.data instanceof Uint8Array;
  }
}

class RouterPattern implements Pattern<Frames, ZmtpPeer> {
  #host!: PatternHost;
  readonly core: RouterCore;
  /** Read at each send (settable live). */
  mandatory: boolean;

  constructor(mandatory: boolean, handover: boolean) {
    this.mandatory = mandatory;
    this.core = new RouterCore(handover);
  }

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: ZmtpPipe): undefined {
    this.core.attach(pipe);
  }

  detach(pipe: ZmtpPipe): void {
    this.core.detach(pipe);
  }

  readable(pipe: ZmtpPipe): void {
    if (!this.core.routed(pipe)) {
      while (pipe.recv() !== undefined) this.#host.stats.dropped++;
      return;
    }
    this.core.fq.activated(pipe);
    this.#host.wakeRecv();
  }

  writable(): void {
    this.#host.wakeSend();
  }

  trySend(frames: Frames): boolean {
    const [id, ...body] = frames;
    const pipe = this.core.lookup(id!);
    if (pipe === undefined || pipe.isClosed) {
      if (this.mandatory) {
        throw new MqError("EHOSTUNREACH", "zmq.Router: no connected peer has that routing id");
      }
      this.#host.stats.dropped++;
      return true;
    }
    if (body.length === 0) {
      // libzmq drops a message that is only a routing id
      this.#host.stats.dropped++;
      return true;
    }
    if (!pipe.writable) {
      if (this.mandatory) return false;
      this.#host.stats.dropped++;
      return true;
    }
    pipe.send(body);
    this.#host.stats.txMsgs++;
    return true;
  }

  tryRecv(): Frames | undefined {
    const fq = this.core.fq;
    const frames = fq.recv();
    if (frames === undefined) return undefined;
    this.#host.stats.rxMsgs++;
    return [fq.lastPipe.data as Uint8Array, ...frames];
  }
}

/**
 * A ROUTER socket (libzmq's `ZMQ_ROUTER`).
 *
 * @example Answer a DEALER by its routing id
 * ```ts
 * import { Router } from "./router.ts";
 * import { Dealer } from "./dealer.ts";
 * await using router = new Router();
 * await using dealer = new Dealer({ routingId: "worker-1" });
 * await router.bind("inproc://zmq-router-doc");
 * await dealer.connect("inproc://zmq-router-doc");
 * await dealer.send("hello");
 * const [id, body] = await router.recv();
 * console.log(new TextDecoder().decode(id)); // worker-1
 * await router.send([id!, "re: ", body!]);
 * console.log((await dealer.recv()).length); // 2
 * ```
 */
export class Router extends ZmqSocket {
  #pattern: RouterPattern;

  /** Creates a ROUTER socket. */
  constructor(options: RouterOptions = {}) {
    const pattern = new RouterPattern(
      checkBoolean("mandatory", options.mandatory),
      checkBoolean("handover", options.handover),
    );
    // `immediate` is checked and kept, with no effect on ROUTER (see the module doc)
    super("ROUTER", pattern, options, ["mandatory", "handover", "immediate"]);
    this.#pattern = pattern;
  }

  /**
   * Reject (`EHOSTUNREACH`) or wait instead of dropping what cannot be routed (see
   * {@linkcode RouterOptions.mandatory}). Set live: applies to the sends made afterwards
   * (libzmq's `ZMQ_ROUTER_MANDATORY` may change at any time too).
   *
   * @example
   * ```ts
   * import { Router } from "./router.ts";
   * await using router = new Router();
   * router.mandatory = true;
   * await router.send(["nobody", "hi"]).catch((e) => console.log(e.code)); // EHOSTUNREACH
   * ```
   */
  get mandatory(): boolean {
    return this.#pattern.mandatory;
  }
  set mandatory(value: boolean) {
    this.#pattern.mandatory = checkBoolean("mandatory", value);
  }

  /**
   * A newcomer with a routing id in use takes it over (see {@linkcode RouterOptions.handover}).
   * Set live: applies to the peers that arrive afterwards (libzmq's `ZMQ_ROUTER_HANDOVER` too).
   */
  get handover(): boolean {
    return this.#pattern.core.handover;
  }
  set handover(value: boolean) {
    this.#pattern.core.handover = checkBoolean("handover", value);
  }

  /** `immediate` (see {@linkcode ImmediateOptions.immediate}): kept, with no effect on ROUTER. */
  get immediate(): boolean {
    return this.immediateOption;
  }
  set immediate(value: boolean) {
    this.immediateOption = value;
  }
}
