import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { MqError } from "../errors.ts";
import { until, within } from "../../testing/async.ts";
import { expectQuiet } from "../../conformance/_raw_sp.ts";
import { Pair, Pair1 } from "./mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const code = (c: string) => (e: unknown): boolean => e instanceof MqError && e.code === c;
let n = 0;
const url = (): string => `inproc://poly-${n++}`;

test("polyamorous pair1 keeps many peers, says who sent each message and answers one of them [SP-PAIR1-5]", async () => {
  await using hub = new Pair1({ polyamorous: true });
  const at = url();
  await hub.listen(at);
  const peers = [new Pair1(), new Pair1(), new Pair1()];
  try {
    for (const p of peers) await p.dial(at);
    await until(() => hub.stats.pipes === 3, 2000, "three peers");
    const from = new Map<string, number>();
    for (const [i, p] of peers.entries()) await p.send(`from ${i}`);
    for (let i = 0; i < 3; i++) {
      const { pipe, data } = await within(2000, hub.recvFrom(), "a message");
      from.set(text(data), pipe);
    }
    assert.equal(new Set(from.values()).size, 3, "three distinct pipe ids");
    await hub.sendTo(from.get("from 1")!, "only for 1");
    assert.equal(text(await within(2000, peers[1]!.recv(), "the addressed peer")), "only for 1");
    await expectQuiet(peers[0]!, 30);
    await expectQuiet(peers[2]!, 30);
    // send() goes to the first peer still connected; recv() gives the body alone
    await hub.send("to the first");
    assert.equal(text(await within(2000, peers[0]!.recv(), "the first peer")), "to the first");
    await peers[2]!.send("plain");
    assert.equal(text(await within(2000, hub.recv(), "recv")), "plain");
  } finally {
    for (const p of peers) await p.close();
  }
});

test("polyamorous pair1 drops a message for a peer that is gone or full, and never waits [SP-PAIR1-6]", async () => {
  await using hub = new Pair1({ polyamorous: true, sendHwm: 1 });
  const at = url();
  await hub.listen(at);
  await hub.sendTo(12345, "nobody there"); // resolves at once
  assert.equal(hub.stats.dropped, 1);
  await hub.send("no peer at all");
  assert.equal(hub.stats.dropped, 2);
  await using slow = new Pair1({ recvHwm: 1 });
  await slow.dial(at);
  await until(() => hub.stats.pipes === 1, 2000, "the peer");
  for (let i = 0; i < 50; i++) await within(500, hub.send(`m${i}`), "a send that never waits");
  assert.ok(hub.stats.dropped > 2, "a full peer misses messages");
});

test("polyamorous pair1: options and methods checked [SP-PAIR1-6]", async () => {
  assert.throws(() => new Pair1({ polyamorous: true, raw: true }), code("EINVAL"));
  assert.throws(() => new Pair1({ polyamorous: "yes" as never }), code("EINVAL"));
  await using mono = new Pair1();
  await assert.rejects(mono.recvFrom(), code("ENOTSUP"));
  await assert.rejects(mono.sendTo(1, "x"), code("ENOTSUP"));
  await using poly = new Pair1({ polyamorous: true });
  await assert.rejects(poly.sendTo(0, "x"), code("EINVAL"));
  await using pair0 = new Pair();
  assert.equal("recvFrom" in pair0, false);
});
