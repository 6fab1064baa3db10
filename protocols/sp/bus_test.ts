import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { MqError } from "../errors.ts";
import { within } from "../../testing/async.ts";
import { expectQuiet, u32 } from "../../conformance/_raw_sp.ts";
import { Bus, device } from "./mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
let n = 0;
const url = (what: string): string => `inproc://bus-${what}-${n++}`;

test("bus: a message reaches every direct peer and is not forwarded further [SP-BUS-1]", async () => {
  const [a, b, c] = [new Bus(), new Bus(), new Bus()];
  try {
    const ab = url("ab"), bc = url("bc");
    await a.listen(ab);
    await b.dial(ab);
    await b.listen(bc);
    await c.dial(bc); // a line: a - b - c
    await b.send("from b");
    assert.equal(text(await within(2000, a.recv(), "a")), "from b");
    assert.equal(text(await within(2000, c.recv(), "c")), "from b");
    await a.send("from a");
    assert.equal(text(await within(2000, b.recv(), "b")), "from a");
    await expectQuiet(c, 100); // b does not pass a's message on
    await expectQuiet(a, 50); // nor back to its sender
  } finally {
    for (const s of [a, b, c]) await s.close();
  }
});

test("bus: send never waits; with no peer, or a full one, the message is dropped and counted [SP-BUS-2]", async () => {
  await using lonely = new Bus();
  await lonely.send("nobody");
  assert.equal(lonely.stats.dropped, 1);
  await using a = new Bus({ sendHwm: 1, recvHwm: 1 });
  await using b = new Bus({ recvHwm: 1 });
  const at = url("full");
  await a.listen(at);
  await b.dial(at);
  for (let i = 0; i < 200; i++) await within(1000, a.send(`m${i}`), "a send that never waits");
  assert.ok(a.stats.dropped > 0, "a full peer missed some");
});

test("raw bus: a device on one raw bus is a hub that passes each message to every other peer [SP-BUS-3, SP-DEV-1]", async () => {
  const hub = new Bus({ raw: true });
  const at = url("hub");
  await hub.listen(at);
  const running = device(hub);
  const nodes = [new Bus(), new Bus(), new Bus()];
  try {
    for (const node of nodes) await node.dial(at);
    await nodes[0]!.send("hello hub");
    assert.equal(text(await within(2000, nodes[1]!.recv(), "node 1")), "hello hub");
    assert.equal(text(await within(2000, nodes[2]!.recv(), "node 2")), "hello hub");
    await expectQuiet(nodes[0]!, 100); // not back to its sender
  } finally {
    for (const s of [hub, ...nodes]) await s.close();
  }
  await running;
});

test("raw bus hands over the pipe id first and needs one on send [SP-BUS-3]", async () => {
  await using raw = new Bus({ raw: true });
  await using peer = new Bus();
  const at = url("raw");
  await raw.listen(at);
  await peer.dial(at);
  await peer.send("x");
  const got = await within(2000, raw.recv(), "raw message");
  assert.ok(u32(got, 0) > 0, "a pipe id");
  assert.equal(text(got.subarray(4)), "x");
  await raw.send(got); // back to everyone but that pipe: nobody
  await expectQuiet(peer, 50);
  await raw.send(new Uint8Array([0, 0, 0, 0, 0x79])); // 0: to every peer
  assert.equal(text(await within(2000, peer.recv(), "broadcast")), "y");
  assert.throws(
    () => raw.trySend(new Uint8Array([1])),
    (e: unknown) => e instanceof MqError && e.code === "EINVAL",
  );
});
