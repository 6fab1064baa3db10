/**
 * edgecat's command line, parsed and checked: nngcat's options (NNG's manual, nngcat(1)) plus the
 * ZeroMQ socket types. A value follows its option as the next argument, after `=` or `:`
 * (`--data=hi`, `--subscribe:news`), or, for a one-letter option, attached (`-Dhi`). Options are
 * not abbreviated. Every mistake is a {@linkcode UsageError} (exit code 2).
 *
 * @module
 */
import { type Format, isFormat } from "./_format.ts";
import { ALIASES, NOT_YET, SOCKET_TYPES, type SocketType } from "./_sockets.ts";

/**
 * A mistake on the command line; edgecat prints it with a hint and exits with code 2.
 *
 * @example
 * ```ts
 * import { parseArgs, UsageError } from "./_args.ts";
 * try {
 *   parseArgs(["--pull0"]);
 * } catch (e) {
 *   if (e instanceof UsageError) console.log(e.message); // no address given (...)
 * }
 * ```
 */
export class UsageError extends Error {
  /** Creates one; `message` says what is wrong. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Where to listen or dial. */
export interface Endpoint {
  /** `listen` (also spelled bind) or `dial` (also spelled connect). */
  readonly kind: "listen" | "dial";
  /** The URL. */
  readonly url: string;
}

/** One piece of outgoing data: text from `--data`, or the path given to `--file` (`-` = stdin). */
export interface DataSource {
  /** Which option gave it. */
  readonly kind: "data" | "file";
  /** The text, or the path. */
  readonly value: string;
}

/** What edgecat was asked to do. Times are milliseconds. */
export interface CatArgs {
  /** The socket type. */
  readonly type: SocketType;
  /** Listeners and dialers, in order (at least one). */
  readonly endpoints: readonly Endpoint[];
  /** How received messages are printed. */
  readonly format: Format;
  /** The outgoing message: one source for SP, one per frame for ZMTP. */
  readonly data: readonly DataSource[];
  /** Messages (or exchanges) before exiting; 0 or undefined as described in the usage text. */
  readonly count: number | undefined;
  /** Time between sends; undefined sends once. */
  readonly interval: number | undefined;
  /** Wait before the first send. */
  readonly delay: number;
  /** Subscriptions (SUB types), as given; none means everything. */
  readonly subscribe: readonly string[];
  /** The receive timeout, if any. */
  readonly recvTimeout: number | undefined;
  /** The send timeout, if any. */
  readonly sendTimeout: number | undefined;
  /** Largest message accepted (0 = no limit), if given. */
  readonly recvMaxSize: number | undefined;
  /** ZMTP routing id, if given. */
  readonly routingId: string | undefined;
  /** Socket events to stderr. */
  readonly verbose: boolean;
}

/** The outcome of parsing: print the usage, print the version, or run. */
export type Parsed =
  | { readonly action: "help" }
  | { readonly action: "version" }
  | { readonly action: "run"; readonly args: CatArgs };

type Option =
  | "listen"
  | "dial"
  | "listen-local"
  | "dial-local"
  | "listen-ipc"
  | "dial-ipc"
  | "format"
  | "data"
  | "file"
  | "count"
  | "interval"
  | "delay"
  | "subscribe"
  | "recv-timeout"
  | "send-timeout"
  | "recv-maxsz"
  | "routing-id";

/** Options taking a value, by every spelling. */
const VALUED: ReadonlyMap<string, Option> = new Map([
  ["--listen", "listen"],
  ["--bind", "listen"],
  ["--dial", "dial"],
  ["--connect", "dial"],
  ["--bind-local", "listen-local"],
  ["-L", "listen-local"],
  ["--connect-local", "dial-local"],
  ["-l", "dial-local"],
  ["--bind-ipc", "listen-ipc"],
  ["-X", "listen-ipc"],
  ["--connect-ipc", "dial-ipc"],
  ["-x", "dial-ipc"],
  ["--format", "format"],
  ["--data", "data"],
  ["-D", "data"],
  ["--file", "file"],
  ["-F", "file"],
  ["--count", "count"],
  ["-C", "count"],
  ["--interval", "interval"],
  ["-i", "interval"],
  ["--delay", "delay"],
  ["-d", "delay"],
  ["--subscribe", "subscribe"],
  ["--sub-topic", "subscribe"],
  ["--recv-timeout", "recv-timeout"],
  ["--receive-timeout", "recv-timeout"],
  ["--send-timeout", "send-timeout"],
  ["--recv-maxsz", "recv-maxsz"],
  ["-Z", "recv-maxsz"],
  ["--routing-id", "routing-id"],
  ["--identity", "routing-id"],
]);

/** Flags, by every spelling (socket types are looked up separately). */
const FLAGS: ReadonlyMap<string, string> = new Map([
  ["--help", "help"],
  ["-h", "help"],
  ["--version", "version"],
  ["-V", "version"],
  ["--verbose", "verbose"],
  ["-v", "verbose"],
  ["--compat", "compat"],
  ["--async", "async"],
  ["--raw", "format:raw"],
  ["--ascii", "format:ascii"],
  ["-A", "format:ascii"],
  ["--quoted", "format:quoted"],
  ["-Q", "format:quoted"],
  ["--hex", "format:hex"],
  ["--msgpack", "format:msgpack"],
]);

/** Seconds (fractions allowed) as milliseconds. */
function seconds(option: string, value: string): number {
  const secs = /^[0-9]+(\.[0-9]*)?$|^\.[0-9]+$/.test(value) ? Number(value) : NaN;
  const ms = Math.round(secs * 1000);
  if (!Number.isFinite(secs) || ms > 2 ** 31 - 1) {
    throw new UsageError(`${option} takes seconds (e.g. 1 or 0.25), got "${value}"`);
  }
  return ms;
}

/** A whole number within [0, max]. */
function whole(option: string, value: string, max: number): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > max) {
    throw new UsageError(`${option} takes a whole number from 0 to ${max}, got "${value}"`);
  }
  return n;
}

/** A TCP port 1..65535 (0 too: the system picks one; --verbose prints it). */
function port(option: string, value: string): number {
  return whole(option, value, 65535);
}

interface State {
  types: string[];
  endpoints: Endpoint[];
  formats: Format[];
  data: DataSource[];
  count?: number;
  interval?: number;
  delay?: number;
  subscribe: string[];
  recvTimeout?: number;
  sendTimeout?: number;
  recvMaxSize?: number;
  routingId?: string;
  verbose: boolean;
  compat: boolean;
  help: boolean;
  version: boolean;
}

function applyValue(state: State, option: Option, flag: string, value: string): void {
  switch (option) {
    case "listen":
    case "dial":
      if (value === "") throw new UsageError(`${flag} needs a URL`);
      state.endpoints.push({ kind: option, url: value });
      return;
    case "listen-local":
    case "dial-local":
      state.endpoints.push({
        kind: option === "listen-local" ? "listen" : "dial",
        url: `tcp://127.0.0.1:${port(flag, value)}`,
      });
      return;
    case "listen-ipc":
    case "dial-ipc":
      if (value === "") throw new UsageError(`${flag} needs a path`);
      state.endpoints.push({
        kind: option === "listen-ipc" ? "listen" : "dial",
        url: `ipc://${value}`,
      });
      return;
    case "format":
      if (!isFormat(value)) {
        throw new UsageError(
          `${flag} takes no, raw, ascii, quoted, hex or msgpack, got "${value}"`,
        );
      }
      state.formats.push(value);
      return;
    case "data":
    case "file":
      state.data.push({ kind: option, value });
      return;
    case "count":
      state.count = whole(flag, value, Number.MAX_SAFE_INTEGER);
      return;
    case "interval":
      state.interval = seconds(flag, value);
      return;
    case "delay":
      state.delay = seconds(flag, value);
      return;
    case "subscribe":
      state.subscribe.push(value);
      return;
    case "recv-timeout":
      state.recvTimeout = seconds(flag, value);
      return;
    case "send-timeout":
      state.sendTimeout = seconds(flag, value);
      return;
    case "recv-maxsz":
      state.recvMaxSize = whole(flag, value, 2 ** 31 - 1);
      return;
    case "routing-id":
      if (value === "" || new TextEncoder().encode(value).length > 255) {
        throw new UsageError(`${flag} takes 1 to 255 bytes`);
      }
      state.routingId = value;
      return;
  }
}

function applyFlag(state: State, action: string): void {
  if (action.startsWith("format:")) state.formats.push(action.slice(7) as Format);
  else if (action === "help") state.help = true;
  else if (action === "version") state.version = true;
  else if (action === "verbose") state.verbose = true;
  else if (action === "compat") state.compat = true;
  // "async": nngcat's asynchronous dial is what edgemq always does
}

/** Splits `--name=value` / `--name:value` / `-Xvalue` into the option and its value. */
function split(arg: string): [string, string | undefined] {
  if (arg.startsWith("--")) {
    const at = arg.search(/[=:]/);
    return at < 0 ? [arg, undefined] : [arg.slice(0, at), arg.slice(at + 1)];
  }
  if (/^-[a-zA-Z]./.test(arg) && VALUED.has(arg.slice(0, 2))) {
    return [arg.slice(0, 2), arg.slice(2)];
  }
  return [arg, undefined];
}

function collect(argv: readonly string[]): State {
  const state: State = {
    types: [],
    endpoints: [],
    formats: [],
    data: [],
    subscribe: [],
    verbose: false,
    compat: false,
    help: false,
    version: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, attached] = split(argv[i]!);
    const option = VALUED.get(flag);
    if (option !== undefined) {
      let value = attached;
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
        value = argv[++i]!;
      }
      applyValue(state, option, flag, value);
      continue;
    }
    if (attached !== undefined) throw new UsageError(`${flag} takes no value`);
    const action = FLAGS.get(flag);
    if (action !== undefined) {
      applyFlag(state, action);
      continue;
    }
    const name = flag.startsWith("--") ? flag.slice(2) : undefined;
    if (name !== undefined && (SOCKET_TYPES.has(name) || ALIASES.has(name) || name === "pair")) {
      state.types.push(name);
      continue;
    }
    if (name !== undefined && NOT_YET.has(name)) {
      throw new UsageError(`--${name}: this socket type is not supported yet by edgemq`);
    }
    if (flag.startsWith("-") && flag !== "-") throw new UsageError(`unknown option ${flag}`);
    throw new UsageError(`unexpected argument "${flag}" (data goes after --data or --file)`);
  }
  return state;
}

function resolveType(state: State): SocketType {
  const names = new Set(
    state.types.map((t) => t === "pair" ? (state.compat ? "pair0" : "pair1") : ALIASES.get(t) ?? t),
  );
  if (names.size === 0) throw new UsageError("no socket type given (e.g. --req0 or --zmq-req)");
  if (names.size > 1) throw new UsageError(`one socket type only, got --${[...names].join(" --")}`);
  return SOCKET_TYPES.get([...names][0]!)!;
}

function check(state: State, type: SocketType): void {
  const flag = `--${type.name}`;
  const { role } = type;
  if (state.endpoints.length === 0) {
    throw new UsageError("no address given (--listen/--bind or --dial/--connect)");
  }
  if (new Set(state.formats).size > 1) {
    throw new UsageError(`one output format only, got ${[...new Set(state.formats)].join(", ")}`);
  }
  if (state.formats.length > 0 && role === "send") {
    throw new UsageError(`${flag} receives nothing, so it takes no output format`);
  }
  if (state.data.length > 0 && role === "recv") {
    throw new UsageError(`${flag} sends nothing, so it takes no --data or --file`);
  }
  if (state.data.length === 0 && (role === "send" || role === "request")) {
    throw new UsageError(`${flag} needs the message to send: --data or --file`);
  }
  if (state.data.length === 0 && type.name === "zmq-rep") {
    throw new UsageError(`${flag} must answer every request: give the reply with --data or --file`);
  }
  if (state.data.length > 1 && type.family === "sp") {
    throw new UsageError("an SP message has one part: give --data or --file once");
  }
  if (state.subscribe.length > 0 && !type.subscribes) {
    throw new UsageError(
      `${flag} does not subscribe: --subscribe is for --sub0, --zmq-sub, --zmq-xsub`,
    );
  }
  if (state.routingId !== undefined && type.family !== "zmtp") {
    throw new UsageError("--routing-id is for ZeroMQ socket types");
  }
  const files = state.data.filter((d) => d.kind === "file" && d.value === "-");
  if (files.length > 1) throw new UsageError("standard input (--file -) can be read once only");
}

/**
 * Parses edgecat's arguments (without the program's name).
 *
 * @example
 * ```ts
 * import { parseArgs } from "./_args.ts";
 * const parsed = parseArgs(["--req0", "--dial", "tcp://127.0.0.1:5555", "--data=hi", "-Q"]);
 * if (parsed.action === "run") console.log(parsed.args.type.name, parsed.args.format); // req0 quoted
 * ```
 */
export function parseArgs(argv: readonly string[]): Parsed {
  const state = collect(argv);
  if (state.help) return { action: "help" };
  if (state.version) return { action: "version" };
  const type = resolveType(state);
  check(state, type);
  return {
    action: "run",
    args: {
      type,
      endpoints: state.endpoints,
      format: state.formats[0] ?? "no",
      data: state.data,
      count: state.count,
      interval: state.interval,
      delay: state.delay ?? 0,
      subscribe: state.subscribe,
      recvTimeout: state.recvTimeout,
      sendTimeout: state.sendTimeout,
      recvMaxSize: state.recvMaxSize,
      routingId: state.routingId,
      verbose: state.verbose,
    },
  };
}
