/**
 * SURVEYOR (surveyor0, sp-surveyor-01): sends a survey to every RESPONDENT peer at once and
 * collects their responses until the survey's deadline, `surveyTime` ms after it was sent (1 s, as
 * NNG, nanomsg and mangos). Each survey carries a 32-bit id with bit 31 set (ids start at a random
 * point); responses are matched to their survey by that id.
 *
 * As NNG's survey0 does it (`src/sp/protocol/survey0/survey.c`):
 * - `send` never waits: each peer that can take the survey gets it, a full peer misses it, and
 *   with no peer at all the survey is simply lost (counted in `stats.dropped`).
 * - A new survey cancels the previous one of the same context: its waiting `recv` fails with
 *   `ECANCELED` and its unread responses are dropped.
 * - `recv` returns the next response; while the survey is open it waits, and when the deadline
 *   passes a waiting `recv` fails with `ETIMEDOUT`. A `recv` with no open survey (none sent, or
 *   its deadline passed) fails with `ESTATE`. nanomsg differs here: its first `recv` after the
 *   deadline fails with `ETIMEDOUT` and only the next one with `EFSM`.
 * - Responses to an older survey, or arriving after the deadline, are dropped (counted); at most
 *   128 unread responses are kept per survey (NNG's default), the rest are dropped.
 *
 * Each context (`surveyor.context()`) runs surveys of its own, so one SURVEYOR runs several at
 * once. A raw SURVEYOR (`{ raw: true }`) keeps no state: it sends what it is given (the survey id
 * first, then the body) to every peer, and hands back every response whole, id included.
 *
 * @module
 */
import { Deque } from "../_deque.ts";
import { Distributor } from "../_dist.ts";
import { FairQueue } from "../_fq.ts";
import { checkInteger } from "../options.ts";
import { MqError } from "../errors.ts";
import type { Pattern, PatternContext, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import type { Context } from "../context.ts";
import {
  admitWithId,
  headerBytes,
  LAST_HOP,
  readU32,
  splitHeader,
  u32Bytes,
} from "./_backtrace.ts";
import { joinParts, type SpMessage } from "./wire.ts";
import { RESPONDENT, SURVEYOR } from "./respondent.ts";
import { type SpPeer, SpSocket, type SpSocketOptions } from "./socket.ts";

/** Options of a SURVEYOR socket. */
export interface SurveyorOptions extends SpSocketOptions {
  /**
   * How long a survey stays open for responses, in ms (NNG's `surveyor:survey-time`, nanomsg's
   * `NN_SURVEYOR_DEADLINE`).
   * @default {1000}
   */
  readonly surveyTime?: number;
}

/** Unread responses kept per survey (NNG's per-context receive queue). */
const MAX_RESPONSES = 128;

type SpPipe = Pipe<SpMessage, SpPeer>;

/**
 * Raw SURVEYOR: sends messages as they are to every peer that can take one, and fair-queues the
 * responses, header included. A response shorter than a survey id closes its pipe (NNG).
 */
export class RawSurveyorPattern implements Pattern<SpMessage, SpPeer> {
  protected host!: PatternHost;
  protected readonly dist: Distributor<SpMessage> = new Distributor<SpMessage>();
  readonly #fq = new FairQueue<SpMessage>();

  bind(host: PatternHost): void {
    this.host = host;
  }

  attach(pipe: SpPipe): undefined {
    this.dist.attach(pipe);
    this.#fq.attach(pipe);
  }

  detach(pipe: SpPipe): void {
    this.dist.detach(pipe);
    this.#fq.detach(pipe);
  }

  admit(pipe: SpPipe, msg: SpMessage): boolean {
    return admitWithId(pipe, msg, "response without a survey id");
  }

  readable(pipe: SpPipe): void {
    this.#fq.activated(pipe);
    this.host.wakeRecv();
  }

  writable(): void {}

  trySend(msg: SpMessage, _ctx: PatternContext): true {
    this.broadcast(msg);
    return true;
  }

  tryRecv(_ctx: PatternContext): Uint8Array | undefined {
    const msg = this.#fq.recv();
    if (msg === undefined) return undefined;
    this.host.stats.rxMsgs++;
    return joinParts(msg);
  }

  /** Sends to every peer that can take it; counts the misses (all of it with no peer). */
  protected broadcast(msg: SpMessage): void {
    const stats = this.host.stats;
    stats.txMsgs++;
    stats.dropped += this.dist.size === 0 ? 1 : this.dist.send(msg);
  }
}

/** A context's survey: its id, its unread responses, and the timer of its deadline. */
interface Survey {
  readonly id: number;
  readonly ctx: PatternContext;
  readonly responses: Deque<Uint8Array>;
  cancelTimer: () => void;
}

function checkSurveyTime(value: unknown): number {
  return checkInteger("surveyTime", value, 1, 2 ** 31 - 1);
}

/** Cooked SURVEYOR: raw SURVEYOR plus survey ids, deadlines and response matching per context. */
class SurveyorPattern extends RawSurveyorPattern {
  readonly contexts = true;
  /** Read as each survey starts (NNG: "following surveys will last" this long). */
  surveyTime: number;
  #nextId = Math.floor(Math.random() * 0x80000000);
  #open = new Map<number, Survey>(); // by survey id

  constructor(surveyTime: number) {
    super();
    this.surveyTime = surveyTime;
  }

  override attach(pipe: SpPipe): undefined {
    this.dist.attach(pipe); // responses are read straight from the pipe, not fair-queued
  }

  override detach(pipe: SpPipe): void {
    this.dist.detach(pipe);
  }

  override readable(pipe: SpPipe): void {
    let msg: SpMessage | undefined;
    while ((msg = pipe.recv()) !== undefined) {
      const survey = this.#open.get(readU32(headerBytes(msg), 0)); // admit() checked the length
      if (survey === undefined || survey.responses.length >= MAX_RESPONSES) {
        this.host.stats.dropped++; // an older survey's, a late one, or one too many
        continue;
      }
      survey.responses.push(splitHeader(msg, 4)[1]);
      if (survey.responses.length === 1) this.host.wakeRecv(survey.ctx);
    }
  }

  override trySend(body: Uint8Array, ctx: PatternContext): true {
    this.#end(
      ctx,
      new MqError("ECANCELED", "sp.Surveyor: the survey was cancelled by a newer one"),
    );
    const id = (this.#nextId++ | LAST_HOP) >>> 0;
    if (this.#nextId > 0x7fffffff) this.#nextId = 0;
    const survey: Survey = {
      id,
      ctx,
      responses: new Deque<Uint8Array>(),
      cancelTimer: this.host.setTimer(this.surveyTime, () => {
        if (ctx.data !== survey) return;
        this.#end(ctx, new MqError("ETIMEDOUT", "sp.Surveyor: the survey's deadline passed"));
      }),
    };
    ctx.data = survey;
    this.#open.set(id, survey);
    this.broadcast({ head: u32Bytes(id), body }); // no copy of the body
    return true;
  }

  override tryRecv(ctx: PatternContext): Uint8Array | undefined {
    const survey = ctx.data as Survey | undefined;
    if (survey === undefined) {
      throw new MqError("ESTATE", "sp.Surveyor: no survey is open; call send() first");
    }
    const response = survey.responses.shift();
    if (response !== undefined) this.host.stats.rxMsgs++;
    return response;
  }

  closeContext(ctx: PatternContext): void {
    this.#end(ctx, undefined);
  }

  /** Closes the context's survey: waiting receivers fail with `why`, later responses drop. */
  #end(ctx: PatternContext, why: MqError | undefined): void {
    const survey = ctx.data as Survey | undefined;
    if (survey === undefined) return;
    survey.cancelTimer();
    this.#open.delete(survey.id);
    this.host.stats.dropped += survey.responses.length;
    ctx.data = undefined;
    if (why !== undefined) this.host.failRecv(why, ctx);
  }
}

/**
 * A SURVEYOR socket: asks every respondent at once and collects the answers until a deadline.
 *
 * @example Count who answers within 200 ms
 * ```ts
 * import { Respondent, Surveyor } from "./mod.ts";
 * await using surveyor = new Surveyor({ surveyTime: 200 });
 * const respondents = [new Respondent(), new Respondent()];
 * await surveyor.listen("inproc://surveyor-doc");
 * for (const r of respondents) await r.dial("inproc://surveyor-doc");
 * await surveyor.send("ping");
 * for (const r of respondents) (await r.recv(), await r.send("pong"));
 * let answers = 0;
 * try {
 *   for (;;) (await surveyor.recv(), answers++);
 * } catch {
 *   // ETIMEDOUT: the deadline passed
 * }
 * console.log(answers); // 2
 * for (const r of respondents) await r.close();
 * ```
 */
export class Surveyor extends SpSocket {
  #surveyTime: number;
  #pattern: RawSurveyorPattern;

  /** Creates a SURVEYOR socket. */
  constructor(options: SurveyorOptions = {}) {
    const surveyTime = checkSurveyTime(options.surveyTime ?? 1000);
    const pattern = options.raw === true
      ? new RawSurveyorPattern()
      : new SurveyorPattern(surveyTime);
    super(
      { id: SURVEYOR, name: "surveyor0", peerId: RESPONDENT, peerName: "respondent0" },
      pattern,
      options,
      ["surveyTime"],
    );
    this.#surveyTime = surveyTime;
    this.#pattern = pattern;
  }

  /**
   * How long a survey collects responses, in ms. Set live: applies to the surveys sent afterwards
   * (NNG's `NNG_OPT_SURVEYOR_SURVEYTIME` likewise). A raw SURVEYOR keeps it but keeps no deadline.
   *
   * @example
   * ```ts
   * import { Surveyor } from "./mod.ts";
   * await using surveyor = new Surveyor();
   * surveyor.surveyTime = 250;
   * console.log(surveyor.surveyTime); // 250
   * ```
   */
  get surveyTime(): number {
    return this.#surveyTime;
  }
  set surveyTime(ms: number) {
    this.#surveyTime = checkSurveyTime(ms);
    if (this.#pattern instanceof SurveyorPattern) this.#pattern.surveyTime = this.#surveyTime;
  }

  /**
   * Opens a context that runs surveys of its own (NNG's `nng_ctx_open`): several contexts of one
   * SURVEYOR have surveys open at once, each collecting its own responses until its own deadline.
   * A raw SURVEYOR has no contexts (`ENOTSUP`).
   *
   * @example
   * ```ts
   * import { Surveyor } from "./mod.ts";
   * await using surveyor = new Surveyor();
   * await using ctx = surveyor.context();
   * console.log(ctx.id > 0); // true
   * ```
   */
  context(): Context<Uint8Array, Uint8Array | string> {
    return this.openContext();
  }
}
