#!/usr/bin/env -S deno run -A
/**
 * The results harness: starts each implementation we can run (edgemq on Deno and Bun, libzmq
 * 4.3.4 and 4.3.5, NNG through nngcat and pynng, nanomsg, mangos) as a target for each socket type
 * it can serve, runs the conformance runner against it in process, writes
 * `conformance/results/<name>.json` per implementation and `conformance/RESULTS.md` from all of
 * them. `--check` writes nothing and exits 1 if edgemq fails a case, if a foreign implementation
 * fails a case not in `conformance/results/known.json`, or if a run does not complete.
 *
 * ```sh
 * deno run -A conformance/results.ts                       # everything; writes RESULTS.md
 * deno run -A conformance/results.ts --only nngcat,libzmq-4.3.4
 * deno run -A conformance/results.ts --check --only edgemq-deno,edgemq-bun,libzmq-4.3.4,nngcat
 * ```
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { readCatalogue } from "./_catalogue.ts";
import { collect } from "./harness/collect.ts";
import { implementations, ROOT } from "./harness/impls.ts";
import {
  type CheckOutcome,
  checkResults,
  confirmed,
  type Known,
  knownFrom,
  typesToConfirm,
} from "./harness/known.ts";
import { renderPage, type RuleText } from "./harness/render.ts";
import type { ImplResult } from "./harness/result.ts";
import { selectImplementations } from "./harness/select.ts";

const USAGE = `usage: results.ts [--only NAME,NAME] [--timeout MS] [--check] [--update-known]
  --only NAMES     only these implementations (a name, or its prefix before a dash:
                   edgemq-deno is edgemq-deno-zmtp and edgemq-deno-sp; libzmq is both libzmq)
  --timeout MS     the runner's deadline of each step (default 2000)
  --type-timeout S the most one socket type's run may take, seconds (default 150)
  --check          write nothing; exit 1 if edgemq fails a case, a foreign implementation fails
                   a case not in conformance/results/known.json, or a run does not complete
  --update-known   rewrite known.json from this run's foreign deviations
  --render         run nothing: redraw RESULTS.md from conformance/results/*.json
                   (with --update-known: rebuild known.json from those files first)
  --list           list the implementations and exit`;

const RESULTS_DIR = `${ROOT}conformance/results/`;
const KNOWN = `${RESULTS_DIR}known.json`;

function readKnown(): Known {
  return existsSync(KNOWN) ? JSON.parse(readFileSync(KNOWN, "utf8")) as Known : {};
}

function ruleTexts(): Map<string, RuleText> {
  const rules = new Map<string, RuleText>();
  for (const [id, r] of readCatalogue().requirements) rules.set(id, { rule: r.rule, file: r.file });
  return rules;
}

/** Every implementation's latest results: this run's, else the file, else "no results yet". */
function latest(fresh: readonly ImplResult[]): ImplResult[] {
  return implementations().map((impl) => {
    const now = fresh.find((r) => r.name === impl.name);
    if (now !== undefined) return now;
    const file = `${RESULTS_DIR}${impl.name}.json`;
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as ImplResult;
    return {
      format: "edgemq-results/1",
      name: impl.name,
      label: impl.label,
      wire: impl.wire,
      edgemq: impl.edgemq,
      date: "",
      command: "",
      missing: "no results recorded yet (run conformance/results.ts without --only)",
      runs: [],
    };
  });
}

/** `--render`: the page (and known.json if asked) from the files, under the newest run's command. */
function render(updateKnown: boolean): number {
  const results = latest([]);
  if (updateKnown) {
    writeFileSync(KNOWN, JSON.stringify(knownFrom(results, readKnown()), null, 2) + "\n");
  }
  const newest =
    results.filter((r) => r.date !== "").sort((a, b) => b.date.localeCompare(a.date))[0];
  writeFileSync(
    `${ROOT}conformance/RESULTS.md`,
    renderPage({
      command: newest?.command ?? "deno run -A conformance/results.ts",
      date: newest?.date ?? new Date().toISOString(),
      results,
      rules: ruleTexts(),
      known: readKnown(),
    }),
  );
  console.error("redrew conformance/RESULTS.md from conformance/results/*.json");
  return 0;
}

/**
 * `--check`: re-runs the socket types where a foreign implementation showed a new deviation, and
 * keeps only the problems that show again (the others are printed as not reproduced).
 */
async function confirm(
  fresh: readonly ImplResult[],
  outcome: CheckOutcome,
  o: { stepMs: number; typeMs: number; command: string },
): Promise<CheckOutcome> {
  const known = readKnown();
  const rerun: ImplResult[] = [];
  const keep = new Set(outcome.problems);
  for (const r of fresh) {
    const types = typesToConfirm(r, known);
    if (types.length === 0) continue;
    console.error(
      `${r.name}: new deviations on ${types.join(", ")}: running those again to confirm`,
    );
    const impl = implementations().find((i) => i.name === r.name)!;
    const again = await collect(impl, {
      ...o,
      startMs: 20000,
      types,
      log: (line) => console.error(line),
    });
    rerun.push(again);
    const mine = outcome.problems.filter((p) => p.startsWith(`${r.name} `));
    const still = confirmed(mine, checkResults([again], known).problems);
    for (const p of mine) {
      if (!still.includes(p) && !p.includes("did not complete")) {
        keep.delete(p);
        console.error(`not reproduced on a second run (not counted): ${p}`);
      }
    }
  }
  return { problems: outcome.problems.filter((p) => keep.has(p)), nowPassing: outcome.nowPassing };
}

async function main(argv: readonly string[]): Promise<number> {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const known = new Set([
    "--only",
    "--timeout",
    "--type-timeout",
    "--check",
    "--update-known",
    "--list",
    "--render",
    "--help",
  ]);
  for (let i = 0; i < argv.length; i++) {
    if (!known.has(argv[i]!)) {
      console.error(`unknown argument "${argv[i]}"\n${USAGE}`);
      return 2;
    }
    if (["--only", "--timeout", "--type-timeout"].includes(argv[i]!)) i++;
  }
  if (argv.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  if (argv.includes("--list")) {
    for (const i of implementations()) console.log(`${i.name}\t${i.label}`);
    return 0;
  }
  const stepMs = Number(value("--timeout") ?? "2000");
  const typeMs = 1000 * Number(value("--type-timeout") ?? "150");
  if (!Number.isInteger(stepMs) || stepMs < 50 || !(typeMs > 0)) {
    console.error(`--timeout must be an integer of at least 50 (ms)\n${USAGE}`);
    return 2;
  }
  let chosen;
  try {
    chosen = selectImplementations(implementations(), value("--only"));
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  if (argv.includes("--render")) return render(argv.includes("--update-known"));
  const check = argv.includes("--check");
  const command = ["deno run -A conformance/results.ts", ...argv].join(" ");
  const started = Date.now();
  const fresh: ImplResult[] = [];
  for (const impl of chosen) {
    fresh.push(
      await collect(impl, {
        stepMs,
        typeMs,
        startMs: 20000,
        command,
        log: (line) => console.error(line),
      }),
    );
  }
  let outcome = checkResults(fresh, readKnown());
  if (check) outcome = await confirm(fresh, outcome, { stepMs, typeMs, command });
  if (!check) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    for (const r of fresh) {
      writeFileSync(`${RESULTS_DIR}${r.name}.json`, JSON.stringify(r, null, 1) + "\n");
    }
    if (argv.includes("--update-known")) {
      writeFileSync(KNOWN, JSON.stringify(knownFrom(fresh, readKnown()), null, 2) + "\n");
    }
    const page = renderPage({
      command,
      date: new Date(started).toISOString(),
      results: latest(fresh),
      rules: ruleTexts(),
      known: readKnown(),
    });
    writeFileSync(`${ROOT}conformance/RESULTS.md`, page);
    console.error(
      `wrote conformance/RESULTS.md and ${fresh.length} file(s) in conformance/results/`,
    );
  }
  for (const p of outcome.nowPassing) console.error(`known deviation passed this time: ${p}`);
  for (const p of outcome.problems) console.error(`PROBLEM: ${p}`);
  console.error(
    `${fresh.length} implementation(s) in ${((Date.now() - started) / 1000).toFixed(0)} s; ` +
      `${outcome.problems.length} problem(s)`,
  );
  return check && outcome.problems.length > 0 ? 1 : 0;
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}
