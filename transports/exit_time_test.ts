/**
 * A process that closed all its sockets exits at once: nothing of edgemq's
 * (a timer, a listener, a connection's handle) keeps the event loop alive.
 * Each case runs `testing/_exit_child.ts` in a child of this runtime and times
 * the exit from the moment the child printed that it closed everything.
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { runtimeName } from "./_backend.ts";
import { within } from "../testing/async.ts";

const CHILD = new URL("../testing/_exit_child.ts", import.meta.url).pathname;
/** Far above a clean exit (a few ms to ~50 ms), far below a one-second timer. */
const EXIT_WITHIN_MS = 500;

interface Timing {
  code: number | null;
  afterClosedMs: number | undefined;
  out: string;
}

function run(scheme: string, backend: string): Promise<Timing> {
  const args = runtimeName() === "deno" ? ["run", "-A", CHILD, scheme] : [CHILD, scheme];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, EDGEMQ_BACKEND: backend, DENO_NO_UPDATE_CHECK: "1" },
  });
  let out = "";
  let closedAt: number | undefined;
  child.stdout!.on("data", (d: Uint8Array) => {
    out += new TextDecoder().decode(d);
    if (closedAt === undefined && out.includes("CLOSED\n")) closedAt = performance.now();
  });
  child.stderr!.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  const exited = new Promise<Timing>((resolve) =>
    child.on("exit", (code) => {
      const afterClosedMs = closedAt === undefined ? undefined : performance.now() - closedAt;
      // let the pipes drain before handing back (Deno's sanitizer wants them closed)
      child.on("close", () => resolve({ code, afterClosedMs, out }));
    })
  );
  return within(30000, exited, `child ${scheme}`).finally(() => child.kill("SIGKILL"));
}

for (const backend of [runtimeName(), "node"]) {
  for (const scheme of ["tcp", "ipc", "inproc"]) {
    test(`a ${runtimeName()} process exits at once after closing its ${scheme} sockets (${backend} backend) [SP-EXIT-1]`, async () => {
      const { code, afterClosedMs, out } = await run(scheme, backend);
      assert.equal(code, 0, out);
      assert.ok(afterClosedMs !== undefined, `the child never printed CLOSED:\n${out}`);
      assert.ok(
        afterClosedMs < EXIT_WITHIN_MS,
        `exited ${
          afterClosedMs.toFixed(0)
        } ms after closing its sockets (limit ${EXIT_WITHIN_MS} ms)`,
      );
    });
  }
}
