/**
 * Memory samples of the soak and the flatness check: the resident set size (RSS) after warm-up
 * must not grow by more than a stated bound. Medians of windows are compared, not single samples,
 * so one garbage-collection swing does not decide.
 *
 * @module
 */
import process from "node:process";

/** One sample: seconds since start, RSS and heap used in bytes. */
export interface Sample {
  readonly t: number;
  readonly rss: number;
  readonly heap: number;
}

/**
 * The verdict on a run's samples.
 *
 * @example
 * ```ts
 * import { judgeMemory } from "./_memory.ts";
 * const samples = Array.from({ length: 100 }, (_, t) => ({ t, rss: 100e6, heap: 10e6 }));
 * console.log(judgeMemory(samples, 20, 64 * 2 ** 20).ok); // true
 * ```
 */
export interface MemoryVerdict {
  readonly ok: boolean;
  /** Median RSS of the first tenth of the run after warm-up. */
  readonly baseline: number;
  /** Median RSS of the last tenth of the run. */
  readonly final: number;
  /** Largest RSS sampled after warm-up. */
  readonly peak: number;
  readonly heapBaseline: number;
  readonly heapFinal: number;
  readonly bound: number;
}

/** Takes one sample now. */
export function sample(startMs: number): Sample {
  const m = process.memoryUsage();
  return { t: (Date.now() - startMs) / 1000, rss: m.rss, heap: m.heapUsed };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Compares the RSS right after `warmupSeconds` with the RSS at the end; `bound` in bytes. */
export function judgeMemory(
  samples: Sample[],
  warmupSeconds: number,
  bound: number,
): MemoryVerdict {
  const after = samples.filter((s) => s.t >= warmupSeconds);
  const window = Math.max(1, Math.floor(after.length / 10));
  const first = after.slice(0, window);
  const last = after.slice(-window);
  const baseline = median(first.map((s) => s.rss));
  const final = median(last.map((s) => s.rss));
  return {
    ok: after.length > 0 && final - baseline <= bound,
    baseline,
    final,
    peak: Math.max(0, ...after.map((s) => s.rss)),
    heapBaseline: median(first.map((s) => s.heap)),
    heapFinal: median(last.map((s) => s.heap)),
    bound,
  };
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
