/**
 * The runner's results as data: one {@linkcode CaseResult} per case, and a {@linkcode Report} for a
 * whole run, the JSON written by `--json`. The format is versioned (`format`) and self-describing
 * (target, implementation label, runtime, options), so a harness can gather the reports of many
 * implementations into one table.
 *
 * @module
 */
import type { TranscriptEntry } from "./transcript.ts";
import type { Role, Wire } from "./target.ts";

/** How a case ended: `error` means the runner could not carry it out (not a verdict). */
export type Status = "pass" | "fail" | "skip" | "error";

/** One case's outcome. */
export interface CaseResult {
  /** The case's name, its rule ids in brackets. */
  readonly name: string;
  /** The rule ids it checks. */
  readonly ids: readonly string[];
  /** Its RFC section. */
  readonly section: string;
  /** The verdict. */
  readonly status: Status;
  /** Milliseconds it took. */
  readonly durationMs: number;
  /** Where known implementations differ from the rule (from the case). */
  readonly differs?: string;
  /** Why it was skipped (status `skip`). */
  readonly reason?: string;
  /** What the rule asked (status `fail`). */
  readonly expected?: string;
  /** What the target did (status `fail`). */
  readonly observed?: string;
  /** What went wrong in the runner (status `error`). */
  readonly error?: string;
  /** Lines the case noted on the way. */
  readonly notes: readonly string[];
  /** Every byte sent and seen (kept for `fail` and `error`; empty for the others). */
  readonly transcript: readonly TranscriptEntry[];
}

/** Counts over a run. */
export interface Summary {
  /** Cases run or skipped. */
  readonly total: number;
  /** Passed. */
  readonly passed: number;
  /** Not applicable to the target. */
  readonly skipped: number;
  /** Failed: the target broke a rule. */
  readonly failed: number;
  /** The runner could not carry the case out. */
  readonly errors: number;
}

/** A whole run, as written by `--json`. */
export interface Report {
  /** The report format and its version. */
  readonly format: "edgemq-conformance/1";
  /** The implementation under test, as the user named it (`--name`), else the target URL. */
  readonly implementation: string;
  /** The target. */
  readonly target: {
    readonly wire: Wire;
    readonly type: string;
    readonly url: string;
    readonly role: Role;
  };
  /** Where and how the runner ran. */
  readonly runner: {
    readonly runtime: string;
    readonly startedAt: string;
    readonly durationMs: number;
    readonly stepMs: number;
    readonly filter?: string;
  };
  /** The counts. */
  readonly summary: Summary;
  /** Every case, in the order run. */
  readonly results: readonly CaseResult[];
}

/**
 * Counts the results.
 *
 * @example
 * ```ts
 * import { summarize } from "./report.ts";
 * console.log(summarize([]).total); // 0
 * ```
 */
export function summarize(results: readonly CaseResult[]): Summary {
  const count = (s: Status): number => results.filter((r) => r.status === s).length;
  return {
    total: results.length,
    passed: count("pass"),
    skipped: count("skip"),
    failed: count("fail"),
    errors: count("error"),
  };
}
