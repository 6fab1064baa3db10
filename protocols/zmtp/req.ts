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
 * @module
 */
import { LoadBalancer } from "../_lb.ts";
import { MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { checkBoolean } from "./router.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";

/** Options of a REQ socket. */
export interface ReqOptions extends ZmqSocketOptions {
  /**
   * Allow `send` while a reply is due; the outstanding request is abandoned (libzmq's
   * `ZMQ_REQ_RELAXED`).
   * @default {false}
   */
  readonly relaxed?: boolean;
}

type ZmtpPipe = Pipe<Frames, ZmtpPeer>;

const DELIMITER = new Uint8Array(0);

class ReqPattern implements Pattern<Frames, ZmtpPeer> {
  #host!: PatternHost;
  #lb = new LoadBalancer<Frames>();
  #relaxed: boolean;
  #asked: ZmtpPipe | undefined; // where the outstanding request went, until its reply is read
  #reply: Frames | undefined; // the reply, until read

  constructor(relaxed: boolean) {
    this.#relaxed = relaxed;
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
      const valid = msg.length >= 2 && msg[0]!.length === 0;
      if (!valid || pipe !== this.#asked || this.#reply !== undefined) {
        this.#host.stats.dropped++; // malformed, unasked for, or a second reply
        continue;
      }
      this.#reply = msg.slice(1);
      this.#host.wakeRecv();
    }
  }

  trySend(frames: Frames): boolean {
    if (this.#asked !== undefined && !this.#relaxed) {
      throw new MqError("ESTATE", "zmq.Req: a reply is due; call recv() before sending again");
    }
    const pipe = this.#lb.send([DELIMITER, ...frames]);
    if (pipe === undefined) return false;
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
  /** Creates a REQ socket. */
  constructor(options: ReqOptions = {}) {
    super("REQ", new ReqPattern(checkBoolean("relaxed", options.relaxed)), options, ["relaxed"]);
  }
}
