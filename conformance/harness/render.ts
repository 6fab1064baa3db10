/**
 * `conformance/RESULTS.md` from the harness's results: the command and date at the top, a summary
 * matrix per wire (implementation × RFC section: passed / failed / skipped), then per
 * implementation a table per section (case × socket type) and every deviation with its rule ids and
 * words, what was expected and seen, and the bytes sent and seen (hex, truncated). Pure: the caller
 * reads the files and the catalogue.
 *
 * @module
 */
import type { CaseResult } from "../runner/report.ts";
import type { TranscriptEntry } from "../runner/transcript.ts";
import { deviations, type ImplResult } from "./result.ts";

/** What the page says about a rule id: its words and where the catalogue holds it. */
export interface RuleText {
  /** The rule in the catalogue's words. */
  readonly rule: string;
  /** The catalogue file (`rfc/zmtp.md`). */
  readonly file: string;
}

/** Everything the page is drawn from. */
export interface PageInput {
  /** The command that made the page. */
  readonly command: string;
  /** When (ISO 8601). */
  readonly date: string;
  /** The implementations, in the order shown. */
  readonly results: readonly ImplResult[];
  /** Rule words by id (ids not found are shown bare). */
  readonly rules: ReadonlyMap<string, RuleText>;
  /** Known deviations by implementation (marked as such). */
  readonly known: Readonly<Record<string, readonly string[]>>;
}

/** Counts of one cell. */
export interface Tally {
  /** Passed. */
  passed: number;
  /** Failed or could not be carried out. */
  failed: number;
  /** Skipped (not applicable). */
  skipped: number;
}

/** Transcript entries up to this many bytes are shown whole (a greeting with READY is ~100). */
const HEX_BYTES = 128;
/** Of a longer entry, the first bytes shown ... */
const HEAD_BYTES = 96;
/** ... and the last. */
const TAIL_BYTES = 16;
/** Transcript entries shown per deviation. */
const ENTRIES = 14;

/** Characters of an expectation or observation shown (a case may quote a 100 KiB body). */
const WORDS = 400;

/**
 * A verdict's words, cut to {@linkcode WORDS} characters with how long they were.
 *
 * @example
 * ```ts
 * import { clip } from "./render.ts";
 * console.log(clip("short")); // "short"
 * ```
 */
export function clip(text: string): string {
  return text.length <= WORDS ? text : `${text.slice(0, WORDS)}… (${text.length} characters)`;
}

const escape = (s: string): string => s.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The sections of `results`, in first-seen order. */
export function sectionsOf(results: readonly ImplResult[]): string[] {
  const seen = new Set<string>();
  for (const impl of results) {
    for (const run of impl.runs) for (const r of run.report?.results ?? []) seen.add(r.section);
  }
  return [...seen];
}

/**
 * Counts an implementation's cases in one section, over every socket type it ran.
 *
 * @example
 * ```ts
 * import { tally } from "./render.ts";
 * console.log(tally({ runs: [] }, "RFC 37 §Greeting")); // { passed: 0, failed: 0, skipped: 0 }
 * ```
 */
export function tally(impl: Pick<ImplResult, "runs">, section: string): Tally {
  const t: Tally = { passed: 0, failed: 0, skipped: 0 };
  for (const run of impl.runs) {
    for (const r of run.report?.results ?? []) {
      if (r.section !== section) continue;
      if (r.status === "pass") t.passed++;
      else if (r.status === "skip") t.skipped++;
      else t.failed++;
    }
  }
  return t;
}

/** A cell: `passed / failed / skipped`, the failures in bold; blank when nothing ran. */
export function cell(t: Tally): string {
  if (t.passed + t.failed + t.skipped === 0) return "";
  const failed = t.failed > 0 ? `**${t.failed}**` : "0";
  return `${t.passed} / ${failed} / ${t.skipped}`;
}

/** Why an implementation, or some of its types, did not run (loud, never counted as passed). */
function notRunText(impl: ImplResult): string {
  if (impl.missing !== undefined) return `**not run: ${impl.missing}**`;
  const parts = impl.runs.filter((r) => r.status !== "ran").map((r) =>
    r.status === "incomplete" ? `**${r.type}: did not complete**` : r.type
  );
  const crashed = impl.runs.filter((r) => r.crashed !== undefined).map((r) => r.type);
  if (crashed.length > 0) parts.push(`**crashed: ${crashed.join(", ")}**`);
  if (impl.only !== undefined) parts.push("only some cases (see below)");
  return parts.join(", ");
}

/**
 * The summary matrix of one wire: a row per implementation, a column per section, a total.
 *
 * @example
 * ```ts
 * import { summaryMatrix } from "./render.ts";
 * console.log(summaryMatrix([], "zmtp").length > 0); // true
 * ```
 */
export function summaryMatrix(results: readonly ImplResult[], wire: "zmtp" | "sp"): string {
  const impls = results.filter((r) => r.wire === wire);
  const sections = sectionsOf(impls);
  const head = ["implementation", ...sections, "total", "types not run"];
  const lines = [
    `| ${head.map(escape).join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
  ];
  for (const impl of impls) {
    const cells = sections.map((s) => cell(tally(impl, s)));
    const total = sections.reduce<Tally>((acc, s) => {
      const t = tally(impl, s);
      return {
        passed: acc.passed + t.passed,
        failed: acc.failed + t.failed,
        skipped: acc.skipped + t.skipped,
      };
    }, { passed: 0, failed: 0, skipped: 0 });
    const name = `[${impl.name}](#${anchor(impl.name)})`;
    lines.push(`| ${[name, ...cells, cell(total), notRunText(impl)].join(" | ")} |`);
  }
  return lines.join("\n");
}

/** GitHub's anchor of a heading. */
export function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replaceAll(" ", "-");
}

const MARK: Record<CaseResult["status"], string> = { pass: "✔", fail: "✘", skip: "-", error: "!" };

/** One implementation's table for one section: a row per case, a column per socket type. */
export function sectionTable(impl: ImplResult, section: string): string {
  const ran = impl.runs.filter((r) => r.report !== undefined);
  const names: string[] = [];
  for (const run of ran) {
    for (const r of run.report!.results) {
      if (r.section === section && !names.includes(r.name)) names.push(r.name);
    }
  }
  const lines = [
    `| case | ${ran.map((r) => r.type).join(" | ")} |`,
    `| --- | ${ran.map(() => ":-:").join(" | ")} |`,
  ];
  for (const name of names) {
    const marks = ran.map((run) => {
      const r = run.report!.results.find((x) => x.name === name);
      return r === undefined ? "" : MARK[r.status];
    });
    lines.push(`| ${escape(name)} | ${marks.join(" | ")} |`);
  }
  return lines.join("\n");
}

/**
 * A transcript as lines of hex: each entry's first bytes, with how many there were in all.
 *
 * @example
 * ```ts
 * import { transcriptLines } from "./render.ts";
 * console.log(transcriptLines([{ conn: 0, dir: "sent", at: 3, hex: "ff00" }])[0]);
 * // "#0     3 ms > ff00"
 * ```
 */
export function transcriptLines(entries: readonly TranscriptEntry[]): string[] {
  const shown = entries.slice(0, ENTRIES).map((e) => {
    const head = `#${e.conn} ${String(e.at).padStart(5)} ms`;
    if (e.dir === "closed") return `${head} closed by the target`;
    const bytes = e.hex.length / 2;
    const hex = bytes > HEX_BYTES
      ? `${e.hex.slice(0, HEAD_BYTES * 2)}…${e.hex.slice(-TAIL_BYTES * 2)} (${bytes} bytes)`
      : e.hex;
    return `${head} ${e.dir === "sent" ? ">" : "<"} ${hex}`;
  });
  if (entries.length > ENTRIES) shown.push(`… ${entries.length - ENTRIES} more entries`);
  return shown;
}

/**
 * One deviation written up: the rules, the verdict, the notes, the bytes. A case that fails the
 * same way on several socket types is written up once, with the types it failed on and the bytes
 * of the first (every type's bytes are in the implementation's JSON file).
 */
function deviationText(
  impl: ImplResult,
  types: readonly string[],
  r: CaseResult,
  input: PageInput,
): string {
  const known = types.every((t) => (input.known[impl.name] ?? []).includes(`${t}: ${r.name}`));
  const out = [`#### ${impl.name} ${types.join(", ")}: ${r.name}`, ""];
  if (known) out.push("Known deviation (`conformance/results/known.json`).", "");
  if (types.length > 1) {
    out.push(
      `Seen on ${types.length} socket types; the bytes below are ${types[0]}'s ` +
        `(every type's are in [results/${impl.name}.json](results/${impl.name}.json)).`,
      "",
    );
  }
  for (const id of r.ids) {
    const rule = input.rules.get(id);
    out.push(rule === undefined ? `- **${id}**` : `- **${id}** (${rule.file}): ${rule.rule}`);
  }
  if (r.status === "fail") {
    out.push(`- expected: ${clip(r.expected ?? "?")}`, `- observed: ${clip(r.observed ?? "?")}`);
  } else out.push(`- could not be carried out: ${clip(r.error ?? "?")}`);
  for (const n of r.notes) out.push(`- note: ${n}`);
  if (r.differs !== undefined) out.push(`- where implementations differ: ${r.differs}`);
  out.push("", "```text", ...transcriptLines(r.transcript), "```", "");
  return out.join("\n");
}

/** One implementation's part of the page. */
function implSection(impl: ImplResult, input: PageInput): string {
  const out = [`## ${impl.name}`, "", impl.label, ""];
  if (impl.missing !== undefined) {
    out.push(`**not run: ${impl.missing}**`, "");
    return out.join("\n");
  }
  out.push(`Run ${impl.date} by \`${impl.command}\`.`, "");
  if (impl.only !== undefined) out.push(`**Only some cases run**: ${impl.only}.`, "");
  for (const run of impl.runs) {
    if (run.status === "ran") {
      const s = run.report!.summary;
      const bad = s.failed + s.errors;
      out.push(
        `- ${run.type}: ${s.passed} passed, ${bad > 0 ? `**${bad} failed**` : "0 failed"}, ` +
          `${s.skipped} skipped — \`${run.command ?? ""}\``,
      );
    } else if (run.status === "cannot") out.push(`- ${run.type}: **not run**: ${run.reason ?? ""}`);
    else out.push(`- ${run.type}: **did not complete**: ${run.reason ?? ""}`);
    if (run.crashed !== undefined) {
      out.push(
        `  - **the target exited during the run** (the cases after that could not be carried ` +
          `out); the start of its standard error:`,
        "",
        "    ```text",
        ...run.crashed.trim().split("\n").slice(0, 8).map((l) => `    ${l}`),
        "    ```",
        "",
      );
    }
  }
  out.push("");
  for (const section of sectionsOf([impl])) {
    out.push(`### ${impl.name}: ${section}`, "", sectionTable(impl, section), "");
  }
  const found = deviations(impl);
  out.push(`### ${impl.name}: deviations (${found.length} failed cases)`, "");
  if (found.length === 0) out.push("None: every case that ran passed or did not apply.", "");
  const byCase = new Map<string, { types: string[]; first: CaseResult }>();
  for (const d of found) {
    const key = `${d.result.status} ${d.result.name} ${d.result.expected} ${d.result.observed}`;
    const group = byCase.get(key);
    if (group === undefined) byCase.set(key, { types: [d.type], first: d.result });
    else group.types.push(d.type);
  }
  for (const g of byCase.values()) out.push(deviationText(impl, g.types, g.first, input));
  return out.join("\n");
}

/**
 * The whole page.
 *
 * @example
 * ```ts
 * import { renderPage } from "./render.ts";
 * const page = renderPage({ command: "x", date: "d", results: [], rules: new Map(), known: {} });
 * console.log(page.startsWith("# Conformance results")); // true
 * ```
 */
export function renderPage(input: PageInput): string {
  const runs = new Map<string, string>(); // command -> its first date among the results shown
  for (const r of input.results) {
    if (r.command === "") continue;
    const seen = runs.get(r.command);
    if (seen === undefined || r.date < seen) runs.set(r.command, r.date);
  }
  if (runs.size === 0) runs.set(input.command, input.date);
  const made = [...runs].sort(([, a], [, b]) => a.localeCompare(b)).map(([c, d]) =>
    `\`${c}\` (${d})`
  );
  const out = [
    "# Conformance results",
    "",
    `Made by ${made.join(", then ")}; each implementation below says which of these made its`,
    "results. Every implementation serves one socket per type under the contract of",
    "[the runner's README](runner/README.md) and the runner checks it from outside. A cell reads",
    "`passed / failed / skipped` over all the socket types the implementation ran (a failed count",
    'counts cases that could not be carried out too). "Not run" is never counted as passed.',
    "The foreign implementations' deviations known today are listed in",
    "[results/known.json](results/known.json); `deno run -A conformance/results.ts --check` fails on",
    "any other.",
    "",
  ];
  for (const wire of ["zmtp", "sp"] as const) {
    if (!input.results.some((r) => r.wire === wire)) continue;
    out.push(
      `## Summary: ${wire === "zmtp" ? "ZMTP" : "SP"}`,
      "",
      summaryMatrix(input.results, wire),
      "",
    );
  }
  for (const impl of input.results) out.push(implSection(impl, input));
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}
