/**
 * The guides cannot rot: every `ts` code block of docs/*.md is checked on every runtime.
 *
 * - A block introduced as a copy of an example (the line before it ends with a link to
 *   `../examples/<name>.ts` and a colon) must be that file, with its `../mod.ts` import written
 *   as a user writes it (`"edgemq"`); examples/examples_test.ts runs the file, and
 *   `deno run -A docs/sync.ts` refreshes the copies after an example changes.
 * - Every block type-checks with the project's compiler options (`deno check`, "edgemq" resolved
 *   to mod.ts), on Bun and Node too (with the deno binary from node_modules).
 * - Every other block is a complete program too: it runs on this test's runtime and must exit 0.
 * - Every relative link in docs/*.md and README.md names a file that exists.
 *
 * `deno test --doc` would also run the docs' blocks, but cannot resolve "edgemq"; deno.json
 * leaves docs/*.md out of its test discovery, and this file does the checking instead.
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { within } from "../testing/async.ts";
import { asShown, type Block, REPO_IMPORT, tsBlocks, USER_IMPORT } from "./_blocks.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DOCS = join(ROOT, "docs");
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
const PAGES = readdirSync(DOCS).filter((f) => f.endsWith(".md")).sort();
const BLOCKS = PAGES.flatMap((page) =>
  tsBlocks(`docs/${page}`, readFileSync(join(DOCS, page), "utf8"))
);

/** Runs a command; resolves with its exit code and everything it printed. */
function run(
  command: string,
  args: string[],
  ms: number,
): Promise<{ code: number | null; out: string }> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  child.stderr!.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  return within(
    ms,
    new Promise<{ code: number | null; out: string }>((resolve) =>
      child.on("close", (code) => resolve({ code, out }))
    ),
    `${command} ${args.join(" ")}`,
  ).finally(() => child.kill());
}

/** Writes each block to a file of its own in `dir`, importing mod.ts by absolute URL. */
function writeBlocks(dir: string, blocks: readonly Block[]): Map<Block, string> {
  const modUrl = JSON.stringify(pathToFileURL(join(ROOT, "mod.ts")).href);
  const files = new Map<Block, string>();
  for (const block of blocks) {
    const name = `${block.page.replace(/\W/g, "_")}_line_${block.line}.mts`;
    const file = join(dir, name);
    writeFileSync(file, block.code.replaceAll(USER_IMPORT, `from ${modUrl}`));
    files.set(block, file);
  }
  return files;
}

test("docs/*.md have ts blocks, none empty, and each copy names an example that exists [EX-2]", () => {
  assert.ok(BLOCKS.length > 0, "no ```ts blocks found in docs/");
  for (const block of BLOCKS) {
    assert.ok(block.code.trim() !== "", `${block.page}:${block.line}: an empty block`);
    if (block.copyOf === undefined) continue;
    assert.ok(existsSync(join(ROOT, block.copyOf)), `${block.page}:${block.line}: ${block.copyOf}`);
  }
});

for (const block of BLOCKS.filter((b) => b.copyOf !== undefined)) {
  test(`${block.page}:${block.line} is ${block.copyOf} as a user imports it [EX-2]`, () => {
    const file = readFileSync(join(ROOT, block.copyOf!), "utf8");
    assert.ok(file.includes(REPO_IMPORT), `${block.copyOf} imports ../mod.ts`);
    assert.equal(block.code, asShown(file), "run docs/sync.ts to refresh the copy");
  });
}

test("every ts block of docs/*.md type-checks [EX-2]", async () => {
  const dir = mkdtempSync(join(tmpdir(), "edgemq-docs-check-"));
  try {
    const files = writeBlocks(dir, BLOCKS);
    const deno = isDeno ? process.execPath : join(ROOT, "node_modules", ".bin", "deno");
    const config = join(ROOT, "deno.json");
    const { code, out } = await run(deno, ["check", "--config", config, ...files.values()], 120000);
    assert.equal(code, 0, `deno check failed (files are named after page and line):\n${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const block of BLOCKS.filter((b) => b.copyOf === undefined)) {
  test(`${block.page}:${block.line} runs to completion [EX-2]`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgemq-docs-run-"));
    try {
      const file = writeBlocks(dir, [block]).get(block)!;
      const args = isDeno ? ["run", "-A", file] : [file];
      const { code, out } = await run(process.execPath, args, 30000);
      assert.equal(code, 0, out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("relative links in docs/*.md and README.md name files that exist [EX-2]", () => {
  const pages = [...PAGES.map((p) => join(DOCS, p)), join(ROOT, "README.md")];
  for (const page of pages) {
    const markdown = readFileSync(page, "utf8");
    for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!) || target!.startsWith("#")) continue; // URLs, anchors
      const path = join(dirname(page), target!.split("#")[0]!);
      assert.ok(existsSync(path), `${page}: link to ${target} (no ${path})`);
    }
  }
});
