/**
 * The conformance runner against edgemq itself: every applicable case passes for each socket type
 * on both wires, the runner dialing and listening, edgemq in this process and in a child runtime.
 *
 * @module
 */
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { runSelf, type SelfOptions } from "./self.ts";
import type { Report } from "./report.ts";
import { reportText } from "./text.ts";

const STEP = 1000;

/** Runs the cases against edgemq and asserts that every one that ran passed. */
async function passes(options: SelfOptions): Promise<Report> {
  const report = await runSelf({ stepMs: STEP, ...options });
  const { passed, failed, errors, skipped } = report.summary;
  assert.equal(failed + errors, 0, reportText(report));
  assert.equal(
    skipped,
    0,
    `edgemq speaks ZMTP 3.1: nothing should be skipped\n${reportText(report)}`,
  );
  assert.ok(passed >= 5, `only ${passed} cases ran for ${options.wire} ${options.type}`);
  return report;
}

describe("conformance runner against edgemq", () => {
  test("ZMTP REP, DEALER, ROUTER and PAIR pass every case, the runner dialing [ZMTP-DEALER-4, ZMTP-PAIR-4]", async () => {
    for (const type of ["REP", "DEALER", "ROUTER", "PAIR"]) await passes({ wire: "zmtp", type });
  });

  test("ZMTP REQ, PUB, SUB, PUSH and PULL pass every case, the runner dialing [ZMTP-PIPE-1, ZMTP-PIPE-2]", async () => {
    for (const type of ["REQ", "PUB", "SUB", "PUSH", "PULL"]) await passes({ wire: "zmtp", type });
  });

  test("ZMTP REP and SUB pass every case when edgemq dials the runner", async () => {
    for (const type of ["REP", "SUB"]) await passes({ wire: "zmtp", type, role: "listen" });
  });

  test("every SP protocol passes every case, the runner dialing [SP-PULL-4]", async () => {
    const protocols = ["rep0", "req0", "pub0", "sub0", "push0", "pull0", "pair0", "pair1"];
    for (const type of [...protocols, "surveyor0", "respondent0", "bus0"]) {
      await passes({ wire: "sp", type });
    }
  });

  test("SP rep0 and req0 pass every case when edgemq dials the runner", async () => {
    for (const type of ["rep0", "req0"]) await passes({ wire: "sp", type, role: "listen" });
  });

  test("SP pair1 over ipc passes every case, the ipc type byte checked", async () => {
    const url = `ipc:///tmp/edgemq-runner-${Date.now()}-${
      Math.random().toString(36).slice(2, 8)
    }.ipc`;
    const report = await passes({ wire: "sp", type: "pair1", url });
    assert.ok(report.results.some((r) => r.ids.includes("SP-IPC-2") && r.status === "pass"));
  });

  test("edgemq in a child runtime passes too (ZMTP ROUTER, SP rep0)", async () => {
    const runtime = "Bun" in globalThis ? "bun" : "deno";
    await passes({ wire: "zmtp", type: "ROUTER", runtime });
    await passes({ wire: "sp", type: "rep0", runtime });
  });
});
