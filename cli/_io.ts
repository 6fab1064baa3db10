/**
 * edgecat's input and output as a process, on Deno and on Bun alike: the arguments, standard
 * output and error through `node:process`, files through `node:fs/promises`.
 *
 * @module
 */
import process from "node:process";
import { readFile } from "node:fs/promises";
import type { CatIO } from "./_run.ts";

/**
 * The program's arguments, without the runtime and the script (`Deno.args` under Deno).
 *
 * @example
 * ```ts
 * import { programArgs } from "./_io.ts";
 * console.log(Array.isArray(programArgs())); // true
 * ```
 */
export function programArgs(): string[] {
  const deno = (globalThis as unknown as { Deno?: { args: readonly string[] } }).Deno;
  return deno !== undefined ? [...deno.args] : process.argv.slice(2);
}

function writeTo(stream: NodeJS.WriteStream, bytes: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(bytes, (err) => err ? reject(err) : resolve());
  });
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The process's standard streams and files.
 *
 * @example
 * ```ts
 * import { processIO } from "./_io.ts";
 * await processIO.write(new TextEncoder().encode("hello\n"));
 * ```
 */
export const processIO: CatIO = {
  write: (bytes) => writeTo(process.stdout, bytes),
  error: (line) => void process.stderr.write(line + "\n"),
  readFile: async (path) => path === "-" ? await readStdin() : new Uint8Array(await readFile(path)),
};

/**
 * Waits until everything written to stdout and stderr was handed over, then ends the process.
 *
 * @example
 * ```ts ignore
 * import { exitAfterFlush } from "./_io.ts";
 * await exitAfterFlush(0);
 * ```
 */
export async function exitAfterFlush(code: number): Promise<never> {
  await Promise.all([writeTo(process.stdout, ""), writeTo(process.stderr, "")]).catch(() => {});
  process.exit(code);
}
