/**
 * The runner's command line: flags, exit codes, and the JSON and HTML reports it writes.
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "./args.ts";
import { main } from "./main.ts";
import type { Report } from "./report.ts";

function io(): {
  out: string[];
  err: string[];
  io: { out(t: string): void; err(t: string): void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t) => void out.push(t), err: (t) => void err.push(t) } };
}

test("conformance CLI parses its flags and refuses a wrong line", () => {
  const o = parseArgs([
    "--wire",
    "zmtp",
    "--type",
    "REP",
    "--listen",
    "tcp://127.0.0.1:5",
    "--timeout",
    "300",
  ]);
  assert.equal(o.role, "listen");
  assert.equal(o.stepMs, 300);
  assert.equal(parseArgs(["--wire", "sp", "--protocol", "req0", "--self", "bun"]).self, "bun");
  assert.throws(
    () => parseArgs(["--wire", "zmtp", "--type", "REP"]),
    /--connect URL, --listen URL or --self/,
  );
  assert.throws(() => parseArgs(["--wire", "x", "--type", "REP", "--self", "deno"]), /--wire/);
  assert.throws(
    () => parseArgs(["--wire", "sp", "--type", "rep0", "--self", "deno", "--timeout", "x"]),
    /--timeout/,
  );
});

test("conformance CLI exits 2 on a usage error and 0 with the case list", async () => {
  const bad = io();
  assert.equal(await main(["--wire", "zmtp", "--type", "NOPE", "--self", "inproc"], bad.io), 2);
  assert.match(bad.err.join(""), /unknown zmtp type "NOPE"/);
  const list = io();
  assert.equal(await main(["--list"], list.io), 0);
  assert.match(list.out.join(""), /ZMTP-GREET-1/);
  assert.match(list.out.join(""), /SP-TCP-5/);
});

test("conformance CLI checks edgemq, prints the h2spec summary, writes JSON and HTML, exits 0", async () => {
  const dir = await mkdtemp(join(tmpdir(), "edgemq-runner-"));
  try {
    const json = join(dir, "r.json");
    const html = join(dir, "r.html");
    const run = io();
    const args = ["--wire", "sp", "--protocol", "pair0", "--self", "inproc", "--timeout", "1000"];
    const code = await main(
      [...args, "--json", json, "--html", html, "--name", "edgemq here"],
      run.io,
    );
    const text = run.out.join("");
    assert.equal(code, 0, text);
    assert.match(text, /^SP pair$/m);
    assert.match(text, /✔ pair0 carries messages both ways with no header \[SP-PAIR-1\]/);
    const total = /(\d+) tests, (\d+) passed, 0 skipped, 0 failed\n$/.exec(text);
    assert.ok(total !== null && total[1] === total[2], text);
    const report = JSON.parse(await readFile(json, "utf8")) as Report;
    assert.equal(report.format, "edgemq-conformance/1");
    assert.equal(report.implementation, "edgemq here");
    assert.equal(report.summary.passed, Number(total[1]));
    assert.ok(report.results.every((r) => r.ids.length > 0 && r.status === "pass"));
    const page = await readFile(html, "utf8");
    assert.match(page, /^<!doctype html>/);
    assert.doesNotMatch(page, /<script|<link/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
