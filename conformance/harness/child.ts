/**
 * A target program run as a child process for the results harness: started, waited for until it
 * serves (a `ready <url>` line, or its TCP port accepting), and stopped for sure (standard input
 * closed, then SIGTERM, then SIGKILL), so that no case, however it ends, leaves it behind.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { connect, createServer } from "node:net";

/** How to start one target program. */
export interface Command {
  /** The executable. */
  readonly cmd: string;
  /** Its arguments. */
  readonly args: readonly string[];
  /** Its working directory. @default the current one */
  readonly cwd?: string;
  /**
   * `line`: it prints `ready <url>` once serving (the URL the runner dials); `port`: it prints
   * nothing, and serves once the URL it was given accepts a TCP connection.
   */
  readonly ready: "line" | "port";
}

/** A running target program. */
export interface Child {
  /** The URL it serves. */
  readonly url: string;
  /** What it wrote to standard error so far (the last 4 KiB). */
  stderr(): string;
  /** True once it has exited. */
  exited(): boolean;
  /** Stops it: closes its input, then SIGTERM after 500 ms, then SIGKILL after 2 s more. */
  stop(): Promise<void>;
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago.
 *
 * @example
 * ```ts ignore
 * import { freePort } from "./child.ts";
 * console.log(`tcp://127.0.0.1:${await freePort()}`);
 * ```
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

/** True if a TCP connection to `url` (tcp://host:port) can be made now (it is closed at once). */
function accepts(url: string): Promise<boolean> {
  const m = /^tcp:\/\/([^:/]+):(\d+)/.exec(url);
  if (m === null) return Promise.resolve(false);
  return new Promise((resolve) => {
    const sock = connect({ host: m[1]!, port: Number(m[2]) });
    const timer = setTimeout(() => done(false), 500);
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
    function done(ok: boolean): void {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    }
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `command` and resolves once it serves; rejects (the child stopped) if it exits first or
 * is not serving within `startMs`.
 *
 * @example
 * ```ts ignore
 * import { startChild } from "./child.ts";
 * const c = await startChild(
 *   { cmd: "nngcat", args: ["--rep0", "--listen", "tcp://127.0.0.1:5555", "--data", "x"], ready: "port" },
 *   "tcp://127.0.0.1:5555",
 *   10000,
 * );
 * await c.stop();
 * ```
 */
export async function startChild(command: Command, url: string, startMs: number): Promise<Child> {
  const proc = spawn(command.cmd, [...command.args], {
    stdio: ["pipe", "pipe", "pipe"],
    ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
  });
  let out = "";
  let err = "";
  let gone = false;
  let spawnError: string | undefined;
  const exit = new Promise<void>((resolve) => {
    proc.once("close", () => {
      gone = true;
      resolve();
    });
  });
  proc.once("error", (e) => {
    spawnError = e.message;
    gone = true;
  });
  proc.stdin!.on("error", () => {});
  proc.stdout!.on(
    "data",
    (b: Uint8Array) => void (out = (out + new TextDecoder().decode(b)).slice(-4096)),
  );
  proc.stderr!.on(
    "data",
    (b: Uint8Array) => void (err = (err + new TextDecoder().decode(b)).slice(-4096)),
  );
  const child: Child = {
    url,
    stderr: () => err,
    exited: () => gone,
    async stop() {
      if (!gone) {
        proc.stdin!.end();
        const term = setTimeout(() => proc.kill("SIGTERM"), 500);
        const kill = setTimeout(() => proc.kill("SIGKILL"), 2500);
        await Promise.race([exit, sleep(5000)]);
        clearTimeout(term);
        clearTimeout(kill);
      }
      proc.stdout!.destroy();
      proc.stderr!.destroy();
    },
  };
  const deadline = Date.now() + startMs;
  while (Date.now() < deadline) {
    if (gone) {
      await child.stop();
      const why = spawnError ?? `it exited: ${err.trim() || out.trim() || "(no output)"}`;
      throw new Error(`${command.cmd} did not start: ${why.slice(0, 500)}`);
    }
    if (command.ready === "line") {
      const m = /^ready (\S+)$/m.exec(out);
      if (m !== null) return { ...child, url: m[1]! };
    } else if (await accepts(url)) {
      await sleep(100); // let it notice that probe go before the first case
      return child;
    }
    await sleep(50);
  }
  await child.stop();
  throw new Error(
    `${command.cmd} was not serving after ${startMs} ms: ${err.trim().slice(0, 500)}`,
  );
}
