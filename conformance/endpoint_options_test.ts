/**
 * Options given to one endpoint apply to it alone [CORE-EP-1].
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../mod.ts";
import { MqError } from "../protocols/errors.ts";
import type { MonitorEvent } from "../protocols/monitor.ts";
import { until, within } from "../testing/async.ts";

const isInvalid = (pattern: RegExp) => (e: unknown): boolean =>
  e instanceof MqError && e.code === "EINVAL" && pattern.test(e.message);

test("a dialer's own reconnectIvl governs its retries; the socket's other dialers keep theirs [CORE-EP-1]", async () => {
  await using req = new sp.Req({ reconnectIvl: 5000 });
  const events: MonitorEvent[] = [];
  req.monitor.on((e) => events.push(e));
  await req.dial("tcp://127.0.0.1:1", { reconnectIvl: 20 }); // nobody listens on port 1
  await req.dial("tcp://127.0.0.1:2");
  await until(
    () => events.filter((e) => e.type === "reconnect" && e.url.endsWith(":1")).length >= 3,
    3000,
    "three quick retries of the first dialer",
  );
  const delays = (port: string) =>
    events.flatMap((e) => e.type === "reconnect" && e.url.endsWith(port) ? [e.delay] : []);
  assert.ok(delays(":1").every((d) => d === 20), `first dialer: ${delays(":1")}`);
  assert.deepEqual(delays(":2"), [5000]); // one wait begun at the socket's interval
});

test("a listener's own recvMaxSize refuses large messages there only [CORE-EP-1]", async () => {
  await using pull = new sp.Pull();
  const strict = await pull.listen("tcp://127.0.0.1:0", { recvMaxSize: 16 });
  const lax = await pull.listen("tcp://127.0.0.1:0");
  const errors: string[] = [];
  pull.monitor.on((e) => e.type === "protocol-error" && errors.push(e.url));
  await using toLax = new sp.Push();
  await using toStrict = new sp.Push();
  await toLax.dial(lax.url);
  await toStrict.dial(strict.url);
  const big = new Uint8Array(100).fill(7);
  await toLax.send(big);
  assert.deepEqual(await within(3000, pull.recv(), "the large message on the lax listener"), big);
  await toStrict.send(big);
  await until(() => errors.length > 0, 3000, "the strict listener's refusal");
  assert.deepEqual(errors, [strict.url]);
  // a send before the dialer has seen its connection go would be lost with it: wait for the redial
  await until(() => toStrict.statistics().connect === 2, 3000, "the dialer's second connection");
  await toStrict.send("small");
  assert.equal(new TextDecoder().decode(await within(3000, pull.recv(), "a small one")), "small");
});

test("a ZeroMQ endpoint's own maxMsgSize [CORE-EP-1]", async () => {
  await using pull = new zmq.Pull();
  const { url } = await pull.bind("tcp://127.0.0.1:0", { maxMsgSize: 100 });
  const errors: string[] = [];
  pull.monitor.on((e) => e.type === "protocol-error" && errors.push(e.reason));
  await using push = new zmq.Push();
  await push.connect(url);
  await push.send("tiny");
  assert.deepEqual(await within(3000, pull.recv(), "a small message"), [
    new TextEncoder().encode("tiny"),
  ]);
  await push.send(new Uint8Array(200));
  await until(() => errors.length > 0, 3000, "the refusal");
  assert.match(errors[0]!, /maxMsgSize 100/);
});

test("endpoint options are checked like socket options [CORE-EP-1]", async () => {
  await using req = new sp.Req();
  await assert.rejects(
    req.dial("inproc://x", { reconnectIvl: 0 }),
    isInvalid(/reconnectIvl must be an integer from 1/),
  );
  await assert.rejects(
    req.dial("inproc://x", { recvMaxSize: -1 }),
    isInvalid(/recvMaxSize must be an integer from 0/),
  );
  await assert.rejects(
    req.listen("inproc://x", { sendHwm: 5 } as never),
    isInvalid(/unknown listen option "sendHwm"/),
  );
  await assert.rejects(req.dial("inproc://x", 5 as never), isInvalid(/dial options must be/));
  await using dealer = new zmq.Dealer();
  await assert.rejects(
    dealer.connect("inproc://x", { maxMsgFrames: -2 }),
    isInvalid(/maxMsgFrames must be an integer from -1/),
  );
  await assert.rejects(
    dealer.connect("inproc://x", { recvMaxSize: 5 } as never),
    isInvalid(/unknown dial option "recvMaxSize"/),
  );
});

test("dial with wait: resolves once connected, or fails with the first attempt's error and stops, as nng_dial [CORE-EP-2]", async () => {
  await using req = new sp.Req();
  await assert.rejects(
    req.dial("tcp://127.0.0.1:1", { wait: true }),
    (e: unknown) => e instanceof MqError && e.code === "ECONNREFUSED",
  );
  assert.equal(req.statistics().dialers, 0, "the failed dialer is gone");
  await using rep = new sp.Rep();
  const { url } = await rep.listen("tcp://127.0.0.1:0");
  await req.dial(url, { wait: true });
  assert.equal(req.stats.pipes, 1, "connected when dial resolved");
  await using pull = new sp.Pull();
  await assert.rejects(
    pull.dial(url, { wait: true }), // pull0 cannot talk to rep0
    (e: unknown) => e instanceof MqError && e.code === "EPROTO" && /rep0/.test(e.message),
  );
  await using zpull = new zmq.Pull();
  const { url: zurl } = await zpull.bind("inproc://wait-zmq");
  await using zpush = new zmq.Push();
  await zpush.connect(zurl, { wait: true });
  assert.equal(zpush.stats.pipes, 1);
  await assert.rejects(
    rep.listen("tcp://127.0.0.1:0", { wait: true }),
    isInvalid(/wait is for dial and connect only/),
  );
});
