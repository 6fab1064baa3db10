/**
 * What `perf.ts` (SP) and `zmq_perf.ts` (ZMTP) share: the command line, the
 * timing, the statistics and the THR/LAT output lines of the peer harness
 * (libzmq, NNG, zeromq.js), so that `bench/run.sh` can put every peer in one
 * table. Each CLI only says how to make its four sockets and what a message is
 * (a {@linkcode Kit}); the measuring loops are here, written once.
 *
 * Modes:
 *   thr-recv  listen with PULL, receive <count> messages, print the THR line
 *   thr-send  dial with PUSH, send <count> messages of <size> bytes
 *   lat-rep   listen with REP, echo <count> + warm-up requests
 *   lat-req   dial with REQ, time <count> round trips, print the LAT line
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
 *   EDGEMQ_PERF_SEND_HWM=<n> sendHwm of PUSH (default 1000, the library's default)
 *   EDGEMQ_PERF_RECV_HWM=<n> recvHwm of PULL (default 1000, the library's default)
 *   EDGEMQ_PERF_WINDOW=<n>   the sender awaits every n-th send only (default
 *                            256; 1 awaits each send)
 *   EDGEMQ_PERF_NOWAIT=1     thr: the receiver takes what is waiting with
 *                            tryRecv() and awaits recv() only when nothing is;
 *                            the sender queues with trySend() and awaits send()
 *                            only when that would wait (default 0)
 *   EDGEMQ_PERF_HOLD_MS=<n>  how long the side that sends last (PUSH, REP) keeps
 *                            its socket open waiting for the peer to hang up
 *                            (default 15000)
 *
 * @module
 */
import process from "node:process";
import type { Monitor } from "../mod.ts";

/** One measurement, from the command line and the environment. */
export interface Run {
  readonly endpoint: string;
  readonly size: number;
  readonly count: number;
  readonly sendHwm: number;
  readonly recvHwm: number;
  readonly window: number;
  readonly nowait: boolean;
  readonly holdMs: number;
}

/** What the loops need of a socket (edgemq's SP and ZMTP sockets both have it). */
export interface PerfSocket<M> {
  send(msg: M): Promise<void>;
  recv(): Promise<M>;
  trySend(msg: M): boolean;
  tryRecv(): M | undefined;
  close(options: { linger: number }): Promise<void>;
  readonly monitor: Monitor;
}

/** How one family makes its sockets and its messages. */
export interface Kit<M, S extends PerfSocket<M>> {
  /** The CLI's file name, for the usage line. */
  readonly name: string;
  push(run: Run): S;
  pull(run: Run): S;
  req(run: Run): S;
  rep(run: Run): S;
  /** Listens (SP) or binds (ZMTP); resolves to the real URL (the port of tcp://…:0). */
  listen(socket: S, endpoint: string): Promise<string>;
  /** Dials (SP) or connects (ZMTP); connecting goes on in the background. */
  dial(socket: S, url: string): Promise<void>;
  /** The message to send, made once from the payload. */
  message(payload: Uint8Array): M;
  /** The payload size of a received message; -1 if it has not the expected shape. */
  sizeOf(msg: M): number;
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

function badSize(got: number, size: number): Error {
  return new Error(`expected a ${size}-byte message, got ${got < 0 ? "another shape" : got}`);
}

/**
 * Resolves once the socket's peer has hung up (its pipe went away), or after
 * `ms`. Call it before the connection exists so that the event is not missed.
 */
function peerGone(monitor: Monitor, ms: number): Promise<void> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  return monitor.next("disconnected", { signal: stop.signal }).then(
    () => clearTimeout(timer),
    () => console.error(`warning: peer still connected after ${ms} ms, closing`),
  );
}

/** The measuring loops over one kit. */
class Perf<M, S extends PerfSocket<M>> {
  constructor(private readonly kit: Kit<M, S>, private readonly run: Run) {}

  // ---- throughput: PUSH -> PULL -------------------------------------------

  /** Listens, receives `count` messages and prints the THR line. */
  async thrRecv(listening?: (url: string) => void): Promise<void> {
    const { kit, run } = this;
    const pull = kit.pull(run);
    try {
      const url = await kit.listen(pull, run.endpoint);
      listening?.(url);
      const size = run.size;
      let got = kit.sizeOf(await pull.recv());
      if (got !== size) throw badSize(got, size);
      const t0 = performance.now();
      const nowait = run.nowait;
      for (let i = 1; i < run.count; i++) {
        got = kit.sizeOf((nowait ? pull.tryRecv() : undefined) ?? await pull.recv());
        if (got !== size) throw badSize(got, size);
      }
      const elapsed = (performance.now() - t0) / 1000;
      const mps = (run.count - 1) / elapsed;
      console.log(
        `THR ${mps.toFixed(0)} ${(mps * size / 1e6).toFixed(2)} ${
          elapsed.toFixed(4)
        } ${run.count} ${size}`,
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
  async thrSend(url: string, done?: Promise<void>): Promise<void> {
    const { kit, run } = this;
    const push = kit.push(run);
    try {
      const gone = done ?? peerGone(push.monitor, run.holdMs);
      await kit.dial(push, url);
      const msg = kit.message(payload(run.size));
      const window = run.window;
      let last: Promise<void> | undefined;
      if (run.nowait) {
        for (let i = 1; i <= run.count; i++) if (!push.trySend(msg)) await push.send(msg);
      } else {
        for (let i = 1; i <= run.count; i++) {
          last = push.send(msg);
          if (i % window === 0) await last;
        }
      }
      await last;
      await gone;
    } finally {
      await push.close({ linger: 0 });
    }
  }

  // ---- latency: REQ <-> REP -------------------------------------------------

  /** Listens and echoes warm-up + `count` requests, then waits for the REQ side to hang up. */
  async latRep(listening?: (url: string) => void, done?: Promise<void>): Promise<void> {
    const { kit, run } = this;
    const rep = kit.rep(run);
    try {
      const gone = done ?? peerGone(rep.monitor, run.holdMs);
      const url = await kit.listen(rep, run.endpoint);
      listening?.(url);
      const total = run.count + warmupFor(run.count);
      for (let i = 0; i < total; i++) await rep.send(await rep.recv());
      await gone;
    } finally {
      await rep.close({ linger: 0 });
    }
  }

  /** Dials, runs the warm-up and `count` timed round trips, prints the LAT line. */
  async latReq(url: string): Promise<void> {
    const { kit, run } = this;
    const req = kit.req(run);
    try {
      await kit.dial(req, url);
      const msg = kit.message(payload(run.size));
      const size = run.size;
      for (let i = warmupFor(run.count); i > 0; i--) {
        await req.send(msg);
        const got = kit.sizeOf(await req.recv());
        if (got !== size) throw badSize(got, size);
      }
      const rtt = new Float64Array(run.count);
      const start = performance.now();
      for (let i = 0; i < run.count; i++) {
        const t = performance.now();
        await req.send(msg);
        const reply = await req.recv();
        rtt[i] = performance.now() - t;
        const got = kit.sizeOf(reply);
        if (got !== size) throw badSize(got, size);
      }
      const elapsed = (performance.now() - start) / 1000;
      let sum = 0;
      for (const v of rtt) sum += v;
      rtt.sort();
      const at = (q: number): string => (rtt[Math.floor(q * (run.count - 1))]! * 1000).toFixed(2);
      console.log(
        `LAT ${(sum / run.count * 1000).toFixed(2)} ${at(0.5)} ${at(0.99)} ${
          elapsed.toFixed(4)
        } ${run.count} ${size}`,
      );
    } finally {
      await req.close({ linger: 0 });
    }
  }

  // ---- both ends in one process ---------------------------------------------

  /** PULL and PUSH on one event loop: the receiver measures; the sender lets go once it is done. */
  async thrBoth(): Promise<void> {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    let sending: Promise<void> = Promise.resolve();
    try {
      await this.thrRecv((url) => (sending = this.thrSend(url, done)));
    } finally {
      finish();
      await sending;
    }
  }

  /** REP and REQ on one event loop: REQ dials once REP listens; REP lets go once REQ is done. */
  async latBoth(): Promise<void> {
    let listening!: (url: string) => void;
    const url = new Promise<string>((resolve) => (listening = resolve));
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const server = this.latRep(listening, done);
    try {
      // if REP fails before it listens, its rejection ends the race
      await this.latReq(await Promise.race([url, server.then(() => this.run.endpoint)]));
    } finally {
      finish();
      await server;
    }
  }
}

/** Parses `<mode> <endpoint> <size> <count>`, runs the mode and returns the exit code. */
export async function perfMain<M, S extends PerfSocket<M>>(
  kit: Kit<M, S>,
  argv: readonly string[],
): Promise<number> {
  const usage =
    `usage: ${kit.name} thr-recv|thr-send|lat-rep|lat-req|thr|lat <endpoint> <size> <count>`;
  const [mode, endpoint, sizeArg, countArg] = argv;
  const size = Number(sizeArg);
  const count = Number(countArg);
  if (
    argv.length !== 4 || endpoint === undefined || !Number.isInteger(size) || size < 1 ||
    !Number.isInteger(count) || count < 2
  ) {
    console.error(usage);
    return 2;
  }
  const perf = new Perf(kit, {
    endpoint,
    size,
    count,
    sendHwm: envInt("EDGEMQ_PERF_SEND_HWM", 1000, 1),
    recvHwm: envInt("EDGEMQ_PERF_RECV_HWM", 1000, 1),
    window: envInt("EDGEMQ_PERF_WINDOW", 256, 1),
    nowait: envInt("EDGEMQ_PERF_NOWAIT", 0, 0) === 1,
    holdMs: envInt("EDGEMQ_PERF_HOLD_MS", 15000, 0),
  });
  switch (mode) {
    case "thr-recv":
      await perf.thrRecv();
      break;
    case "thr-send":
      await perf.thrSend(endpoint);
      break;
    case "lat-rep":
      await perf.latRep();
      break;
    case "lat-req":
      await perf.latReq(endpoint);
      break;
    case "thr":
      await perf.thrBoth();
      break;
    case "lat":
      await perf.latBoth();
      break;
    default:
      console.error(usage);
      return 2;
  }
  return 0;
}
