/**
 * The coverage report of the requirement catalogue: per `rfc/*.md` file, how many ids are active,
 * pending and covered (named by a test or a runner case), then (a) every active id that no case
 * names and (b) every case naming an id that is not catalogued, or that is still pending. Exit
 * code 1 if the catalogue is malformed or (a) or (b) is not empty; `.ci/run` runs it before the
 * suite. The rules are in `rfc/README.md`; `conformance/ids_test.ts` checks the same with the same
 * reader (`_catalogue.ts`).
 *
 * ```sh
 * deno run -A conformance/coverage.ts          # the text report
 * bun conformance/coverage.ts --json           # the same as JSON
 * npx tsx conformance/coverage.ts --ids        # also list every id with its status and cases
 * ```
 *
 * @module
 */
import process from "node:process";
import { type Coverage, coverageOf, coverageOk, MIN_IDS, type Naming } from "./_catalogue.ts";

const USAGE = "usage: coverage.ts [--json] [--ids]\n" +
  "  --json  print the report as JSON (to stdout)\n" +
  "  --ids   list every catalogued id with its status and the cases naming it";

function at(n: Naming): string {
  return `${n.file}:${n.line}`;
}

function pad(text: string | number, width: number, right = false): string {
  const s = String(text);
  return right ? s.padStart(width) : s.padEnd(width);
}

function table(c: Coverage): string[] {
  const width = Math.max(5, ...c.files.map((f) => f.file.length));
  const head = `${pad("file", width)}  active  pending  covered  by tests  by runner`;
  const row = (name: string, f: Coverage["totals"]): string =>
    `${pad(name, width)}  ${pad(f.active, 6, true)}  ${pad(f.pending, 7, true)}  ${
      pad(f.covered, 7, true)
    }  ${pad(f.byTests, 8, true)}  ${pad(f.byRunner, 9, true)}`;
  return [
    head,
    "-".repeat(head.length),
    ...c.files.map((f) => row(f.file, f)),
    "-".repeat(head.length),
    row("total", c.totals),
  ];
}

function textReport(c: Coverage, listIds: boolean, namings: Map<string, Naming[]>): string {
  const ids = c.totals.active + c.totals.pending;
  const lines = [
    `requirement catalogue: ${ids} ids (${c.totals.active} active, ${c.totals.pending} pending) ` +
    `in ${c.files.length} files; ${c.caseFiles} case files read`,
    "",
    ...table(c),
    "",
  ];
  if (ids < MIN_IDS) lines.push(`note: fewer than ${MIN_IDS} ids (issue 9 asks for at least that)`);
  if (c.catalogue.problems.length > 0) {
    lines.push("catalogue problems:", ...c.catalogue.problems.map((p) => `  ${p}`));
  }
  const count = (n: number): string => (n === 0 ? "none" : String(n));
  lines.push(
    `(a) active ids without a test or runner case: ${count(c.uncovered.length)}`,
    ...c.uncovered.map((r) => `      ${r.id} (${r.file}:${r.line})`),
    `(b) cases naming ids not in the catalogue: ${count(c.unknown.length)}`,
    ...c.unknown.map((n) => `      ${n.id} (${at(n)})`),
    `    cases naming pending ids (mark them active): ${count(c.namingPending.length)}`,
    ...c.namingPending.map((n) => `      ${n.id} (${at(n)})`),
  );
  if (listIds) {
    lines.push("", "ids:");
    for (const r of c.catalogue.requirements.values()) {
      const where = (namings.get(r.id) ?? []).map(at);
      lines.push(`  ${pad(r.id, 20)} ${pad(r.status, 7)} ${where.join(", ") || "-"}`);
    }
  }
  lines.push("", `coverage: ${coverageOk(c) ? "OK" : "FAILED"}`);
  return lines.join("\n");
}

function jsonReport(c: Coverage, namings: Map<string, Naming[]>): string {
  const place = (n: Naming) => ({ id: n.id, file: n.file, line: n.line, runner: n.runner });
  return JSON.stringify(
    {
      ok: coverageOk(c),
      minimumIds: MIN_IDS,
      ids: c.totals.active + c.totals.pending,
      caseFiles: c.caseFiles,
      totals: c.totals,
      files: c.files,
      problems: c.catalogue.problems,
      uncovered: c.uncovered.map((r) => ({ id: r.id, file: r.file, line: r.line, rule: r.rule })),
      unknown: c.unknown.map(place),
      namingPending: c.namingPending.map(place),
      requirements: [...c.catalogue.requirements.values()].map((r) => ({
        id: r.id,
        status: r.status,
        file: r.file,
        line: r.line,
        rule: r.rule,
        source: r.source,
        namedBy: (namings.get(r.id) ?? []).map(at),
      })),
    },
    null,
    2,
  );
}

function main(argv: string[]): number {
  const json = argv.includes("--json");
  const listIds = argv.includes("--ids");
  const unknown = argv.filter((a) => a !== "--json" && a !== "--ids");
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  const c = coverageOf();
  const namings = new Map<string, Naming[]>();
  for (const n of c.namings) namings.set(n.id, [...(namings.get(n.id) ?? []), n]);
  console.log(json ? jsonReport(c, namings) : textReport(c, listIds, namings));
  return coverageOk(c) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
