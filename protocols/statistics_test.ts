import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../mod.ts";
import { until, within } from "../testing/async.ts";

test("statistics under NNG's names: messages, bytes, endpoints, connects and disconnects [CORE-STAT-1]", async () => {
  const rep = new sp.Rep();
  const req = new sp.Req();
  const { url } = await rep.listen("tcp://127.0.0.1:0");
  await req.dial(url);
  for (const body of ["a", "bb", "ccc"]) {
    await req.send(body);
    await rep.send(await within(2000, rep.recv(), "request"));
    await within(2000, req.recv(), "reply");
  }
  const r = req.statistics();
  assert.deepEqual(
    [r.tx_msgs, r.rx_msgs, r.tx_bytes, r.rx_bytes, r.dialers, r.listeners, r.connect, r.pipes],
    [3, 3, 3 * 4 + 6, 3 * 4 + 6, 1, 0, 1, 1], // each request and reply: a 4-byte id + the body
  );
  const s = rep.statistics();
  assert.deepEqual([s.accept, s.listeners, s.dialers, s.rx_bytes, s.tx_bytes], [1, 1, 0, 18, 18]);
  const [pipe] = rep.pipeStatistics();
  assert.ok(pipe !== undefined && pipe.url === url && /^127\.0\.0\.1:\d+$/.test(pipe.remote));
  assert.deepEqual([pipe.tx_msgs, pipe.rx_msgs, pipe.tx_bytes, pipe.rx_bytes], [3, 3, 18, 18]);
  await req.close();
  await until(() => rep.statistics().disconnect === 1, 2000, "the disconnect counted");
  const after = rep.statistics();
  assert.deepEqual([after.pipes, after.rx_bytes, after.tx_bytes], [0, 18, 18], "bytes kept");
  assert.deepEqual(rep.pipeStatistics(), []);
  await rep.close();
});

test("statistics: rejected peers, protocol errors and drops [CORE-STAT-2]", async () => {
  await using pair = new sp.Pair();
  await pair.listen("inproc://stat-pair");
  await using first = new sp.Pair();
  await using second = new sp.Pair();
  await first.dial("inproc://stat-pair");
  await second.dial("inproc://stat-pair"); // a pair has one peer: refused
  await until(() => pair.statistics().reject === 1, 2000, "the second peer rejected");
  await using rep = new sp.Rep();
  const { url } = await rep.listen("tcp://127.0.0.1:0");
  await using wrong = new sp.Push({ reconnectIvl: 5000 });
  await wrong.dial(url); // push0 cannot talk to rep0
  await until(() => rep.statistics().reject >= 1, 2000, "the wrong protocol rejected");
  assert.ok(rep.statistics().proto >= 1);
  await using pub = new sp.Pub();
  await pub.send("nobody listens");
  assert.equal(pub.statistics().drop, 1);
});

test("statistics count ZeroMQ frames' bytes and list connected dialer pipes [CORE-STAT-1]", async () => {
  await using router = new zmq.Router();
  await using dealer = new zmq.Dealer(); // its connect gets a lasting pipe (not immediate)
  const { url } = await router.bind("tcp://127.0.0.1:0");
  await dealer.connect(url);
  await dealer.send(["ab", "cde"]);
  await within(2000, router.recv(), "dealer message");
  await until(() => dealer.pipeStatistics().length === 1, 2000, "the dealer's connected pipe");
  const [pipe] = dealer.pipeStatistics();
  assert.deepEqual([pipe!.tx_msgs, pipe!.tx_bytes], [1, 5]);
  assert.equal(router.statistics().rx_bytes, 5); // the frames from the wire, not the id it adds
});
