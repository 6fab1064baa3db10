/**
 * PAIR1 (pair1, NNG and mangos only): like pair0, but every message carries a
 * 32-bit hop count in front. We send 1 (the first hop, as NNG does). On
 * receipt, a count above 255 is malformed and closes the pipe (NNG); a count
 * above `maxTtl` is dropped.
 *
 * With `polyamorous: true` (NNG's `pair1:polyamorous` option of NNG 1.x, `nng_pair1_open_poly`
 * in NNG 2; the behaviour of NNG's `pair1_poly.c`) a PAIR1 keeps any number of peers: `recvFrom`
 * says which peer each message came from (its pipe id), `sendTo` sends to one peer, and `send`
 * goes to the first peer still connected. Such a send never waits: a message for a peer that has
 * gone or cannot take it now is dropped (counted in `stats.dropped`), so that one slow peer does
 * not hold up the others. NNG deprecates the mode (it does not work through devices), and so it
 * has no raw form; the wire is pair1's, so a polyamorous PAIR1 talks to any pair1 peer.
 *
 * A raw PAIR1 (`{ raw: true }`, NNG's `nng_pair1_open_raw`) hands over each message with its hop
 * count in front, and sends what it is given with that count raised by one (so devices count the
 * hops); a message it is given without a hop count below 255 fails with `EINVAL`. Cooked PAIR1 is
 * raw PAIR1 that adds and strips the count.
 *
 * @module
 */
import { checkBoolean, fixedOptions } from "../options.ts";
import { MqError } from "../errors.ts";
import { FairQueue } from "../_fq.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import type { RecvOptions, SendOptions } from "../socket.ts";
import { headerBytes, readU32, splitHeader, u32Bytes } from "./_backtrace.ts";
import { joinParts, type SpMessage } from "./wire.ts";
import { MonogamousPattern } from "../_monogamous.ts";
import { PAIR_TAKEN } from "./pair.ts";
import { checkMaxTtl, type SpPeer, SpSocket, type SpSocketOptions, toBytes } from "./socket.ts";

/** The hop count a PAIR1 message starts with as it leaves (never changed: shared). */
const ONE_HOP = new Uint8Array([0, 0, 0, 1]);

/** pair1's wire id. */
export const PAIR1 = 0x11;

/** Options of a PAIR1 socket. */
export interface Pair1Options extends SpSocketOptions {
  /**
   * Messages that crossed more than this many hops are dropped (1..15, as NNG).
   * @default {8}
   */
  readonly maxTtl?: number;
  /**
   * Keep any number of peers, addressed by their pipe ids (`recvFrom`, `sendTo`), as NNG's
   * deprecated polyamorous mode. Not with `raw`.
   * @default {false}
   */
  readonly polyamorous?: boolean;
}

/** A message received by {@linkcode Pair1.recvFrom}: the peer's pipe id and the body. */
export interface PeerMessage {
  /** The id of the pipe the message came from; {@linkcode Pair1.sendTo} answers it. */
  readonly pipe: number;
  /** The message body. */
  readonly data: Uint8Array;
}

/**
 * Checks a received message's hop count: closes a pipe that sends a malformed one (NNG), drops
 * (and counts) one that crossed more than `maxTtl` hops. True if the message may pass.
 */
function admitHops(
  pipe: Pipe<SpMessage, SpPeer>,
  msg: SpMessage,
  maxTtl: number,
  host: PatternHost,
): boolean {
  const header = headerBytes(msg);
  const hops = header.length >= 4 ? readU32(header, 0) : -1;
  if (hops < 0 || hops > 0xff) {
    pipe.close(new MqError("EPROTO", "pair1 message without a valid hop count"));
    return false;
  }
  if (hops > maxTtl) {
    host.stats.dropped++;
    return false;
  }
  return true;
}

/** Raw PAIR1: the hop count is the user's, checked on the way in and raised on the way out. */
class RawPair1Pattern extends MonogamousPattern<SpMessage, SpPeer> {
  /** Read as each message arrives (set live through the socket's `maxTtl`). */
  maxTtl: number;

  constructor(maxTtl: number) {
    super(PAIR_TAKEN);
    this.maxTtl = maxTtl;
  }

  admit(pipe: Pipe<SpMessage, SpPeer>, msg: SpMessage): boolean {
    return admitHops(pipe, msg, this.maxTtl, this.host);
  }

  override trySend(msg: SpMessage): boolean {
    const bytes = joinParts(msg);
    const hops = bytes.length >= 4 ? readU32(bytes, 0) : 0xff;
    if (hops >= 0xff) {
      throw new MqError("EINVAL", "a raw pair1 message must start with a hop count below 255");
    }
    return this.sendWithHops(u32Bytes(hops + 1), bytes.subarray(4));
  }

  override tryRecv(): Uint8Array | undefined {
    const msg = this.recvWithHops();
    return msg === undefined ? undefined : joinParts(msg);
  }

  /** Sends `body` behind the hop count `hops` (no copy of the body). */
  protected sendWithHops(hops: Uint8Array, body: Uint8Array): boolean {
    return super.trySend({ head: hops, body });
  }

  /** The next message, hop count included (admit() checked it). */
  protected recvWithHops(): SpMessage | undefined {
    return super.tryRecv();
  }
}

/** Cooked PAIR1: raw PAIR1 that puts the first hop on and takes the count off. */
class Pair1Pattern extends RawPair1Pattern {
  override trySend(msg: SpMessage): boolean {
    return this.sendWithHops(ONE_HOP, msg as Uint8Array);
  }

  override tryRecv(): Uint8Array | undefined {
    const msg = this.recvWithHops();
    return msg === undefined ? undefined : splitHeader(msg, 4)[1];
  }
}

/**
 * Polyamorous PAIR1: every peer is kept; messages are fair-queued and handed over with the id of
 * their pipe in the head; a send names its pipe in the head (0: the first peer still connected)
 * and is dropped when that peer is gone or full.
 */
class PolyPair1Pattern implements Pattern<SpMessage, SpPeer> {
  #host!: PatternHost;
  #fq = new FairQueue<SpMessage>();
  #pipes = new Map<number, Pipe<SpMessage, SpPeer>>(); // in the order they came
  /** Read as each message arrives (set live through the socket's `maxTtl`). */
  maxTtl: number;

  constructor(maxTtl: number) {
    this.maxTtl = maxTtl;
  }

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: Pipe<SpMessage, SpPeer>): undefined {
    this.#pipes.set(pipe.id, pipe);
    this.#fq.attach(pipe);
  }

  detach(pipe: Pipe<SpMessage, SpPeer>): void {
    this.#pipes.delete(pipe.id);
    this.#fq.detach(pipe);
  }

  admit(pipe: Pipe<SpMessage, SpPeer>, msg: SpMessage): boolean {
    return admitHops(pipe, msg, this.maxTtl, this.#host);
  }

  readable(pipe: Pipe<SpMessage, SpPeer>): void {
    this.#fq.activated(pipe);
    this.#host.wakeRecv();
  }

  writable(): void {}

  trySend(msg: SpMessage): true {
    const [head, body] = splitHeader(msg, 4); // the pipe id, as sendTo and send put it
    const id = readU32(head, 0);
    const pipe = id === 0 ? this.#pipes.values().next().value : this.#pipes.get(id);
    const stats = this.#host.stats;
    stats.txMsgs++;
    if (pipe === undefined || pipe.isClosed || !pipe.writable) stats.dropped++;
    else pipe.send({ head: ONE_HOP, body });
    return true;
  }

  tryRecv(): SpMessage | undefined {
    const msg = this.#fq.recv();
    if (msg === undefined) return undefined;
    this.#host.stats.rxMsgs++;
    return { head: u32Bytes(this.#fq.lastPipe.id), body: splitHeader(msg, 4)[1] };
  }
}

const ANY_PEER = u32Bytes(0);

/**
 * A PAIR1 socket (protocol pair1: NNG's default pair; nanomsg does not speak it).
 *
 * @example
 * ```ts
 * import { Pair1 } from "./mod.ts";
 * await using a = new Pair1();
 * await using b = new Pair1();
 * await a.listen("inproc://pair1-doc");
 * await b.dial("inproc://pair1-doc");
 * await a.send("ping");
 * console.log((await b.recv()).length); // 4
 * ```
 */
export class Pair1 extends SpSocket {
  #polyamorous: boolean;
  #pattern: RawPair1Pattern | PolyPair1Pattern;

  /** Creates a pair1 socket. */
  constructor(options: Pair1Options = {}) {
    const maxTtl = checkMaxTtl(options.maxTtl);
    const polyamorous = checkBoolean("polyamorous", options.polyamorous);
    if (polyamorous && options.raw === true) {
      throw new MqError("EINVAL", "a polyamorous pair1 socket cannot be raw (as in NNG)");
    }
    const pattern = polyamorous
      ? new PolyPair1Pattern(maxTtl)
      : options.raw === true
      ? new RawPair1Pattern(maxTtl)
      : new Pair1Pattern(maxTtl);
    super({ id: PAIR1, name: "pair1", peerId: PAIR1, peerName: "pair1" }, pattern, options, [
      "maxTtl",
      "polyamorous",
    ]);
    this.#polyamorous = polyamorous;
    this.#pattern = pattern;
  }

  static {
    fixedOptions(this.prototype, ["polyamorous"]);
  }

  /**
   * True for a polyamorous PAIR1 (see {@linkcode Pair1Options.polyamorous}); fixed when the socket
   * is created (NNG refuses it once the socket has started): assigning it throws `EREADONLY`.
   *
   * @example
   * ```ts
   * import { Pair1 } from "./mod.ts";
   * await using hub = new Pair1({ polyamorous: true });
   * console.log(hub.polyamorous); // true
   * ```
   */
  get polyamorous(): boolean {
    return this.#polyamorous;
  }

  /**
   * The most hops a message may have crossed (1 to 15); more are dropped. Set live: applies to the
   * messages that arrive afterwards (NNG's `NNG_OPT_MAXTTL` likewise).
   *
   * @example
   * ```ts
   * import { Pair1 } from "./mod.ts";
   * await using pair = new Pair1();
   * pair.maxTtl = 3;
   * console.log(pair.maxTtl); // 3
   * ```
   */
  get maxTtl(): number {
    return this.#pattern.maxTtl;
  }
  set maxTtl(hops: number) {
    this.#pattern.maxTtl = checkMaxTtl(hops);
  }

  /** Sends one message; a polyamorous PAIR1 sends it to its first peer still connected. */
  override send(msg: Uint8Array | string, options?: SendOptions): Promise<void> {
    if (!this.#polyamorous) return super.send(msg, options);
    return this.#sendVia(ANY_PEER, msg, options);
  }

  /** Sends only if that needs no waiting (polyamorous: to the first peer, never waiting). */
  override trySend(msg: Uint8Array | string): boolean {
    if (!this.#polyamorous) return super.trySend(msg);
    return this.trySendMessage({ head: ANY_PEER, body: toBytes(msg) });
  }

  /** Receives one message (from any peer, when polyamorous). */
  override recv(options?: RecvOptions): Promise<Uint8Array> {
    if (!this.#polyamorous) return super.recv(options);
    return this.recvMessage(options).then((msg) => splitHeader(msg, 4)[1]);
  }

  /** A message waiting now, or undefined (from any peer, when polyamorous). */
  override tryRecv(): Uint8Array | undefined {
    if (!this.#polyamorous) return super.tryRecv();
    const msg = this.tryRecvMessage();
    return msg === undefined ? undefined : splitHeader(msg, 4)[1];
  }

  /**
   * Receives one message and the pipe id of the peer it came from (polyamorous only; `ENOTSUP`
   * otherwise).
   *
   * @example Answer whoever asks
   * ```ts
   * import { Pair1 } from "./mod.ts";
   * await using hub = new Pair1({ polyamorous: true });
   * await using a = new Pair1();
   * await hub.listen("inproc://poly-doc");
   * await a.dial("inproc://poly-doc");
   * await a.send("hi");
   * const { pipe, data } = await hub.recvFrom();
   * await hub.sendTo(pipe, data);
   * console.log(new TextDecoder().decode(await a.recv())); // hi
   * ```
   */
  async recvFrom(options?: RecvOptions): Promise<PeerMessage> {
    if (!this.#polyamorous) {
      throw new MqError("ENOTSUP", "sp.Pair1: recvFrom needs { polyamorous: true }");
    }
    const msg = await this.recvMessage(options);
    const [head, data] = splitHeader(msg, 4);
    return { pipe: readU32(head, 0), data };
  }

  /**
   * Sends one message to the peer of pipe `pipe` (polyamorous only; `ENOTSUP` otherwise). Never
   * waits: if that peer has gone or cannot take the message now, it is dropped and counted.
   */
  sendTo(pipe: number, msg: Uint8Array | string, options?: SendOptions): Promise<void> {
    if (!this.#polyamorous) {
      return Promise.reject(
        new MqError("ENOTSUP", "sp.Pair1: sendTo needs { polyamorous: true }"),
      );
    }
    if (!Number.isInteger(pipe) || pipe < 1 || pipe > 0x7fffffff) {
      return Promise.reject(
        new MqError("EINVAL", `sp.Pair1: a pipe id is an integer from 1, got ${String(pipe)}`),
      );
    }
    return this.#sendVia(u32Bytes(pipe), msg, options);
  }

  #sendVia(head: Uint8Array, msg: Uint8Array | string, options?: SendOptions): Promise<void> {
    let body: Uint8Array;
    try {
      body = toBytes(msg);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.sendMessage({ head, body }, options);
  }
}
