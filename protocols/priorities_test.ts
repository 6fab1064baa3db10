import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../mod.ts";
import { MqError } from "./errors.ts";
import { until, within } from "../testing/async.ts";
import { expectQuiet } from "../conformance/_raw_sp.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
let n = 0;
const url = (what: string): string => `inproc://prio-${what}-${n++}`;

test("sendPriority: messages go to the highest-priority peer that can take them, to a lower one only when none can [CORE-PRIO-1]", async () => {
  await using push = new sp.Push({ sendHwm: 2 });
  await using preferred = new sp.Pull({ recvHwm: 2 });
  await using fallback = new sp.Pull();
  const [a, b] = [url("a"), url("b")];
  await preferred.listen(a);
  await fallback.listen(b);
  await push.dial(b); // dialed first, at the default priority 8
  await push.dial(a, { sendPriority: 1 });
  await until(() => push.stats.pipes === 2, 2000, "both peers");
  for (let i = 0; i < 3; i++) await push.send(`m${i}`);
  for (let i = 0; i < 3; i++) {
    assert.equal(text(await within(2000, preferred.recv(), "to the preferred peer")), `m${i}`);
  }
  await expectQuiet(fallback, 50);
  // the preferred peer stops reading: once its queues are full, the rest go to the fallback
  let sent = 0;
  while (sent < 50 && fallback.tryRecv() === undefined) {
    await push.send(`more ${sent++}`);
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.ok(sent < 50, "the fallback got a message once the preferred peer was full");
  await preferred.close();
  await push.send("after");
  let last = "";
  while (last !== "after") last = text(await within(2000, fallback.recv(), "to the fallback"));
});

test("equal priorities share round robin, whatever other levels exist [CORE-PRIO-1]", async () => {
  await using push = new sp.Push();
  const pulls = [new sp.Pull(), new sp.Pull(), new sp.Pull()];
  try {
    const names = pulls.map(() => url("rr"));
    for (const [i, p] of pulls.entries()) await p.listen(names[i]!);
    await push.dial(names[0]!, { sendPriority: 3 });
    await push.dial(names[1]!, { sendPriority: 3 });
    await push.dial(names[2]!, { sendPriority: 9 });
    await until(() => push.stats.pipes === 3, 2000, "three peers");
    for (let i = 0; i < 10; i++) await push.send(`r${i}`);
    const got = [0, 0];
    await until(
      () => {
        for (const k of [0, 1]) while (pulls[k]!.tryRecv() !== undefined) got[k]!++;
        return got[0]! + got[1]! === 10;
      },
      2000,
      "ten messages over the two priority-3 peers",
    );
    assert.deepEqual(got, [5, 5]);
    await expectQuiet(pulls[2]!, 50);
  } finally {
    for (const p of pulls) await p.close();
  }
});

test("recvPriority: waiting messages from higher-priority peers are received first [CORE-PRIO-2]", async () => {
  await using pull = new sp.Pull();
  const [hi, lo] = [url("hi"), url("lo")];
  await pull.listen(lo); // default 8
  await pull.listen(hi, { recvPriority: 2 });
  await using fromLo = new sp.Push();
  await using fromHi = new sp.Push();
  await fromLo.dial(lo);
  await fromHi.dial(hi);
  for (let i = 0; i < 3; i++) await fromLo.send(`lo${i}`);
  for (let i = 0; i < 3; i++) await fromHi.send(`hi${i}`);
  await until(() => pull.stats.pipes === 2, 2000, "both peers");
  await new Promise((r) => setTimeout(r, 20)); // let every message reach the pipes' inboxes
  const order: string[] = [];
  for (let i = 0; i < 6; i++) order.push(text(await within(2000, pull.recv(), "message")));
  assert.deepEqual(order, ["hi0", "hi1", "hi2", "lo0", "lo1", "lo2"]);
});

test("priorities work on ZeroMQ sockets too, and as socket defaults [CORE-PRIO-3]", async () => {
  await using dealer = new zmq.Dealer({ sendPriority: 5 }); // the default for its endpoints
  await using preferred = new zmq.Dealer();
  await using other = new zmq.Dealer();
  const [a, b] = [url("za"), url("zb")];
  await preferred.bind(a);
  await other.bind(b);
  await dealer.connect(b); // priority 5, from the socket
  await dealer.connect(a, { sendPriority: 4 });
  for (let i = 0; i < 4; i++) await dealer.send(`z${i}`);
  for (let i = 0; i < 4; i++) {
    const [frame] = await within(2000, preferred.recv(), "to the preferred peer");
    assert.equal(text(frame!), `z${i}`);
  }
  assert.equal(other.tryRecv(), undefined);
  const invalid = (e: unknown): boolean => e instanceof MqError && e.code === "EINVAL";
  assert.throws(() => new sp.Push({ sendPriority: 0 }), invalid);
  await assert.rejects(dealer.connect(b, { recvPriority: 17 }), invalid);
});
