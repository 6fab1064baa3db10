/**
 * RESPONDENT (respondent0, sp-surveyor-01): answers the surveys of SURVEYOR peers. On the wire it
 * is REP with other ids: a survey carries a backtrace ending in the survey id (bit 31 set), and
 * the response goes back along it. So RESPONDENT is REP's pattern with its own words: surveys are
 * fair-queued, `send` answers the survey last received (`ESTATE` before any), a new `recv`
 * abandons an unanswered survey, a survey without a survey id closes its pipe, one with more than
 * `maxTtl` hops is dropped, and an answer to a surveyor that has gone is discarded. Contexts
 * (`respondent.context()`) answer several surveys at once; `{ raw: true }` gives the pipe id and
 * backtrace to the user, as raw REP does.
 *
 * @module
 */
import type { Context } from "../context.ts";
import { RawRepPattern, RepPattern } from "./rep.ts";
import { checkMaxTtl, SpSocket, type SpSocketOptions } from "./socket.ts";

/** surveyor0's wire id. */
export const SURVEYOR = 0x62;
/** respondent0's wire id. */
export const RESPONDENT = 0x63;

/** Options of a RESPONDENT socket. */
export interface RespondentOptions extends SpSocketOptions {
  /**
   * Surveys whose backtrace has more words than this are dropped (1..15, as NNG).
   * @default {8}
   */
  readonly maxTtl?: number;
}

const WORDS = { what: "survey", label: "sp.Respondent" };

/**
 * A RESPONDENT socket: the answering side of a survey.
 *
 * @example Answer one survey
 * ```ts
 * import { Respondent, Surveyor } from "./mod.ts";
 * await using surveyor = new Surveyor({ surveyTime: 500 });
 * await using respondent = new Respondent();
 * await surveyor.listen("inproc://respondent-doc");
 * await respondent.dial("inproc://respondent-doc");
 * await surveyor.send("who is there?");
 * await respondent.recv();
 * await respondent.send("me");
 * console.log(new TextDecoder().decode(await surveyor.recv())); // me
 * ```
 */
export class Respondent extends SpSocket {
  #pattern: RawRepPattern;

  /** Creates a RESPONDENT socket. */
  constructor(options: RespondentOptions = {}) {
    const maxTtl = checkMaxTtl(options.maxTtl);
    const pattern = options.raw === true
      ? new RawRepPattern(maxTtl, WORDS)
      : new RepPattern(maxTtl, WORDS);
    super(
      { id: RESPONDENT, name: "respondent0", peerId: SURVEYOR, peerName: "surveyor0" },
      pattern,
      options,
      ["maxTtl"],
    );
    this.#pattern = pattern;
  }

  /**
   * The most hops a survey may have crossed (1 to 15); more are dropped. Set live: applies to the
   * surveys that arrive afterwards (NNG's `NNG_OPT_MAXTTL` likewise).
   *
   * @example
   * ```ts
   * import { Respondent } from "./mod.ts";
   * await using respondent = new Respondent();
   * respondent.maxTtl = 2;
   * console.log(respondent.maxTtl); // 2
   * ```
   */
  get maxTtl(): number {
    return this.#pattern.maxTtl;
  }
  set maxTtl(hops: number) {
    this.#pattern.maxTtl = checkMaxTtl(hops);
  }

  /**
   * Opens a context that answers a survey of its own (NNG's `nng_ctx_open`); see
   * `sp.Rep.context`. A raw RESPONDENT has no contexts (`ENOTSUP`).
   *
   * @example
   * ```ts
   * import { Respondent } from "./mod.ts";
   * await using respondent = new Respondent();
   * await using worker = respondent.context();
   * console.log(worker.id > 0); // true
   * ```
   */
  context(): Context<Uint8Array, Uint8Array | string> {
    return this.openContext();
  }
}
