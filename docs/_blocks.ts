/**
 * The `ts` code blocks of the guides, and which of them are copies of an example program: a block is
 * one when the line before it ends with a link to `../examples/<name>.ts` and a colon. A copy is
 * the file with its `../mod.ts` import written as a user writes it, `"edgemq"`.
 *
 * @module
 */

/** How a program in examples/ imports the library, and how the guides show it. */
export const REPO_IMPORT = 'from "../mod.ts"';
/** The import as a user writes it. */
export const USER_IMPORT = 'from "edgemq"';

/** One `ts` code block of a page. */
export interface Block {
  /** The page, as given. */
  readonly page: string;
  /** The line of the opening fence, from 1. */
  readonly line: number;
  /** The lines between the fences, each ending in a newline. */
  readonly code: string;
  /** `examples/<name>.ts` when the block is introduced as a copy of it. */
  readonly copyOf: string | undefined;
  /** The index of the opening fence in the page's lines. */
  readonly open: number;
  /** The index of the closing fence. */
  readonly close: number;
}

/**
 * The `ts` code blocks of a markdown text.
 *
 * @example
 * ```ts
 * import { tsBlocks } from "./_blocks.ts";
 * const fence = String.fromCharCode(96).repeat(3); // three backticks
 * const page = "From [a.ts](../examples/a.ts):\n\n" + fence + "ts\nlet a = 1;\n" + fence + "\n";
 * console.log(tsBlocks("docs/x.md", page)[0]?.copyOf); // examples/a.ts
 * ```
 */
export function tsBlocks(page: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```/.test(lines[i]!)) continue;
    const close = closingFence(lines, i);
    if (/^```ts\s*$/.test(lines[i]!)) {
      let before = i - 1;
      while (before >= 0 && lines[before]!.trim() === "") before--;
      const copy = /\]\(\.\.\/(examples\/[\w-]+\.ts)\):$/.exec(lines[before] ?? "");
      const code = lines.slice(i + 1, close).map((l) => l + "\n").join("");
      blocks.push({ page, line: i + 1, code, copyOf: copy?.[1], open: i, close });
    }
    i = close; // other languages' blocks are skipped whole
  }
  return blocks;
}

function closingFence(lines: string[], open: number): number {
  for (let j = open + 1; j < lines.length; j++) if (/^```\s*$/.test(lines[j]!)) return j;
  throw new Error(`unclosed code block at line ${open + 1}`);
}

/**
 * An example program as the guides show it.
 *
 * @example
 * ```ts
 * import { asShown } from "./_blocks.ts";
 * console.log(asShown('import { sp } from "../mod.ts";\n')); // import { sp } from "edgemq";
 * ```
 */
export function asShown(program: string): string {
  return program.replaceAll(REPO_IMPORT, USER_IMPORT);
}
