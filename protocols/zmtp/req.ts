/**
 * REQ (RFC 28, ZMTP `Socket-Type` "REQ"): the client side of request-reply. Each request goes to
 * one REP or ROUTER peer, round robin over the peers that can take it (`send` waits while none
 * can), with an empty delimiter frame put in front of it. Then `recv` returns the reply: only
 * from the peer the request went to, with the delimiter removed; replies from other peers, or
 * that do not start with an empty frame, are dropped.
 *
 * Sends and receives alternate strictly: `send` while a reply is due, or `recv` with no request
 * out, rejects with `ESTATE`. With `relaxed: true` (libzmq's `ZMQ_REQ_RELAXED`) a new `send` is
 * allowed at any time and abandons the previous request; its reply, if it comes later, is taken
 * for the new one's when it comes from the same peer (as in libzmq without `ZMQ_REQ_CORRELATE`).
 *
 * With `correlate: true` (libzmq's `ZMQ_REQ_CORRELATE`) each request also carries a 4-byte
 * request id frame before the delimiter: `[id, "", ...body]`. The id starts at a random value
 * and grows by one per request; REP and ROUTER peers echo it back as part of the envelope, and
 * only the reply carrying the current id is accepted. Together with `relaxed` this makes a late
 * reply to an abandoned request harmless: it is dropped instead of being taken for the new one's.
 *
 * Unless `immediate: true` (libzmq's `ZMQ_IMMEDIATE`), each `connect()` gets a queue of its own at
 * once, so a request sent before the connection is made waits there for it, as in libzmq.
 *
 * @module
 */
import { LoadBalancer } from "../_lb.ts";
import { MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import type { ImmediateOptions } from "./options.ts";
import { checkBoolean } from "../options.ts";
import { type Frames, ZmqSocket, type ZmtpPeer } from "./socket.ts";

/** Options of a REQ socket. */
export interface ReqOptions extends ImmediateOptions {
  /**
   * Allow `send` while a reply is due; the outstanding request is abandoned (libzmq's
   * `ZMQ_REQ_RELAXED`).
   * @default {false}
   */
  readonly relaxed?: boolean;
  /**
   * Put a 4-byte request id frame before the delimiter of each request and accept only the reply
   * that echoes the current one (libzmq's `ZMQ_REQ_CORRELATE`); usually used with `relaxed`.
   * @default {false}
   */
  readonly correlate?: boolean;
}

type ZmtpPipe = Pipe<Frames, ZmtpPeer>;

const DELIMITER = new Uint8Array(0);

class ReqPattern implements Pattern<Frames, ZmtpPeer> {
  queueWhileConnecting: boolean; // not `immediate`; set live through it
  #host!: PatternHost;
  #lb = new LoadBalancer<Frames>();
  /** Read at each send (settable live). */
  relaxed: boolean;
  /** Read at each send: the reply is matched as its request was sent (settable live). */
  correlate: boolean;
  #requestId = Math.floor(Math.random() * 0x100000000); // of the last request sent
  #idFrame: Uint8Array | undefined; // the last request's id frame, if it went with `correlate`
  #asked: ZmtpPipe | undefined; // where the outstanding request went, until its reply is read
  #reply: Frames | undefined; // the reply, until read

  constructor(relaxed: boolean, correlate: boolean, queue: boolean) {
    this.queueWhileConnecting = queue;
    this.relaxed = relaxed;
    this.correlate = correlate;
  }

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: ZmtpPipe): undefined {
    this.#lb.attach(pipe);
  }

  detach(pipe: ZmtpPipe): void {
    this.#lb.detach(pipe);
  }

  writable(pipe: ZmtpPipe): void {
    this.#lb.activated(pipe);
    this.#host.wakeSend();
  }

  readable(pipe: ZmtpPipe): void {
    let msg: Frames | undefined;
    while ((msg = pipe.recv()) !== undefined) {
      const idFrame = this.#idFrame; // set if the request went out with `correlate`
      const skip = idFrame === undefined ? 0 : 1; // the request id frame
      const valid = msg.length >= 2 + skip && msg[skip]!.length === 0 &&
        (idFrame === undefined || sameBytes(msg[0]!, idFrame));
      if (!valid || pipe !== this.#asked || this.#reply !== undefined) {
        // malformed, unasked for, a second reply, or (correlate) the reply to an older request
        this.#host.stats.dropped++;
        continue;
      }
      this.#reply = msg.slice(1 + skip);
      this.#host.wakeRecv();
    }
  }

  trySend(frames: Frames): boolean {
    if (this.#asked !== undefined && !this.relaxed) {
      throw new MqError("ESTATE", "zmq.Req: a reply is due; call recv() before sending again");
    }
    let request = [DELIMITER, ...frames];
    let idFrame: Uint8Array | undefined;
    if (this.correlate) {
      idFrame = new Uint8Array(4);
      new DataView(idFrame.buffer).setUint32(0, (this.#requestId + 1) >>> 0);
      request = [idFrame, ...request];
    }
    const pipe = this.#lb.send(request);
    if (pipe === undefined) return false;
    if (idFrame !== undefined) this.#requestId = (this.#requestId + 1) >>> 0;
    this.#idFrame = idFrame;
    this.#asked = pipe as ZmtpPipe;
    this.#reply = undefined;
    this.#host.stats.txMsgs++;
    return true;
  }

  tryRecv(): Frames | undefined {
    const reply = this.#reply;
    if (reply !== undefined) {
      this.#reply = undefined;
      this.#asked = undefined;
      this.#host.stats.rxMsgs++;
      return reply;
    }
    if (this.#asked === undefined) {
      throw new MqError("ESTATE", "zmq.Req: no request is out; call send() first");
    }
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A REQ socket (libzmq's `ZMQ_REQ`).
 *
 * @example Ask a REP and read the answer
 * ```ts
 * import { Req } from "./req.ts";
 * import { Rep } from "./rep.ts";
 * await using rep = new Rep();
 * await using req = new Req();
 * const { url } = await rep.bind("tcp://127.0.0.1:0");
 * await req.connect(url);
 * await req.send("ping");
 * await rep.send(await rep.recv());
 * const [answer] = await req.recv();
 * console.log(new TextDecoder().decode(answer)); // ping
 * ```
 */
export class Req extends ZmqSocket {
  #pattern: ReqPattern;

  /** Creates a REQ socket. */
  constructor(options: ReqOptions = {}) {
    const pattern = new ReqPattern(
      checkBoolean("relaxed", options.relaxed),
      checkBoolean("correlate", options.correlate),
      !checkBoolean("immediate", options.immediate),
    );
    super("REQ", pattern, options, ["relaxed", "correlate", "immediate"]);
    this.#pattern = pattern;
  }

  /**
   * Let a new `send` abandon the outstanding request (see {@linkcode ReqOptions.relaxed}). Set
   * live: applies to the sends made afterwards (libzmq's `ZMQ_REQ_RELAXED` may change at any
   * time too).
   *
   * @example
   * ```ts
   * import { Req } from "./req.ts";
   * await using req = new Req();
   * req.relaxed = true;
   * console.log(req.relaxed); // true
   * ```
   */
  get relaxed(): boolean {
    return this.#pattern.relaxed;
  }
  set relaxed(value: boolean) {
    this.#pattern.relaxed = checkBoolean("relaxed", value);
  }

  /**
   * Number each request and accept only the reply that echoes it (see
   * {@linkcode ReqOptions.correlate}). Set live: applies from the next request on (the one out
   * keeps how it was sent).
   */
  get correlate(): boolean {
    return this.#pattern.correlate;
  }
  set correlate(value: boolean) {
    this.#pattern.correlate = checkBoolean("correlate", value);
  }

  /**
   * Send only over completed connections (see {@linkcode ImmediateOptions.immediate}). Set live:
   * applies to the connects made afterwards (libzmq's `ZMQ_IMMEDIATE` likewise).
   */
  get immediate(): boolean {
    return this.immediateOption;
  }
  set immediate(value: boolean) {
    this.immediateOption = value;
  }
}
