/**
 * edgemq as the target of the conformance runner: `startEdgemq` serves one socket of the asked type
 * under the target contract, in this process (`inproc`) or as a child `deno` or `bun` process.
 * Run as a program it is that child: it prints `ready <url>` once serving and serves until its
 * standard input closes.
 *
 * ```sh
 * deno run -A conformance/runner/targets/edgemq.ts --wire zmtp --type REP --listen tcp://127.0.0.1:0
 * ```
 *
 * @module
 */
import process from "node:process";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serveEdgemq } from "./edgemq_serve.ts";
import type { Role, Target, Wire } from "../target.ts";

/** Where edgemq runs. */
export type SelfRuntime = "inproc" | "deno" | "bun";

/** What to start. */
export interface EdgemqTargetOptions {
  /** The wire. */
  readonly wire: Wire;
  /** ZMTP type (`REP`) or SP protocol (`rep0`). */
  readonly type: string;
  /** The runner's role: `dial` (edgemq listens on `url`) or `listen` (edgemq dials `url`). */
  readonly role: Role;
  /** Where edgemq listens or dials. @default "tcp://127.0.0.1:0" when edgemq listens */
  readonly url?: string;
  /** In this process, or a child runtime. @default "inproc" */
  readonly runtime?: SelfRuntime;
}

/** A started edgemq target. */
export interface EdgemqTarget {
  /** The target to run the cases against. */
  readonly target: Target;
  /** Stops it. */
  close(): Promise<void>;
}

const HERE = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The runtime's executable: the repository's own copy if installed, else from PATH. */
function executable(runtime: "deno" | "bun"): string {
  const local = `${ROOT}node_modules/.bin/${runtime}`;
  return existsSync(local) ? local : runtime;
}

/**
 * Starts edgemq as a target.
 *
 * @example
 * ```ts ignore
 * import { startEdgemq } from "./edgemq.ts";
 * const t = await startEdgemq({ wire: "sp", type: "rep0", role: "dial", runtime: "bun" });
 * console.log(t.target.url); // tcp://127.0.0.1:<port>
 * await t.close();
 * ```
 */
export async function startEdgemq(options: EdgemqTargetOptions): Promise<EdgemqTarget> {
  const where = options.url ?? "tcp://127.0.0.1:0";
  const listen = options.role === "dial";
  const runtime = options.runtime ?? "inproc";
  if (runtime === "inproc") {
    const s = await serveEdgemq({
      wire: options.wire,
      type: options.type,
      ...(listen ? { listen: where } : { dial: where }),
    });
    return { target: target(options, s.url), close: () => s.close() };
  }
  return await startChild(options, runtime, where, listen);
}

function target(o: EdgemqTargetOptions, url: string): Target {
  return { wire: o.wire, type: o.type, url, role: o.role };
}

async function startChild(
  o: EdgemqTargetOptions,
  runtime: "deno" | "bun",
  where: string,
  listen: boolean,
): Promise<EdgemqTarget> {
  const args = ["--wire", o.wire, "--type", o.type, listen ? "--listen" : "--dial", where];
  const argv = runtime === "deno" ? ["run", "-A", HERE, ...args] : [HERE, ...args];
  const child = spawn(executable(runtime), argv, { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => fail(new Error(`edgemq on ${runtime} did not start in 20 s`)),
      20000,
    );
    function fail(e: Error): void {
      clearTimeout(timer);
      child.kill();
      reject(e);
    }
    child.once(
      "exit",
      (code) => fail(new Error(`edgemq on ${runtime} exited with ${code}: ${out}`)),
    );
    child.stdout!.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      const m = /^ready (\S+)$/m.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return {
    target: target(o, url),
    async close() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill(), 3000);
      await exited;
      clearTimeout(timer);
      child.stdout!.destroy();
    },
  };
}

/** The child program: serve until standard input closes. */
async function main(argv: readonly string[]): Promise<void> {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const wire = flag("--wire") as Wire;
  const listen = flag("--listen");
  const dial = flag("--dial");
  const s = await serveEdgemq({
    wire,
    type: flag("--type") ?? "",
    ...(listen !== undefined ? { listen } : {}),
    ...(dial !== undefined ? { dial } : {}),
  });
  process.stdout.write(`ready ${s.url}\n`);
  await new Promise<void>((resolve) => {
    process.stdin.on("end", resolve);
    process.stdin.on("close", resolve);
    process.stdin.resume();
  });
  await s.close();
  process.exit(0);
}

const isMain = import.meta.main ??
  (process.argv[1] !== undefined && HERE === process.argv[1]);
if (isMain) {
  const deno = (globalThis as { Deno?: { args: string[] } }).Deno;
  await main(deno !== undefined ? deno.args : process.argv.slice(2));
}
