/**
 * REQ (req0, sp-request-reply-01): sends a request to one REP peer and
 * receives its reply. Each request carries a 32-bit id with bit 31 set (ids
 * start at a random point so that a restarted client does not reuse recent
 * ones); a reply is matched by id, and anything else is dropped.
 *
 * A request is resent every `resendTime` ms until its reply comes, and at
 * once to another peer if the one it went to disconnects. A new `send`
 * abandons the outstanding request: a `recv` waiting for it fails with
 * `ECANCELED` and its late reply is dropped. `recv` before any `send` fails
 * with `ESTATE`.
 *
 * Where NNG and nanomsg differ we follow nanomsg here: `send` never waits for
 * a peer; the request is held and goes out as soon as a REP peer can take it
 * (the resend machinery owns it from then on, so blocking the caller would
 * add nothing). `recv` (and `recvTimeout`) bounds the whole exchange.
 *
 * @module
 */
import { LoadBalancer } from "../_lb.ts";
import { checkInteger } from "../options.ts";
import { MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { headerBytes, LAST_HOP, readU32, splitHeader, u32Bytes } from "./_backtrace.ts";
import type { SpMessage } from "./wire.ts";
import { type SpPeer, SpSocket, type SpSocketOptions } from "./socket.ts";

/** req0's wire id. */
export const REQ = 0x30;
/** rep0's wire id. */
export const REP = 0x31;

/** Options of a REQ socket. */
export interface ReqOptions extends SpSocketOptions {
  /**
   * Resend an unanswered request after this many ms; -1 never resends
   * (except after the peer it went to disconnects).
   * @default {60000}
   */
  readonly resendTime?: number;
}

type SpPipe = Pipe<SpMessage, SpPeer>;

interface Request {
  readonly id: number;
  readonly msg: SpMessage; // id + body, as sent
  pipe: Pipe<SpMessage> | undefined; // where it went last; undefined while waiting for a peer
  cancelTimer: (() => void) | undefined;
}

class ReqPattern implements Pattern<SpMessage, SpPeer> {
  #host!: PatternHost;
  #lb = new LoadBalancer<SpMessage>();
  #resendTime: number;
  #nextId = Math.floor(Math.random() * 0x80000000);
  #request: Request | undefined;
  #reply: Uint8Array | undefined;

  constructor(resendTime: number) {
    this.#resendTime = resendTime;
  }

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: SpPipe): undefined {
    this.#lb.attach(pipe);
    if (this.#request?.pipe === undefined) this.#transmit();
  }

  detach(pipe: SpPipe): void {
    this.#lb.detach(pipe);
    if (this.#request?.pipe === pipe) {
      this.#request.pipe = undefined;
      this.#transmit(); // resend at once elsewhere
    }
  }

  writable(pipe: SpPipe): void {
    this.#lb.activated(pipe);
    if (this.#request !== undefined && this.#request.pipe === undefined) this.#transmit();
  }

  readable(pipe: SpPipe): void {
    let msg: SpMessage | undefined;
    while ((msg = pipe.recv()) !== undefined) {
      const header = headerBytes(msg);
      if (header.length < 4) {
        pipe.close(new MqError("EPROTO", "reply without a request id"));
        return;
      }
      const request = this.#request;
      if (request === undefined || readU32(header, 0) !== request.id) {
        this.#host.stats.dropped++; // stale or unknown reply
        continue;
      }
      request.cancelTimer?.();
      this.#request = undefined;
      this.#reply = splitHeader(msg, 4)[1];
      this.#host.wakeRecv();
    }
  }

  trySend(body: Uint8Array): true {
    if (this.#request !== undefined || this.#reply !== undefined) this.#abandon();
    const id = (this.#nextId++ | LAST_HOP) >>> 0;
    if (this.#nextId > 0x7fffffff) this.#nextId = 0;
    const msg = { head: u32Bytes(id), body }; // no copy of the body
    this.#request = { id, msg, pipe: undefined, cancelTimer: undefined };
    this.#host.stats.txMsgs++;
    this.#transmit();
    return true;
  }

  tryRecv(): Uint8Array | undefined {
    const reply = this.#reply;
    if (reply !== undefined) {
      this.#reply = undefined;
      this.#host.stats.rxMsgs++;
      return reply;
    }
    if (this.#request === undefined) {
      throw new MqError("ESTATE", "sp.Req: recv() needs a request first; call send()");
    }
    return undefined;
  }

  /** Drops the outstanding request (and an unread reply); waiting receivers fail. */
  #abandon(): void {
    this.#request?.cancelTimer?.();
    this.#request = undefined;
    this.#reply = undefined;
    this.#host.failRecv(
      new MqError("ECANCELED", "sp.Req: the request was abandoned by a newer send()"),
    );
  }

  /** Sends the outstanding request to the next ready peer and arms the resend timer. */
  #transmit(): void {
    const request = this.#request;
    if (request === undefined) return;
    request.cancelTimer?.();
    request.cancelTimer = undefined;
    request.pipe = this.#lb.send(request.msg);
    if (request.pipe === undefined) return; // goes out when a peer can take it
    if (this.#resendTime >= 0) {
      request.cancelTimer = this.#host.setTimer(this.#resendTime, () => {
        if (this.#request === request) this.#transmit();
      });
    }
  }
}

/**
 * A REQ socket: the client side of request/reply.
 *
 * @example Ask and wait for the answer
 * ```ts
 * import { Rep, Req } from "./mod.ts";
 * await using rep = new Rep();
 * await using req = new Req();
 * await rep.listen("inproc://req-doc");
 * await req.dial("inproc://req-doc");
 * await req.send("ping");
 * await rep.send(await rep.recv()); // echo
 * console.log(new TextDecoder().decode(await req.recv())); // ping
 * ```
 */
export class Req extends SpSocket {
  /** Creates a REQ socket. */
  constructor(options: ReqOptions = {}) {
    const resendTime = checkInteger("resendTime", options.resendTime ?? 60000, -1, 2 ** 31 - 1);
    super(
      { id: REQ, name: "req0", peerId: REP, peerName: "rep0" },
      new ReqPattern(resendTime),
      options,
      [
        "resendTime",
      ],
    );
  }
}
