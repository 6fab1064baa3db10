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
 * const code = await run(["--bus0", "--listen", "tcp://127.0.0.1:0"], {
 *   write: () => Promise.resolve(),
 *   error: () => {},
 *   readFile: () => Promise.reject(new Error("unused")),
 * });
 * console.log(code); // 2: not supported yet
 * ```
 *
 * @module
 */
import { exitAfterFlush, processIO, programArgs } from "./_io.ts";
import { run } from "./_run.ts";

export { type CatIO, run } from "./_run.ts";

if (import.meta.main) {
  await exitAfterFlush(await run(programArgs(), processIO));
}
