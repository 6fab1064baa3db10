/**
 * Runs cases against a target, one after the other: each case gets its own transcript and its own
 * connections (closed when it ends), every step has the `stepMs` deadline, and a whole case is cut
 * off after {@linkcode caseLimit} so no case can hang the run.
 *
 * @module
 */
import process from "node:process";
import { type Case, type CaseContext, idsOf } from "./case.ts";
import { type Endpoint, NoConnection, openEndpoint } from "./endpoint.ts";
import { Link } from "./link.ts";
import type { CaseResult, Report } from "./report.ts";
import { summarize } from "./report.ts";
import type { Target } from "./target.ts";
import { Transcript } from "./transcript.ts";
import { CaseFailure, NotApplicable } from "./verdict.ts";

/** How a run goes. */
export interface RunOptions {
  /** The deadline of each step, in milliseconds. @default 2000 */
  readonly stepMs?: number;
  /** Only cases whose name matches. */
  readonly filter?: RegExp;
  /** The implementation's name in the report. @default the target URL */
  readonly implementation?: string;
  /** Called after each case (for live output). */
  readonly onResult?: (result: CaseResult) => void;
  /**
   * The runner's side, already opened (a listener the target was told to dial); closed by the
   * run. @default opened from the target
   */
  readonly endpoint?: Endpoint;
}

/** Types that keep one peer at a time (ZMTP PAIR, SP pair0 and pair1). */
const MONOGAMOUS = new Set(["PAIR", "pair0", "pair1"]);
/** How long the runner lets a monogamous target notice a closed connection. */
const SETTLE_MS = 150;

/**
 * The most a whole case may take: six steps (a case waits for a few answers and a quiet window).
 *
 * @example
 * ```ts
 * import { caseLimit } from "./run.ts";
 * console.log(caseLimit(2000)); // 12000
 * ```
 */
export function caseLimit(stepMs: number): number {
  return 6 * stepMs;
}

function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno !== undefined) return `deno ${g.Deno.version.deno}`;
  if (g.Bun !== undefined) return `bun ${g.Bun.version}`;
  return `node ${process.versions.node}`;
}

/**
 * Runs every case that applies to `target` (its wire, type and role) and matches the filter; a
 * case that finds out while running that it does not concern the target is reported as skipped.
 *
 * @example
 * ```ts ignore
 * import { runCases } from "./run.ts";
 * import { allCases } from "./cases/mod.ts";
 * const target = { wire: "sp", type: "rep0", url: "tcp://127.0.0.1:5555", role: "dial" } as const;
 * const report = await runCases(target, allCases(), { stepMs: 1000 });
 * console.log(report.summary);
 * ```
 */
export async function runCases(
  target: Target,
  cases: readonly Case[],
  options: RunOptions = {},
): Promise<Report> {
  const stepMs = options.stepMs ?? 2000;
  const started = Date.now();
  const chosen = cases.filter((c) =>
    c.appliesTo(target) && (options.filter === undefined || options.filter.test(c.name))
  );
  const endpoint = options.endpoint ?? await openEndpoint(target);
  const results = new Map<Case, CaseResult>();
  // a target that dials may stop reconnecting after a refused connection: those cases go last
  const order = target.role === "listen"
    ? [
      ...chosen.filter((c) => c.disruptive !== true),
      ...chosen.filter((c) => c.disruptive === true),
    ]
    : chosen;
  let refused = false; // a disruptive case ran: a dialing target may have stopped reconnecting
  try {
    for (const c of order) {
      const result = await runOne(c, target, endpoint, stepMs, refused && target.role === "listen");
      refused ||= c.disruptive === true;
      results.set(c, result);
      // a monogamous target takes a new peer only once it has seen the last one go
      if (MONOGAMOUS.has(target.type)) await new Promise((r) => setTimeout(r, SETTLE_MS));
      options.onResult?.(result);
    }
  } finally {
    await endpoint.close();
  }
  return {
    format: "edgemq-conformance/1",
    implementation: options.implementation ?? target.url,
    target: { wire: target.wire, type: target.type, url: endpoint.url, role: target.role },
    runner: {
      runtime: runtimeName(),
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      stepMs,
      ...(options.filter === undefined ? {} : { filter: options.filter.source }),
    },
    summary: summarize([...results.values()]),
    results: chosen.map((c) => results.get(c)!),
  };
}

function base(c: Case): Pick<CaseResult, "name" | "ids" | "section" | "differs"> {
  return {
    name: c.name,
    ids: idsOf(c.name),
    section: c.section,
    ...(c.differs === undefined ? {} : { differs: c.differs }),
  };
}

async function runOne(
  c: Case,
  target: Target,
  endpoint: Endpoint,
  stepMs: number,
  afterRefusal: boolean,
): Promise<CaseResult> {
  const transcript = new Transcript();
  const links: Link[] = [];
  const notes: string[] = [];
  const ctx: CaseContext = {
    target,
    stepMs,
    quietMs: Math.min(500, Math.max(100, stepMs / 4)),
    async open() {
      const { conn, ipc } = await endpoint.open(stepMs);
      const link = new Link(conn, transcript, links.length, stepMs, ipc);
      links.push(link);
      return link;
    },
    note: (text) => void notes.push(text),
  };
  const started = Date.now();
  const limit = caseLimit(stepMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cutOff = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the case did not finish within ${limit} ms`)),
      limit,
    );
  });
  let outcome: Partial<CaseResult> & Pick<CaseResult, "status">;
  const running = c.run(ctx);
  running.catch(() => {}); // a case cut off fails later, when its links close: already reported
  try {
    await Promise.race([running, cutOff]);
    outcome = { status: "pass" };
  } catch (e) {
    if (e instanceof CaseFailure) {
      outcome = { status: "fail", expected: e.expected, observed: e.observed };
    } else if (e instanceof NotApplicable) outcome = { status: "skip", reason: e.reason };
    else if (e instanceof NoConnection && afterRefusal) {
      outcome = {
        status: "skip",
        reason:
          `${e.message}: it stopped reconnecting after an earlier case made it refuse a connection (libzmq does so after a protocol error)`,
      };
    } else outcome = { status: "error", error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
    await Promise.all(links.map((l) => l.close()));
  }
  const keep = outcome.status === "fail" || outcome.status === "error";
  return {
    ...base(c),
    ...outcome,
    durationMs: Date.now() - started,
    notes,
    transcript: keep ? [...transcript.entries] : [],
  };
}
