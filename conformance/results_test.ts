/**
 * The results harness's pure parts, without any peer: the summary matrix and the section tables,
 * the deviation write-up (rule words, truncated bytes), the check against the known deviations,
 * the known list rebuilt from a run, and `--only`.
 */
import assert from "node:assert/strict";
import { describe, it } from "../testing/test.ts";
import { checkResults, confirmed, knownFrom, typesToConfirm } from "./harness/known.ts";
import { cell, clip, renderPage, summaryMatrix, tally, transcriptLines } from "./harness/render.ts";
import type { ImplResult, TypeRun } from "./harness/result.ts";
import { selectImplementations } from "./harness/select.ts";
import type { CaseResult, Report } from "./runner/report.ts";
import { summarize } from "./runner/report.ts";

const GREETING = "RFC 37 §Greeting";
const REQREP = "RFC 28 Request-reply";

function result(name: string, section: string, status: CaseResult["status"]): CaseResult {
  return {
    name,
    ids: ["ZZ-TEST-1"],
    section,
    status,
    durationMs: 1,
    notes: [],
    transcript: status === "fail"
      ? [
        { conn: 0, dir: "sent", at: 0, hex: "ff".repeat(100) },
        { conn: 0, dir: "closed", at: 2, hex: "" },
      ]
      : [],
    ...(status === "fail" ? { expected: "an answer", observed: "a close" } : {}),
  };
}

function run(type: string, results: CaseResult[]): TypeRun {
  const report: Report = {
    format: "edgemq-conformance/1",
    implementation: "x",
    target: { wire: "zmtp", type, url: "tcp://127.0.0.1:1", role: "dial" },
    runner: { runtime: "test", startedAt: "2000-01-01T00:00:00Z", durationMs: 1, stepMs: 100 },
    summary: summarize(results),
    results,
  };
  return { type, status: "ran", command: "prog", report };
}

function impl(name: string, runs: readonly TypeRun[], edgemq = false): ImplResult {
  return {
    format: "edgemq-results/1",
    name,
    label: `${name} label`,
    wire: "zmtp",
    edgemq,
    date: "2000-01-01T00:00:00Z",
    command: "results.ts",
    runs,
  };
}

const foreign = impl("foreign", [
  run("REP", [
    result("greets", GREETING, "pass"),
    result("answers", REQREP, "fail"),
    result("beats", GREETING, "skip"),
  ]),
  run("PUB", [result("greets", GREETING, "pass"), result("refuses", GREETING, "error")]),
  { type: "PAIR", status: "cannot", reason: "it cannot echo" },
]);

describe("results harness: the page", () => {
  it("counts a section over every type, errors with the failures", () => {
    assert.deepEqual(tally(foreign, GREETING), { passed: 2, failed: 1, skipped: 1 });
    assert.deepEqual(tally(foreign, REQREP), { passed: 0, failed: 1, skipped: 0 });
    assert.equal(cell({ passed: 3, failed: 0, skipped: 1 }), "3 / 0 / 1");
    assert.equal(cell({ passed: 3, failed: 2, skipped: 0 }), "3 / **2** / 0");
    assert.equal(cell({ passed: 0, failed: 0, skipped: 0 }), "");
  });

  it("draws the summary matrix: a row per implementation, a column per section, types not run", () => {
    const missing = { ...impl("absent", []), missing: "nothing installed" };
    const lines = summaryMatrix([foreign, missing], "zmtp").split("\n");
    assert.equal(lines.length, 4);
    assert.equal(lines[0], `| implementation | ${GREETING} | ${REQREP} | total | types not run |`);
    assert.equal(
      lines[2],
      "| [foreign](#foreign) | 2 / **1** / 1 | 0 / **1** / 0 | 2 / **2** / 1 | PAIR |",
    );
    assert.match(lines[3]!, /\*\*not run: nothing installed\*\*/);
    assert.equal(summaryMatrix([foreign], "sp").split("\n").length, 2, "no SP row for a ZMTP one");
  });

  it("truncates long transcript entries and says how long they were", () => {
    const lines = transcriptLines([
      { conn: 0, dir: "sent", at: 0, hex: "ab".repeat(100) },
      { conn: 1, dir: "seen", at: 12, hex: "01" },
      { conn: 1, dir: "closed", at: 13, hex: "" },
    ]);
    assert.equal(lines[0], `#0     0 ms > ${"ab".repeat(100)}`);
    const long = transcriptLines([{ conn: 0, dir: "sent", at: 0, hex: "ab".repeat(200) + "cd" }]);
    assert.equal(long[0], `#0     0 ms > ${"ab".repeat(96)}…${"ab".repeat(15)}cd (201 bytes)`);
    assert.equal(lines[1], "#1    12 ms < 01");
    assert.equal(lines[2], "#1    13 ms closed by the target");
    const many = transcriptLines(
      Array.from({ length: 20 }, (_, i) => ({ conn: 0, dir: "seen" as const, at: i, hex: "00" })),
    );
    assert.equal(many.length, 15);
    assert.equal(many[14], "… 6 more entries");
  });

  it("writes every deviation up with its rule words, verdict and bytes; marks known ones", () => {
    const page = renderPage({
      command: "deno run -A conformance/results.ts",
      date: "2000-01-02",
      results: [foreign],
      rules: new Map([["ZZ-TEST-1", { rule: "the words of the rule", file: "rfc/x.md" }]]),
      known: { foreign: ["REP: answers"] },
    });
    assert.match(
      page,
      /^# Conformance results\n\nMade by `results.ts` \(2000-01-01T00:00:00Z\); each implementation/,
      "the command that made the results shown, and when",
    );
    assert.match(page, /## Summary: ZMTP/);
    assert.doesNotMatch(page, /## Summary: SP/);
    assert.match(page, /### foreign: deviations \(2 failed cases\)/);
    assert.match(page, /#### foreign REP: answers\n\nKnown deviation/);
    assert.match(page, /- \*\*ZZ-TEST-1\*\* \(rfc\/x.md\): the words of the rule/);
    assert.match(page, /- expected: an answer\n- observed: a close/);
    assert.match(page, /#### foreign PUB: refuses\n\n- \*\*ZZ-TEST-1\*\*/, "not marked known");
    assert.match(page, /- could not be carried out: \?/);
    assert.ok(page.includes("#0     2 ms closed by the target"));
    assert.match(page, /- PAIR: \*\*not run\*\*: it cannot echo/);
    assert.match(page, /\| greets \| ✔ \| ✔ \|/);
    assert.ok(page.includes("| beats | - |  |"), "a type the case did not run on stays blank");
  });
});

describe("results harness: long words", () => {
  it("cuts an expectation quoting a whole body, saying how long it was", () => {
    assert.equal(clip("x".repeat(400)), "x".repeat(400));
    assert.equal(clip("y".repeat(1000)), `${"y".repeat(400)}… (1000 characters)`);
  });
});

describe("results harness: grouped deviations", () => {
  it("writes a case failed the same way on several types up once, naming the types", () => {
    const twice = impl("twice", [
      run("REP", [result("answers", REQREP, "fail")]),
      run("DEALER", [result("answers", REQREP, "fail")]),
    ]);
    const page = renderPage({
      command: "c",
      date: "d",
      results: [twice],
      rules: new Map(),
      known: { twice: ["REP: answers"] },
    });
    assert.match(page, /### twice: deviations \(2 failed cases\)/);
    assert.match(
      page,
      /#### twice REP, DEALER: answers\n\nSeen on 2 socket types; the bytes below are REP's/,
    );
    assert.equal(page.match(/#### /g)?.length, 1);
    assert.doesNotMatch(page, /Known deviation/, "known on REP only, not on DEALER");
  });
});

describe("results harness: the check", () => {
  it("passes foreign deviations that are known, and fails the others", () => {
    const ok = checkResults([foreign], { foreign: ["REP: answers", "PUB: refuses"] });
    assert.deepEqual(ok.problems, []);
    const bad = checkResults([foreign], { foreign: ["REP: answers"] });
    assert.equal(bad.problems.length, 1);
    assert.match(bad.problems[0]!, /foreign could not run PUB: refuses: not a known deviation/);
  });

  it("fails edgemq on any failure, whatever the known list says", () => {
    const edgemq = impl("edgemq-x", foreign.runs, true);
    const out = checkResults([edgemq], { "edgemq-x": ["REP: answers", "PUB: refuses"] });
    assert.equal(out.problems.length, 2);
    assert.match(out.problems[0]!, /edgemq must pass every case/);
  });

  it("fails a run that did not complete and an implementation that is missing", () => {
    const cut = impl("cut", [{ type: "REP", status: "incomplete", reason: "too slow" }]);
    const gone = { ...impl("gone", []), missing: "not installed" };
    const out = checkResults([cut, gone], {});
    assert.deepEqual(out.problems, [
      "cut REP: the run did not complete: too slow",
      "gone: not run: not installed",
    ]);
  });

  it("reports known deviations that passed, without failing", () => {
    const out = checkResults([foreign], {
      foreign: ["REP: answers", "PUB: refuses", "REP: greets", "PAIR: never ran"],
    });
    assert.deepEqual(out.problems, []);
    assert.deepEqual(out.nowPassing, ["foreign REP: greets"]);
  });

  it("re-runs the types with new foreign deviations, and counts only what shows again", () => {
    assert.deepEqual(typesToConfirm(foreign, {}), ["REP", "PUB"]);
    assert.deepEqual(typesToConfirm(foreign, { foreign: ["REP: answers"] }), ["PUB"]);
    assert.deepEqual(typesToConfirm(impl("edgemq-x", foreign.runs, true), {}), []);
    assert.deepEqual(confirmed(["a", "b", "c"], ["c", "a", "d"]), ["a", "c"]);
  });

  it("rebuilds the known list from a run: foreign deviations only, others kept", () => {
    const edgemq = impl("edgemq-x", foreign.runs, true);
    const clean = impl("clean", [run("REP", [result("greets", GREETING, "pass")])]);
    const known = knownFrom([foreign, edgemq, clean], { other: ["REQ: a"], clean: ["REP: old"] });
    assert.deepEqual(known, { foreign: ["REP: answers", "PUB: refuses"], other: ["REQ: a"] });
  });
});

describe("results harness: --only", () => {
  const all = [
    { name: "edgemq-deno-zmtp" },
    { name: "edgemq-deno-sp" },
    { name: "libzmq-4.3.4" },
    { name: "nngcat" },
  ];
  it("picks by name or by the name's start up to a dash, in the harness's order", () => {
    assert.deepEqual(selectImplementations(all, undefined), all);
    assert.deepEqual(
      selectImplementations(all, "nngcat,edgemq-deno").map((i) => i.name),
      ["edgemq-deno-zmtp", "edgemq-deno-sp", "nngcat"],
    );
    assert.deepEqual(selectImplementations(all, "libzmq").map((i) => i.name), ["libzmq-4.3.4"]);
    assert.throws(() => selectImplementations(all, "edgemq-de"), /no implementation "edgemq-de"/);
  });
});
