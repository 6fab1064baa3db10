#!/usr/bin/env -S deno run -A
/**
 * The conformance runner: checks any ZMTP or SP endpoint from outside, case by case, each case
 * traced to rule ids of `rfc/*.md`, each failure shown with the bytes sent and seen.
 *
 * ```sh
 * deno run -A conformance/cli.ts --wire zmtp --type REP --connect tcp://127.0.0.1:5555
 * bun conformance/cli.ts --wire sp --protocol req0 --listen tcp://127.0.0.1:5556
 * deno run -A conformance/cli.ts --wire sp --protocol rep0 --self bun --json report.json
 * ```
 *
 * `--help` prints every option; `conformance/runner/README.md` says what a target must do.
 *
 * @module
 */
import process from "node:process";
import { fileURLToPath } from "node:url";
import { main } from "./runner/main.ts";

export { main } from "./runner/main.ts";

const isMain = import.meta.main ??
  (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]);

if (isMain) {
  const deno = (globalThis as { Deno?: { args: readonly string[] } }).Deno;
  const code = await main(deno !== undefined ? deno.args : process.argv.slice(2), {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
  });
  process.exitCode = code;
  process.exit(code);
}
