#!/usr/bin/env -S deno run -A
/**
 * edgecat: one command-line tool for both wires edgemq speaks, SP (nanomsg, NNG, mangos) and
 * ZMTP (ZeroMQ), in the manner of nngcat and nanocat. `edgecat --help` prints the usage.
 *
 * ```sh
 * deno run -A cli/edgecat.ts --rep0 --listen tcp://127.0.0.1:5555 --data world --quoted &
 * bun cli/edgecat.ts --req0 --dial tcp://127.0.0.1:5555 --data hello --quoted   # "world"
 * ```
 *
 * @example Run it from a program
 * ```ts
 * import { run } from "./edgecat.ts";
 * const code = await run(["--zmq-stream", "--bind", "tcp://127.0.0.1:0"], {
 *   write: () => Promise.resolve(),
 *   error: () => {},
 *   readFile: () => Promise.reject(new Error("unused")),
 * });
 * console.log(code); // 2: not supported yet
 * ```
 *
 * @module
 */
import process from "node:process";
import { fileURLToPath } from "node:url";
import { realpathSync } from "node:fs";
import { exitAfterFlush, processIO, programArgs } from "./_io.ts";
import { run } from "./_run.ts";

export { type CatIO, run } from "./_run.ts";

// Deno and Bun say whether this module is the program; Node 20 does not (import.meta.main came in
// Node 24), so there the script's own path is compared with the one Node was given, through
// symbolic links (npm's `node_modules/.bin/edgecat` is one).
const isMain = (import.meta as { main?: boolean }).main ?? isScript(process.argv[1]);

function isScript(path: string | undefined): boolean {
  if (path === undefined) return false;
  try {
    return realpathSync(path) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain) {
  await exitAfterFlush(await run(programArgs(), processIO));
}
