/**
 * The mutation fuzzer's loop, shared by the long-run script (`run.ts`) and the bounded runs in the
 * suite. It starts from a target's seeds, mutates inputs picked from a pool, and adds to the pool
 * every input that reached an outcome class not seen before (a new refusal reason, a handshake
 * that completed), so mutants of interesting inputs get explored. A broken invariant is a
 * finding: it is shrunk (bytes cut while the same invariant still breaks) and kept with the seed
 * that replays it.
 *
 * @module
 */
import { mutate } from "./_mutate.ts";
import { Rng } from "./_rng.ts";
import { describeThrown, Finding, hex, type Target } from "./_target.ts";

/** One distinct finding. */
export interface FindingReport {
  readonly target: string;
  readonly what: string;
  /** The shrunk input, hex. */
  readonly input: string;
  /** Seed of the target's own randomness (chunk cuts, limits) for this input. */
  readonly runSeed: number;
  /** How many inputs hit it. */
  count: number;
}

/** What one run found. */
export interface FuzzReport {
  readonly target: string;
  readonly inputs: number;
  readonly ms: number;
  readonly findings: FindingReport[];
  /** How often each outcome class was reached. */
  readonly outcomes: Record<string, number>;
  readonly pool: number;
  /** Findings that did not come back when their input ran again (time bounds under load). */
  readonly unrepeatable: number;
}

/** Options of {@linkcode fuzz}. */
export interface FuzzOptions {
  /** Inputs to run (seeds included). */
  readonly inputs: number;
  readonly seed: number;
  /** Stop earlier after this many ms. */
  readonly ms?: number;
  /** Called every `progressMs` (default 10 s) with the inputs run so far. */
  readonly onProgress?: (inputs: number, ms: number) => void;
  readonly progressMs?: number;
  /** Stop once this many distinct findings were made. */
  readonly stopAfter?: number;
}

const POOL_MAX = 4096;
// Inputs kept for mutation stay small, so that splices do not grow them without end: big bodies
// come from the mutator's rare large inserts and from length edits, not from the pool.
const POOL_INPUT_MAX = 8192;
// Outcome classes counted; past this many, new ones are neither counted nor kept.
const CLASSES_MAX = 10_000;

/** Same finding or not: the message without its numbers and quoted parts. */
function key(f: Finding): string {
  return `${f.target}: ${
    f.what.replace(/"[^"]*"/g, "S").replace(/[0-9a-f]{6,}/g, "H").replace(/[0-9]+/g, "N")
  }`
    .slice(0, 160);
}

async function runOne(
  target: Target,
  input: Uint8Array,
  runSeed: number,
): Promise<string | Finding> {
  try {
    const r = target.run(input, new Rng(runSeed));
    return typeof r === "string" ? r : await r;
  } catch (e) {
    return e instanceof Finding
      ? e
      : new Finding(target.name, `threw ${describeThrown(e)}`, input, { cause: e });
  }
}

/** Cuts bytes off a failing input while the same finding reproduces (bounded tries). */
async function shrink(target: Target, f: Finding, runSeed: number): Promise<Uint8Array> {
  let best = f.input;
  const want = key(f);
  let tries = 0;
  for (let size = best.length >> 1; size >= 1 && tries < 1500; size >>= 1) {
    for (let at = 0; at + size <= best.length && tries < 1500;) {
      tries++;
      const candidate = new Uint8Array(best.length - size);
      candidate.set(best.subarray(0, at));
      candidate.set(best.subarray(at + size), at);
      const r = await runOne(target, candidate, runSeed);
      if (r instanceof Finding && key(r) === want) best = candidate;
      else at += size;
    }
  }
  // Halving steps rarely fall on the frame boundaries of a stream format, which can leave whole
  // frames in front of the one that matters: try every suffix, shortest first, then every prefix.
  for (let at = best.length - 1; at >= 1 && tries < 3000; at--) {
    tries++;
    const r = await runOne(target, best.slice(at), runSeed);
    if (r instanceof Finding && key(r) === want) {
      best = best.slice(at);
      break;
    }
  }
  for (let end = 1; end < best.length && tries < 4500; end++) {
    tries++;
    const r = await runOne(target, best.slice(0, end), runSeed);
    if (r instanceof Finding && key(r) === want) {
      best = best.slice(0, end);
      break;
    }
  }
  return best;
}

/**
 * Fuzzes one target.
 *
 * @example
 * ```ts
 * import { fuzz } from "./_fuzz.ts";
 * import { spHeaderTarget } from "./targets/sp_header.ts";
 * const report = await fuzz(spHeaderTarget, { inputs: 100, seed: 1 });
 * console.log(report.inputs, report.findings.length); // 100 0
 * ```
 */
export async function fuzz(target: Target, options: FuzzOptions): Promise<FuzzReport> {
  const rng = new Rng(options.seed ^ nameHash(target.name));
  const pool = [...target.seeds];
  const outcomes: Record<string, number> = {};
  let classes = 0;
  let unrepeatable = 0;
  const findings = new Map<string, FindingReport>();
  const start = Date.now();
  const deadline = options.ms === undefined ? Infinity : start + options.ms;
  const progressMs = options.progressMs ?? 10_000;
  let nextProgress = start + progressMs;
  const other = (): Uint8Array => rng.pick(pool);
  let i = 0;
  for (; i < options.inputs; i++) {
    if ((i & 63) === 0) {
      const now = Date.now();
      if (now >= deadline) break;
      if (now >= nextProgress) {
        options.onProgress?.(i, now - start);
        nextProgress = now + progressMs;
      }
    }
    const input = i < target.seeds.length
      ? target.seeds[i]!
      : mutate(rng.pick(pool), rng, other, target.lengthFields);
    const runSeed = (options.seed * 0x9e3779b1 + i) >>> 0;
    const r = await runOne(target, input, runSeed);
    if (r instanceof Finding) {
      // a finding must come back when the input is run again: a time bound broken once by a
      // collection pause or a busy machine is counted apart, not reported
      if (!((await runOne(target, input, runSeed)) instanceof Finding)) {
        unrepeatable++;
        continue;
      }
      const k = key(r);
      const known = findings.get(k);
      if (known !== undefined) known.count++;
      else {
        const small = await shrink(target, r, runSeed);
        findings.set(k, {
          target: target.name,
          what: r.what,
          input: hex(small),
          runSeed,
          count: 1,
        });
        if (findings.size >= (options.stopAfter ?? Infinity)) {
          i++;
          break;
        }
      }
      continue;
    }
    if (outcomes[r] === undefined && classes < CLASSES_MAX) {
      classes++;
      outcomes[r] = 0;
      if (pool.length < POOL_MAX && input.length <= POOL_INPUT_MAX) pool.push(input);
    } else if (input.length <= POOL_INPUT_MAX && rng.chance(0.002)) {
      // now and then a plain mutant too, so the pool drifts beyond the first input of each class
      if (pool.length < POOL_MAX) pool.push(input);
      else pool[target.seeds.length + rng.int(POOL_MAX - target.seeds.length)] = input;
    }
    if (outcomes[r] !== undefined) outcomes[r]++;
  }
  return {
    target: target.name,
    inputs: i,
    ms: Date.now() - start,
    findings: [...findings.values()],
    outcomes,
    pool: pool.length,
    unrepeatable,
  };
}

function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
