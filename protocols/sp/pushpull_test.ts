import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { Pull, Push } from "./mod.ts";
import { delay, until, within } from "../../testing/async.ts";
import {
  code,
  listenUrl,
  marry,
  RawListener,
  RawPeer,
  spHeader,
  text,
} from "../../conformance/_raw_sp.ts";

const PUSH = 0x50;
const PULL = 0x51;

/** Reads everything `sock` has within `ms` of quiet. */
async function drain(sock: Pull, quietMs = 30): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), quietMs);
    try {
      out.push(text(await sock.recv({ signal: stop.signal })));
    } catch {
      return out;
    } finally {
      clearTimeout(timer);
    }
  }
}

for (const transport of ["inproc", "tcp"] as const) {
  test(`sp.Push sends each message to exactly one puller, round robin, in order (${transport}) [SP-PUSH-1]`, async () => {
    const push = new Push();
    const pulls = [new Pull(), new Pull(), new Pull()];
    try {
      const url = await marry(push, pulls[0]!, listenUrl(transport, "push-rr"));
      for (const pull of pulls.slice(1)) {
        const connected = pull.monitor.next("connected");
        await pull.dial(url);
        await within(2000, connected);
      }
      await until(() => push.stats.pipes === 3, 2000, "three pipes");
      for (let i = 0; i < 30; i++) await push.send(`m${i}`);
      const got = await Promise.all(pulls.map((p) => drain(p, 50)));
      assert.deepEqual(got.map((g) => g.length), [10, 10, 10], "an even share each");
      const all = got.flat().map((m) => Number(m.slice(1))).sort((a, b) => a - b);
      assert.deepEqual(all, Array.from({ length: 30 }, (_, i) => i), "each message once");
      for (const g of got) {
        const nums = g.map((m) => Number(m.slice(1)));
        for (let i = 1; i < nums.length; i++) {
          assert.equal(nums[i]! - nums[i - 1]!, 3, `round robin, in order: ${g.join(",")}`);
        }
      }
    } finally {
      await push.close();
      await Promise.all(pulls.map((p) => p.close()));
    }
  });
}

test("sp.Push puts no header on the wire [SP-PUSH-1]", async () => {
  const listener = await RawListener.listen("tcp://127.0.0.1:0", spHeader(PULL));
  const push = new Push();
  try {
    await push.dial(listener.url);
    const peer = await listener.accept();
    assert.deepEqual(await peer.header(), spHeader(PUSH));
    await push.send("job");
    assert.equal(text(await peer.recv()), "job");
  } finally {
    await push.close();
    await listener.close();
  }
});

test("sp.Push send waits while no peer is there, times out with sendTimeout, and goes out once one is [SP-PUSH-2]", async () => {
  const push = new Push({ sendTimeout: 50 });
  const pull = new Pull();
  try {
    await assert.rejects(push.send("lost"), code("ETIMEDOUT"));
    const url = listenUrl("inproc", "push-wait");
    const waiting = new Push();
    try {
      const sent = waiting.send("kept");
      let done = false;
      sent.then(() => (done = true), () => {});
      await delay(20);
      assert.equal(done, false, "send still waits");
      await marry(pull, waiting, url);
      await within(1000, sent);
      assert.equal(text(await within(1000, pull.recv())), "kept");
    } finally {
      await waiting.close();
    }
  } finally {
    await push.close();
    await pull.close();
  }
});

test("sp.Push skips a puller that is full and keeps feeding the others [SP-PUSH-3]", async () => {
  const push = new Push({ sendHwm: 2 });
  const stuck = new Pull({ recvHwm: 1 });
  const busy = new Pull();
  try {
    const url = await marry(push, stuck, listenUrl("inproc", "push-full"));
    const connected = busy.monitor.next("connected");
    await busy.dial(url);
    await within(1000, connected);
    for (let i = 0; i < 40; i++) await within(1000, push.send(`m${i}`), `send ${i}`);
    const fromBusy = await drain(busy);
    const fromStuck = await drain(stuck);
    assert.ok(fromStuck.length <= 6, `the full puller took ${fromStuck.length}`);
    assert.equal(fromBusy.length + fromStuck.length, 40, "nothing lost");
  } finally {
    await push.close();
    await stuck.close();
    await busy.close();
  }
});

test("sp.Push cannot receive (ENOTSUP) and discards what a peer sends [SP-PUSH-4]", async () => {
  const listener = await RawListener.listen("tcp://127.0.0.1:0", spHeader(PULL));
  const push = new Push();
  try {
    // @ts-expect-error: the type checker refuses this recv (CORE-DIR-1); JavaScript gets ENOTSUP
    await assert.rejects(push.recv(), code("ENOTSUP"));
    await push.dial(listener.url);
    const peer = await listener.accept();
    peer.send("unexpected");
    await until(() => push.stats.dropped === 1, 2000, "discarded");
    await push.send("still works");
    assert.equal(text(await peer.recv()), "still works");
  } finally {
    await push.close();
    await listener.close();
  }
});

test("sp.Pull fair-queues: a flooding pusher cannot starve another [SP-PULL-1]", async () => {
  const pull = new Pull();
  const flood = new Push();
  const quiet = new Push();
  try {
    const url = await marry(pull, flood, listenUrl("inproc", "pull-fq"));
    const connected = quiet.monitor.next("connected");
    await quiet.dial(url);
    await within(1000, connected);
    for (let i = 0; i < 20; i++) await flood.send(`f${i}`);
    for (let i = 0; i < 3; i++) await quiet.send(`q${i}`);
    await delay(10);
    const first = [];
    for (let i = 0; i < 6; i++) first.push(text(await within(1000, pull.recv())));
    assert.equal(first.filter((m) => m.startsWith("q")).length, 3, `served in turn: ${first}`);
    for (let i = 1; i < first.length; i++) {
      assert.notEqual(first[i]![0], first[i - 1]![0], `alternating: ${first}`);
    }
  } finally {
    await pull.close();
    await flood.close();
    await quiet.close();
  }
});

test("sp.Pull cannot send (ENOTSUP) [SP-PULL-2]", async () => {
  await using pull = new Pull();
  // @ts-expect-error: the type checker refuses this send (CORE-DIR-1); JavaScript gets ENOTSUP
  await assert.rejects(pull.send("x"), code("ENOTSUP"));
});

for (const transport of ["inproc", "tcp"] as const) {
  test(`sp.Pull delivers what a peer sent before it disconnected (${transport}) [SP-PULL-3]`, async () => {
    const pull = new Pull();
    const push = new Push();
    try {
      await marry(pull, push, listenUrl(transport, "pull-after"));
      const gone = pull.monitor.next("disconnected");
      for (let i = 0; i < 5; i++) await push.send(`m${i}`);
      await push.close();
      await within(2000, gone);
      const got = await drain(pull, 50);
      assert.deepEqual(got, ["m0", "m1", "m2", "m3", "m4"]);
    } finally {
      await push.close();
      await pull.close();
    }
  });
}

test("sp.Pull takes messages a raw pusher wrote in the same chunk as its header [SP-TCP-17]", async () => {
  const pull = new Pull();
  try {
    const { url } = await pull.listen("tcp://127.0.0.1:0");
    const peer = await RawPeer.dial(url, null);
    const hdr = spHeader(PUSH);
    const body = new TextEncoder().encode("glued");
    const bytes = new Uint8Array(8 + 8 + body.length);
    bytes.set(hdr);
    new DataView(bytes.buffer).setBigUint64(8, BigInt(body.length));
    bytes.set(body, 16);
    peer.write(bytes);
    assert.equal(text(await within(2000, pull.recv())), "glued");
    await peer.close();
  } finally {
    await pull.close();
  }
});
