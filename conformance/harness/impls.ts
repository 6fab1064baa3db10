/**
 * The implementations the results harness runs, and how each one is made to serve a socket type
 * under the runner's contract (conformance/runner/README.md): the program, its command line, and
 * the types it cannot serve, with why. Every target listens and the runner dials it (the role under
 * which every case applies).
 *
 * @module
 */
import { accessSync, constants, existsSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { Target, Wire } from "../runner/target.ts";
import { startEdgemq } from "../runner/targets/edgemq.ts";
import { type Command, freePort, startChild } from "./child.ts";

/** A target serving, and how to stop it. */
export interface Started {
  /** What the runner checks. */
  readonly target: Target;
  /** The target program's command line, for the report. */
  readonly command: string;
  /** Stops it for sure. */
  stop(): Promise<void>;
  /** If it exited by itself (it crashed), what it wrote to standard error; else undefined. */
  crashed?(): string | undefined;
}

/** One implementation. */
export interface Implementation {
  /** Short name, the results file's name. */
  readonly name: string;
  /** What it is, with versions and where it comes from. */
  readonly label: string;
  /** Its wire. */
  readonly wire: Wire;
  /** Whether it is edgemq itself. */
  readonly edgemq: boolean;
  /** The socket types it is asked to serve, in order. */
  readonly types: readonly string[];
  /** Types it cannot serve under the contract, with why (not run, and said so). */
  readonly cannot: Readonly<Record<string, string>>;
  /** Only the cases whose name matches, and why (a target that speaks only part of the wire). */
  readonly filter?: { readonly cases: RegExp; readonly why: string };
  /** Why it cannot run on this machine (a program is missing), or undefined. */
  missing(): string | undefined;
  /** Starts it serving `type`; rejects if it does not serve within `startMs`. */
  start(type: string, startMs: number): Promise<Started>;
}

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));
const PEERS = `${ROOT}conformance/peers/`;

/** The ZMTP types the harness asks for (the runner also knows XPUB and XSUB). */
export const ZMTP_SET = ["REP", "REQ", "DEALER", "ROUTER", "PUB", "SUB", "PUSH", "PULL", "PAIR"];
/** The SP protocols the harness asks for. */
export const SP_SET = [
  "rep0",
  "req0",
  "pub0",
  "sub0",
  "push0",
  "pull0",
  "pair0",
  "pair1",
  "bus0",
  "surveyor0",
  "respondent0",
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH or in the usual directories. */
function onPath(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/bin", "/usr/local/bin"];
  for (const d of dirs.filter((d) => d !== "")) {
    if (executable(`${d}/${name}`)) return `${d}/${name}`;
  }
  return undefined;
}

const shown = (c: Command): string =>
  [c.cmd, ...c.args].map((a) => /^[\w./:@=-]+$/.test(a) ? a : JSON.stringify(a)).join(" ")
    .replaceAll(ROOT, "");

/** Starts a child program; with `port` readiness it listens on a fresh 127.0.0.1 port. */
async function startProgram(
  wire: Wire,
  type: string,
  startMs: number,
  make: (url: string) => Command & { readonly reply?: string },
): Promise<Started> {
  const url = `tcp://127.0.0.1:${await freePort()}`;
  const command = make(url);
  const child = await startChild(command, url, startMs);
  return {
    target: {
      wire,
      type,
      url: child.url,
      role: "dial",
      ...(command.reply === undefined ? {} : { reply: new TextEncoder().encode(command.reply) }),
    },
    command: shown(command),
    stop: () => child.stop(),
    crashed: () => child.exited() ? child.stderr() || "(nothing on standard error)" : undefined,
  };
}

function edgemq(runtime: "deno" | "bun", wire: Wire): Implementation {
  const types = wire === "zmtp" ? ZMTP_SET : SP_SET;
  return {
    name: `edgemq-${runtime}-${wire}`,
    label: `edgemq (this repository) on ${runtime === "deno" ? "Deno" : "Bun"}, ${
      wire === "zmtp" ? "ZMTP" : "SP"
    } sockets (conformance/runner/targets/edgemq.ts)`,
    wire,
    edgemq: true,
    types,
    cannot: {},
    missing: () =>
      executable(`${ROOT}node_modules/.bin/${runtime}`) || onPath(runtime) !== undefined
        ? undefined
        : `${runtime} not found (npm install puts it in node_modules/.bin)`,
    async start(type) {
      const t = await startEdgemq({ wire, type, role: "dial", runtime });
      return {
        target: t.target,
        command: `${runtime} conformance/runner/targets/edgemq.ts --wire ${wire} --type ${type}`,
        stop: () => t.close(),
      };
    },
  };
}

function pyzmq(name: string, label: string, python: string, install: string): Implementation {
  return {
    name,
    label,
    wire: "zmtp",
    edgemq: false,
    types: ZMTP_SET,
    cannot: {},
    missing: () => executable(python) ? undefined : `${python} not found (${install})`,
    start: (type, startMs) =>
      startProgram("zmtp", type, startMs, () => ({
        cmd: python,
        args: [`${PEERS}targets/pyzmq_target.py`, type, "bind", "tcp://127.0.0.1:0"],
        ready: "line",
      })),
  };
}

/** How an nngcat-like tool serves each SP protocol: extra flags, and the fixed reply if any. */
interface SpFlags {
  readonly flags: readonly string[];
  readonly reply?: string;
}

/** A program with nngcat's command line (nngcat, nanocat, our mangos and pynng peers). */
function spTool(o: {
  name: string;
  label: string;
  path: () => string | undefined;
  install: string;
  prefix?: readonly string[];
  protocolFlag: (p: string) => string;
  listenFlag: string;
  flags: Readonly<Record<string, SpFlags>>;
  cannot: Readonly<Record<string, string>>;
}): Implementation {
  return {
    name: o.name,
    label: o.label,
    wire: "sp",
    edgemq: false,
    types: SP_SET,
    cannot: o.cannot,
    missing: () => o.path() === undefined ? `not found (${o.install})` : undefined,
    start(type, startMs) {
      const how = o.flags[type];
      if (how === undefined) throw new Error(`${o.name} has no way to serve ${type}`);
      return startProgram("sp", type, startMs, (url) => ({
        cmd: o.path()!,
        args: [...(o.prefix ?? []), o.protocolFlag(type), o.listenFlag, url, ...how.flags],
        ready: "port",
        ...(how.reply === undefined ? {} : { reply: how.reply }),
      }));
    },
  };
}

/** A JeroMQ version: the same JeromqTarget class, compiled against it. */
function jeromq(
  name: string,
  label: string,
  classpath: string,
  built: string,
  cannot: Readonly<Record<string, string>>,
  filter?: Implementation["filter"],
): Implementation {
  return {
    name,
    label,
    wire: "zmtp",
    edgemq: false,
    types: ZMTP_SET,
    cannot,
    ...(filter === undefined ? {} : { filter }),
    missing: () =>
      onPath("java") === undefined
        ? "java not found"
        : existsSync(built)
        ? undefined
        : `not built (${BUILD}; JeroMQ 0.3.6: apt-get install libjeromq-java first)`,
    start: (type, startMs) =>
      startProgram("zmtp", type, startMs, () => ({
        cmd: onPath("java") ?? "java",
        args: ["-cp", classpath, "edgemq.JeromqTarget", type, "bind", "tcp://127.0.0.1:0"],
        ready: "line",
      })),
  };
}

const NO_ECHO = (tool: string) =>
  `${tool} cannot echo: its pair and bus sockets print what they receive and send only --data`;

/** nngcat's and nanocat's flags: fixed replies, senders on an interval (whole seconds for nngcat). */
function catFlags(interval: (ms: number) => string): Record<string, SpFlags> {
  return {
    rep0: { flags: ["--data", "reply"], reply: "reply" },
    respondent0: { flags: ["--data", "reply"], reply: "reply" },
    req0: { flags: ["--data", "request", "--interval", interval(200)] },
    surveyor0: { flags: ["--data", "survey", "--interval", interval(500)] },
    pub0: { flags: ["--data", "alpha", "--interval", interval(50)] },
    push0: { flags: ["--data", "push", "--interval", interval(50)] },
    pull0: { flags: ["--quoted"] },
    sub0: { flags: ["--quoted", "--subscribe", ""] },
  };
}

/** Our mangos and pynng peers: REP, RESPONDENT, PAIR and BUS echo (`--echo` with no `--data`). */
const PEER_FLAGS: Record<string, SpFlags> = {
  rep0: { flags: ["--echo"] },
  respondent0: { flags: ["--echo"] },
  pair0: { flags: ["--echo"] },
  pair1: { flags: ["--echo"] },
  bus0: { flags: ["--echo"] },
  req0: { flags: ["--data", "request", "--interval", "0.2"] },
  surveyor0: { flags: ["--data", "survey", "--interval", "0.5"] },
  pub0: { flags: ["--data", "alpha", "--interval", "0.05"] },
  push0: { flags: ["--data", "push", "--interval", "0.05"] },
  pull0: { flags: ["--quoted"] },
  sub0: { flags: ["--quoted", "--subscribe", "alpha"] },
};

const VENV_PYTHON = `${PEERS}pyzmq-venv/bin/python`;
const BUILD = "bash conformance/peers/build.sh";

/**
 * Every implementation the harness knows, in the order of the page.
 *
 * @example
 * ```ts
 * import { implementations } from "./impls.ts";
 * console.log(implementations().map((i) => i.name).includes("nngcat")); // true
 * ```
 */
export function implementations(): Implementation[] {
  return [
    edgemq("deno", "zmtp"),
    edgemq("bun", "zmtp"),
    edgemq("deno", "sp"),
    edgemq("bun", "sp"),
    pyzmq(
      "libzmq-4.3.4",
      "libzmq 4.3.4 through pyzmq 24.0.1, Debian's python3-zmq (/usr/bin/python3), " +
        "conformance/peers/targets/pyzmq_target.py",
      "/usr/bin/python3",
      "apt-get install python3-zmq",
    ),
    pyzmq(
      "libzmq-4.3.5",
      "libzmq 4.3.5 through pyzmq 27.3.0 from PyPI (conformance/peers/pyzmq-venv), " +
        "conformance/peers/targets/pyzmq_target.py",
      VENV_PYTHON,
      BUILD,
    ),
    {
      name: "zeromqjs",
      label:
        "zeromq.js 6.8.0 (npm, libzmq 4.3.5 prebuilt) on Node: conformance/peers/zeromqjs/target.mjs",
      wire: "zmtp",
      edgemq: false,
      types: ZMTP_SET,
      cannot: {},
      missing: () =>
        existsSync(`${PEERS}zeromqjs/node_modules/zeromq/package.json`)
          ? onPath("node") === undefined ? "node not found" : undefined
          : `zeromq.js not installed (${BUILD})`,
      start: (type, startMs) =>
        startProgram("zmtp", type, startMs, () => ({
          cmd: onPath("node") ?? "node",
          args: [`${PEERS}zeromqjs/target.mjs`, type, "bind", "tcp://127.0.0.1:0"],
          cwd: `${PEERS}zeromqjs`,
          ready: "line",
        })),
    },
    {
      name: "zmqrs",
      label: "zmq.rs 0.4.1 (crates.io `zeromq`, Rust): conformance/peers/zmqrs, action `serve`",
      wire: "zmtp",
      edgemq: false,
      types: ZMTP_SET,
      cannot: { PAIR: "zmq.rs 0.4 has no PAIR socket" },
      missing: () =>
        executable(`${PEERS}zmqrs/target/release/zmqrs_peer`) ? undefined : `not built (${BUILD})`,
      start: (type, startMs) =>
        startProgram("zmtp", type, startMs, () => ({
          cmd: `${PEERS}zmqrs/target/release/zmqrs_peer`,
          args: [type, "bind", "tcp://127.0.0.1:0", "serve"],
          ready: "line",
        })),
    },
    jeromq(
      "jeromq-0.6",
      "JeroMQ 0.6.0 (Maven Central, Java): conformance/peers/jeromq06 JeromqTarget",
      `${PEERS}jeromq06/target/classes:${PEERS}jeromq06/target/lib/*`,
      `${PEERS}jeromq06/target/classes/edgemq/JeromqTarget.class`,
      {},
    ),
    jeromq(
      "jeromq-0.3.6",
      "JeroMQ 0.3.6 (Debian's libjeromq-java, Java), ZMTP 2.0 only: conformance/peers/jeromq06 " +
        "JeromqTarget compiled against it",
      `${PEERS}jeromq06/target/classes036:/usr/share/java/jeromq.jar`,
      `${PEERS}jeromq06/target/classes036/edgemq/JeromqTarget.class`,
      {
        REQ: "JeroMQ 0.3.6 has no ZMQ_REQ_RELAXED: its REQ would wait forever for the reply to a " +
          "request whose connection a case closed",
      },
      {
        cases: /sends its 10-byte signature|signature is 0xFF|sends major version 3|jeromq-0\.3\.6/,
        why: "JeroMQ 0.3.6 speaks ZMTP 2.0 (RFC 15) only, so only the cases a 2.0 peer can be " +
          "judged by run: the signature, the major version it sends, and the replayed ZMTP 2.0 " +
          "captures of JeroMQ 0.3.6",
      },
    ),
    spTool({
      name: "nngcat",
      label:
        "NNG 1.5.2: nngcat from Debian's nng-utils (answers with a fixed reply; sends every second: " +
        "its --interval takes whole seconds)",
      path: () => onPath("nngcat"),
      install: "apt-get install nng-utils",
      protocolFlag: (p) => `--${p}`,
      listenFlag: "--listen",
      flags: catFlags((ms) => String(Math.max(1, Math.round(ms / 1000)))),
      cannot: {
        pair0: NO_ECHO("nngcat"),
        pair1: NO_ECHO("nngcat"),
        bus0: "nngcat has no bus protocol",
      },
    }),
    spTool({
      name: "pynng",
      label: "NNG 1.11.0 through pynng 0.9.0 from PyPI: conformance/peers/pynng_peer.py " +
        "(--echo: REP, RESPONDENT, PAIR and BUS echo)",
      path: () =>
        existsSync(`${VENV_PYTHON}`) && existsSync(`${PEERS}pynng_peer.py`)
          ? VENV_PYTHON
          : undefined,
      install: BUILD,
      prefix: [`${PEERS}pynng_peer.py`],
      protocolFlag: (p) => `--${p}`,
      listenFlag: "--listen",
      flags: PEER_FLAGS,
      cannot: {},
    }),
    spTool({
      name: "nanomsg",
      label: "nanomsg 1.1.5: nanocat from Debian's nanomsg-utils (answers with a fixed reply)",
      path: () => onPath("nanocat"),
      install: "apt-get install nanomsg-utils",
      protocolFlag: (p) => `--${p.slice(0, -1)}`,
      listenFlag: "--bind",
      flags: catFlags((ms) => String(ms / 1000)),
      cannot: {
        pair0: NO_ECHO("nanocat"),
        pair1: "nanomsg has no pair1",
        bus0: NO_ECHO("nanocat"),
      },
    }),
    spTool({
      name: "mangos",
      label: "mangos v3.4.2 (Go): conformance/peers/mangos (--echo: REP, RESPONDENT, PAIR and " +
        "BUS echo)",
      path: () => {
        const p = `${PEERS}mangos/target/mangos_peer`;
        return executable(p) ? p : undefined;
      },
      install: BUILD,
      protocolFlag: (p) => `--${p}`,
      listenFlag: "--listen",
      flags: PEER_FLAGS,
      cannot: {},
    }),
  ];
}
