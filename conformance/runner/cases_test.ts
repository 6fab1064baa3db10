/**
 * The runner's cases keep the bracket convention: each name carries at least one rule id, every id
 * is a row of `rfc/*.md`, names are unique (a report row per name), and every section is named.
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { allCases } from "./cases/mod.ts";
import { idsOf } from "./case.ts";

function catalogue(): Set<string> {
  const dir = fileURLToPath(new URL("../../rfc/", import.meta.url));
  const ids = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".md"))) {
    for (
      const m of readFileSync(dir + f, "utf8").matchAll(
        /^\|\s*([A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*-[0-9]+)\s*\|/gm,
      )
    ) {
      ids.add(m[1]!);
    }
  }
  return ids;
}

test("every runner case names catalogued rule ids in brackets, under a section, uniquely", () => {
  const known = catalogue();
  const cases = allCases();
  assert.ok(cases.length >= 60, `${cases.length} cases`);
  const names = new Set<string>();
  for (const c of cases) {
    const ids = idsOf(c.name);
    assert.ok(ids.length > 0, `no [ID] in "${c.name}"`);
    for (const id of ids) assert.ok(known.has(id), `${id} of "${c.name}" is not in rfc/*.md`);
    assert.ok(c.section.length > 0, `no section for "${c.name}"`);
    assert.ok(!names.has(c.name), `two cases named "${c.name}"`);
    names.add(c.name);
  }
});
