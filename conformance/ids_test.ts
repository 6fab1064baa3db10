/**
 * Keeps the requirement catalogue (`rfc/*.md`) and the tests honest with each
 * other: every id in a catalogue table must be named, in brackets, by at least
 * one test file, and every id a test names must be in a catalogue.
 *
 * A catalogue row is a table row under a header whose first cell is `id`. A
 * test names ids in a bracket that holds nothing but ids separated by commas
 * or spaces, for example "REQ resends [ID]" or "[ID, ID]" with real ids in
 * place of ID. Runs under Deno, Bun and Node (node:fs only).
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Directories never scanned for tests. */
const SKIP_DIRS = new Set(["node_modules", ".git", "target"]);
/** An id: upper-case words joined by dashes (the first of two or more characters), ending in a number. */
const ID = "[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*-[0-9]+";
const ID_ONLY = new RegExp(`^${ID}$`);
const ID_LIST = new RegExp(`^\\s*${ID}(?:[\\s,]+${ID})*\\s*,?\\s*$`);
const ID_GLOBAL = new RegExp(ID, "g");

interface Place {
  readonly file: string;
  readonly line: number;
}

interface Catalogue {
  readonly ids: Map<string, Place>;
  readonly problems: string[];
}

function cells(line: string): string[] {
  return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
}

/** Reads every table row of every rfc/*.md whose table has an `id` column first. */
function readCatalogue(): Catalogue {
  const ids = new Map<string, Place>();
  const problems: string[] = [];
  const dir = join(ROOT, "rfc");
  const files = readdirSync(dir).filter((f) => f.endsWith(".md")).sort();
  for (const name of files) {
    const file = `rfc/${name}`;
    const lines = readFileSync(join(dir, name), "utf8").split("\n");
    let inTable = false;
    lines.forEach((line, i) => {
      if (!line.trimStart().startsWith("|")) {
        inTable = false;
        return;
      }
      const row = cells(line);
      const first = row[0] ?? "";
      if (!inTable) {
        inTable = first.toLowerCase() === "id";
        return; // the header row
      }
      if (/^:?-+:?$/.test(first)) return; // the separator row
      const place = { file, line: i + 1 };
      if (!ID_ONLY.test(first)) {
        problems.push(`${file}:${i + 1}: "${first}" is not a well-formed id`);
        return;
      }
      const seen = ids.get(first);
      if (seen !== undefined) {
        problems.push(`${file}:${i + 1}: ${first} is already defined at ${seen.file}:${seen.line}`);
        return;
      }
      ids.set(first, place);
    });
  }
  return { ids, problems };
}

function testFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) testFiles(join(dir, entry.name), out);
    } else if (entry.isFile() && /_(test|suite)\.ts$/.test(entry.name)) {
      // *_suite.ts: a module that declares test cases for several test files
      out.push(join(dir, entry.name));
    }
  }
  return out;
}

/** Every id that some test file names in brackets, with where it was first named. */
function readTestIds(): Map<string, Place> {
  const named = new Map<string, Place>();
  for (const path of testFiles(ROOT).sort()) {
    const file = relative(ROOT, path);
    const lines = readFileSync(path, "utf8").split("\n");
    lines.forEach((line, i) => {
      for (const match of line.matchAll(/\[([^[\]]*)\]/g)) {
        const inside = match[1] ?? "";
        if (!ID_LIST.test(inside)) continue;
        for (const id of inside.match(ID_GLOBAL) ?? []) {
          if (!named.has(id)) named.set(id, { file, line: i + 1 });
        }
      }
    });
  }
  return named;
}

function sortIds(ids: Iterable<string>): string[] {
  return [...ids].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

test("every requirement catalogue row has a unique, well-formed id", () => {
  const { ids, problems } = readCatalogue();
  assert.ok(ids.size > 0, "no ids found in rfc/*.md");
  assert.deepEqual(problems, [], `catalogue problems:\n  ${problems.join("\n  ")}`);
});

test("every catalogued requirement is checked by at least one test", () => {
  const { ids } = readCatalogue();
  const named = readTestIds();
  const missing = sortIds([...ids.keys()].filter((id) => !named.has(id)));
  const lines = missing.map((id) => `${id} (${ids.get(id)!.file}:${ids.get(id)!.line})`);
  assert.deepEqual(
    lines,
    [],
    `${missing.length} catalogued id(s) that no test names:\n  ${lines.join("\n  ")}`,
  );
});

test("every id named by a test is in the requirement catalogue", () => {
  const { ids } = readCatalogue();
  const named = readTestIds();
  const unknown = sortIds([...named.keys()].filter((id) => !ids.has(id)));
  const lines = unknown.map((id) => `${id} (${named.get(id)!.file}:${named.get(id)!.line})`);
  assert.deepEqual(
    lines,
    [],
    `${unknown.length} id(s) named by tests but missing from rfc/*.md:\n  ${lines.join("\n  ")}`,
  );
});
