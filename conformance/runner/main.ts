/**
 * The runner as a program: parse the command line, start edgemq if asked, run the cases, print the
 * text report, write the JSON and HTML reports, and return the exit code.
 *
 * @module
 */
import { writeFile } from "node:fs/promises";
import { parseArgs, USAGE } from "./args.ts";
import { allCases } from "./cases/mod.ts";
import { idsOf } from "./case.ts";
import { reportHtml } from "./html.ts";
import type { Report } from "./report.ts";
import { runCases } from "./run.ts";
import { runSelf } from "./self.ts";
import { checkTarget } from "./target.ts";
import { reportText, resultLines } from "./text.ts";

/** Where the program writes. */
export interface MainIO {
  /** Standard output. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
}

/**
 * Runs the program; resolves with the exit code (0: no case failed).
 *
 * @example
 * ```ts ignore
 * import { main } from "./main.ts";
 * const code = await main(["--wire", "sp", "--protocol", "rep0", "--self", "inproc"], {
 *   out: (t) => console.log(t),
 *   err: (t) => console.error(t),
 * });
 * ```
 */
export async function main(argv: readonly string[], io: MainIO): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(USAGE + "\n");
    return 0;
  }
  let o;
  try {
    o = parseArgs(argv);
    if (!o.list) {
      checkTarget({ wire: o.wire, type: o.type, url: o.url ?? "tcp://x:0", role: o.role });
    }
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    return 2;
  }
  if (o.list) {
    for (const c of allCases()) io.out(`${c.section} | ${c.name} | ${idsOf(c.name).join(" ")}\n`);
    return 0;
  }
  const target = checkTarget({
    wire: o.wire,
    type: o.type,
    url: o.url ?? "tcp://127.0.0.1:0",
    role: o.role,
    ...(o.reply === undefined ? {} : { reply: new TextEncoder().encode(o.reply) }),
  });
  const live = (r: Report["results"][number]): void => io.err(resultLines(r)[0]! + "\n");
  const common = {
    stepMs: o.stepMs,
    onResult: live,
    ...(o.filter === undefined ? {} : { filter: o.filter }),
    ...(o.name === undefined ? {} : { implementation: o.name }),
  };
  let report: Report;
  try {
    report = o.self !== undefined
      ? await runSelf({
        ...common,
        wire: target.wire,
        type: target.type,
        role: o.role,
        runtime: o.self,
        ...(o.url === undefined ? {} : { url: o.url }),
      })
      : await runCases(target, allCases(), common);
  } catch (e) {
    io.err(`the run could not start: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  io.out(reportText(report, o.verbose));
  if (o.json !== undefined) await writeFile(o.json, JSON.stringify(report, null, 2) + "\n");
  if (o.html !== undefined) await writeFile(o.html, reportHtml(report));
  return report.summary.failed + report.summary.errors === 0 ? 0 : 1;
}
