/**
 * Refreshes the guides' copies of the example programs from examples/ (docs/docs_test.ts fails
 * when one differs). Run it after changing an example:
 *
 *   deno run -A docs/sync.ts      or      bun docs/sync.ts
 *
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { asShown, tsBlocks } from "./_blocks.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DOCS = join(ROOT, "docs");

for (const name of readdirSync(DOCS).filter((f) => f.endsWith(".md")).sort()) {
  const path = join(DOCS, name);
  const markdown = readFileSync(path, "utf8");
  const lines = markdown.split("\n");
  const blocks = tsBlocks(`docs/${name}`, markdown).filter((b) => b.copyOf !== undefined);
  for (const block of blocks.reverse()) { // from the end, so earlier indices stay valid
    const program = asShown(readFileSync(join(ROOT, block.copyOf!), "utf8")).replace(/\n$/, "");
    lines.splice(block.open + 1, block.close - block.open - 1, ...program.split("\n"));
  }
  const updated = lines.join("\n");
  if (updated !== markdown) {
    writeFileSync(path, updated);
    console.log(`updated docs/${name}`);
  }
}
