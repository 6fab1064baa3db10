/**
 * REP (rep0, sp-request-reply-01): receives requests fair-queued from REQ
 * peers and sends each reply back to the peer that asked, with the request's
 * backtrace (the request id and any hops added by devices) put back in front.
 *
 * `send` before `recv` fails with `ESTATE`; a new `recv` abandons an
 * unanswered request. A request with more than `maxTtl` backtrace words is
 * dropped; one without a request id closes its pipe (as NNG does). A reply to
 * a peer that has gone is discarded without error.
 *
 * @module
 */
import { FairQueue } from "../_fq.ts";
import { checkInteger } from "../options.ts";
import { MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { backtraceLength, splitHeader } from "./_backtrace.ts";
import type { SpMessage } from "./wire.ts";
import { REP, REQ } from "./req.ts";
import { type SpPeer, SpSocket, type SpSocketOptions } from "./socket.ts";

/** Options of a REP socket. */
export interface RepOptions extends SpSocketOptions {
  /**
   * Requests whose backtrace has more words than this are dropped (1..15, as NNG).
   * @default {8}
   */
  readonly maxTtl?: number;
}

type SpPipe = Pipe<SpMessage, SpPeer>;

class RepPattern implements Pattern<SpMessage, SpPeer> {
  #host!: PatternHost;
  #fq = new FairQueue<SpMessage>();
  #maxTtl: number;
  #asker: { pipe: SpPipe; backtrace: Uint8Array } | undefined;

  constructor(maxTtl: number) {
    this.#maxTtl = maxTtl;
  }

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: SpPipe): undefined {
    this.#fq.attach(pipe);
  }

  detach(pipe: SpPipe): void {
    this.#fq.detach(pipe);
  }

  admit(pipe: SpPipe, msg: SpMessage): boolean {
    const length = backtraceLength(msg, this.#maxTtl);
    if (length === -1) {
      pipe.close(new MqError("EPROTO", "request without a request id"));
      return false;
    }
    if (length === -2) {
      this.#host.stats.dropped++; // too many hops: dropped, the peer stays (devices make these)
      return false;
    }
    return true;
  }

  readable(pipe: SpPipe): void {
    this.#fq.activated(pipe);
    this.#host.wakeRecv();
  }

  writable(): void {
    this.#host.wakeSend();
  }

  tryRecv(): Uint8Array | undefined {
    const msg = this.#fq.recv();
    if (msg === undefined) return undefined;
    const pipe = this.#fq.lastPipe as SpPipe;
    const length = backtraceLength(msg, this.#maxTtl); // > 0: admit() checked it
    const [backtrace, body] = splitHeader(msg, length);
    this.#asker = { pipe, backtrace };
    this.#host.stats.rxMsgs++;
    return body;
  }

  trySend(body: Uint8Array): boolean {
    const asker = this.#asker;
    if (asker === undefined) {
      throw new MqError("ESTATE", "sp.Rep: send() needs a request first; call recv()");
    }
    if (!asker.pipe.isClosed && !asker.pipe.writable) return false;
    this.#asker = undefined;
    if (asker.pipe.isClosed) {
      this.#host.stats.dropped++;
      return true;
    }
    asker.pipe.send({ head: asker.backtrace, body }); // no copy of the body
    this.#host.stats.txMsgs++;
    return true;
  }
}

/**
 * A REP socket: the server side of request/reply.
 *
 * @example An echo server's loop
 * ```ts
 * import { Rep, Req } from "./mod.ts";
 * await using rep = new Rep();
 * await using req = new Req();
 * await rep.listen("inproc://rep-doc");
 * await req.dial("inproc://rep-doc");
 * await req.send("hello");
 * const request = await rep.recv();
 * await rep.send(request);
 * console.log((await req.recv()).length); // 5
 * ```
 */
export class Rep extends SpSocket {
  /** Creates a REP socket. */
  constructor(options: RepOptions = {}) {
    const maxTtl = checkInteger("maxTtl", options.maxTtl ?? 8, 1, 15);
    super(
      { id: REP, name: "rep0", peerId: REQ, peerName: "req0" },
      new RepPattern(maxTtl),
      options,
      ["maxTtl"],
    );
  }
}
