/**
 * What edgecat does once its arguments are parsed: make the socket, subscribe, listen and dial,
 * then send and receive as the socket type's role says, printing in the chosen format. Input and
 * output go through {@linkcode CatIO}, so the whole program can also run inside a test.
 *
 * @module
 */
import { type MonitorEvent, MqError } from "../mod.ts";
import { type CatArgs, type DataSource, parseArgs, UsageError } from "./_args.ts";
import { formatMessage } from "./_format.ts";
import type { CatSocket, Role } from "./_sockets.ts";
import { USAGE } from "./_usage.ts";
import meta from "../deno.json" with { type: "json" };

/** Where edgecat's input and output go. */
export interface CatIO {
  /** Writes bytes to standard output; resolves once they are handed over. */
  write(bytes: Uint8Array): Promise<void>;
  /** Writes one line (a newline is added) to standard error. */
  error(line: string): void;
  /** Reads a whole file; `-` is standard input. */
  readFile(path: string): Promise<Uint8Array>;
}

const encoder = new TextEncoder();

/** Resolves after `ms`, or rejects with the signal's reason when it aborts; clears its timer. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", aborted);
    };
    const aborted = (): void => {
      done();
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    if (signal.aborted) aborted();
    else signal.addEventListener("abort", aborted, { once: true });
  });
}

function isTimeout(e: unknown): boolean {
  return e instanceof MqError && e.code === "ETIMEDOUT";
}

/** An error as one line; edgemq's errors end with their stable code, e.g. `(EADDRINUSE)`. */
function describe(e: unknown): string {
  if (e instanceof MqError) {
    return e.message.endsWith(`(${e.code})`) ? e.message : `${e.message} (${e.code})`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** One monitor event as a line: its type, then its fields. */
function eventLine(event: MonitorEvent): string {
  const fields = Object.entries(event).filter(([k]) => k !== "type").map(([k, v]) => `${k}=${v}`);
  return ["edgecat:", event.type, ...fields].join(" ");
}

async function load(data: readonly DataSource[], io: CatIO): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  for (const d of data) {
    if (d.kind === "data") {
      frames.push(encoder.encode(d.value));
      continue;
    }
    try {
      frames.push(await io.readFile(d.value));
    } catch (e) {
      throw new Error(
        `cannot read ${d.value === "-" ? "standard input" : d.value}: ${describe(e)}`,
      );
    }
  }
  return frames;
}

/** Everything a role's loop needs. */
interface Session {
  readonly sock: CatSocket;
  readonly args: CatArgs;
  readonly data: readonly Uint8Array[];
  readonly io: CatIO;
  /** Aborts the session's waits (the `both` role stops its sender with it). */
  readonly signal: AbortSignal;
}

async function print(s: Session, msg: readonly Uint8Array[]): Promise<void> {
  if (s.args.format !== "no") await s.io.write(formatMessage(s.args.format, msg));
}

/** Sends the data `times` times, `--interval` apart, after `--delay`; `each` runs after a send. */
async function sendLoop(s: Session, times: number, each?: () => Promise<void>): Promise<void> {
  const { interval, delay } = s.args;
  await sleep(delay, s.signal);
  for (let i = 0; i < times; i++) {
    const started = Date.now();
    await s.sock.send(s.data, s.signal);
    if (each !== undefined) await each();
    if (i + 1 < times && interval !== undefined) {
      await sleep(interval - (Date.now() - started), s.signal);
    }
  }
}

/** Receives and prints until `--count` messages or `--recv-timeout`; `each` runs after a print. */
async function recvLoop(
  s: Session,
  each?: (msg: Uint8Array[]) => Promise<void>,
): Promise<void> {
  const limit = s.args.count || Infinity;
  for (let i = 0; i < limit; i++) {
    let msg: Uint8Array[];
    try {
      msg = await s.sock.recv(s.signal);
    } catch (e) {
      if (isTimeout(e)) return;
      throw e;
    }
    await print(s, msg);
    if (each !== undefined) await each(msg);
  }
}

/** How many sends a sender makes: `--count`, else one, or no limit with `--interval`. */
function sends(args: CatArgs): number {
  if (args.count !== undefined) return args.count || Infinity;
  return args.interval === undefined ? 1 : Infinity;
}

/** A ROUTER's reply envelope: the routing id, and every frame up to the empty one if any. */
function envelope(msg: readonly Uint8Array[]): Uint8Array[] {
  const empty = msg.findIndex((f, i) => i > 0 && f.length === 0);
  return msg.slice(0, empty < 0 ? 1 : empty + 1);
}

async function both(s: Session): Promise<void> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(s.signal.reason);
  s.signal.addEventListener("abort", onAbort, { once: true });
  const inner: Session = { ...s, signal: stop.signal };
  const times = s.args.interval === undefined ? 1 : Infinity;
  const sending = s.data.length === 0 ? Promise.resolve() : sendLoop(inner, times).catch((e) => {
    if (!stop.signal.aborted) stop.abort(e); // ends the receiving loop with the send's error
  });
  try {
    await recvLoop(inner);
  } finally {
    s.signal.removeEventListener("abort", onAbort);
    stop.abort(new Error("done"));
    await sending;
  }
}

const ROLES: { readonly [R in Role]: (s: Session) => Promise<void> } = {
  send: (s) => sendLoop(s, sends(s.args)),
  recv: (s) => recvLoop(s),
  request: (s) =>
    sendLoop(s, sends(s.args), async () => {
      try {
        await print(s, await s.sock.recv(s.signal));
      } catch (e) {
        if (!isTimeout(e)) throw e;
        throw new Error(`no reply within ${(s.args.recvTimeout ?? 0) / 1000} s`);
      }
    }),
  survey: (s) =>
    sendLoop(s, sends(s.args), async () => {
      // print every answer until the survey's deadline (recv then fails with ETIMEDOUT)
      for (;;) {
        try {
          await print(s, await s.sock.recv(s.signal));
        } catch (e) {
          if (isTimeout(e)) return;
          throw e;
        }
      }
    }),
  reply: (s) =>
    recvLoop(s, async () => {
      if (s.data.length > 0) await s.sock.send(s.data, s.signal);
    }),
  route: (s) =>
    recvLoop(s, async (msg) => {
      if (s.data.length > 0) await s.sock.send([...envelope(msg), ...s.data], s.signal);
    }),
  both,
};

/** How long a sender waits for its messages to leave when it is done. */
const LINGER = 1000;

/** Watches a socket's peers: `first(ms)` resolves once one has connected, or after `ms`. */
function watchPeers(sock: CatSocket): { first(ms: number): Promise<void>; stop(): void } {
  let connected = false;
  let wake = (): void => {};
  const stop = sock.monitor.on((e) => {
    if (e.type !== "connected" && e.type !== "accepted") return;
    connected = true;
    wake();
  });
  return {
    async first(ms) {
      if (connected) return;
      const timer = new AbortController();
      const woken = new Promise<void>((resolve) => (wake = resolve));
      await Promise.race([woken, sleep(ms, timer.signal).catch(() => {})]);
      timer.abort();
    },
    stop,
  };
}

async function session(args: CatArgs, io: CatIO, signal: AbortSignal): Promise<number> {
  let data: Uint8Array[];
  try {
    data = await load(args.data, io);
  } catch (e) {
    io.error(`edgecat: ${describe(e)}`);
    return 1;
  }
  const { type } = args;
  const sock = type.create({
    ...(args.sendTimeout === undefined ? {} : { sendTimeout: args.sendTimeout }),
    ...(args.recvTimeout === undefined ? {} : { recvTimeout: args.recvTimeout }),
    ...(args.recvMaxSize === undefined ? {} : { recvMaxSize: args.recvMaxSize }),
    ...(args.routingId === undefined ? {} : { routingId: args.routingId }),
  });
  const unwatch = args.verbose ? sock.monitor.on((e) => io.error(eventLine(e))) : undefined;
  const peers = watchPeers(sock);
  let code = 0;
  try {
    if (type.subscribes) {
      const topics = args.subscribe.length > 0 ? args.subscribe : [""];
      for (const topic of topics) await sock.subscribe(encoder.encode(topic));
    }
    for (const { kind, url } of args.endpoints) {
      if (kind === "listen") await sock.listen(url);
      else await sock.dial(url);
    }
    await ROLES[type.role]({ sock, args, data, io, signal });
  } catch (e) {
    io.error(`edgecat: ${describe(e)}`);
    code = 1;
  } finally {
    // A sender lingers (up to 1 s) so that what it queued leaves; a receiver has nothing queued,
    // and after an error edgecat exits at once. Within that second the sender first waits for a
    // peer: edgemq's close does not finish a connection still being made, so a message queued
    // for a dialer that has not connected yet would be lost.
    const sender = code === 0 && type.role !== "recv";
    if (sender) await peers.first(LINGER);
    peers.stop();
    await sock.close(sender ? LINGER : 0);
    unwatch?.();
  }
  return code;
}

/**
 * Runs edgecat with `argv` (the arguments after the program's name); resolves with the exit
 * code: 0 done, 1 error, 2 usage error. `signal` ends a running session early (exit code 1).
 *
 * @example Print the usage text into a buffer
 * ```ts
 * import { run } from "./_run.ts";
 * let out = "";
 * const code = await run(["--help"], {
 *   write: (bytes) => Promise.resolve(void (out += new TextDecoder().decode(bytes))),
 *   error: (line) => console.error(line),
 *   readFile: () => Promise.reject(new Error("no files here")),
 * });
 * console.log(code, out.startsWith("Usage: edgecat")); // 0 true
 * ```
 */
export async function run(
  argv: readonly string[],
  io: CatIO,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.error(`edgecat: ${e.message}`);
    io.error("Try 'edgecat --help' for more information.");
    return 2;
  }
  if (parsed.action === "help") {
    await io.write(encoder.encode(USAGE));
    return 0;
  }
  if (parsed.action === "version") {
    await io.write(encoder.encode(`edgecat ${meta.version} (edgemq)\n`));
    return 0;
  }
  return await session(parsed.args, io, signal);
}
