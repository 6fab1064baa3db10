/**
 * edgecat's command line (cli/_args.ts): socket types and their aliases, both address spellings,
 * the value syntaxes nngcat accepts, seconds, and every usage error.
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { type CatArgs, parseArgs, UsageError } from "./_args.ts";
import { SOCKET_TYPES } from "./_sockets.ts";

const URL = "tcp://127.0.0.1:5555";

/** Parses arguments that must mean "run"; returns what to run. */
function runArgs(...argv: string[]): CatArgs {
  const parsed = parseArgs(argv);
  if (parsed.action !== "run") throw new Error(`expected run, got ${parsed.action}`);
  return parsed.args;
}

/** Asserts that `argv` is a usage error whose message matches `message`. */
function usageError(argv: string[], message: RegExp): void {
  assert.throws(() => parseArgs(argv), (e: unknown) => {
    assert.ok(e instanceof UsageError, `a UsageError, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}

test("every socket type by its flag, and nngcat's unversioned aliases", () => {
  for (const name of SOCKET_TYPES.keys()) {
    const data = ["req0", "pub0", "push0", "zmq-req", "zmq-pub", "zmq-push", "zmq-rep"]
        .includes(name)
      ? ["--data", "x"]
      : [];
    assert.equal(runArgs(`--${name}`, "--dial", URL, ...data).type.name, name);
  }
  for (const alias of ["req", "rep", "pub", "sub", "push", "pull"]) {
    const data = ["req", "pub", "push"].includes(alias) ? ["-D", "x"] : [];
    assert.equal(runArgs(`--${alias}`, "--dial", URL, ...data).type.name, `${alias}0`);
  }
  assert.equal(runArgs("--pair", "--dial", URL).type.name, "pair1");
  assert.equal(runArgs("--pair", "--compat", "--dial", URL).type.name, "pair0");
  assert.equal(runArgs("--req", "--req0", "--dial", URL, "-D", "x").type.name, "req0");
  assert.equal(SOCKET_TYPES.size, 22);
});

test("socket types edgemq does not have yet are a usage error that says so", () => {
  usageError(["--zmq-stream", "--bind", URL], /not supported yet/);
  for (const name of ["surveyor", "respondent", "bus"]) {
    assert.equal(runArgs(`--${name}`, "--listen", URL, "-D", "x").type.name, `${name}0`);
  }
});

test("addresses: --listen/--bind and --dial/--connect for both families, local and ipc shorthands", () => {
  const args = runArgs(
    "--zmq-pull",
    "--listen",
    URL,
    "--connect=tcp://[::1]:1",
    "--dial:ipc:///tmp/a",
    "-L",
    "6000",
    "-l6001",
    "--bind-ipc",
    "/tmp/b",
    "-x",
    "/tmp/c",
  );
  assert.deepEqual(args.endpoints, [
    { kind: "listen", url: URL },
    { kind: "dial", url: "tcp://[::1]:1" },
    { kind: "dial", url: "ipc:///tmp/a" },
    { kind: "listen", url: "tcp://127.0.0.1:6000" },
    { kind: "dial", url: "tcp://127.0.0.1:6001" },
    { kind: "listen", url: "ipc:///tmp/b" },
    { kind: "dial", url: "ipc:///tmp/c" },
  ]);
  assert.deepEqual(runArgs("--pull0", "--bind", URL).endpoints, [{ kind: "listen", url: URL }]);
  usageError(["--pull0"], /no address/);
  usageError(["--pull0", "--dial"], /--dial needs a value/);
  usageError(["--pull0", "-L", "70000"], /whole number from 0 to 65535/);
});

test("values: next argument, after = or :, attached to one-letter options; dashes are data", () => {
  const args = runArgs("--push0", "--dial", URL, "--data=a=b:c", "--count:3", "-i0.5", "-d", "2");
  assert.deepEqual(args.data, [{ kind: "data", value: "a=b:c" }]);
  assert.equal(args.count, 3);
  assert.equal(args.interval, 500);
  assert.equal(args.delay, 2000);
  assert.deepEqual(runArgs("--push0", "--dial", URL, "-D", "--hex").data, [
    { kind: "data", value: "--hex" },
  ]);
  assert.deepEqual(runArgs("--push0", "--dial", URL, "-F-").data, [{ kind: "file", value: "-" }]);
  usageError(["--pull0", "--dial", URL, "--hex=yes"], /--hex takes no value/);
});

test("formats: --format name or the short flags; none means no output; only one", () => {
  const pull = ["--pull0", "--dial", URL];
  assert.equal(runArgs(...pull).format, "no");
  for (const f of ["no", "raw", "ascii", "quoted", "hex", "msgpack"]) {
    assert.equal(runArgs(...pull, "--format", f).format, f);
  }
  assert.equal(runArgs(...pull, "-A").format, "ascii");
  assert.equal(runArgs(...pull, "-Q").format, "quoted");
  assert.equal(runArgs(...pull, "--raw").format, "raw");
  assert.equal(runArgs(...pull, "--msgpack", "--format=msgpack").format, "msgpack");
  usageError([...pull, "--format", "json"], /takes no, raw, ascii, quoted, hex or msgpack/);
  usageError([...pull, "--hex", "--quoted"], /one output format only/);
  usageError(["--push0", "--dial", URL, "-D", "x", "--hex"], /receives nothing/);
});

test("data: required by senders and REQ, refused by receivers, one part for SP, frames for ZMTP", () => {
  usageError(["--push0", "--dial", URL], /needs the message to send/);
  usageError(["--zmq-req", "--dial", URL], /needs the message to send/);
  usageError(["--zmq-rep", "--bind", URL], /must answer every request/);
  usageError(["--pull0", "--dial", URL, "-D", "x"], /sends nothing/);
  usageError(["--pub0", "--dial", URL, "-D", "x", "-F", "f"], /SP message has one part/);
  usageError(["--zmq-push", "--dial", URL, "-F", "-", "-F", "-"], /standard input.*once/);
  assert.deepEqual(runArgs("--zmq-push", "--dial", URL, "-D", "a", "--file", "f", "-D", "").data, [
    { kind: "data", value: "a" },
    { kind: "file", value: "f" },
    { kind: "data", value: "" },
  ]);
  assert.deepEqual(runArgs("--rep0", "--listen", URL).data, []); // nngcat's REP may stay silent
});

test("subscriptions: only on SUB types, repeatable, --sub-topic as a synonym", () => {
  assert.deepEqual(runArgs("--sub0", "--dial", URL).subscribe, []);
  assert.deepEqual(
    runArgs("--zmq-sub", "--dial", URL, "--subscribe", "a", "--sub-topic=b").subscribe,
    ["a", "b"],
  );
  assert.deepEqual(runArgs("--zmq-xsub", "--dial", URL, "--subscribe", "").subscribe, [""]);
  usageError(["--pull0", "--dial", URL, "--subscribe", "a"], /does not subscribe/);
});

test("seconds take fractions and become milliseconds; anything else is a usage error", () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2_000_000 }), (ms) => {
    const secs = (ms / 1000).toString();
    const args = runArgs("--pull0", "--dial", URL, "--recv-timeout", secs, "--send-timeout", secs);
    assert.equal(args.recvTimeout, ms);
    assert.equal(args.sendTimeout, ms);
  }));
  assert.equal(runArgs("--pull0", "--dial", URL, "--recv-timeout", ".25").recvTimeout, 250);
  for (const bad of ["", "-1", "1e3", "abc", "1.2.3", "Infinity", "9999999999"]) {
    usageError(["--pull0", "--dial", URL, "--recv-timeout", bad], /takes seconds/);
  }
  usageError(["--pull0", "--dial", URL, "--count", "1.5"], /whole number/);
});

test("other options: verbose, recv-maxsz, routing id (ZMTP only), help and version win", () => {
  const args = runArgs("--zmq-dealer", "--dial", URL, "-v", "-Z", "0", "--identity", "me");
  assert.equal(args.verbose, true);
  assert.equal(args.recvMaxSize, 0);
  assert.equal(args.routingId, "me");
  assert.equal(runArgs("--pull0", "--dial", URL, "--async").verbose, false);
  usageError(["--pull0", "--dial", URL, "--routing-id", "me"], /ZeroMQ socket types/);
  usageError(["--zmq-pull", "--dial", URL, "--routing-id", "x".repeat(256)], /1 to 255 bytes/);
  assert.deepEqual(parseArgs(["--pull0", "-h"]), { action: "help" });
  assert.deepEqual(parseArgs(["--version"]), { action: "version" });
});

test("mistakes: no type, two types, unknown options, stray arguments", () => {
  usageError(["--listen", URL], /no socket type/);
  usageError(["--req0", "--rep0", "--listen", URL], /one socket type only/);
  usageError(["--pull0", "--dial", URL, "--frob"], /unknown option --frob/);
  usageError(["--pull0", "--dial", URL, "-vq"], /unknown option -vq/);
  usageError(["--pull0", "--dial", URL, "hello"], /unexpected argument "hello"/);
  usageError(["--pull0", "--dial", URL, "--sub"], /one socket type only/);
});
