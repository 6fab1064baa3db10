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
import { MqError } from "../errors.ts";
import type { Pattern, PatternContext, PatternHost } from "../pattern.ts";
import type { Context } from "../context.ts";
import type { Pipe } from "../pipe.ts";
import { backtraceLength, readU32, splitHeader, withPipeId } from "./_backtrace.ts";
import type { SpMessage } from "./wire.ts";
import { REP, REQ } from "./req.ts";
import { checkMaxTtl, type SpPeer, SpSocket, type SpSocketOptions } from "./socket.ts";

/** Options of a REP socket. */
export interface RepOptions extends SpSocketOptions {
  /**
   * Requests whose backtrace has more words than this are dropped (1..15, as NNG).
   * @default {8}
   */
  readonly maxTtl?: number;
}

type SpPipe = Pipe<SpMessage, SpPeer>;

/**
 * Raw REP: fair-queues requests from REQ peers, each handed over as the id of its pipe, then its
 * backtrace and body; sends each message to the pipe its first word names. Requests without a
 * request id close their pipe; requests with more than `maxTtl` hops are dropped (NNG).
 */
export class RawRepPattern implements Pattern<SpMessage, SpPeer> {
  protected host!: PatternHost;
  protected readonly fq: FairQueue<SpMessage> = new FairQueue<SpMessage>();
  /** Read as each request arrives (set live through the socket's `maxTtl`). */
  maxTtl: number;
  /** What the socket answers ("request", "survey"), and its name ("sp.Rep"), for errors. */
  protected readonly words: { readonly what: string; readonly label: string };
  readonly #pipes = new Map<number, SpPipe>();

  constructor(maxTtl: number, words = { what: "request", label: "sp.Rep" }) {
    this.maxTtl = maxTtl;
    this.words = words;
  }

  bind(host: PatternHost): void {
    this.host = host;
  }

  attach(pipe: SpPipe): undefined {
    this.fq.attach(pipe);
    this.#pipes.set(pipe.id, pipe);
  }

  detach(pipe: SpPipe): void {
    this.fq.detach(pipe);
    this.#pipes.delete(pipe.id);
  }

  admit(pipe: SpPipe, msg: SpMessage): boolean {
    const length = backtraceLength(msg, this.maxTtl);
    if (length === -1) {
      const { what } = this.words;
      pipe.close(new MqError("EPROTO", `${what} without a ${what} id`));
      return false;
    }
    if (length === -2) {
      this.host.stats.dropped++; // too many hops: dropped, the peer stays (devices make these)
      return false;
    }
    return true;
  }

  readable(pipe: SpPipe): void {
    this.fq.activated(pipe);
    this.host.wakeRecv();
  }

  writable(): void {
    this.host.wakeSend();
  }

  tryRecv(_ctx: PatternContext): Uint8Array | undefined {
    const msg = this.fq.recv();
    if (msg === undefined) return undefined;
    this.host.stats.rxMsgs++;
    return withPipeId(this.fq.lastPipe.id, msg);
  }

  trySend(msg: Uint8Array, _ctx: PatternContext): boolean {
    const pipe = msg.length >= 4 ? this.#pipes.get(readU32(msg, 0)) : undefined;
    if (pipe === undefined || pipe.isClosed || !pipe.writable) {
      this.host.stats.dropped++; // gone, full, or no pipe id: best effort, as a device needs
      return true;
    }
    pipe.send(msg.subarray(4));
    this.host.stats.txMsgs++;
    return true;
  }
}

/** Whom a REP context answers: the pipe its request came from, and the request's backtrace. */
interface Asker {
  readonly pipe: SpPipe;
  readonly backtrace: Uint8Array;
}

/** Cooked REP: raw REP plus the backtrace kept per context, so that `send` answers in turn. */
/** @internal Cooked REP (and RESPONDENT, with its own words). */
export class RepPattern extends RawRepPattern {
  readonly contexts = true;

  override tryRecv(ctx: PatternContext): Uint8Array | undefined {
    const msg = this.fq.recv();
    if (msg === undefined) return undefined;
    const pipe = this.fq.lastPipe as SpPipe;
    const length = backtraceLength(msg, this.maxTtl); // > 0: admit() checked it
    const [backtrace, body] = splitHeader(msg, length);
    ctx.data = { pipe, backtrace } satisfies Asker; // a new request abandons an unanswered one
    this.host.stats.rxMsgs++;
    return body;
  }

  override trySend(body: Uint8Array, ctx: PatternContext): boolean {
    const asker = ctx.data as Asker | undefined;
    if (asker === undefined) {
      const { what, label } = this.words;
      throw new MqError("ESTATE", `${label}: send() needs a ${what} first; call recv()`);
    }
    if (!asker.pipe.isClosed && !asker.pipe.writable) return false;
    ctx.data = undefined;
    if (asker.pipe.isClosed) {
      this.host.stats.dropped++;
      return true;
    }
    asker.pipe.send({ head: asker.backtrace, body }); // no copy of the body
    this.host.stats.txMsgs++;
    return true;
  }

  closeContext(ctx: PatternContext): void {
    ctx.data = undefined;
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
  #pattern: RawRepPattern;

  /** Creates a REP socket. */
  constructor(options: RepOptions = {}) {
    const maxTtl = checkMaxTtl(options.maxTtl);
    const pattern = options.raw === true ? new RawRepPattern(maxTtl) : new RepPattern(maxTtl);
    super({ id: REP, name: "rep0", peerId: REQ, peerName: "req0" }, pattern, options, ["maxTtl"]);
    this.#pattern = pattern;
  }

  /**
   * The most hops a request may have crossed (1 to 15); more are dropped. Set live: applies to
   * the requests that arrive afterwards (NNG's `NNG_OPT_MAXTTL` likewise).
   *
   * @example
   * ```ts
   * import { Rep } from "./mod.ts";
   * await using rep = new Rep({ raw: true });
   * rep.maxTtl = 4;
   * console.log(rep.maxTtl); // 4
   * ```
   */
  get maxTtl(): number {
    return this.#pattern.maxTtl;
  }
  set maxTtl(hops: number) {
    this.#pattern.maxTtl = checkMaxTtl(hops);
  }

  /**
   * Opens a context that works on a request of its own (NNG's `nng_ctx_open`): `recv` takes the
   * next request, and `send` answers it along its own backtrace, whatever other contexts do
   * meanwhile. Close it with `close()` or `await using`. A raw REP has no contexts (`ENOTSUP`).
   *
   * @example
   * ```ts
   * import { Rep } from "./mod.ts";
   * await using rep = new Rep();
   * await using worker = rep.context();
   * console.log(worker.id > 0); // true
   * ```
   */
  context(): Context<Uint8Array, Uint8Array | string> {
    return this.openContext();
  }
}
