// Options read and set on a live socket, in both families: what each one reads back, that a value
// set live is checked as the constructor checks it, when it takes effect (at once, for the calls
// or endpoints made afterwards, or never: fixed), as rfc/core.md's CORE-OPT rows say.
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../mod.ts";
import { MqError } from "./errors.ts";
import { delay, until, within } from "../testing/async.ts";
import { code, inprocUrl, marry, RawPeer, spHeader, words } from "../conformance/_raw_sp.ts";

const dec = new TextDecoder();

/** Receives within `ms`, or undefined if nothing came. */
async function recvWithin<M>(sock: { recv(o: { signal: AbortSignal }): Promise<M> }, ms: number) {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  try {
    return await sock.recv({ signal: stop.signal });
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** True if `promise` is still pending after `ms`. */
async function pendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const marker = Symbol("pending");
  const timer = delay(ms).then(() => marker);
  return (await Promise.race([promise.then(() => undefined, () => undefined), timer])) === marker;
}

/** A tcp URL on a free loopback port nobody listens on (yet). */
async function freeTcpUrl(): Promise<string> {
  const probe = new zmq.Pull();
  const { url } = await probe.bind("tcp://127.0.0.1:0");
  await probe.close({ linger: 0 });
  return url;
}

/** An `EINVAL` whose message is exactly `message`. */
function invalidWith(message: string): (e: unknown) => true {
  return (e: unknown) => {
    assert.ok(e instanceof MqError, `an MqError, got ${String(e)}`);
    assert.equal(e.code, "EINVAL");
    assert.equal(e.message, message);
    return true;
  };
}

/** The message the constructor throws for `options`. */
function constructorError(make: () => unknown): string {
  try {
    make();
  } catch (e) {
    if (e instanceof MqError) return e.message;
    throw e;
  }
  throw new Error("the constructor accepted it");
}

test("every option reads back on a live socket: its default, the constructor's value, the value set [CORE-OPT-1]", async () => {
  await using req = new sp.Req({ recvTimeout: 50, sendHwm: 7, resendTime: 900 });
  assert.deepEqual(
    [req.recvTimeout, req.sendTimeout, req.sendHwm, req.recvHwm, req.linger, req.resendTime],
    [50, -1, 7, 1000, 1000, 900],
  );
  assert.deepEqual(
    [req.reconnectIvl, req.reconnectIvlMax, req.handshakeTimeout, req.sendPriority],
    [100, 0, 10000, 8],
  );
  assert.deepEqual([req.recvPriority, req.recvMaxSize, req.raw], [8, 1024 * 1024, false]);
  req.recvTimeout = 200;
  req.linger = 0;
  req.resendTime = -1;
  req.recvMaxSize = 0;
  assert.deepEqual([req.recvTimeout, req.linger, req.resendTime, req.recvMaxSize], [200, 0, -1, 0]);

  await using rep = new sp.Rep({ raw: true });
  await using surveyor = new sp.Surveyor();
  await using pair1 = new sp.Pair1({ polyamorous: true, maxTtl: 3 });
  assert.deepEqual([rep.maxTtl, rep.raw, surveyor.surveyTime], [8, true, 1000]);
  assert.deepEqual([pair1.maxTtl, pair1.polyamorous, pair1.protocol.name], [3, true, "pair1"]);

  await using dealer = new zmq.Dealer({ routingId: "d", heartbeatIvl: 300, conflate: true });
  assert.equal(dec.decode(dealer.routingId), "d");
  assert.deepEqual(
    [dealer.heartbeatIvl, dealer.heartbeatTimeout, dealer.heartbeatTtl, dealer.maxMsgSize],
    [300, 300, 0, -1],
  );
  assert.deepEqual(
    [dealer.maxMsgFrames, dealer.conflate, dealer.immediate, dealer.socketType],
    [65536, true, false, "DEALER"],
  );
  dealer.heartbeatIvl = 500; // heartbeatTimeout, never set, follows it
  assert.deepEqual([dealer.heartbeatIvl, dealer.heartbeatTimeout], [500, 500]);
  dealer.heartbeatTimeout = 0;
  assert.deepEqual([dealer.heartbeatIvl, dealer.heartbeatTimeout], [500, 0]);

  await using router = new zmq.Router({ handover: true });
  await using zreq = new zmq.Req({ correlate: true });
  await using xpub = new zmq.XPub({ welcomeMessage: "hi" });
  assert.deepEqual([router.handover, router.mandatory, router.immediate], [true, false, false]);
  assert.deepEqual([zreq.correlate, zreq.relaxed, zreq.immediate, zreq.routingId], [
    true,
    false,
    false,
    undefined,
  ]);
  assert.deepEqual([xpub.verbose, xpub.manual, dec.decode(xpub.welcomeMessage)], [
    false,
    false,
    "hi",
  ]);
  xpub.welcomeMessage = undefined;
  assert.equal(xpub.welcomeMessage, undefined);
});

test("a value set live is checked as the constructor checks it: EINVAL naming the option, the value kept [CORE-OPT-2]", async () => {
  await using pull = new sp.Pull();
  await using req = new sp.Req();
  await using rep = new sp.Rep();
  await using surveyor = new sp.Surveyor();
  await using dealer = new zmq.Dealer();
  await using zreq = new zmq.Req();
  await using router = new zmq.Router();
  await using xpub = new zmq.XPub();
  const cases: [object, string, unknown, () => unknown][] = [
    [pull, "recvTimeout", "100", () => new sp.Pull({ recvTimeout: "100" as never })],
    [pull, "sendTimeout", -2, () => new sp.Pull({ sendTimeout: -2 })],
    [pull, "sendHwm", 0, () => new sp.Pull({ sendHwm: 0 })],
    [pull, "recvHwm", 1.5, () => new sp.Pull({ recvHwm: 1.5 })],
    [pull, "linger", -1, () => new sp.Pull({ linger: -1 })],
    [pull, "reconnectIvl", 0, () => new sp.Pull({ reconnectIvl: 0 })],
    [pull, "reconnectIvlMax", null, () => new sp.Pull({ reconnectIvlMax: null as never })],
    [pull, "handshakeTimeout", 0, () => new sp.Pull({ handshakeTimeout: 0 })],
    [pull, "sendPriority", 17, () => new sp.Pull({ sendPriority: 17 })],
    [pull, "recvPriority", 0, () => new sp.Pull({ recvPriority: 0 })],
    [pull, "recvMaxSize", -1, () => new sp.Pull({ recvMaxSize: -1 })],
    [req, "resendTime", -2, () => new sp.Req({ resendTime: -2 })],
    [rep, "maxTtl", 16, () => new sp.Rep({ maxTtl: 16 })],
    [surveyor, "surveyTime", 0, () => new sp.Surveyor({ surveyTime: 0 })],
    [dealer, "maxMsgSize", -2, () => new zmq.Dealer({ maxMsgSize: -2 })],
    [dealer, "maxMsgFrames", "9", () => new zmq.Dealer({ maxMsgFrames: "9" as never })],
    [dealer, "heartbeatIvl", -1, () => new zmq.Dealer({ heartbeatIvl: -1 })],
    [dealer, "heartbeatTtl", 2 ** 30, () => new zmq.Dealer({ heartbeatTtl: 2 ** 30 })],
    [dealer, "heartbeatTimeout", -1, () => new zmq.Dealer({ heartbeatTimeout: -1 })],
    [dealer, "routingId", 42, () => new zmq.Dealer({ routingId: 42 as never })],
    [dealer, "routingId", "", () => new zmq.Dealer({ routingId: "" })],
    [dealer, "immediate", 1, () => new zmq.Dealer({ immediate: 1 as never })],
    [zreq, "relaxed", "yes", () => new zmq.Req({ relaxed: "yes" as never })],
    [zreq, "correlate", 0, () => new zmq.Req({ correlate: 0 as never })],
    [router, "mandatory", null, () => new zmq.Router({ mandatory: null as never })],
    [router, "handover", 1, () => new zmq.Router({ handover: 1 as never })],
    [xpub, "verbose", "true", () => new zmq.XPub({ verbose: "true" as never })],
    [xpub, "welcomeMessage", 42, () => new zmq.XPub({ welcomeMessage: 42 as never })],
  ];
  for (const [sock, name, bad, make] of cases) {
    const target = sock as Record<string, unknown>;
    const before = target[name];
    const expected = constructorError(make);
    assert.match(expected, new RegExp(name), `the constructor's message names ${name}`);
    assert.throws(() => (target[name] = bad), invalidWith(expected), `${name} = ${String(bad)}`);
    assert.deepEqual(target[name], before, `${name} kept its value`);
  }
});

test("recvTimeout and sendTimeout set live apply to the calls made afterwards; a call already waiting keeps its deadline [CORE-OPT-3]", async () => {
  for (const pull of [new sp.Pull(), new zmq.Pull()]) {
    await using _ = pull;
    const waiting = pull.recv(); // no timeout: waits until the socket closes
    waiting.catch(() => {}); // settled below
    pull.recvTimeout = 30;
    const start = Date.now();
    await assert.rejects(
      within<unknown>(2000, pull.recv(), "recv after the change"),
      code("ETIMEDOUT"),
    );
    assert.ok(Date.now() - start < 1500, "it timed out after about 30 ms");
    assert.ok(await pendingAfter(waiting, 50), "the earlier recv still waits");
    await pull.close();
    await assert.rejects(waiting, code("ECLOSED"));
  }
  for (const push of [new sp.Push(), new zmq.Push({ immediate: true })]) {
    await using _ = push; // no peer: a send waits
    const waiting = push.send("first");
    waiting.catch(() => {});
    push.sendTimeout = 30;
    await assert.rejects(
      within(2000, push.send("second"), "send after the change"),
      (e) => e instanceof MqError && (e.code === "ETIMEDOUT"),
    );
    assert.ok(await pendingAfter(waiting, 50), "the earlier send still waits");
    await push.close({ linger: 0 });
    await assert.rejects(waiting, code("ECLOSED"));
  }
});

test("sendHwm raised on a live socket lets more queue at once; lowered, the pipe takes nothing until it drains [CORE-OPT-4]", async () => {
  // a connecting PUSH queues up to sendHwm before its connection exists: the count is exact
  const url = await freeTcpUrl();
  await using push = new zmq.Push({ sendHwm: 2 });
  await push.connect(url);
  assert.deepEqual([push.trySend("0"), push.trySend("1"), push.trySend("2")], [true, true, false]);
  const waiting = push.send("2"); // waits for room
  assert.ok(await pendingAfter(waiting, 30), "full at 2");
  push.sendHwm = 5;
  await within(1000, waiting, "the waiting send, once the mark is raised");
  assert.deepEqual([push.trySend("3"), push.trySend("4"), push.trySend("5")], [true, true, false]);
  push.sendHwm = 1; // five queued: no room until they leave
  assert.equal(push.trySend("5"), false);
  await using pull = new zmq.Pull();
  await pull.bind(url);
  for (let i = 0; i < 5; i++) {
    assert.equal(dec.decode((await within(5000, pull.recv(), `message ${i}`))[0]), String(i));
  }
  await until(() => push.trySend("5"), 5000, "room again once the queue drained");
  assert.equal(dec.decode((await within(5000, pull.recv(), "message 5"))[0]), "5");
});

test("recvHwm raised on a live socket resumes reading from a paused peer; SP SUB's queue follows it [CORE-OPT-4]", async () => {
  for (
    const [pull, push] of [[new sp.Pull({ recvHwm: 2 }), new sp.Push()], [
      new zmq.Pull({ recvHwm: 2 }),
      new zmq.Push(),
    ]] as const
  ) {
    await using _pull = pull;
    await using _push = push;
    const url = inprocUrl("live-recv-hwm");
    const connected = pull.monitor.next("accepted");
    await (pull instanceof sp.Pull ? pull.listen(url) : (pull as zmq.Pull).bind(url));
    await (push instanceof sp.Push ? push.dial(url) : (push as zmq.Push).connect(url));
    await within(2000, connected, "connected");
    for (let i = 0; i < 10; i++) await within(1000, push.send(String(i)), "send");
    const arrived = (): number => pull.pipeStatistics()[0]?.rx_msgs ?? 0;
    await until(() => arrived() === 2, 2000, "two messages in the inbox");
    await delay(30);
    assert.equal(arrived(), 2, "reading paused at recvHwm 2");
    pull.recvHwm = 100;
    await until(() => arrived() === 10, 2000, "reading resumed");
  }

  await using sub = new sp.Sub({ recvHwm: 4 });
  await using pub = new sp.Pub();
  sub.subscribe("");
  await marry(sub, pub, inprocUrl("live-sub-hwm"));
  for (let i = 0; i < 10; i++) await pub.send(String(i));
  await until(() => sub.stats.dropped === 6, 2000, "the queue keeps the newest 4");
  sub.recvHwm = 2;
  assert.equal(sub.stats.dropped, 8, "a shorter queue drops its oldest at once");
  assert.deepEqual([dec.decode(await sub.recv()), dec.decode(await sub.recv())], ["8", "9"]);
});

test("a conflating PUSH or PUB keeps one message per peer whatever sendHwm is set to live [CORE-OPT-4]", async () => {
  for (
    const [sender, receiver] of [[new zmq.Push({ conflate: true }), new zmq.Pull()], [
      new zmq.Pub({ conflate: true }),
      new zmq.Sub(),
    ]] as const
  ) {
    await using _s = sender;
    await using _r = receiver;
    if (receiver instanceof zmq.Sub) receiver.subscribe("");
    const { url } = await receiver.bind("tcp://127.0.0.1:0");
    const connected = sender.monitor.next("connected");
    await sender.connect(url);
    await within(5000, connected, "connected");
    if (sender instanceof zmq.Pub) await delay(50); // the subscription travels
    sender.sendHwm = 100_000;
    assert.equal(sender.sendHwm, 100_000, "the value reads back");
    for (let i = 0; i < 1000; i++) await sender.send(String(i)); // one burst, no I/O between
    const got: string[] = [];
    for (let m; (m = await recvWithin(receiver, 200)) !== undefined;) got.push(dec.decode(m[0]));
    assert.equal(got.at(-1), "999", "the newest arrives");
    assert.ok(got.length < 10, `still conflated: got ${got.length}`);
  }
});

test("endpoint options set live apply to the endpoints made afterwards, not to those already made [CORE-OPT-5]", async () => {
  const big = new Uint8Array(100);
  // SP recvMaxSize
  await using pull = new sp.Pull();
  const before = await pull.listen("tcp://127.0.0.1:0");
  pull.recvMaxSize = 50;
  const after = await pull.listen("tcp://127.0.0.1:0");
  for (const [ep, delivered] of [[before, true], [after, false]] as const) {
    await using push = new sp.Push();
    const connected = push.monitor.next("connected");
    await push.dial(ep.url);
    await within(2000, connected, "connected");
    const refused = pull.monitor.next("protocol-error");
    await push.send(big);
    if (delivered) assert.equal((await within(2000, pull.recv(), "100 bytes")).length, 100);
    else await within(2000, refused, "the peer dropped for a message over 50 bytes");
  }
  // ZeroMQ maxMsgSize, and heartbeatIvl read by the new endpoint's connections
  await using zpull = new zmq.Pull();
  const old = await zpull.bind("tcp://127.0.0.1:0");
  zpull.maxMsgSize = 50;
  const fresh = await zpull.bind("tcp://127.0.0.1:0");
  for (const [ep, delivered] of [[old, true], [fresh, false]] as const) {
    await using zpush = new zmq.Push();
    const connected = zpush.monitor.next("connected");
    await zpush.connect(ep.url);
    await within(2000, connected, "connected");
    const refused = zpull.monitor.next("protocol-error");
    await zpush.send(big);
    if (delivered) assert.equal((await within(2000, zpull.recv(), "100 bytes"))[0]!.length, 100);
    else await within(2000, refused, "the peer dropped for a message over 50 bytes");
  }
  // handshakeTimeout: a peer that never finishes its handshake is dropped on the new endpoint
  await using rep = new sp.Rep();
  const slow = await rep.listen("tcp://127.0.0.1:0");
  rep.handshakeTimeout = 50;
  const quick = await rep.listen("tcp://127.0.0.1:0");
  const silentOld = await RawPeer.dial(slow.url, null); // sends no header
  const silentNew = await RawPeer.dial(quick.url, null);
  try {
    await silentNew.closedByPeer(2000);
    await delay(100);
    assert.equal(silentOld.isEnded, false, "the endpoint made before keeps its 10 s");
  } finally {
    silentOld.conn.close();
    silentNew.conn.close();
  }
});

test("resendTime and surveyTime set live apply to the requests and surveys sent afterwards [CORE-OPT-6]", async () => {
  await using rep = new sp.Rep();
  await using req = new sp.Req(); // resends after 60 s by default
  await marry(rep, req, inprocUrl("live-resend"));
  req.resendTime = 40;
  await req.send("again?");
  const first = await within(2000, rep.recv(), "the request");
  const resent = await within(2000, rep.recv(), "the request resent after 40 ms");
  assert.deepEqual([dec.decode(first), dec.decode(resent)], ["again?", "again?"]);

  await using surveyor = new sp.Surveyor(); // 1 s surveys by default
  surveyor.surveyTime = 40;
  await surveyor.send("anyone?");
  const start = Date.now();
  await assert.rejects(within(2000, surveyor.recv(), "the deadline"), code("ETIMEDOUT"));
  assert.ok(Date.now() - start < 900, "the survey lasted about 40 ms, not 1 s");
});

test("maxTtl set live applies to the requests that arrive afterwards [CORE-OPT-6]", async () => {
  await using rep = new sp.Rep({ maxTtl: 1 });
  const { url } = await rep.listen("tcp://127.0.0.1:0");
  const peer = await RawPeer.dial(url, spHeader(0x30)); // a REQ, by hand
  try {
    await peer.header();
    const twoHops = words([1, 0x80000001], "hop"); // a device's pipe id, then the request id
    peer.send(twoHops);
    await until(() => rep.stats.dropped === 1, 2000, "dropped: 2 hops over maxTtl 1");
    rep.maxTtl = 2;
    peer.send(twoHops);
    assert.equal(dec.decode(await within(2000, rep.recv(), "the request")), "hop");
  } finally {
    peer.conn.close();
  }
});

test("ZeroMQ REQ relaxed, ROUTER mandatory, XPUB verbose and welcomeMessage set live apply at once [CORE-OPT-6]", async () => {
  await using req = new zmq.Req();
  await using rep = new zmq.Rep();
  const { url } = await rep.bind("inproc://live-relaxed");
  await req.connect(url);
  await req.send("one");
  await assert.rejects(req.send("two"), code("ESTATE"));
  req.relaxed = true;
  await within(1000, req.send("two"), "a new request while one is out");

  await using router = new zmq.Router();
  await within(1000, router.send(["nobody", "x"]), "dropped silently");
  router.mandatory = true;
  await assert.rejects(router.send(["nobody", "x"]), code("EHOSTUNREACH"));

  await using xpub = new zmq.XPub();
  const subs = [new zmq.Sub(), new zmq.Sub(), new zmq.Sub()];
  await xpub.bind("inproc://live-xpub");
  try {
    for (const s of subs) await s.connect("inproc://live-xpub");
    subs[0]!.subscribe("a");
    assert.deepEqual([...(await within(2000, xpub.recv(), "first subscribe"))[0]!], [1, 97]);
    subs[1]!.subscribe("a");
    assert.equal(await recvWithin(xpub, 50), undefined, "not verbose: a second one is quiet");
    xpub.verbose = true;
    subs[2]!.subscribe("a");
    assert.deepEqual([...(await within(2000, xpub.recv(), "verbose now"))[0]!], [1, 97]);

    xpub.welcomeMessage = "welcome";
    await using late = new zmq.Sub();
    late.subscribe("");
    await late.connect("inproc://live-xpub");
    assert.equal(dec.decode((await within(2000, late.recv(), "the welcome"))[0]), "welcome");
  } finally {
    for (const s of subs) await s.close();
  }
});

test("immediate set live applies to the connects made afterwards [CORE-OPT-6]", async () => {
  await using push = new zmq.Push({ immediate: true, linger: 0 });
  await push.connect(await freeTcpUrl());
  assert.equal(push.trySend("x"), false, "immediate: nothing to queue on");
  push.immediate = false;
  assert.equal(push.trySend("x"), false, "the connect made before still has no queue");
  await push.connect(await freeTcpUrl());
  assert.equal(push.trySend("x"), true, "the new connect has its queue at once");
  assert.equal(push.immediate, false);
});

test("options fixed at creation throw EREADONLY naming them when assigned, and keep their value [CORE-OPT-7]", async () => {
  await using rep = new sp.Rep({ raw: true });
  await using pair1 = new sp.Pair1({ polyamorous: true });
  await using dealer = new zmq.Dealer({ conflate: true });
  await using xpub = new zmq.XPub({ manual: true });
  const cases: [object, string][] = [
    [rep, "raw"],
    [rep, "protocol"],
    [pair1, "polyamorous"],
    [dealer, "conflate"],
    [dealer, "socketType"],
    [xpub, "manual"],
  ];
  for (const [sock, name] of cases) {
    const target = sock as Record<string, unknown>;
    const before = target[name];
    assert.throws(() => (target[name] = false), (e: unknown) => {
      assert.ok(e instanceof MqError, String(e));
      assert.equal(e.code, "EREADONLY");
      assert.match(e.message, new RegExp(`option ${name} cannot change`));
      return true;
    });
    assert.equal(target[name], before);
  }
  // and TypeScript refuses the assignment
  // @ts-expect-error: raw is read-only
  assert.throws(() => (rep.raw = false), code("EREADONLY"));
  // @ts-expect-error: conflate is read-only
  assert.throws(() => (dealer.conflate = false), code("EREADONLY"));
  // @ts-expect-error: the socket type is read-only
  assert.throws(() => (dealer.socketType = "ROUTER"), code("EREADONLY"));
});

test("routingId may be set until the first bind or connect, then ESTATE [CORE-OPT-8]", async () => {
  await using router = new zmq.Router();
  await using dealer = new zmq.Dealer();
  dealer.routingId = "first";
  dealer.routingId = "worker-7"; // as zeromq.js users name a socket before connecting
  await router.bind("inproc://live-routing-id");
  await dealer.connect("inproc://live-routing-id");
  await dealer.send("hi");
  const [id] = await within(2000, router.recv(), "the dealer's message");
  assert.equal(dec.decode(id), "worker-7");
  assert.throws(() => (dealer.routingId = "other"), code("ESTATE"));
  assert.equal(dec.decode(dealer.routingId), "worker-7");
  assert.throws(() => (router.routingId = "r"), code("ESTATE"), "bind counts too");
});
