/**
 * The long fuzz run: the mutation fuzzer on each decoder for a number of inputs, printing the
 * rate as it goes and, at the end, inputs, inputs/s, outcome classes and findings per decoder.
 *
 * ```sh
 * deno run -A conformance/fuzz/run.ts --decoder all --inputs 10000000 --seed 1
 * bun conformance/fuzz/run.ts --decoder zmtp-frames-v3,sp-frames-tcp --inputs 100000 --seed 2
 * ```
 *
 * Options: `--decoder all|NAME[,NAME...]` (`--list` shows the names), `--inputs N` per decoder,
 * `--seed N`, `--minutes M` (stop each decoder earlier), `--json FILE` (the full report, findings
 * with their shrunk inputs in hex). Exit code 1 if anything was found. A finding is replayed by
 * running its target on its input with its `runSeed` (see `findings_test.ts`).
 *
 * @module
 */
import process from "node:process";
import { writeFileSync } from "node:fs";
import { fuzz, type FuzzReport } from "./_fuzz.ts";
import { TARGETS } from "./targets/mod.ts";

interface Args {
  decoders: string[];
  inputs: number;
  seed: number;
  minutes: number | undefined;
  json: string | undefined;
}

function parseArgs(argv: string[]): Args | undefined {
  const args: Args = {
    decoders: ["all"],
    inputs: 100_000,
    seed: 1,
    minutes: undefined,
    json: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--decoder") args.decoders = value().split(",");
    else if (a === "--inputs") args.inputs = Number(value());
    else if (a === "--seed") args.seed = Number(value());
    else if (a === "--minutes") args.minutes = Number(value());
    else if (a === "--json") args.json = value();
    else if (a === "--list") {
      console.log(TARGETS.map((t) => t.name).join("\n"));
      return undefined;
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(args.inputs) || args.inputs < 1 || !Number.isInteger(args.seed)) {
    throw new Error("--inputs must be a positive integer, --seed an integer");
  }
  return args;
}

const rate = (r: FuzzReport): string => Math.round(r.inputs / (r.ms / 1000)).toLocaleString("en");
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args === undefined) return 0;
  const names = args.decoders.includes("all") ? TARGETS.map((t) => t.name) : args.decoders;
  const targets = names.map((n) => {
    const t = TARGETS.find((t) => t.name === n);
    if (t === undefined) throw new Error(`no decoder "${n}" (use --list)`);
    return t;
  });
  const runtime = isDeno ? `deno ${process.versions.deno}` : `bun ${process.versions.bun}`;
  console.log(
    `fuzz: ${targets.length} decoders, ${
      args.inputs.toLocaleString("en")
    } inputs each, seed ${args.seed}, ${runtime}`,
  );
  const reports: FuzzReport[] = [];
  for (const target of targets) {
    const report = await fuzz(target, {
      inputs: args.inputs,
      seed: args.seed,
      ...(args.minutes === undefined ? {} : { ms: args.minutes * 60_000 }),
      progressMs: 30_000,
      onProgress: (n, ms) =>
        console.log(
          `  ${target.name}: ${n.toLocaleString("en")} inputs, ${
            Math.round(n / (ms / 1000)).toLocaleString("en")
          }/s`,
        ),
    });
    reports.push(report);
    console.log(
      `${target.name}: ${report.inputs.toLocaleString("en")} inputs in ${
        (report.ms / 1000).toFixed(1)
      } s ` +
        `(${rate(report)}/s), ${
          Object.keys(report.outcomes).length
        } outcome classes, pool ${report.pool}, ` +
        `${report.findings.length} findings (${report.unrepeatable} unrepeatable)`,
    );
    for (const f of report.findings) {
      console.log(
        `  FINDING ${f.what} (x${f.count}; runSeed ${f.runSeed}; input ${f.input.slice(0, 200)})`,
      );
    }
  }
  console.log("\ndecoder                   inputs        s     inputs/s  classes  findings");
  for (const r of reports) {
    console.log(
      `${r.target.padEnd(22)}${r.inputs.toLocaleString("en").padStart(11)}${
        (r.ms / 1000).toFixed(0).padStart(9)
      }${rate(r).padStart(13)}${String(Object.keys(r.outcomes).length).padStart(9)}${
        String(r.findings.length).padStart(10)
      }`,
    );
  }
  if (args.json !== undefined) {
    writeFileSync(
      args.json,
      JSON.stringify({ runtime, seed: args.seed, inputs: args.inputs, reports }, null, 1),
    );
  }
  const found = reports.reduce((n, r) => n + r.findings.length, 0);
  console.log(found === 0 ? "fuzz: no findings" : `fuzz: ${found} findings`);
  return found === 0 ? 0 : 1;
}

process.exitCode = await main();
