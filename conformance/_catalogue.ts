/**
 * The requirement catalogue (`rfc/*.md`) and the cases that name its ids: one reader shared by
 * `conformance/ids_test.ts` (which fails the suite) and `conformance/coverage.ts` (the report), so
 * that the two always agree. The rules of the catalogue are in `rfc/README.md`.
 *
 * A catalogue row is a table row under a header whose first cell is `id` (an active rule: some
 * test or runner case must name it) or `pending id` (a rule of something not built yet: no case
 * may name it). A case names ids in a bracket that holds nothing but ids separated by commas or
 * spaces, as in "REQ resends [ID]" or "[ID, ID]" with real ids in place of ID. Cases are the
 * test files (`*_test.ts`, and `*_suite.ts` modules that declare cases for several test files)
 * and every `.ts` file under `conformance/runner/`.
 *
 * Runs under Deno, Bun and Node (node:fs only).
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file's parent directory). */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));

/** An id: upper-case words joined by dashes (the first of two or more characters), ending in a number. */
export const ID_PATTERN = "[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*-[0-9]+";
const ID_ONLY = new RegExp(`^${ID_PATTERN}$`);
const ID_LIST = new RegExp(`^\\s*${ID_PATTERN}(?:[\\s,]+${ID_PATTERN})*\\s*,?\\s*$`);
const ID_GLOBAL = new RegExp(ID_PATTERN, "g");

/** The least number of ids, active and pending, the catalogue holds (issue 9). */
export const MIN_IDS = 400;

/** Directories never scanned for cases. */
const SKIP_DIRS = new Set(["node_modules", "target", "npm", "pyzmq-venv"]);
/** The runner's case sources, relative to the root, with `/` separators. */
const RUNNER_DIR = "conformance/runner";

/** A line of a file, relative to the root with `/` separators. */
export interface Place {
  readonly file: string;
  readonly line: number;
}

/** Whether a case must name the rule (`active`) or must not yet (`pending`). */
export type Status = "active" | "pending";

/** One row of the catalogue. */
export interface Requirement extends Place {
  readonly id: string;
  readonly status: Status;
  /** The rule, in the project's words (the second cell). */
  readonly rule: string;
  /** The public source it comes from (the third cell). */
  readonly source: string;
}

/** The whole catalogue: every row by id, the files read, and what is wrong with it. */
export interface Catalogue {
  readonly requirements: ReadonlyMap<string, Requirement>;
  /** Every `rfc/*.md` read, relative to the root, sorted. */
  readonly files: readonly string[];
  /** Malformed rows and duplicate ids, as `file:line: what`. */
  readonly problems: readonly string[];
}

/** A place where a case names an id. */
export interface Naming extends Place {
  readonly id: string;
  /** True if the file is a runner case source (under `conformance/runner/`). */
  readonly runner: boolean;
}

/** The cells of a table row; `\|` is a pipe inside a cell. */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, "").replace(/(?<!\\)\|$/, "");
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replaceAll("\\|", "|"));
}

/** The status a table header announces, or undefined if it is not a catalogue table. */
function headerStatus(first: string): Status | undefined {
  const name = first.toLowerCase().replace(/\s+/g, " ");
  if (name === "id") return "active";
  if (name === "pending id") return "pending";
  return undefined;
}

/**
 * The rows of one catalogue file: every table whose header's first cell is `id` or `pending id`
 * (tables inside fenced code blocks are examples, not rows). Pure, for tests: `file` only labels
 * the places and problems.
 *
 * @example
 * ```ts
 * import { parseCatalogueFile } from "./_catalogue.ts";
 * const text = "| pending id | rule | source |\n| --- | --- | --- |\n| ZZ-A-1 | r | s |\n";
 * console.log(parseCatalogueFile("rfc/x.md", text).rows[0]?.status); // "pending"
 * ```
 */
export function parseCatalogueFile(
  file: string,
  text: string,
): { rows: Requirement[]; problems: string[] } {
  const rows: Requirement[] = [];
  const problems: string[] = [];
  let status: Status | undefined;
  let inTable = false;
  let inFence = false;
  text.split("\n").forEach((raw, i) => {
    const line = i + 1;
    if (/^\s*(```|~~~)/.test(raw)) inFence = !inFence;
    if (inFence || !raw.trimStart().startsWith("|")) {
      inTable = false;
      status = undefined;
      return;
    }
    const row = cells(raw);
    const first = row[0] ?? "";
    if (!inTable) {
      inTable = true;
      status = headerStatus(first); // the header row
      return;
    }
    if (status === undefined || /^:?-+:?$/.test(first)) return; // another table, or the separator
    if (!ID_ONLY.test(first)) {
      problems.push(`${file}:${line}: "${first}" is not a well-formed id`);
      return;
    }
    const [rule = "", source = ""] = row.slice(1);
    if (rule === "") problems.push(`${file}:${line}: ${first} has no rule`);
    if (source === "") problems.push(`${file}:${line}: ${first} has no source`);
    if (row.length !== 3) {
      problems.push(`${file}:${line}: ${first} has ${row.length} cells, not 3 (id, rule, source)`);
    }
    rows.push({ id: first, status, rule, source, file, line });
  });
  return { rows, problems };
}

/** Reads every `rfc/*.md` under `root`; an id defined twice (in any files) is a problem. */
export function readCatalogue(root: string = ROOT): Catalogue {
  const requirements = new Map<string, Requirement>();
  const problems: string[] = [];
  const dir = join(root, "rfc");
  const files = readdirSync(dir).filter((f) => f.endsWith(".md")).sort().map((f) => `rfc/${f}`);
  for (const file of files) {
    const parsed = parseCatalogueFile(file, readFileSync(join(root, file), "utf8"));
    problems.push(...parsed.problems);
    for (const row of parsed.rows) {
      const seen = requirements.get(row.id);
      if (seen !== undefined) {
        problems.push(
          `${row.file}:${row.line}: ${row.id} is already defined at ${seen.file}:${seen.line}`,
        );
      } else requirements.set(row.id, row);
    }
  }
  return { requirements, files, problems };
}

function posix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

function walk(dir: string, keep: (name: string) => boolean, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".")) walk(path, keep, out);
    } else if (entry.isFile() && keep(entry.name)) out.push(path);
  }
}

/**
 * Every file that holds cases, relative to `root`, sorted: test files (`*_test.ts`, `*_suite.ts`)
 * anywhere but in dependencies, builds and hidden directories, and every `.ts` under
 * `conformance/runner/`.
 */
export function caseFiles(root: string = ROOT): string[] {
  const found: string[] = [];
  walk(root, (name) => /_(test|suite)\.ts$/.test(name), found);
  const runner = join(root, RUNNER_DIR);
  if (existsSync(runner)) {
    walk(runner, (name) => name.endsWith(".ts"), found);
  }
  return [...new Set(found.map((p) => posix(relative(root, p))))].sort();
}

/**
 * The ids a source text names in brackets, with their lines. Pure, for tests.
 *
 * @example
 * ```ts
 * import { namedIds } from "./_catalogue.ts";
 * const [open, close] = ["[", "]"]; // so that this example names no id itself
 * console.log(namedIds(`test("x ${open}ZZ-A-1, ZZ-B-2${close}")`).map((n) => n.id)); // ["ZZ-A-1", "ZZ-B-2"]
 * ```
 */
export function namedIds(text: string): { id: string; line: number }[] {
  const out: { id: string; line: number }[] = [];
  text.split("\n").forEach((source, i) => {
    for (const match of source.matchAll(/\[([^[\]]*)\]/g)) {
      const inside = match[1] ?? "";
      if (!ID_LIST.test(inside)) continue;
      for (const id of inside.match(ID_GLOBAL) ?? []) out.push({ id, line: i + 1 });
    }
  });
  return out;
}

/** Every naming of an id in `files` (relative to `root`), in file and line order. */
export function readNamings(root: string = ROOT, files: string[] = caseFiles(root)): Naming[] {
  const out: Naming[] = [];
  for (const file of files) {
    const runner = file.startsWith(`${RUNNER_DIR}/`);
    for (const { id, line } of namedIds(readFileSync(join(root, file), "utf8"))) {
      out.push({ id, file, line, runner });
    }
  }
  return out;
}

/** The counts of one catalogue file. */
export interface FileCoverage {
  readonly file: string;
  readonly active: number;
  readonly pending: number;
  /** Active ids named by at least one case. */
  readonly covered: number;
  /** Active ids named by a test file. */
  readonly byTests: number;
  /** Active ids named by a runner case. */
  readonly byRunner: number;
}

/** The coverage of the catalogue by the cases. */
export interface Coverage {
  readonly catalogue: Catalogue;
  /** How many case files were read. */
  readonly caseFiles: number;
  /** Every place where a case names an id, in file and line order. */
  readonly namings: readonly Naming[];
  /** One entry per catalogue file that has rows (not `rfc/README.md`), sorted by name. */
  readonly files: readonly FileCoverage[];
  /** The sums over all files. */
  readonly totals: Omit<FileCoverage, "file">;
  /** (a) Active ids that no test and no runner case names. */
  readonly uncovered: readonly Requirement[];
  /** (b) Places naming an id that is not in the catalogue. */
  readonly unknown: readonly Naming[];
  /** Places naming a pending id: the rule must be marked active first. */
  readonly namingPending: readonly Naming[];
}

function sortById<T extends { id: string }>(items: T[]): T[] {
  return items.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
}

/**
 * Reads the catalogue and the cases under `root` and measures one against the other.
 *
 * @example
 * ```ts ignore
 * import { coverageOf } from "./_catalogue.ts";
 * const c = coverageOf();
 * console.log(c.totals.active, c.uncovered.length);
 * ```
 */
export function coverageOf(root: string = ROOT): Coverage {
  const catalogue = readCatalogue(root);
  const files = caseFiles(root);
  const namings = readNamings(root, files);
  const byTests = new Set(namings.filter((n) => !n.runner).map((n) => n.id));
  const byRunner = new Set(namings.filter((n) => n.runner).map((n) => n.id));
  const withRows = catalogue.files.filter((file) =>
    [...catalogue.requirements.values()].some((r) => r.file === file)
  );
  const perFile = withRows.map((file) => {
    const rows = [...catalogue.requirements.values()].filter((r) => r.file === file);
    const active = rows.filter((r) => r.status === "active");
    return {
      file,
      active: active.length,
      pending: rows.length - active.length,
      covered: active.filter((r) => byTests.has(r.id) || byRunner.has(r.id)).length,
      byTests: active.filter((r) => byTests.has(r.id)).length,
      byRunner: active.filter((r) => byRunner.has(r.id)).length,
    };
  });
  const sum = (key: keyof Omit<FileCoverage, "file">): number =>
    perFile.reduce((n, f) => n + f[key], 0);
  const requirements = [...catalogue.requirements.values()];
  return {
    catalogue,
    caseFiles: files.length,
    namings,
    files: perFile,
    totals: {
      active: sum("active"),
      pending: sum("pending"),
      covered: sum("covered"),
      byTests: sum("byTests"),
      byRunner: sum("byRunner"),
    },
    uncovered: sortById(
      requirements.filter((r) =>
        r.status === "active" && !byTests.has(r.id) && !byRunner.has(r.id)
      ),
    ),
    unknown: namings.filter((n) => !catalogue.requirements.has(n.id)),
    namingPending: namings.filter((n) => catalogue.requirements.get(n.id)?.status === "pending"),
  };
}

/** True if the catalogue is well formed, every active id has a case and every named id is active. */
export function coverageOk(c: Coverage): boolean {
  return c.catalogue.problems.length === 0 && c.uncovered.length === 0 &&
    c.unknown.length === 0 && c.namingPending.length === 0;
}
