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
 * Each context (`req.context()`, NNG's `nng_ctx`) has its own request outstanding, and a reply is
 * matched to its context by the request id. The socket's own `send`/`recv` are its default
 * context. A raw REQ (`{ raw: true }`) keeps no state: it load-balances what it is given (the
 * header first, then the body) and hands back every reply whole, header included; cooked REQ is
 * that plus the request tracking.
 *
 * @module
 */
import { FairQueue } from "../_fq.ts";
import { LoadBalancer } from "../_lb.ts";
import { checkInteger } from "../options.ts";
import { MqError } from "../errors.ts";
import type { Pattern, PatternContext, PatternHost } from "../pattern.ts";
import type { Context } from "../context.ts";
import type { Pipe } from "../pipe.ts";
import {
  admitWithId,
  headerBytes,
  LAST_HOP,
  readU32,
  splitHeader,
  u32Bytes,
} from "./_backtrace.ts";
import { joinParts, type SpMessage } from "./wire.ts";
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

/**
 * Raw REQ: load-balances messages over REP peers as they are (header and body), and fair-queues
 * the replies, header included. A reply too short to hold a request id closes its pipe (NNG).
 */
export class RawReqPattern implements Pattern<SpMessage, SpPeer> {
  protected host!: PatternHost;
  protected readonly lb: LoadBalancer<SpMessage> = new LoadBalancer<SpMessage>();
  readonly #fq = new FairQueue<SpMessage>();

  bind(host: PatternHost): void {
    this.host = host;
  }

  attach(pipe: SpPipe): undefined {
    this.lb.attach(pipe);
    this.#fq.attach(pipe);
  }

  detach(pipe: SpPipe): void {
    this.lb.detach(pipe);
    this.#fq.detach(pipe);
  }

  admit(pipe: SpPipe, msg: SpMessage): boolean {
    return admitWithId(pipe, msg, "reply without a request id");
  }

  writable(pipe: SpPipe): void {
    this.lb.activated(pipe);
    this.host.wakeSend();
  }

  readable(pipe: SpPipe): void {
    this.#fq.activated(pipe);
    this.host.wakeRecv();
  }

  trySend(msg: SpMessage, _ctx: PatternContext): boolean {
    if (this.lb.send(msg) === undefined) return false;
    this.host.stats.txMsgs++;
    return true;
  }

  tryRecv(_ctx: PatternContext): Uint8Array | undefined {
    const msg = this.#fq.recv();
    if (msg === undefined) return undefined;
    this.host.stats.rxMsgs++;
    return joinParts(msg);
  }
}

interface Request {
  readonly id: number;
  readonly msg: SpMessage; // id + body, as sent
  readonly ctx: PatternContext;
  pipe: Pipe<SpMessage> | undefined; // where it went last; undefined while waiting for a peer
  cancelTimer: (() => void) | undefined;
}

/** A context's state: its outstanding request, or the reply it has not read yet. */
interface ReqState {
  request: Request | undefined;
  reply: Uint8Array | undefined;
}

/** Cooked REQ: raw REQ plus request ids, resends, and reply matching per context. */
class ReqPattern extends RawReqPattern {
  readonly contexts = true;
  /** Read as each request goes out (NNG arms its timer when a request starts). */
  resendTime: number;
  #nextId = Math.floor(Math.random() * 0x80000000);
  #outstanding = new Map<number, Request>(); // by request id
  #waiting: Request[] = []; // requests no peer could take yet, oldest first

  constructor(resendTime: number) {
    super();
    this.resendTime = resendTime;
  }

  override attach(pipe: SpPipe): undefined {
    this.lb.attach(pipe);
    this.#transmitWaiting();
  }

  override detach(pipe: SpPipe): void {
    this.lb.detach(pipe);
    for (const request of this.#outstanding.values()) {
      if (request.pipe !== pipe) continue;
      request.cancelTimer?.();
      request.pipe = undefined;
      this.#waiting.push(request); // resend at once elsewhere
    }
    this.#transmitWaiting();
  }

  override writable(pipe: SpPipe): void {
    this.lb.activated(pipe);
    this.#transmitWaiting();
  }

  override readable(pipe: SpPipe): void {
    let msg: SpMessage | undefined;
    while ((msg = pipe.recv()) !== undefined) {
      const request = this.#outstanding.get(readU32(headerBytes(msg), 0)); // admit() checked it
      if (request === undefined) {
        this.host.stats.dropped++; // stale or unknown reply
        continue;
      }
      this.#forget(request);
      const state = stateOf(request.ctx);
      state.request = undefined;
      state.reply = splitHeader(msg, 4)[1];
      this.host.wakeRecv(request.ctx);
    }
  }

  override trySend(body: Uint8Array, ctx: PatternContext): true {
    const state = stateOf(ctx);
    if (state.request !== undefined || state.reply !== undefined) this.#abandon(ctx, state);
    const id = (this.#nextId++ | LAST_HOP) >>> 0;
    if (this.#nextId > 0x7fffffff) this.#nextId = 0;
    const msg = { head: u32Bytes(id), body }; // no copy of the body
    const request: Request = { id, msg, ctx, pipe: undefined, cancelTimer: undefined };
    state.request = request;
    this.#outstanding.set(id, request);
    this.host.stats.txMsgs++;
    this.#transmit(request);
    return true;
  }

  override tryRecv(ctx: PatternContext): Uint8Array | undefined {
    const state = stateOf(ctx);
    const reply = state.reply;
    if (reply !== undefined) {
      state.reply = undefined;
      this.host.stats.rxMsgs++;
      return reply;
    }
    if (state.request === undefined) {
      throw new MqError("ESTATE", "sp.Req: recv() needs a request first; call send()");
    }
    return undefined;
  }

  closeContext(ctx: PatternContext): void {
    const state = stateOf(ctx);
    if (state.request !== undefined) this.#forget(state.request);
    ctx.data = undefined;
  }

  /** Drops the context's outstanding request (and an unread reply); its receivers fail. */
  #abandon(ctx: PatternContext, state: ReqState): void {
    if (state.request !== undefined) this.#forget(state.request);
    state.request = undefined;
    state.reply = undefined;
    this.host.failRecv(
      new MqError("ECANCELED", "sp.Req: the request was abandoned by a newer send()"),
      ctx,
    );
  }

  #forget(request: Request): void {
    request.cancelTimer?.();
    request.cancelTimer = undefined;
    this.#outstanding.delete(request.id);
  }

  /** Sends a request now if no older one waits for a peer and a peer can take it; else queues it. */
  #transmit(request: Request): void {
    request.cancelTimer?.();
    request.cancelTimer = undefined;
    request.pipe = undefined;
    if (this.#waiting.length > 0 || !this.#send(request)) this.#waiting.push(request);
  }

  /** Sends the requests that wait for a peer, oldest first, while peers can take them. */
  #transmitWaiting(): void {
    const waiting = this.#waiting;
    while (waiting.length > 0) {
      const request = waiting[0]!;
      if (this.#outstanding.get(request.id) === request && request.pipe === undefined) {
        if (!this.#send(request)) return;
      }
      waiting.shift(); // sent, or abandoned meanwhile
    }
  }

  /** Hands a request to the next ready peer and arms its resend timer; false if none can take it. */
  #send(request: Request): boolean {
    request.pipe = this.lb.send(request.msg);
    if (request.pipe === undefined) return false;
    if (this.resendTime >= 0) {
      request.cancelTimer = this.host.setTimer(this.resendTime, () => {
        if (this.#outstanding.get(request.id) === request) this.#transmit(request);
      });
    }
    return true;
  }
}

function checkResendTime(value: unknown): number {
  return checkInteger("resendTime", value, -1, 2 ** 31 - 1);
}

function stateOf(ctx: PatternContext): ReqState {
  return (ctx.data ??= { request: undefined, reply: undefined }) as ReqState;
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
  #resendTime: number;
  #pattern: RawReqPattern;

  /** Creates a REQ socket. */
  constructor(options: ReqOptions = {}) {
    const resendTime = checkResendTime(options.resendTime ?? 60000);
    const pattern = options.raw === true ? new RawReqPattern() : new ReqPattern(resendTime);
    super({ id: REQ, name: "req0", peerId: REP, peerName: "rep0" }, pattern, options, [
      "resendTime",
    ]);
    this.#resendTime = resendTime;
    this.#pattern = pattern;
  }

  /**
   * Resend an unanswered request after this many ms; -1 never. Set live: applies to the requests
   * sent afterwards (NNG's `NNG_OPT_REQ_RESENDTIME` starts its timer with each request). A raw
   * REQ keeps it but never resends.
   *
   * @example
   * ```ts
   * import { Req } from "./mod.ts";
   * await using req = new Req();
   * req.resendTime = 500;
   * console.log(req.resendTime); // 500
   * ```
   */
  get resendTime(): number {
    return this.#resendTime;
  }
  set resendTime(ms: number) {
    this.#resendTime = checkResendTime(ms);
    if (this.#pattern instanceof ReqPattern) this.#pattern.resendTime = this.#resendTime;
  }

  /**
   * Opens a context with a request of its own (NNG's `nng_ctx_open`): many contexts of one REQ
   * have requests outstanding at once, each matched to its own reply. Close it with `close()` or
   * `await using`. A raw REQ has no contexts (`ENOTSUP`).
   *
   * @example
   * ```ts
   * import { Req } from "./mod.ts";
   * await using req = new Req();
   * await using ctx = req.context();
   * console.log(ctx.id > 0); // true
   * ```
   */
  context(): Context<Uint8Array, Uint8Array | string> {
    return this.openContext();
  }
}
