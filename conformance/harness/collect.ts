/**
 * Runs one implementation through the runner, socket type by socket type, in sequence: start the
 * target, run every case in process (`runCases`), stop the target for sure. A type whose run does
 * not finish within its budget is cut off (the target is stopped, so the cases left fail fast) and
 * recorded as incomplete.
 *
 * @module
 */
import { allCases } from "../runner/cases/mod.ts";
import type { Report } from "../runner/report.ts";
import { runCases } from "../runner/run.ts";
import type { Implementation } from "./impls.ts";
import type { ImplResult, TypeRun } from "./result.ts";

/** How the harness runs. */
export interface CollectOptions {
  /** The runner's step deadline, ms. */
  readonly stepMs: number;
  /** The most one socket type's run may take, ms. */
  readonly typeMs: number;
  /** How long a target may take to start serving, ms. */
  readonly startMs: number;
  /** The harness command, for the record. */
  readonly command: string;
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** Only these socket types (a re-run). @default every type of the implementation */
  readonly types?: readonly string[];
}

const message = (e: unknown): string => e instanceof Error ? e.message : String(e);

/** Runs one type: start, run, stop. */
async function runType(impl: Implementation, type: string, o: CollectOptions): Promise<TypeRun> {
  const cannot = impl.cannot[type];
  if (cannot !== undefined) return { type, status: "cannot", reason: cannot };
  let started;
  try {
    started = await impl.start(type, o.startMs);
  } catch (e) {
    return { type, status: "incomplete", reason: `did not start: ${message(e)}` };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const running = runCases(started.target, allCases(), {
    stepMs: o.stepMs,
    implementation: impl.label,
    ...(impl.filter === undefined ? {} : { filter: impl.filter.cases }),
  });
  const cutOff = new Promise<"cut">((resolve) => {
    timer = setTimeout(() => resolve("cut"), o.typeMs);
  });
  const outcome: Report | "cut" | Error = await Promise.race([running, cutOff]).catch((e) =>
    e instanceof Error ? e : new Error(String(e))
  );
  clearTimeout(timer);
  // a target that crashed makes the cases after it fail fast, maybe before its exit is seen
  if (typeof outcome === "object" && !(outcome instanceof Error) && outcome.summary.errors > 0) {
    await new Promise((r) => setTimeout(r, 500));
  }
  const crashed = started.crashed?.();
  await started.stop();
  const exit = crashed === undefined ? {} : { crashed: crashed.slice(0, 2000) };
  if (outcome === "cut") {
    // the target is gone: what is left of the run fails fast; wait for it to let go of its sockets
    await running.catch(() => {});
    return {
      type,
      status: "incomplete",
      command: started.command,
      reason: `the run did not finish within ${o.typeMs} ms`,
      ...exit,
    };
  }
  if (outcome instanceof Error) {
    return {
      type,
      status: "incomplete",
      command: started.command,
      reason: outcome.message,
      ...exit,
    };
  }
  return { type, status: "ran", command: started.command, report: outcome, ...exit };
}

/**
 * Runs every type of an implementation (none if its program is missing).
 *
 * @example
 * ```ts ignore
 * import { collect } from "./collect.ts";
 * import { implementations } from "./impls.ts";
 * const impl = implementations().find((i) => i.name === "nngcat")!;
 * const r = await collect(impl, { stepMs: 2000, typeMs: 120000, startMs: 10000, command: "x", log: console.log });
 * ```
 */
export async function collect(impl: Implementation, o: CollectOptions): Promise<ImplResult> {
  const base = {
    format: "edgemq-results/1" as const,
    name: impl.name,
    label: impl.label,
    wire: impl.wire,
    edgemq: impl.edgemq,
    date: new Date().toISOString(),
    command: o.command,
    ...(impl.filter === undefined ? {} : { only: impl.filter.why }),
  };
  const missing = impl.missing();
  if (missing !== undefined) {
    o.log(`${impl.name}: NOT RUN: ${missing}`);
    return { ...base, missing, runs: [] };
  }
  const runs: TypeRun[] = [];
  for (const type of impl.types.filter((t) => o.types === undefined || o.types.includes(t))) {
    const t0 = Date.now();
    const run = await runType(impl, type, o);
    runs.push(run);
    const s = run.report?.summary;
    o.log(
      `${impl.name} ${type}: ` +
        (s !== undefined
          ? `${s.passed} passed, ${s.failed} failed, ${s.errors} errors, ${s.skipped} skipped`
          : `${run.status === "cannot" ? "not run" : "INCOMPLETE"}: ${run.reason}`) +
        ` (${((Date.now() - t0) / 1000).toFixed(1)} s)` +
        (run.crashed === undefined ? "" : "; THE TARGET EXITED DURING THE RUN"),
    );
  }
  return { ...base, runs };
}
