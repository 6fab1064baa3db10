/**
 * The soak: SP and ZeroMQ sockets over tcp, ipc and inproc exchanging self-checking messages
 * (REQ/REP, PUSH/PULL, PUB/SUB and, in ZeroMQ, DEALER/ROUTER) for a given time, with clients that
 * reconnect every session and PUSH/PULL servers that restart. At the end it checks that every
 * request was answered, every message sent arrived (in order, intact), the RSS stayed flat after
 * warm-up, every socket is closed with no pipe left, and that the process then exits by itself.
 *
 * ```sh
 * deno run -A conformance/soak/soak.ts --seconds 120      # or: bun conformance/soak/soak.ts ...
 * ```
 *
 * Options: `--seconds N` (default 120), `--rss-bound MIB` (default 64), `--seed N`, `--json FILE`
 * (writes the report). The program runs the soak in a child process of the same runtime and
 * watches it: the child must exit within 10 s of its last line, or open handles are reported.
 * Exit code 0 when every check passed.
 *
 * @module
 */
import process from "node:process";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { Lane, type Pattern, type TransportName } from "./_lanes.ts";
import { made } from "./_sockets.ts";
import { judgeMemory, mib, type Sample, sample } from "./_memory.ts";

const DONE = "SOAK DONE";
const EXIT_GRACE_MS = 10_000;
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";

interface Args {
  seconds: number;
  rssBoundMiB: number;
  seed: number;
  json: string | undefined;
  child: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    seconds: 120,
    rssBoundMiB: 64,
    seed: Date.now() % 1e9,
    json: undefined,
    child: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--seconds") args.seconds = Number(value());
    else if (a === "--rss-bound") args.rssBoundMiB = Number(value());
    else if (a === "--seed") args.seed = Number(value());
    else if (a === "--json") args.json = value();
    else if (a === "--child") args.child = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(args.seconds > 0) || !(args.rssBoundMiB > 0) || !Number.isInteger(args.seed)) {
    throw new Error("--seconds and --rss-bound must be positive, --seed an integer");
  }
  return args;
}

/** A small seeded generator (mulberry32), so a failing run can be repeated. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lanes(): Lane[] {
  const out: Lane[] = [];
  const tag = `${process.pid}`;
  for (const transport of ["tcp", "ipc", "inproc"] as TransportName[]) {
    for (const pattern of ["reqrep", "pushpull", "pubsub"] as Pattern[]) {
      out.push(new Lane("sp", pattern, transport, `${transport}-${tag}`));
    }
    for (const pattern of ["reqrep", "pushpull", "pubsub", "dealerrouter"] as Pattern[]) {
      out.push(new Lane("zmq", pattern, transport, `${transport}-${tag}`));
    }
  }
  return out;
}

async function runLane(lane: Lane, endMs: number, random: () => number): Promise<string | null> {
  try {
    await lane.start();
    while (Date.now() < endMs) await lane.session(random);
  } catch (e) {
    await lane.stop().catch(() => {});
    return `${lane.name}: ${e instanceof Error ? e.message : String(e)}`;
  }
  try {
    await lane.stop();
    return null;
  } catch (e) {
    return `${lane.name}: at stop: ${e instanceof Error ? e.message : String(e)}`;
  }
}

async function soak(args: Args): Promise<boolean> {
  const start = Date.now();
  const endMs = start + args.seconds * 1000;
  const warmup = Math.min(30, args.seconds / 4);
  const samples: Sample[] = [];
  const sampler = setInterval(() => samples.push(sample(start)), 1000);
  const all = lanes();
  const random = rng(args.seed);
  console.log(
    `soak: ${all.length} lanes for ${args.seconds} s (seed ${args.seed}, ${
      isDeno ? "deno" : "bun"
    } ${process.versions[isDeno ? "deno" : "bun"]})`,
  );
  const progress = setInterval(() => {
    const t = all.reduce((n, l) => n + l.tally.sent + l.tally.requests, 0);
    const s = sample(start);
    console.log(`  t=${s.t.toFixed(0)} s  messages+requests=${t}  rss=${mib(s.rss)} MiB`);
  }, Math.max(10_000, args.seconds * 1000 / 12));
  const failures = (await Promise.all(all.map((l) => runLane(l, endMs, random))))
    .filter((f): f is string => f !== null);
  clearInterval(sampler);
  clearInterval(progress);
  samples.push(sample(start));

  for (const lane of all) {
    const t = lane.tally;
    if (t.answered !== t.requests) {
      failures.push(`${lane.name}: ${t.requests - t.answered} unanswered`);
    }
    if (t.received !== t.sent) {
      failures.push(`${lane.name}: sent ${t.sent}, received ${t.received}`);
    }
  }
  const open = made.open.size; // close() not called, or not finished
  if (open > 0) failures.push(`${open} of ${made.count} sockets left open`);
  const memory = judgeMemory(samples, warmup, args.rssBoundMiB * 2 ** 20);
  if (!memory.ok) {
    failures.push(
      `RSS grew ${
        mib(memory.final - memory.baseline)
      } MiB after warm-up (bound ${args.rssBoundMiB})`,
    );
  }

  const seconds = (Date.now() - start) / 1000;
  console.log(
    `\nlane                        sessions reconnects restarts   sent/received  requests/answered`,
  );
  for (const lane of all) {
    const t = lane.tally;
    console.log(
      `${lane.name.padEnd(28)}${String(t.sessions).padStart(8)}${
        String(t.reconnects).padStart(11)
      }${String(t.restarts).padStart(9)}${`${t.sent}/${t.received}`.padStart(16)}${
        `${t.requests}/${t.answered}`.padStart(19)
      }`,
    );
  }
  const sum = (k: "sent" | "requests" | "reconnects" | "sessions") =>
    all.reduce((n, l) => n + l.tally[k], 0);
  console.log(
    `\ntotal: ${sum("sessions")} sessions, ${sum("reconnects")} reconnects, ${
      sum("sent")
    } messages, ${sum("requests")} requests in ${
      seconds.toFixed(1)
    } s; ${made.count} sockets, all closed: ${open === 0}`,
  );
  console.log(
    `memory: RSS ${mib(memory.baseline)} MiB after ${warmup.toFixed(0)} s warm-up, ${
      mib(memory.final)
    } MiB at the end (growth ${
      mib(memory.final - memory.baseline)
    } MiB, bound ${args.rssBoundMiB}), peak ${mib(memory.peak)} MiB; heap ${
      mib(memory.heapBaseline)
    } -> ${mib(memory.heapFinal)} MiB`,
  );
  if (args.json !== undefined) {
    const report = {
      runtime: isDeno ? "deno" : "bun",
      seconds,
      seed: args.seed,
      lanes: all.map((l) => ({ name: l.name, ...l.tally })),
      sockets: made.count,
      memory,
      samples: samples.map((s) => [s.t, s.rss, s.heap]),
      failures,
    };
    writeFileSync(args.json, JSON.stringify(report, null, 1));
  }
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(
    failures.length === 0 ? "soak: every check passed" : `soak: ${failures.length} failed`,
  );
  return failures.length === 0;
}

/** Runs the soak in a child of the same runtime; checks that the child exits by itself. */
function watch(argv: string[], args: Args): Promise<boolean> {
  const script = new URL(import.meta.url).pathname;
  const runtimeArgs = isDeno ? ["run", "-A", script] : [script];
  const child = spawn(process.execPath, [...runtimeArgs, ...argv, "--child"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let doneAt = 0;
  let passed = false;
  let buffered = "";
  child.stdout!.on("data", (d: Uint8Array) => {
    buffered += new TextDecoder().decode(d);
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.startsWith(DONE)) {
        doneAt = Date.now();
        passed = line === `${DONE} ok`;
      } else console.log(line);
    }
  });
  return new Promise((resolve) => {
    const limit = (args.seconds + 120) * 1000;
    const timer = setTimeout(() => {
      console.log(
        doneAt > 0
          ? `FAIL the soak process did not exit within ${
            EXIT_GRACE_MS / 1000
          } s of finishing (open handles)`
          : `FAIL the soak did not finish within ${limit / 1000} s`,
      );
      child.kill("SIGKILL");
    }, limit);
    const grace = setInterval(() => {
      if (doneAt > 0 && Date.now() - doneAt > EXIT_GRACE_MS) {
        clearInterval(grace);
        clearTimeout(timer);
        console.log(
          `FAIL the soak process did not exit within ${
            EXIT_GRACE_MS / 1000
          } s of finishing (open handles)`,
        );
        child.kill("SIGKILL");
      }
    }, 200);
    child.on("close", (code) => {
      clearInterval(grace);
      clearTimeout(timer);
      const exitMs = doneAt > 0 ? Date.now() - doneAt : -1;
      if (exitMs >= 0 && exitMs <= EXIT_GRACE_MS) {
        console.log(
          `the soak process exited by itself ${exitMs} ms after its last line (code ${code})`,
        );
      }
      resolve(passed && code === 0 && exitMs >= 0 && exitMs <= EXIT_GRACE_MS);
    });
  });
}

const argv = process.argv.slice(2);
const args = parseArgs(argv);
if (args.child) {
  const ok = await soak(args);
  console.log(`${DONE} ${ok ? "ok" : "failed"}`);
  process.exitCode = ok ? 0 : 1;
} else {
  const ok = await watch(argv, args);
  console.log(ok ? "SOAK PASSED" : "SOAK FAILED");
  process.exitCode = ok ? 0 : 1;
}
