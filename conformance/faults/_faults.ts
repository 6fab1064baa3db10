/**
 * What the fault-injection tests share: REP servers in child processes that a test can kill,
 * restart at the same address or pause (edgemq's own `testing/_rep_child.ts` on this runtime,
 * libzmq through pyzmq, NNG through pynng), the SKIP policy for the external ones, a deadline for
 * one wait, and the process's resident memory.
 *
 * @module
 */
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { TestOptions } from "../../testing/test.ts";
import { until } from "../../testing/async.ts";
import type { Monitor, MonitorEvent } from "../../protocols/monitor.ts";
import { runtimeName } from "../../transports/_backend.ts";
import {
  freePort,
  IN_CI,
  peerCaseOptions,
  PeerProcess,
  PEERS_DIR,
  startPeer,
} from "../interop/_peers.ts";
import { findPython, PyzmqPeer } from "../interop/_pyzmq.ts";

/** The REP servers a fault test can run in a child process. */
export type RepKind = "edgemq-sp" | "edgemq-zmq" | "pyzmq" | "pynng";

/** The wire a REP server speaks. */
export function wireOf(kind: RepKind): "sp" | "zmq" {
  return kind === "edgemq-sp" || kind === "pynng" ? "sp" : "zmq";
}

/** One running REP server process. */
export interface RepServer {
  /** The address it listens at (with the real port). */
  readonly url: string;
  /** The process. */
  readonly proc: PeerProcess;
  /** What it answers to `request`: edgemq's child tags each reply with its incarnation. */
  reply(request: string): string;
}

const REP_CHILD = fileURLToPath(new URL("../../testing/_rep_child.ts", import.meta.url));
const PYZMQ_REP = `${PEERS_DIR}pyzmq_reqrep_peer.py`;

const python = findPython();

/** This runtime's command line for a TypeScript program (the child runs on the same runtime). */
function runtimeCommand(): string[] {
  return runtimeName() === "deno" ? [process.execPath, "run", "-A"] : [process.execPath];
}

/**
 * The options of a case that needs `kind`: a time limit for `bun test`, and a loud skip when an
 * external peer is missing (in CI a missing peer fails instead, as in the interop suite).
 */
export function repCaseOptions(kind: RepKind): TestOptions {
  if (kind === "pynng") return peerCaseOptions("pynng");
  const options: TestOptions = { timeout: 30_000 };
  if (kind === "pyzmq" && python === undefined && !IN_CI) {
    options.skip = "no python3 with the zmq module (apt install python3-zmq) — SKIPPED";
    console.warn(`SKIPPED: fault cases against pyzmq: ${options.skip}`);
  }
  return options;
}

/**
 * Starts a REP server of `kind` listening at `at` (tcp on port 0 picks a free port) and waits
 * until it listens (pynng says nothing: its clients retry until it does). `tag` names this
 * incarnation in edgemq's replies; edgemq's child waits `delay` ms before each reply.
 */
export async function startRep(
  kind: RepKind,
  at: string,
  tag: string,
  delay = 0,
): Promise<RepServer> {
  if (kind === "pynng") {
    const url = at.endsWith(":0") ? `${at.slice(0, -2)}:${await freePort()}` : at;
    const proc = startPeer("pynng", ["--rep0", "--echo", "--listen", url, "--quoted"]);
    return { url, proc, reply: (request) => request };
  }
  if (kind === "pyzmq") {
    if (python === undefined) throw new Error("python3 with zmq is missing but CI=true");
    // libzmq picks a free port for "*"; LAST_ENDPOINT is printed as "ENDPOINT <url>"
    const bindAt = at.endsWith(":0") ? `${at.slice(0, -2)}:*` : at;
    const proc = new PyzmqPeer(python, [PYZMQ_REP, "REP", "bind", bindAt, "answer", "1000000"]);
    const url = (await proc.line("ENDPOINT ", 10_000)).slice("ENDPOINT ".length);
    return { url, proc, reply: (request) => request };
  }
  const [command, ...args] = runtimeCommand();
  const family = kind === "edgemq-sp" ? "sp" : "zmq";
  const proc = new PeerProcess(command!, [
    ...args,
    REP_CHILD,
    family,
    at,
    `tag=${tag}`,
    `delay=${delay}`,
  ], {
    stdin: true,
  });
  const url = (await proc.line("URL ", 20_000)).slice("URL ".length);
  return { url, proc, reply: (request) => `${tag}:${request}` };
}

/** Kills the server outright (SIGKILL: nothing is closed in an orderly way) and waits for it. */
export async function killRep(server: RepServer): Promise<void> {
  server.proc.signal("SIGKILL");
  await server.proc.exited;
}

/** The requests an edgemq REP child printed (`REQUEST <text>` lines). */
export function requestsSeen(server: RepServer): string[] {
  return server.proc.lines.filter((l) => l.startsWith("REQUEST ")).map((l) => l.slice(8));
}

/**
 * An abort signal that fires after `ms`, and the function that clears its timer (Deno's
 * sanitizer counts a timer left running; `AbortSignal.timeout` cannot be cleared).
 */
export function deadline(ms: number, what = "wait"): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`${what}: ${ms} ms passed`)), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Runs `wait` with a signal that fires after `ms`, and clears the timer whatever happens. */
export async function withDeadline<T>(
  ms: number,
  wait: (signal: AbortSignal) => Promise<T>,
  what?: string,
): Promise<T> {
  const d = deadline(ms, what);
  try {
    return await wait(d.signal);
  } finally {
    d.clear();
  }
}

/** The process's resident set size, in bytes. */
export function rss(): number {
  return process.memoryUsage().rss;
}

/** Bytes in a MiB. */
export const MiB = 1024 * 1024;

/** UTF-8 text of bytes. */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Records every event of a socket's monitor. */
export function recordEvents(socket: { monitor: Monitor }): MonitorEvent[] {
  const events: MonitorEvent[] = [];
  socket.monitor.on((e) => events.push(e));
  return events;
}

/** The events of `type` whose reason (if any) matches `reason`. */
export function eventsOf(events: MonitorEvent[], type: string, reason = /.*/): MonitorEvent[] {
  return events.filter((e) =>
    e.type === type && reason.test((e as { reason?: string }).reason ?? "")
  );
}

/** Waits up to `ms` for an event of `type` whose reason matches; returns it. */
export async function awaitEvent(
  events: MonitorEvent[],
  type: string,
  reason = /.*/,
  ms = 3000,
): Promise<MonitorEvent> {
  await until(
    () => eventsOf(events, type, reason).length > 0,
    ms,
    `monitor event ${type} ${reason}`,
  );
  return eventsOf(events, type, reason)[0]!;
}
