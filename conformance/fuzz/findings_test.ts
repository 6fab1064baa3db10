// Regression tests for what the fuzzers found (docs/RELIABILITY.md lists each): the input that
// broke an invariant, replayed through its target, and the defect checked directly.
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../../mod.ts";
import { MqError } from "../../protocols/errors.ts";
import { resolveEndpointOptions, resolveSocketOptions } from "../../protocols/options.ts";
import { zmtpHandshake } from "../../protocols/zmtp/engine.ts";
import { encodeGreeting } from "../../protocols/zmtp/greeting.ts";
import { encodeReady } from "../../protocols/zmtp/command.ts";
import { encodeCommandFrame } from "../../protocols/zmtp/frame.ts";
import type { Connection } from "../../transports/transport.ts";
import { fromHex } from "./_target.ts";
import { checkOptions } from "./targets/options.ts";

const isEinval = (e: unknown): boolean => e instanceof MqError && e.code === "EINVAL";

test("finding options-1: option names inherited from Object.prototype are refused with EINVAL, not a TypeError", () => {
  // the fuzzer's shrunk inputs: an object whose own property is "constructor" (000c01) or
  // "__proto__" (000e01); `name in RANGES` found them on the prototype and destructured a function
  assert.equal(checkOptions(fromHex("000c01")), "refused:ep-refused");
  assert.equal(checkOptions(fromHex("000e01")), "refused:ep-refused");
  for (const name of ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"]) {
    const options = JSON.parse(`{"${name}": 5}`) as object;
    assert.throws(() => resolveSocketOptions(options), isEinval, name);
    assert.throws(
      () => resolveEndpointOptions(options, resolveSocketOptions({}), [], [], "dial"),
      isEinval,
      name,
    );
    assert.throws(() => new sp.Push(options), isEinval, `sp.Push ${name}`);
    assert.throws(() => new zmq.Push(options), isEinval, `zmq.Push ${name}`);
  }
});

/** A connection fed by hand that records nothing. */
function memoryConnection(): Connection {
  return {
    write() {},
    buffered: 0,
    pause() {},
    resume() {},
    close() {},
    unread() {},
    onData: undefined,
    onDrain: () => {},
    onClose: () => {},
    closed: Promise.resolve(),
    remote: "memory",
  };
}

test("finding handshake-1: a READY with a 60 KB Socket-Type is refused at once, not after seconds of trimming the ERROR reason", async () => {
  const conn = memoryConnection();
  const handshake = zmtpHandshake(conn, { socketType: "PULL", maxMsgSize: -1 });
  // just under the 64 KiB a handshake command may have (a larger one is refused on its size)
  const ready = encodeCommandFrame(encodeReady({ "Socket-Type": "X".repeat(60_000) }));
  const started = Date.now();
  conn.onData!(new Uint8Array([...encodeGreeting(), ...ready]));
  const ms = Date.now() - started;
  conn.onClose(); // the peer hangs up: the refusal no longer waits for its ERROR to be flushed
  await assert.rejects(
    handshake,
    (e: unknown) => e instanceof MqError && /peer socket type "X/.test(e.message),
  );
  // cutting one character at a time off the reason and encoding it again each time was quadratic
  // (about 1 s for 60 KB, 4.9 s for 128 KB, 8 minutes for 1 MB); now the work is linear (a few
  // ms unloaded; the bound leaves room for a busy machine)
  assert.ok(ms < 500, `the refusal took ${ms} ms`);
});
