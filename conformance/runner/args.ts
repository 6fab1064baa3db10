/**
 * The runner's command line: what to check (`--wire`, `--type`/`--protocol`, `--connect` or
 * `--listen`, or `--self` for edgemq itself), which cases (`--filter`), how long a step may take
 * (`--timeout`), and where the report goes (`--json`, `--html`).
 *
 * @module
 */
import type { Role, Wire } from "./target.ts";
import type { SelfRuntime } from "./targets/edgemq.ts";

/** What the command line asked for. */
export interface CliOptions {
  /** The wire. */
  readonly wire: Wire;
  /** ZMTP type or SP protocol. */
  readonly type: string;
  /** The runner's role. */
  readonly role: Role;
  /** The URL to dial or listen on (undefined with `--self`: edgemq picks a port). */
  readonly url?: string;
  /** Start edgemq as the target. */
  readonly self?: SelfRuntime;
  /** Only cases whose name matches. */
  readonly filter?: RegExp;
  /** Step deadline, ms. */
  readonly stepMs: number;
  /** Write the JSON report here. */
  readonly json?: string;
  /** Write the HTML report here. */
  readonly html?: string;
  /** The implementation's name in the report. */
  readonly name?: string;
  /** The fixed body the target answers with (it does not echo). */
  readonly reply?: string;
  /** Print skipped cases and notes too. */
  readonly verbose: boolean;
  /** Print the cases and exit. */
  readonly list: boolean;
}

/** The usage text. */
export const USAGE =
  `usage: cli.ts --wire zmtp|sp --type TYPE (--connect URL | --listen URL | --self deno|bun|inproc)
  --wire zmtp|sp        the wire the target speaks
  --type, --protocol T  ZMTP socket type (REP, PUB, ...) or SP protocol (req0, pub0, ...)
  --connect URL         the runner dials the target listening at URL (tcp:// or ipc://)
  --listen URL          the runner listens at URL and waits for the target to dial it
  --self RUNTIME        start edgemq as the target: in this process (inproc) or a deno/bun child
  --filter REGEX        only cases whose name matches
  --timeout MS          deadline of each step (default 2000)
  --reply TEXT          the target answers every request with TEXT instead of echoing it
  --name LABEL          the implementation's name in the report
  --json FILE           write the report as JSON
  --html FILE           write the report as a self-contained HTML page
  --verbose             list skipped cases and notes too
  --list                list the cases and their rule ids, run nothing
exit code: 0 if no case failed, 1 if one failed or could not be run, 2 for a usage error`;

const VALUE_FLAGS = new Set([
  "--wire",
  "--type",
  "--protocol",
  "--connect",
  "--listen",
  "--self",
  "--filter",
  "--timeout",
  "--json",
  "--html",
  "--name",
  "--reply",
]);

/**
 * Parses the arguments (without the program).
 *
 * @throws {Error} with a message for the user when the line is wrong.
 * @example
 * ```ts
 * import { parseArgs } from "./args.ts";
 * const o = parseArgs(["--wire", "sp", "--protocol", "rep0", "--connect", "tcp://127.0.0.1:5555"]);
 * console.log(o.role, o.stepMs); // dial 2000
 * ```
 */
export function parseArgs(argv: readonly string[]): CliOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_FLAGS.has(a)) {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      values.set(a === "--protocol" ? "--type" : a, v);
    } else if (a === "--verbose" || a === "--list") flags.add(a);
    else throw new Error(`unknown argument "${a}"`);
  }
  const list = flags.has("--list");
  const wire = values.get("--wire") ?? (list ? "zmtp" : undefined);
  if (wire !== "zmtp" && wire !== "sp") throw new Error("--wire must be zmtp or sp");
  const type = values.get("--type") ?? (list ? "" : undefined);
  if (type === undefined) throw new Error("--type (or --protocol) is required");
  const connect = values.get("--connect");
  const listen = values.get("--listen");
  const self = values.get("--self");
  if (connect !== undefined && listen !== undefined) {
    throw new Error("give --connect or --listen, not both");
  }
  if (self !== undefined && self !== "deno" && self !== "bun" && self !== "inproc") {
    throw new Error("--self must be deno, bun or inproc");
  }
  const url = connect ?? listen;
  if (url === undefined && self === undefined && !list) {
    throw new Error("give --connect URL, --listen URL or --self RUNTIME");
  }
  const timeout = Number(values.get("--timeout") ?? "2000");
  if (!Number.isInteger(timeout) || timeout < 50) {
    throw new Error("--timeout must be an integer of at least 50 (ms)");
  }
  const filter = values.get("--filter");
  const opt = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } =>
    (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
  return {
    wire,
    type,
    role: listen !== undefined ? "listen" : "dial",
    stepMs: timeout,
    verbose: flags.has("--verbose"),
    list,
    ...opt("url", url),
    ...opt("self", self as SelfRuntime | undefined),
    ...opt("filter", filter === undefined ? undefined : new RegExp(filter)),
    ...opt("json", values.get("--json")),
    ...opt("html", values.get("--html")),
    ...opt("name", values.get("--name")),
    ...opt("reply", values.get("--reply")),
  };
}
