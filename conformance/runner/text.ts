/**
 * The report as text, h2spec's way: cases grouped by section, one line each (✔ passed, ✘ failed,
 * - skipped, ! error), the evidence of every failure after its line, and a closing count
 * ("N tests, N passed, N skipped, N failed").
 *
 * @module
 */
import type { CaseResult, Report } from "./report.ts";
import type { TranscriptEntry } from "./transcript.ts";

const MARK = { pass: "✔", fail: "✘", skip: "-", error: "!" } as const;

/** At most this many bytes of one transcript entry are printed. */
const SHOWN = 256;

/**
 * A transcript as indented lines: `> ` what the runner sent, `< ` what it saw, with offsets.
 *
 * @example
 * ```ts
 * import { transcriptLines } from "./text.ts";
 * console.log(transcriptLines([{ conn: 0, dir: "seen", at: 3, hex: "ff00" }]));
 * ```
 */
export function transcriptLines(entries: readonly TranscriptEntry[]): string[] {
  return entries.map((e) => {
    const who = `#${e.conn} ${String(e.at).padStart(5)} ms`;
    if (e.dir === "closed") return `${who} closed by the target`;
    const n = e.hex.length / 2;
    const hex = e.hex.length > SHOWN * 2 ? `${e.hex.slice(0, SHOWN * 2)}… (${n} bytes)` : e.hex;
    return `${who} ${e.dir === "sent" ? ">" : "<"} ${hex}`;
  });
}

/** The lines of one result: its mark and name, then the evidence of a failure or error. */
export function resultLines(r: CaseResult, verbose = false): string[] {
  const lines = [`  ${MARK[r.status]} ${r.name}`];
  const more = (s: string): number => lines.push(`      ${s}`);
  if (r.status === "skip" && verbose) more(`skipped: ${r.reason}`);
  if (r.status === "fail") {
    more(`expected: ${r.expected}`);
    more(`observed: ${r.observed}`);
  }
  if (r.status === "error") more(`error: ${r.error}`);
  if (r.status === "fail" || r.status === "error") {
    if (r.differs !== undefined) more(`note: ${r.differs}`);
    for (const n of r.notes) more(`note: ${n}`);
    for (const t of transcriptLines(r.transcript)) more(t);
  } else if (verbose) { for (const n of r.notes) more(`note: ${n}`); }
  return lines;
}

/**
 * The whole report as text; `verbose` adds the notes of passed cases and the reasons of skips.
 *
 * @example
 * ```ts ignore
 * import { reportText } from "./text.ts";
 * console.log(reportText(report));
 * ```
 */
export function reportText(report: Report, verbose = false): string {
  const t = report.target;
  const out = [
    `${report.implementation}: ${t.wire} ${t.type} at ${t.url} (the runner ${t.role}s)`,
    "",
  ];
  const sections = new Map<string, CaseResult[]>();
  for (const r of report.results) {
    sections.set(r.section, [...(sections.get(r.section) ?? []), r]);
  }
  for (const [section, results] of sections) {
    out.push(section);
    for (const r of results) out.push(...resultLines(r, verbose));
    out.push("");
  }
  const s = report.summary;
  const errors = s.errors > 0 ? `, ${s.errors} errors` : "";
  out.push(
    `${s.total} tests, ${s.passed} passed, ${s.skipped} skipped, ${s.failed} failed${errors}`,
  );
  return out.join("\n") + "\n";
}
