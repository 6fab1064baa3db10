/**
 * The known deviations of foreign implementations (`conformance/results/known.json`) and the check
 * of `results.ts --check`: edgemq must pass every case; a foreign implementation may fail only the
 * cases listed for it (each written up with its bytes in RESULTS.md); every run must complete.
 *
 * @module
 */
import { caseKey, deviations, type ImplResult } from "./result.ts";

/** Per implementation name, the keys ({@linkcode caseKey}) of the cases it fails today. */
export type Known = Readonly<Record<string, readonly string[]>>;

/** What a check found. */
export interface CheckOutcome {
  /** What makes the check fail: each a line for the reader. */
  readonly problems: readonly string[];
  /** Known deviations that passed this time (the list may be out of date; not a failure). */
  readonly nowPassing: readonly string[];
}

/**
 * Checks results against the known deviations.
 *
 * @example
 * ```ts
 * import { checkResults } from "./known.ts";
 * const outcome = checkResults([], {});
 * console.log(outcome.problems.length); // 0
 * ```
 */
export function checkResults(results: readonly ImplResult[], known: Known): CheckOutcome {
  const problems: string[] = [];
  const nowPassing: string[] = [];
  for (const impl of results) {
    if (impl.missing !== undefined) {
      problems.push(`${impl.name}: not run: ${impl.missing}`);
      continue;
    }
    for (const run of impl.runs) {
      if (run.status === "incomplete") {
        problems.push(`${impl.name} ${run.type}: the run did not complete: ${run.reason ?? "?"}`);
      }
    }
    const allowed = new Set(impl.edgemq ? [] : known[impl.name] ?? []);
    const seen = new Set<string>();
    for (const d of deviations(impl)) {
      const key = caseKey(d.type, d.result.name);
      seen.add(key);
      if (allowed.has(key)) continue;
      const what = d.result.status === "fail" ? "fails" : "could not run";
      problems.push(
        impl.edgemq
          ? `${impl.name} ${what} ${key}: edgemq must pass every case`
          : `${impl.name} ${what} ${key}: not a known deviation (new, or a runner regression)`,
      );
    }
    const ran = new Set(impl.runs.filter((r) => r.status === "ran").map((r) => r.type));
    for (const key of allowed) {
      const type = key.slice(0, key.indexOf(":"));
      if (ran.has(type) && !seen.has(key)) nowPassing.push(`${impl.name} ${key}`);
    }
  }
  return { problems, nowPassing };
}

/**
 * The known list as it is today: every foreign implementation's deviations in `results`, the
 * others' entries kept from `before` (used by `--update-known`).
 *
 * @example
 * ```ts
 * import { knownFrom } from "./known.ts";
 * console.log(knownFrom([], { x: ["REP: a"] })); // { x: ["REP: a"] }
 * ```
 */
export function knownFrom(results: readonly ImplResult[], before: Known): Known {
  const out: Record<string, readonly string[]> = { ...before };
  for (const impl of results) {
    if (impl.edgemq || impl.missing !== undefined) continue;
    const keys = deviations(impl).map((d) => caseKey(d.type, d.result.name));
    if (keys.length === 0) delete out[impl.name];
    else out[impl.name] = [...new Set(keys)];
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The foreign implementations' problems that a second run of the same types confirms: a new
 * deviation counts only if it shows again (a case that fails once in two runs is a timing
 * accident of a loaded machine, printed as such). edgemq's problems are not re-run: they all count.
 *
 * @example
 * ```ts
 * import { confirmed } from "./known.ts";
 * console.log(confirmed(["a fails x", "a fails y"], ["a fails y"])); // ["a fails y"]
 * ```
 */
export function confirmed(first: readonly string[], second: readonly string[]): string[] {
  const again = new Set(second);
  return first.filter((p) => again.has(p));
}

/**
 * The socket types of a foreign implementation whose problems are worth a second run: those with
 * a deviation not in the known list (a type that did not complete is not re-run: that counts).
 *
 * @example
 * ```ts
 * import { typesToConfirm } from "./known.ts";
 * console.log(typesToConfirm({ edgemq: true, missing: undefined, runs: [] } as never, {})); // []
 * ```
 */
export function typesToConfirm(impl: ImplResult, known: Known): string[] {
  if (impl.edgemq || impl.missing !== undefined) return [];
  const allowed = new Set(known[impl.name] ?? []);
  const types = deviations(impl)
    .filter((d) => !allowed.has(caseKey(d.type, d.result.name)))
    .map((d) => d.type);
  return [...new Set(types)];
}
