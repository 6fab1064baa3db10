/**
 * Helpers for the live interop tests against real SP peers (`nngcat` from
 * NNG, `nanocat` from nanomsg, and our two peer programs on other SP stacks:
 * `mangos_peer` on mangos v3, `pynng_peer.py` on pynng, built by
 * `conformance/peers/build.sh`): where they are, how to run one as a child
 * process and read what it printed, fresh addresses, and the SKIP policy.
 *
 * SKIP policy: a peer that is not installed skips its cases, loudly (a
 * `SKIPPED: ...` warning and node:test's `skip` with the reason), except when
 * the environment variable `CI` is `"true"`. CI installs the peers, so there a
 * missing binary means a broken install, and the cases run and fail with a
 * message that says so. A skipped case is never reported as passed.
 *
 * Processes are started with `node:child_process` (Deno, Bun and Node all
 * have it) and always killed and awaited in a `finally`, so that Deno's
 * resource sanitizer and the next case see nothing left behind.
 *
 * @module
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { TestOptions } from "../../testing/test.ts";
import { until, within } from "../../testing/async.ts";
import { sp } from "../../mod.ts";

/**
 * The peer programs these tests drive: two installed tools, and two programs of ours that take
 * nngcat's command line (conformance/peers/README-sp-peers.md).
 */
export type PeerTool = "nngcat" | "nanocat" | "mangos" | "pynng";

/** True under Deno (some known bugs are specific to its backend). */
export const ON_DENO: boolean = typeof (globalThis as { Deno?: unknown }).Deno === "object";

/** True when running in CI (`CI=true`), where a missing peer is a failure. */
export const IN_CI: boolean = process.env.CI === "true";

const SEARCH_DIRS = ["/usr/bin", "/usr/local/bin", "/bin"];

/** conformance/peers/, where build.sh puts the peer programs it builds. */
export const PEERS_DIR: string = fileURLToPath(new URL("../peers/", import.meta.url));

/** The venv build.sh makes (pyzmq and pynng from PyPI). */
const VENV = `${PEERS_DIR}pyzmq-venv`;

/** True when the venv's site-packages holds pynng (without starting a python to ask). */
function venvHasPynng(): boolean {
  try {
    return readdirSync(`${VENV}/lib`).some((py) =>
      existsSync(`${VENV}/lib/${py}/site-packages/pynng/__init__.py`)
    );
  } catch {
    return false;
  }
}

/**
 * Finds a peer: for nngcat and nanocat the binary on `PATH` (or in the usual bin directories);
 * for mangos the program build.sh built; for pynng the venv's python (when pynng is installed
 * in it). Undefined if absent.
 */
export function locatePeer(tool: PeerTool): string | undefined {
  if (tool === "mangos" || tool === "pynng") {
    const path = tool === "mangos" ? `${PEERS_DIR}mangos/target/mangos_peer` : `${VENV}/bin/python`;
    try {
      accessSync(path, constants.X_OK);
    } catch {
      return undefined;
    }
    return tool === "pynng" && !venvHasPynng() ? undefined : path;
  }
  const dirs = [...(process.env.PATH ?? "").split(":").filter((d) => d !== ""), ...SEARCH_DIRS];
  for (const dir of dirs) {
    const path = `${dir}/${tool}`;
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch { /* not here */ }
  }
  return undefined;
}

/**
 * The SKIP policy as a pure function: why the cases needing `tool` are
 * skipped, or undefined if they run. They run when the binary was found
 * (`path`), and also in CI when it was not, so that they fail there.
 */
export function skipReason(
  tool: PeerTool,
  path: string | undefined,
  ci: boolean,
): string | undefined {
  return path !== undefined || ci ? undefined : `${tool} not installed — SKIPPED`;
}

const warned = new Set<PeerTool>();

/** How to install each peer, for the SKIPPED warning. */
const INSTALL: Record<PeerTool, string> = {
  nngcat: "apt-get install nng-utils",
  nanocat: "apt-get install nanomsg-utils",
  mangos: "bash conformance/peers/build.sh (needs go)",
  pynng: "bash conformance/peers/build.sh (pip install pynng==0.9.0 into its venv)",
};

/** Why the cases needing `tool` are skipped here (printing a `SKIPPED:` warning once), if they are. */
function skipHere(tool: PeerTool): string | undefined {
  const reason = skipReason(tool, locatePeer(tool), IN_CI);
  if (reason !== undefined && !warned.has(tool)) {
    warned.add(tool);
    console.warn(
      `SKIPPED: ${tool} is not installed, so its live interop cases do not run ` +
        `(install it: ${INSTALL[tool]}; ` +
        `with CI=true this is a failure)`,
    );
  }
  return reason;
}

/**
 * The options of the `describe` that holds the cases needing `tool`. Under
 * Deno a skipped group is reported as "ignored" (a skipped step would not be
 * counted at all), so the skip goes on the group there; `bun test` counts
 * nothing under a skipped describe, so there it goes on each case
 * ({@linkcode peerCaseOptions}) and every case shows up as skipped.
 */
export function peerGroupOptions(tool: PeerTool): TestOptions {
  const reason = skipHere(tool);
  return reason !== undefined && ON_DENO ? { skip: reason } : {};
}

/**
 * The options of one case needing `tool`: a per-case timeout for `bun test`
 * (a case normally takes < 1 s), the skip reason if the peer is missing, and
 * `todo` for a case that a known bug breaks.
 */
export function peerCaseOptions(tool: PeerTool, todo?: string): TestOptions {
  const options: TestOptions = { timeout: 20_000 };
  const reason = skipHere(tool);
  if (reason !== undefined) options.skip = reason;
  if (todo !== undefined) options.todo = todo;
  return options;
}

/** The path of `tool`; throws, so that the case fails, when it is missing (only happens in CI). */
export function requirePeer(tool: PeerTool): string {
  return foundOrFail(tool, locatePeer(tool));
}

/**
 * Starts `tool` with `args` (through the venv's python for pynng); throws, so that the case
 * fails, when it is missing (only happens in CI).
 */
export function startPeer(
  tool: PeerTool,
  args: readonly string[],
  options: { stdin?: boolean } = {},
): PeerProcess {
  const path = requirePeer(tool);
  const prefix = tool === "pynng" ? [`${PEERS_DIR}pynng_peer.py`] : [];
  return new PeerProcess(path, [...prefix, ...args], options);
}

/** `path` if the binary was found, else the error that fails a case in CI. */
export function foundOrFail(tool: PeerTool, path: string | undefined): string {
  if (path !== undefined) return path;
  throw new Error(
    `${tool} is not installed but CI=true: the CI install of the interop peers is broken ` +
      `(a skip here would hide that)`,
  );
}

// ---- peer processes ---------------------------------------------------------

/** How a peer process ended. */
export interface PeerExit {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it, if any. */
  readonly signal: string | null;
}

/** The signals a test sends to a peer process. */
export type PeerSignal = "SIGTERM" | "SIGKILL" | "SIGSTOP" | "SIGCONT";

/** A running peer program and what it printed so far. */
export class PeerProcess {
  /** Everything the peer wrote to stdout (as latin-1, so bytes map 1:1 to chars). */
  stdout = "";
  /** Everything the peer wrote to stderr. */
  stderr = "";
  /** Resolves once the process has exited and its pipes are closed. */
  readonly exited: Promise<PeerExit>;
  readonly #describe: string;
  readonly #kill: (signal: PeerSignal) => void;
  #changed: (() => void)[] = [];
  #exit: PeerExit | undefined;

  readonly #closeStdin: () => void;

  /** Starts `path` with `args`; with `stdin: true` its stdin stays open until {@linkcode closeStdin}. */
  constructor(path: string, args: readonly string[], options: { stdin?: boolean } = {}) {
    this.#describe = [path.split("/").pop(), ...args].join(" ");
    const child = spawn(path, [...args], {
      stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
    });
    this.#closeStdin = () => child.stdin?.end();
    child.stdout!.setEncoding("latin1");
    child.stderr!.setEncoding("latin1");
    child.stdout!.on("data", (chunk: string) => {
      this.stdout += chunk;
      this.#notify();
    });
    child.stderr!.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise<PeerExit>((resolve) => {
      child.on("error", (err) => {
        this.stderr += `spawn failed: ${err.message}\n`;
        this.#exit = { code: -1, signal: null };
        this.#notify();
        resolve(this.#exit);
      });
      child.on("close", (code, signal) => {
        this.#exit = { code, signal };
        this.#notify();
        resolve(this.#exit);
      });
    });
    // process.kill, not child.kill: Deno 2.9.6's ChildProcess sends only its first signal (once
    // `killed` is set, kill() returns false and sends nothing), so a SIGKILL after a SIGTERM or a
    // SIGSTOP, or a SIGCONT after a SIGSTOP, would never reach the process
    this.#kill = (signal) => {
      if (this.#exit !== undefined || child.pid === undefined) return;
      try {
        process.kill(child.pid, signal);
      } catch { /* gone meanwhile (not reaped yet) */ }
    };
  }

  /** The complete lines printed so far (a trailing partial line is left out). */
  get lines(): string[] {
    const lines = this.stdout.split("\n");
    lines.pop();
    return lines;
  }

  /** Closes the process's stdin (started with `stdin: true`): a signal to finish. */
  closeStdin(): void {
    this.#closeStdin();
  }

  /** The first complete line starting with `prefix`, waiting up to `ms` for it. */
  async line(prefix: string, ms = 10000): Promise<string> {
    const find = (): string | undefined => this.lines.find((l) => l.startsWith(prefix));
    await this.waitFor(() => find() !== undefined, ms, `line "${prefix}"`);
    return find()!;
  }

  /** Waits for the peer to finish by itself with status 0, closing its stdin first if open. */
  async done(ms = 15000): Promise<void> {
    this.closeStdin();
    const { code } = await this.waitForExit(ms);
    if (code !== 0) throw new Error(`peer failed (${code}): ${this.report()}`);
  }

  /** The lines that are received messages, as the peer programs print them (hex frames, `|`). */
  get hexLines(): string[] {
    return this.lines.filter((l) => l !== "" && /^[0-9a-f|]*$/.test(l));
  }

  /** True once the process has ended. */
  get hasExited(): boolean {
    return this.#exit !== undefined;
  }

  /**
   * Waits until `check` holds for the output, failing after `ms` or when the
   * process ends first without it holding.
   */
  async waitFor(check: (p: PeerProcess) => boolean, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    while (!check(this)) {
      if (this.#exit !== undefined) {
        throw new Error(`${what}: peer ended (${this.#exitText()}) without it; ${this.report()}`);
      }
      const left = end - Date.now();
      if (left <= 0) throw new Error(`${what}: not seen within ${ms} ms; ${this.report()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#changed.push(done);
      });
    }
  }

  /** Waits until at least `n` complete lines were printed; returns them. */
  async waitForLines(n: number, ms: number, what = `${n} line(s) of output`): Promise<string[]> {
    await this.waitFor((p) => p.lines.length >= n, ms, what);
    return this.lines;
  }

  /** Waits for the process to end by itself within `ms`; fails with its output otherwise. */
  async waitForExit(ms: number): Promise<PeerExit> {
    await this.waitFor((p) => p.hasExited, ms, "peer exit");
    return this.exited;
  }

  /**
   * Sends `signal` to the process, if it is still running: the fault tests kill a peer outright
   * (`SIGKILL`), or pause it without closing anything (`SIGSTOP`) and let it go on (`SIGCONT`).
   */
  signal(signal: PeerSignal): void {
    this.#kill(signal);
  }

  /** Ends the process (SIGTERM, then SIGKILL after 2 s) and waits for it. */
  async kill(): Promise<PeerExit> {
    this.#kill("SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hard = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#kill("SIGKILL");
        resolve();
      }, 2000);
    });
    try {
      await Promise.race([this.exited, hard]);
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A one-line account of the process for failure messages. */
  /** The command and everything it printed so far, for an error message. */
  report(): string {
    return `command: ${this.#describe}; stdout: ${JSON.stringify(this.stdout)}; stderr: ${
      JSON.stringify(this.stderr)
    }`;
  }

  #exitText(): string {
    const e = this.#exit;
    return e === undefined
      ? "running"
      : e.signal !== null
      ? `signal ${e.signal}`
      : `code ${e.code}`;
  }

  #notify(): void {
    for (const f of this.#changed.splice(0)) f();
  }
}

/**
 * Runs `tool` with `args` while `body` runs, then kills it and waits for it,
 * whatever happened. The process is started only after `requirePeer`, so a
 * missing peer in CI fails here.
 */
export async function withPeer<T>(
  tool: PeerTool,
  args: readonly string[],
  body: (peer: PeerProcess) => Promise<T>,
): Promise<T> {
  const peer = startPeer(tool, args);
  try {
    return await body(peer);
  } finally {
    await peer.kill();
  }
}

// ---- what peers print ------------------------------------------------------

/**
 * Decodes one line of `--quoted` (`-Q`) or `--hex` output back into the
 * message bytes: the text between the double quotes, with C escapes
 * (`\n \r \t \" \\ \xNN`) undone. The two tools escape differently
 * (nanocat writes a tab as `\x09`, nngcat as `\t`), so tests compare bytes.
 */
export function unquote(line: string): Uint8Array {
  if (line.length < 2 || !line.startsWith('"') || !line.endsWith('"')) {
    throw new Error(`not a quoted message line: ${JSON.stringify(line)}`);
  }
  const out: number[] = [];
  const body = line.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c !== 0x5c) {
      out.push(c & 0xff); // stdout is read as latin-1: one char per byte
      continue;
    }
    const e = body[++i];
    if (e === "x") {
      out.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === "n") out.push(0x0a);
    else if (e === "r") out.push(0x0d);
    else if (e === "t") out.push(0x09);
    else if (e === '"' || e === "\\") out.push(e.charCodeAt(0));
    else throw new Error(`unknown escape \\${e} in ${JSON.stringify(line)}`);
  }
  return new Uint8Array(out);
}

/** The messages a peer printed with `--quoted` or `--hex`, one per complete line. */
export function printedMessages(peer: PeerProcess): Uint8Array[] {
  return peer.lines.map(unquote);
}

/** The bytes of a message given as text (UTF-8) or bytes. */
export function bytesOf(msg: string | Uint8Array): Uint8Array {
  return typeof msg === "string" ? new TextEncoder().encode(msg) : msg;
}

/** UTF-8 decodes a received message. */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

// ---- addresses and scratch files --------------------------------------------

let serial = 0;

/** A unique tag for this process and call (for payloads, paths). */
export function uniqueTag(): string {
  serial++;
  return `${process.pid}-${serial}-${Math.floor(Math.random() * 0xffff).toString(16)}`;
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and
 * released). Another process could take it in between; the peers fail loudly
 * then ("Address in use"), they never talk to the wrong party.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => port > 0 ? resolve(port) : reject(new Error("no port from the kernel")));
    });
  });
}

/** A fresh ipc path (short enough for nanomsg's 128-byte address limit). */
export function ipcPath(): string {
  return `${tmpdir()}/edgemq-sp-${uniqueTag()}.ipc`;
}

/** Removes a file if it exists (ipc socket files, scratch payloads). */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch { /* already gone */ }
}

/** Writes `bytes` to a fresh scratch file and returns its path (remove it with removeFile). */
export function scratchFile(bytes: Uint8Array): string {
  const path = `${tmpdir()}/edgemq-sp-${uniqueTag()}.bin`;
  writeFileSync(path, bytes);
  return path;
}

/** The transports the matrix covers. */
export type Transport = "tcp" | "ipc";

/** A fresh address for `transport` (tcp on 127.0.0.1: nanomsg binds numeric IPv4 only). */
export async function freshAddress(transport: Transport): Promise<string> {
  return transport === "tcp" ? `tcp://127.0.0.1:${await freePort()}` : `ipc://${ipcPath()}`;
}

/** Removes the socket file behind an ipc URL, if any. */
export function cleanupAddress(url: string): void {
  if (url.startsWith("ipc://")) removeFile(url.slice("ipc://".length));
}

// ---- peer dialects -----------------------------------------------------------

/** The SP protocols the matrix exercises, by their NNG names. */
export type SpProtocolName =
  | "req0"
  | "rep0"
  | "push0"
  | "pull0"
  | "pub0"
  | "sub0"
  | "pair0"
  | "pair1"
  | "surveyor0"
  | "respondent0"
  | "bus0";

/** How one peer program spells things on its command line. */
export interface PeerDialect {
  readonly tool: PeerTool;
  /** The flag that picks a protocol. */
  protocol(name: SpProtocolName): string;
  /** The flags that make it listen on `url`. */
  listen(url: string): string[];
  /** The flags that make it dial `url`. */
  dial(url: string): string[];
  /** Seconds between repeated sends, for senders that must repeat (slow joiners). */
  readonly repeat: string;
}

/**
 * nngcat 1.5.2. `--pair` is broken in this version, so pair0/pair1 are named
 * exactly. Its dials are synchronous unless `--async` (a dial to nobody fails
 * at once), so in the matrix nngcat only dials after edgemq listens.
 * `--interval` takes whole seconds.
 */
export const NNGCAT: PeerDialect = {
  tool: "nngcat",
  protocol: (name) => `--${name}`,
  listen: (url) => ["--listen", url],
  dial: (url) => ["--dial", url],
  repeat: "1",
};

/**
 * nanocat 1.1.5. Protocols have no version suffix and there is no pair1; it
 * binds numeric IPv4 addresses only; its connects are asynchronous, so a
 * one-shot sender may send before (or exit before) the pipe exists, hence
 * repeating senders. `--interval` takes fractions of a second.
 */
export const NANOCAT: PeerDialect = {
  tool: "nanocat",
  protocol: (name) => {
    if (name === "pair1") throw new Error("nanocat has no pair1");
    return `--${name.slice(0, -1)}`;
  },
  listen: (url) => ["--bind", url],
  dial: (url) => ["--connect", url],
  repeat: "0.1",
};

/**
 * Our mangos v3 peer (conformance/peers/mangos): nngcat's flags, protocols named as nngcat names
 * them (raw ones with an x: `--xrep0`), dials in the background, fractional `--interval`.
 */
export const MANGOS: PeerDialect = {
  tool: "mangos",
  protocol: (name) => `--${name}`,
  listen: (url) => ["--listen", url],
  dial: (url) => ["--dial", url],
  repeat: "0.1",
};

/** Our pynng peer (conformance/peers/pynng_peer.py): the same command line as {@linkcode MANGOS}. */
export const PYNNG: PeerDialect = { ...MANGOS, tool: "pynng" };

// ---- the interop cases ---------------------------------------------------------
//
// Each case runs one exchange between an edgemq socket and a peer process and
// checks the bytes on both ends. `side` says who listens: "edgemq listens"
// (edgemq binds, the peer dials it) or "edgemq dials" (the peer binds first,
// edgemq dials and retries until the peer is up). The test files declare
// which cases run against which peer; these functions are the bodies, shared
// so that nngcat and nanocat are held to exactly the same checks.

/** Who listens in a case. */
export type Side = "edgemq listens" | "edgemq dials";

/** Every wait in a case is bounded by this (a case normally takes well under a second). */
export const DEADLINE = 5000;

/** edgemq dials with a short retry interval, so it finds a peer that is still starting quickly. */
export const DIAL_OPTIONS = { reconnectIvl: 25, reconnectIvlMax: 0 } as const;

/**
 * Connects `sock` and a peer started with `peerArgs(where)` (where = the
 * peer's listen or dial flags), runs `body`, then stops both.
 */
export async function session(
  d: PeerDialect,
  transport: Transport,
  side: Side,
  sock: sp.SpSocket,
  peerArgs: (where: string[]) => string[],
  body: (peer: PeerProcess) => Promise<void>,
): Promise<void> {
  let url = "";
  try {
    let where: string[];
    if (side === "edgemq listens") {
      const local = transport === "tcp" ? "tcp://127.0.0.1:0" : `ipc://${ipcPath()}`;
      url = (await sock.listen(local)).url;
      where = d.dial(url);
    } else {
      url = await freshAddress(transport);
      where = d.listen(url);
    }
    await withPeer(d.tool, peerArgs(where), async (peer) => {
      if (side === "edgemq dials") await sock.dial(url);
      await body(peer);
    });
  } finally {
    await sock.close({ linger: 0 });
    if (url !== "") cleanupAddress(url);
  }
}

/** Bytes that a text-only path would mangle: NUL, high bytes, newline, quote, backslash. */
export function binaryPayload(tag: string, size = 0): Uint8Array {
  const head = new Uint8Array([0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x0a, 0x0d, 0x22, 0x5c]);
  const tail = new TextEncoder().encode(` ${tag}`);
  const body = new Uint8Array(Math.max(size, head.length + tail.length));
  body.set(head, 0);
  for (let i = head.length; i < body.length - tail.length; i++) body[i] = (i * 31 + 7) & 0xff;
  body.set(tail, body.length - tail.length);
  return body;
}

/**
 * REQ(edgemq) → REP(peer): three requests in a row on one connection; the peer
 * sees each request intact and we get its reply to each (matched by request id).
 */
export async function reqToPeerRep(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const requests = [`ping\t"${tag}"\\ 1`, `ping ${tag} 2`, `ping ${tag} 3`];
  const reply = `pong ${tag}`;
  const req = new sp.Req(DIAL_OPTIONS);
  await session(d, transport, side, req, (where) => [
    d.protocol("rep0"),
    ...where,
    "--data",
    reply,
    "--quoted",
  ], async (peer) => {
    for (const request of requests) {
      await req.send(request);
      assert.equal(text(await within(DEADLINE, req.recv(), "reply from the peer's REP")), reply);
    }
    await peer.waitForLines(requests.length, DEADLINE, "the peer REP printing our requests");
    assert.deepEqual(printedMessages(peer), requests.map(bytesOf));
  });
}

/** REQ(peer) → REP(edgemq): we see the peer's request, it accepts our reply (backtrace echoed). */
export async function peerReqToRep(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const request = `ping ${tag}`;
  const reply = `pong\t"${tag}"\\`;
  const rep = new sp.Rep(DIAL_OPTIONS);
  await session(d, transport, side, rep, (where) => [
    d.protocol("req0"),
    ...where,
    "--data",
    request,
    "--quoted",
  ], async (peer) => {
    assert.equal(text(await within(DEADLINE, rep.recv(), "request from the peer's REQ")), request);
    await rep.send(reply);
    await peer.waitForLines(1, DEADLINE, "the peer REQ printing our reply");
    assert.deepEqual(printedMessages(peer), [bytesOf(reply)]);
    // a REQ tool exits by itself after its one exchange, with success
    const exit = await peer.waitForExit(DEADLINE);
    assert.equal(exit.code, 0, `peer REQ exit ${JSON.stringify(exit)}; stderr: ${peer.stderr}`);
  });
}

/** PUSH(edgemq) → PULL(peer): three binary messages arrive intact and in order. */
export async function pushToPeerPull(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const messages = [binaryPayload(`${tag} a`), binaryPayload(`${tag} b`, 300), new Uint8Array(0)];
  const push = new sp.Push(DIAL_OPTIONS);
  await session(
    d,
    transport,
    side,
    push,
    (where) => [d.protocol("pull0"), ...where, "--hex"],
    async (peer) => {
      for (const m of messages) await within(DEADLINE, push.send(m), "send to the peer's PULL");
      await peer.waitForLines(messages.length, DEADLINE, "the peer PULL printing our messages");
      assert.deepEqual(printedMessages(peer), messages);
    },
  );
}

/** PUSH(peer) → PULL(edgemq): a binary message read from a file arrives intact. */
export async function peerPushToPull(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const payload = binaryPayload(uniqueTag(), 1000);
  const file = scratchFile(payload);
  const pull = new sp.Pull(DIAL_OPTIONS);
  try {
    await session(d, transport, side, pull, (where) => [
      d.protocol("push0"),
      ...where,
      "--file",
      file,
      "--interval",
      d.repeat,
    ], async () => {
      const got = await within(DEADLINE, pull.recv(), "message from the peer's PUSH");
      assert.deepEqual(got, payload);
    });
  } finally {
    removeFile(file);
  }
}

/**
 * PUB(edgemq) → SUB(peer): the peer, subscribed to "weather", prints the
 * weather messages and none of the sports messages published just before each.
 * We publish until the peer got one (it may join late), then once more with an
 * end marker, so a sports message has certainly reached it and been filtered.
 */
export async function pubToPeerSub(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const pub = new sp.Pub(DIAL_OPTIONS);
  await session(d, transport, side, pub, (where) => [
    d.protocol("sub0"),
    ...where,
    "--subscribe",
    "weather",
    "--quoted",
  ], async (peer) => {
    const end = Date.now() + DEADLINE;
    for (let i = 0; peer.lines.length === 0; i++) {
      if (Date.now() > end) throw new Error(`peer SUB got nothing: stderr ${peer.stderr}`);
      await pub.send(`sports ${tag} ${i}`);
      await pub.send(`weather ${tag} ${i}`);
      await peer.waitFor((p) => p.lines.length > 0, 20, "first message").catch(() => {});
    }
    await pub.send(`sports ${tag} end`);
    await pub.send(`weather ${tag} end`);
    const last = `weather ${tag} end`;
    const got = (): string[] => printedMessages(peer).map(text);
    await peer.waitFor(() => got().includes(last), DEADLINE, "the end marker");
    const pattern = new RegExp(`^weather ${tag} ([0-9]+|end)$`);
    for (const msg of got()) assert.match(msg, pattern);
    assert.equal(got().at(-1), last);
  });
}

/**
 * PUB(peer) → SUB(edgemq): subscribed to "sports" only, we drop the peer's
 * weather messages (and deliver none); subscribed to "weather" too, we get one.
 */
export async function peerPubToSub(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const message = `weather ${uniqueTag()}`;
  const sub = new sp.Sub(DIAL_OPTIONS);
  sub.subscribe("sports");
  await session(d, transport, side, sub, (where) => [
    d.protocol("pub0"),
    ...where,
    "--data",
    message,
    "--interval",
    d.repeat,
  ], async () => {
    await until(() => sub.stats.dropped >= 1, DEADLINE, "a filtered weather message");
    await assert.rejects(sub.recv({ signal: AbortSignal.abort() }), "nothing was delivered");
    sub.subscribe("weather");
    assert.equal(text(await within(DEADLINE, sub.recv(), "subscribed message")), message);
  });
}

/** PAIR(edgemq) ⇄ PAIR(peer), pair0 or pair1: the peer's message reaches us, ours reaches it. */
export async function pairBothWays(
  d: PeerDialect,
  transport: Transport,
  side: Side,
  version: "pair0" | "pair1",
): Promise<void> {
  const tag = uniqueTag();
  const theirs = `hello ${tag}`;
  const ours = `world\t"${tag}"`;
  const pair = version === "pair0" ? new sp.Pair(DIAL_OPTIONS) : new sp.Pair1(DIAL_OPTIONS);
  await session(d, transport, side, pair, (where) => [
    d.protocol(version),
    ...where,
    "--data",
    theirs,
    "--quoted",
    "--interval",
    d.repeat,
  ], async (peer) => {
    assert.equal(text(await within(DEADLINE, pair.recv(), "message from the peer")), theirs);
    await within(DEADLINE, pair.send(ours), "send to the peer");
    await peer.waitForLines(1, DEADLINE, "the peer printing our message");
    assert.deepEqual(printedMessages(peer), [bytesOf(ours)]);
  });
}

/** Size of the large-message cases: several reads and writes, under every 1 MiB receive limit. */
export const LARGE = 300 * 1024;

/** PUSH(edgemq) → PULL(peer), one large message: the peer prints exactly its bytes (`--raw`). */
export async function largeToPeerPull(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const payload = binaryPayload(uniqueTag(), LARGE);
  const push = new sp.Push(DIAL_OPTIONS);
  await session(
    d,
    transport,
    side,
    push,
    (where) => [d.protocol("pull0"), ...where, "--raw"],
    async (peer) => {
      await within(DEADLINE, push.send(payload), "send to the peer's PULL");
      await peer.waitFor((p) => p.stdout.length >= LARGE, DEADLINE, `${LARGE} bytes of output`);
      const got = Uint8Array.from(peer.stdout, (c) => c.charCodeAt(0));
      assert.equal(got.length, payload.length, "the peer printed exactly one message");
      assert.deepEqual(got, payload);
    },
  );
}

/** PUSH(peer) → PULL(edgemq), one large message read from a file: it arrives intact. */
export async function largeFromPeerPush(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const payload = binaryPayload(uniqueTag(), LARGE);
  const file = scratchFile(payload);
  const pull = new sp.Pull(DIAL_OPTIONS);
  try {
    await session(d, transport, side, pull, (where) => [
      d.protocol("push0"),
      ...where,
      "--file",
      file,
      "--interval",
      d.repeat,
    ], async () => {
      const got = await within(DEADLINE, pull.recv(), "message from the peer's PUSH");
      assert.equal(got.length, payload.length);
      assert.deepEqual(got, payload);
    });
  } finally {
    removeFile(file);
  }
}

/** Messages in the burst cases: enough to fill socket buffers and split frames across reads. */
export const BURST = 2000;

/** PUSH(edgemq) → PULL(peer), a burst of numbered messages: all arrive, in order. */
export async function burstToPeerPull(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const tag = uniqueTag();
  const messages = Array.from({ length: BURST }, (_, i) => `${tag} #${i}`);
  const push = new sp.Push(DIAL_OPTIONS);
  await session(
    d,
    transport,
    side,
    push,
    (where) => [d.protocol("pull0"), ...where, "--quoted"],
    async (peer) => {
      await within(DEADLINE, Promise.all(messages.map((m) => push.send(m))), "sending the burst");
      await peer.waitForLines(BURST, DEADLINE, `the peer PULL printing ${BURST} messages`);
      assert.deepEqual(printedMessages(peer).map(text), messages);
    },
  );
}

/**
 * PUSH(peer) → PULL(edgemq), a burst sent as fast as the peer can (nngcat
 * `--count` without `--interval`; nanocat has no such mode): all arrive intact.
 */
export async function burstFromPeerPush(
  d: PeerDialect,
  transport: Transport,
  side: Side,
): Promise<void> {
  const message = `burst ${uniqueTag()}`;
  const pull = new sp.Pull(DIAL_OPTIONS);
  await session(d, transport, side, pull, (where) => [
    d.protocol("push0"),
    ...where,
    "--data",
    message,
    "--count",
    String(BURST),
  ], async () => {
    const all = (async () => {
      for (let i = 0; i < BURST; i++) {
        assert.equal(text(await pull.recv()), message, `message ${i}`);
      }
    })();
    await within(DEADLINE, all, `receiving ${BURST} messages`);
  });
}

/**
 * REQ(edgemq) dialing a REP(peer) that goes away and comes back on the same
 * address: edgemq reconnects by itself and the next exchange works.
 */
export async function reconnectAfterPeerRestart(
  d: PeerDialect,
  transport: Transport,
): Promise<void> {
  const tag = uniqueTag();
  const url = await freshAddress(transport);
  const req = new sp.Req(DIAL_OPTIONS);
  const rep = (reply: string): string[] => [
    d.protocol("rep0"),
    ...d.listen(url),
    "--data",
    reply,
    "--quoted",
  ];
  try {
    let gone: Promise<unknown> = Promise.resolve();
    await withPeer(d.tool, rep(`first ${tag}`), async () => {
      await req.dial(url);
      await req.send("one");
      assert.equal(text(await within(DEADLINE, req.recv(), "first reply")), `first ${tag}`);
      gone = req.monitor.next("disconnected"); // the peer is killed when this body returns
    });
    await within(DEADLINE, gone, "edgemq noticing the peer left");
    cleanupAddress(url); // nanocat leaves its ipc socket file behind when killed
    await withPeer(d.tool, rep(`second ${tag}`), async (peer) => {
      await req.send("two");
      assert.equal(text(await within(DEADLINE, req.recv(), "second reply")), `second ${tag}`);
      await peer.waitForLines(1, DEADLINE, "the new peer printing the request");
      assert.deepEqual(printedMessages(peer).map(text), ["two"]);
    });
  } finally {
    await req.close({ linger: 0 });
    cleanupAddress(url);
  }
}

/** How many peer processes the many-peers cases start. */
export const MANY = 4;

/**
 * Several REQ(peer) → one REP(edgemq) listening: requests from all of them
 * are fair-queued, and each reply goes back to the peer that asked (the
 * backtrace routes it), which prints exactly its own answer.
 */
export async function manyPeerReqsToRep(d: PeerDialect, transport: Transport): Promise<void> {
  const tag = uniqueTag();
  const rep = new sp.Rep();
  let url = "";
  const peers: PeerProcess[] = [];
  try {
    const local = transport === "tcp" ? "tcp://127.0.0.1:0" : `ipc://${ipcPath()}`;
    url = (await rep.listen(local)).url;
    for (let i = 0; i < MANY; i++) {
      const args = [d.protocol("req0"), ...d.dial(url), "--data", `${tag} client ${i}`, "--quoted"];
      peers.push(startPeer(d.tool, args));
    }
    const asked = new Set<string>();
    for (let i = 0; i < MANY; i++) {
      const request = text(await within(DEADLINE, rep.recv(), `request ${i + 1} of ${MANY}`));
      asked.add(request);
      await rep.send(`answer to ${request}`);
    }
    assert.equal(asked.size, MANY, "every client's request arrived once");
    for (const [i, peer] of peers.entries()) {
      await peer.waitForLines(1, DEADLINE, `client ${i} printing its answer`);
      assert.deepEqual(printedMessages(peer).map(text), [`answer to ${tag} client ${i}`]);
    }
  } finally {
    await Promise.all(peers.map((p) => p.kill()));
    await rep.close({ linger: 0 });
    if (url !== "") cleanupAddress(url);
  }
}

/**
 * One PUB(edgemq) listening → several SUB(peer)s with different topics: each
 * subscriber gets the messages of its own topic and no other.
 */
export async function pubToManyPeerSubs(d: PeerDialect, transport: Transport): Promise<void> {
  const tag = uniqueTag();
  const topics = Array.from({ length: MANY }, (_, i) => `topic${i}/`);
  const pub = new sp.Pub();
  let url = "";
  const peers: PeerProcess[] = [];
  try {
    const local = transport === "tcp" ? "tcp://127.0.0.1:0" : `ipc://${ipcPath()}`;
    url = (await pub.listen(local)).url;
    for (const topic of topics) {
      const args = [d.protocol("sub0"), ...d.dial(url), "--subscribe", topic, "--quoted"];
      peers.push(startPeer(d.tool, args));
    }
    // publish every topic each round until every subscriber has joined and got one
    const end = Date.now() + DEADLINE;
    const waiting = (): PeerProcess[] => peers.filter((p) => p.lines.length === 0);
    for (let round = 0; waiting().length > 0; round++) {
      if (Date.now() > end) throw new Error("not every peer SUB got a message in time");
      for (const topic of topics) await pub.send(`${topic}${tag} ${round}`);
      // up to 20 ms for one of the subscribers still waiting to print something
      const first = waiting().map((p) => p.waitFor((q) => q.lines.length > 0, 20, "a message"));
      await Promise.any(first).catch(() => {});
    }
    // a last round in reverse order, so every subscriber has been sent the other topics
    // before its own end marker, and must have filtered them
    for (const topic of [...topics].reverse()) await pub.send(`${topic}${tag} end`);
    for (const [i, peer] of peers.entries()) {
      const last = `topic${i}/${tag} end`;
      await peer.waitFor((p) => printedMessages(p).map(text).includes(last), DEADLINE, last);
      const pattern = new RegExp(`^topic${i}/${tag} ([0-9]+|end)$`);
      for (const msg of printedMessages(peer).map(text)) assert.match(msg, pattern);
    }
  } finally {
    await Promise.all(peers.map((p) => p.kill()));
    await pub.close({ linger: 0 });
    if (url !== "") cleanupAddress(url);
  }
}
