/**
 * High-water marks in bytes (`sendHwmBytes`, `recvHwmBytes`): what a pipe holds is bounded by
 * bytes as well as by messages, on both families.
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../mod.ts";
import { delay, within } from "../testing/async.ts";

const KIB10 = new Uint8Array(10 * 1024);

/** How many `trySend` calls succeed before the first that would wait (at most `cap`). */
async function fill(trySend: () => boolean, cap: number): Promise<number> {
  let sent = 0;
  // the inproc channel delivers on microtasks: give it turns so that pauses take effect
  for (let stalled = 0; sent < cap && stalled < 5;) {
    if (trySend()) {
      sent++;
      stalled = 0;
    } else {
      stalled++;
      await delay(5);
    }
  }
  return sent;
}

test("recvHwmBytes bounds what a PULL holds by bytes, sendHwmBytes what a PUSH holds [CORE-HWM-1]", async () => {
  for (const limits of [{ recv: 64 * 1024, send: 0 }, { recv: 0, send: 32 * 1024 }]) {
    // the side under test has 1000 as its message HWM; the other side holds little
    const pull = new sp.Pull({ recvHwm: limits.recv > 0 ? 1000 : 1, recvHwmBytes: limits.recv });
    const push = new sp.Push({ sendHwm: limits.send > 0 ? 1000 : 4, sendHwmBytes: limits.send });
    try {
      const url = `inproc://hwm-bytes-${limits.recv}-${limits.send}`;
      await pull.listen(url);
      await push.dial(url, { wait: true });
      const sent = await fill(() => push.trySend(KIB10), 2000);
      // without the byte limits about a thousand 10 KiB messages would be taken
      assert.ok(sent > 0 && sent <= 16, `${sent} messages taken with ${JSON.stringify(limits)}`);
      let got = 0;
      while (got < sent) {
        await within(1000, pull.recv(), `message ${got}`);
        got++;
      }
      // once drained the pipe takes messages again
      assert.ok(await fill(() => push.trySend(KIB10), 1) === 1, "writable again after the drain");
    } finally {
      await push.close({ linger: 0 });
      await pull.close({ linger: 0 });
    }
  }
});

test("a message larger than sendHwmBytes still goes, alone; ZeroMQ sockets take the same options [CORE-HWM-2]", async () => {
  const pull = new zmq.Pull({ recvHwmBytes: 1024 });
  const push = new zmq.Push({ sendHwmBytes: 1024 });
  try {
    await pull.bind("inproc://hwm-bytes-big");
    await push.connect("inproc://hwm-bytes-big");
    const big = new Uint8Array(100 * 1024);
    await within(1000, push.send(big), "the big message");
    const [frame] = await within(1000, pull.recv(), "its delivery");
    assert.equal(frame?.length, big.length);
    assert.throws(() => new zmq.Pull({ recvHwmBytes: -1 }), /recvHwmBytes/);
    assert.throws(() => new sp.Push({ sendHwmBytes: 1.5 }), /sendHwmBytes/);
  } finally {
    await push.close({ linger: 0 });
    await pull.close({ linger: 0 });
  }
});

test("recvHwmBytes set on a live socket pauses a pipe holding more, and lifting it resumes [CORE-HWM-1, CORE-OPT-4]", async () => {
  const pull = new sp.Pull({ recvHwm: 1000 });
  const push = new sp.Push({ sendHwm: 4 });
  try {
    await pull.listen("inproc://hwm-bytes-live");
    await push.dial("inproc://hwm-bytes-live", { wait: true });
    pull.recvHwmBytes = 32 * 1024;
    assert.equal(pull.recvHwmBytes, 32 * 1024);
    const limited = await fill(() => push.trySend(KIB10), 2000);
    assert.ok(limited <= 12, `${limited} taken under a 32 KiB inbox`);
    pull.recvHwmBytes = 0; // no limit: reading resumes, the pusher's queue drains into the inbox
    const more = await fill(() => push.trySend(KIB10), 200);
    assert.ok(more >= 100, `only ${more} more taken once the limit was lifted`);
    assert.throws(() => (pull.recvHwmBytes = -5), /recvHwmBytes/);
  } finally {
    await push.close({ linger: 0 });
    await pull.close({ linger: 0 });
  }
});
