/**
 * What the results harness keeps of one implementation: for each socket type it was asked to
 * serve, the runner's report (`edgemq-conformance/1`), or why it was not run. Written as
 * `conformance/results/<name>.json` and read back to draw `conformance/RESULTS.md`.
 *
 * @module
 */
import type { Report } from "../runner/report.ts";
import type { Wire } from "../runner/target.ts";

/**
 * How one socket type went: `ran` (the report says how each case went), `cannot` (the program
 * has no way to serve this type under the runner's contract; the reason says why), `incomplete`
 * (it was to run, but did not start or did not finish in time: a failure of the run).
 */
export type RunStatus = "ran" | "cannot" | "incomplete";

/** One socket type of one implementation. */
export interface TypeRun {
  /** ZMTP type (`REP`) or SP protocol (`rep0`). */
  readonly type: string;
  /** How it went. */
  readonly status: RunStatus;
  /** Why it was not run or did not complete. */
  readonly reason?: string;
  /** The target program's command line, as run. */
  readonly command?: string;
  /** The runner's report (status `ran`). */
  readonly report?: Report;
  /**
   * The target exited by itself during the run (a crash): the end of its standard error. The
   * cases after the crash could not be carried out.
   */
  readonly crashed?: string;
}

/** One implementation's results, the file `conformance/results/<name>.json`. */
export interface ImplResult {
  /** The file format and its version. */
  readonly format: "edgemq-results/1";
  /** The short name (`libzmq-4.3.4`), the file's name. */
  readonly name: string;
  /** What it is, with versions. */
  readonly label: string;
  /** Its wire. */
  readonly wire: Wire;
  /** Whether it is edgemq itself (its failures are bugs to fix, never known deviations). */
  readonly edgemq: boolean;
  /** When the run started (ISO 8601). */
  readonly date: string;
  /** The harness command that made it. */
  readonly command: string;
  /** Why only some cases ran (the implementation's filter), if so. */
  readonly only?: string;
  /** Why it was not run at all (its program is missing), if so. */
  readonly missing?: string;
  /** Each socket type. */
  readonly runs: readonly TypeRun[];
}

/** A case that did not pass: failed (a deviation) or could not be carried out (an error). */
export interface Deviation {
  /** The socket type it was run against. */
  readonly type: string;
  /** The case's result. */
  readonly result: Report["results"][number];
}

/**
 * The cases of an implementation that failed or could not be carried out, in run order.
 *
 * @example
 * ```ts
 * import { deviations } from "./result.ts";
 * console.log(deviations({ runs: [] }).length); // 0
 * ```
 */
export function deviations(impl: Pick<ImplResult, "runs">): Deviation[] {
  const out: Deviation[] = [];
  for (const run of impl.runs) {
    for (const result of run.report?.results ?? []) {
      if (result.status === "fail" || result.status === "error") {
        out.push({ type: run.type, result });
      }
    }
  }
  return out;
}

/**
 * The key a deviation is known by in `known.json`: the socket type and the case's name (which
 * ends with its rule ids).
 *
 * @example
 * ```ts
 * import { caseKey } from "./result.ts";
 * console.log(caseKey("REP", "answers")); // "REP: answers"
 * ```
 */
export function caseKey(type: string, name: string): string {
  return `${type}: ${name}`;
}
