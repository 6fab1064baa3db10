/**
 * Keeps the requirement catalogue (`rfc/*.md`) and the cases honest with each other, with the
 * reader that `conformance/coverage.ts` uses (`_catalogue.ts`): every row is well formed and its
 * id unique, the catalogue holds at least 400 ids, every active id is named in brackets by a test
 * or a runner case, every id a case names is catalogued, and no case names a pending id. The
 * rules are in `rfc/README.md`. Runs under Deno, Bun and Node (node:fs only).
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  caseFiles,
  coverageOf,
  coverageOk,
  MIN_IDS,
  namedIds,
  parseCatalogueFile,
  readCatalogue,
} from "./_catalogue.ts";

// Brackets for the fixtures below, so that this file names no id itself.
const [OPEN, CLOSE] = ["[", "]"];

test("every requirement catalogue row has a unique, well-formed id, a rule and a source", () => {
  const { requirements, problems } = readCatalogue();
  assert.ok(requirements.size > 0, "no ids found in rfc/*.md");
  assert.deepEqual(problems, [], `catalogue problems:\n  ${problems.join("\n  ")}`);
});

test(`the requirement catalogue holds at least ${MIN_IDS} ids, active and pending`, () => {
  const { requirements } = readCatalogue();
  const pending = [...requirements.values()].filter((r) => r.status === "pending").length;
  assert.ok(
    requirements.size >= MIN_IDS,
    `${requirements.size} ids (${requirements.size - pending} active, ${pending} pending)`,
  );
});

test("every active requirement is named by at least one test or runner case", () => {
  const { uncovered } = coverageOf();
  const lines = uncovered.map((r) => `${r.id} (${r.file}:${r.line})`);
  assert.deepEqual(
    lines,
    [],
    `${lines.length} active id(s) that no case names:\n  ${lines.join("\n  ")}`,
  );
});

test("every id named by a test or runner case is in the requirement catalogue", () => {
  const { unknown } = coverageOf();
  const lines = unknown.map((n) => `${n.id} (${n.file}:${n.line})`);
  assert.deepEqual(
    lines,
    [],
    `${lines.length} id(s) named by cases but missing from rfc/*.md:\n  ${lines.join("\n  ")}`,
  );
});

test("no test or runner case names a pending id", () => {
  const { namingPending } = coverageOf();
  const lines = namingPending.map((n) => `${n.id} (${n.file}:${n.line})`);
  assert.deepEqual(
    lines,
    [],
    `pending id(s) named by cases; mark them active (header "id", or move the row):\n  ${
      lines.join("\n  ")
    }`,
  );
});

test("the catalogue reader tells active from pending tables and reports malformed rows", () => {
  const text = [
    "# title",
    "| id | rule | source |",
    "| -- | ---- | ------ |",
    "| ZZ-ONE-1 | a rule with a \\| pipe | RFC 1 §2 |",
    "| bad id | rule | source |",
    "| ZZ-ONE-2 | rule without a source |  |",
    "",
    "| Pending ID | rule | source |",
    "| :-- | --- | --- |",
    "| ZZ-TWO-1 | later | RFC 2 |",
    "",
    "```",
    "| id | rule | source |",
    "| ZZ-FENCED-1 | an example in a code block | s |",
    "```",
    "| name | value |",
    "| ---- | ----- |",
    "| ZZ-THREE-1 | not a catalogue table |",
  ].join("\n");
  const { rows, problems } = parseCatalogueFile("rfc/x.md", text);
  assert.deepEqual(
    rows.map((r) => [r.id, r.status, r.line]),
    [["ZZ-ONE-1", "active", 4], ["ZZ-ONE-2", "active", 6], ["ZZ-TWO-1", "pending", 10]],
  );
  assert.equal(rows[0]!.rule, "a rule with a | pipe");
  assert.equal(rows[0]!.source, "RFC 1 §2");
  assert.deepEqual(problems, [
    'rfc/x.md:5: "bad id" is not a well-formed id',
    "rfc/x.md:6: ZZ-ONE-2 has no source",
  ]);
});

test("a case names ids only in a bracket that holds nothing but ids", () => {
  const source = [
    `test("one ${OPEN}ZZ-A-1${CLOSE} two ${OPEN}ZZ-B-2, ZZ-C-3${CLOSE}", () => {});`,
    `const list = ${OPEN}"ZZ-D-4"${CLOSE}; // quoted: not a naming`,
    `x${OPEN}0${CLOSE}; y${OPEN}ZZ-E-5 and more${CLOSE}; ${OPEN}ZZ-F-6 ZZ-G-7,${CLOSE}`,
  ].join("\n");
  assert.deepEqual(namedIds(source), [
    { id: "ZZ-A-1", line: 1 },
    { id: "ZZ-B-2", line: 1 },
    { id: "ZZ-C-3", line: 1 },
    { id: "ZZ-F-6", line: 3 },
    { id: "ZZ-G-7", line: 3 },
  ]);
});

test("coverage reads tests and runner cases, skips dependencies, and finds every kind of gap", () => {
  const root = mkdtempSync(join(tmpdir(), "edgemq-catalogue-"));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  try {
    write(
      "rfc/a.md",
      [
        "| id | rule | source |",
        "| - | - | - |",
        "| ZZ-T-1 | tested | s |",
        "| ZZ-R-1 | run by the runner | s |",
        "| ZZ-U-1 | named by nobody | s |",
        "",
        "| pending id | rule | source |",
        "| - | - | - |",
        "| ZZ-P-1 | not built | s |",
        "| ZZ-P-2 | not built, but named | s |",
      ].join("\n"),
    );
    write("lib/a_test.ts", `test("t ${OPEN}ZZ-T-1${CLOSE} ${OPEN}ZZ-X-9${CLOSE}", () => {});`);
    write("conformance/shared_suite.ts", `// ${OPEN}ZZ-T-1${CLOSE}`);
    write("conformance/runner/cases/a.ts", `c("r ${OPEN}ZZ-R-1, ZZ-P-2${CLOSE}");`);
    write("node_modules/dep/b_test.ts", `test("${OPEN}ZZ-U-1${CLOSE}");`);
    write("npm/esm/c_test.ts", `test("${OPEN}ZZ-U-1${CLOSE}");`);
    write(".ci/d_test.ts", `test("${OPEN}ZZ-U-1${CLOSE}");`);
    write("lib/plain.ts", `// ${OPEN}ZZ-U-1${CLOSE} in a module that is not a case file`);

    assert.deepEqual(caseFiles(root), [
      "conformance/runner/cases/a.ts",
      "conformance/shared_suite.ts",
      "lib/a_test.ts",
    ]);
    const c = coverageOf(root);
    assert.deepEqual(c.files, [
      { file: "rfc/a.md", active: 3, pending: 2, covered: 2, byTests: 1, byRunner: 1 },
    ]);
    assert.deepEqual(c.uncovered.map((r) => r.id), ["ZZ-U-1"]);
    assert.deepEqual(c.unknown.map((n) => [n.id, n.file, n.line]), [[
      "ZZ-X-9",
      "lib/a_test.ts",
      1,
    ]]);
    assert.deepEqual(c.namingPending.map((n) => [n.id, n.file, n.runner]), [
      ["ZZ-P-2", "conformance/runner/cases/a.ts", true],
    ]);
    assert.equal(coverageOk(c), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
