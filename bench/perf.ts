/**
 * edgemq's throughput and latency benchmark, with the command line and output
 * of the peer harness (libzmq, NNG, zeromq.js) so that `bench/run.sh` can put
 * all of them in one table:
 *
 *   deno run -A bench/perf.ts <mode> <endpoint> <size> <count>
 *   bun bench/perf.ts <mode> <endpoint> <size> <count>
 *
 * Modes:
 *   thr-recv  listen with sp.Pull, receive <count> messages, print the THR line
 *   thr-send  dial with sp.Push, send <count> messages of <size> bytes
 *   lat-rep   listen with sp.Rep, echo <count> + warm-up requests
 *   lat-req   dial with sp.Req, time <count> round trips, print the LAT line
 *   thr, lat  both ends in this process, on one event loop (for inproc://)
 *
 * Output (one line, from the measuring side):
 *   THR <msgs/s> <MB/s> <elapsed_s> <count> <size>
 *   LAT <rtt_mean_us> <rtt_p50_us> <rtt_p99_us> <elapsed_s> <count> <size>
 * Throughput is timed at the receiver from the first to the last message,
 * msgs/s = (count - 1) / elapsed, MB = 1e6 payload bytes. Latency is the
 * REQ -> REP -> REQ round trip after min(1000, count / 10) (at least 10)
 * warm-up round trips.
 *
 * Environment:
 *   EDGEMQ_PERF_SEND_HWM=<n> sendHwm of sp.Push (default 1000, the library's default)
 *   EDGEMQ_PERF_RECV_HWM=<n> recvHwm of sp.Pull (default 1000, the library's default)
 *   EDGEMQ_PERF_WINDOW=<n>   the sender awaits every n-th send only (default
 *                            256; 1 awaits each send)
 *   EDGEMQ_PERF_HOLD_MS=<n>  how long the side that sends last (PUSH, REP) keeps
 *                            its socket open waiting for the peer to hang up
 *                            (default 15000)
 *
 * @module
 */
import process from "node:process";
import { sp } from "../mod.ts";

const USAGE = "usage: perf.ts thr-recv|thr-send|lat-rep|lat-req|thr|lat <endpoint> <size> <count>";

interface Run {
  readonly endpoint: string;
  readonly size: number;
  readonly count: number;
  readonly sendHwm: number;
  readonly recvHwm: number;
  readonly window: number;
  readonly holdMs: number;
}

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}`);
  return n;
}

/** Warm-up round trips before the timed ones: min(1000, count / 10), at least 10 (as the peers). */
function warmupFor(count: number): number {
  return Math.max(10, Math.min(1000, Math.floor(count / 10)));
}

function payload(size: number): Uint8Array {
  return new Uint8Array(size).fill(0x78); // "x"
}

function checkSize(msg: Uint8Array, size: number): void {
  if (msg.length !== size) throw new Error(`expected a ${size}-byte message, got ${msg.length}`);
}

/**
 * Resolves once the socket's peer has hung up (its pipe went away), or after
 * `ms`. Call it before the connection exists so that the event is not missed.
 */
function peerGone(socket: sp.Push | sp.Rep, ms: number): Promise<void> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  return socket.monitor.next("disconnected", { signal: stop.signal }).then(
    () => clearTimeout(timer),
    () => console.error(`warning: peer still connected after ${ms} ms, closing`),
  );
}

// ---- throughput: PUSH -> PULL ---------------------------------------------

/** Listens, receives `count` messages and prints the THR line. */
async function thrRecv(run: Run, listening?: (url: string) => void): Promise<void> {
  const pull = new sp.Pull({ recvHwm: run.recvHwm });
  try {
    const { url } = await pull.listen(run.endpoint);
    listening?.(url);
    checkSize(await pull.recv(), run.size);
    const t0 = performance.now();
    for (let i = 1; i < run.count; i++) checkSize(await pull.recv(), run.size);
    const elapsed = (performance.now() - t0) / 1000;
    const mps = (run.count - 1) / elapsed;
    console.log(
      `THR ${mps.toFixed(0)} ${(mps * run.size / 1e6).toFixed(2)} ${
        elapsed.toFixed(4)
      } ${run.count} ${run.size}`,
    );
  } finally {
    await pull.close({ linger: 0 });
  }
}

/**
 * Dials and sends `count` messages, then keeps the socket open until the
 * receiver hangs up (or `done` settles, when both ends share this process).
 *
 * The public API offers only `send(): Promise`, so the loop awaits every
 * `window`-th promise: sends complete in order, so when that one has
 * resolved every earlier one has. Awaiting each one costs a microtask turn
 * per message even when the message was queued synchronously.
 */
async function thrSend(run: Run, url: string, done?: Promise<void>): Promise<void> {
  const push = new sp.Push({ sendHwm: run.sendHwm });
  try {
    const gone = done ?? peerGone(push, run.holdMs);
    await push.dial(url);
    const msg = payload(run.size);
    const window = run.window;
    let last: Promise<void> | undefined;
    for (let i = 1; i <= run.count; i++) {
      last = push.send(msg);
      if (i % window === 0) await last;
    }
    await last;
    await gone;
  } finally {
    await push.close({ linger: 0 });
  }
}

// ---- latency: REQ <-> REP ---------------------------------------------------

/** Listens and echoes warm-up + `count` requests, then waits for the REQ side to hang up. */
async function latRep(
  run: Run,
  listening?: (url: string) => void,
  done?: Promise<void>,
): Promise<void> {
  const rep = new sp.Rep();
  try {
    const gone = done ?? peerGone(rep, run.holdMs);
    const { url } = await rep.listen(run.endpoint);
    listening?.(url);
    const total = run.count + warmupFor(run.count);
    for (let i = 0; i < total; i++) await rep.send(await rep.recv());
    await gone;
  } finally {
    await rep.close({ linger: 0 });
  }
}

/** Dials, runs the warm-up and `count` timed round trips, prints the LAT line. */
async function latReq(run: Run, url: string): Promise<void> {
  const req = new sp.Req();
  try {
    await req.dial(url);
    const msg = payload(run.size);
    for (let i = warmupFor(run.count); i > 0; i--) {
      await req.send(msg);
      checkSize(await req.recv(), run.size);
    }
    const rtt = new Float64Array(run.count);
    const start = performance.now();
    for (let i = 0; i < run.count; i++) {
      const t = performance.now();
      await req.send(msg);
      const reply = await req.recv();
      rtt[i] = performance.now() - t;
      checkSize(reply, run.size);
    }
    const elapsed = (performance.now() - start) / 1000;
    let sum = 0;
    for (const v of rtt) sum += v;
    rtt.sort();
    const at = (q: number): string => (rtt[Math.floor(q * (run.count - 1))]! * 1000).toFixed(2);
    console.log(
      `LAT ${(sum / run.count * 1000).toFixed(2)} ${at(0.5)} ${at(0.99)} ${
        elapsed.toFixed(4)
      } ${run.count} ${run.size}`,
    );
  } finally {
    await req.close({ linger: 0 });
  }
}

// ---- both ends in one process -------------------------------------------------

/** REP and REQ on one event loop: REQ dials once REP listens; REP lets go once REQ is done. */
async function latBoth(run: Run): Promise<void> {
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => (listening = resolve));
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const server = latRep(run, listening, done);
  try {
    // if REP fails before it listens, its rejection ends the race
    await latReq(run, await Promise.race([url, server.then(() => run.endpoint)]));
  } finally {
    finish();
    await server;
  }
}

async function main(argv: string[]): Promise<number> {
  const [mode, endpoint, sizeArg, countArg] = argv;
  const size = Number(sizeArg);
  const count = Number(countArg);
  if (
    argv.length !== 4 || endpoint === undefined || !Number.isInteger(size) || size < 1 ||
    !Number.isInteger(count) || count < 2
  ) {
    console.error(USAGE);
    return 2;
  }
  const run: Run = {
    endpoint,
    size,
    count,
    sendHwm: envInt("EDGEMQ_PERF_SEND_HWM", 1000, 1),
    recvHwm: envInt("EDGEMQ_PERF_RECV_HWM", 1000, 1),
    window: envInt("EDGEMQ_PERF_WINDOW", 256, 1),
    holdMs: envInt("EDGEMQ_PERF_HOLD_MS", 15000, 0),
  };
  switch (mode) {
    case "thr-recv":
      await thrRecv(run);
      break;
    case "thr-send":
      await thrSend(run, endpoint);
      break;
    case "lat-rep":
      await latRep(run);
      break;
    case "lat-req":
      await latReq(run, endpoint);
      break;
    case "thr": {
      // the receiver measures; the sender lets go once the receiver is done
      let finish!: () => void;
      const done = new Promise<void>((resolve) => (finish = resolve));
      let sending: Promise<void> = Promise.resolve();
      try {
        await thrRecv(run, (url) => (sending = thrSend(run, url, done)));
      } finally {
        finish();
        await sending;
      }
      break;
    }
    case "lat":
      await latBoth(run);
      break;
    default:
      console.error(USAGE);
      return 2;
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
