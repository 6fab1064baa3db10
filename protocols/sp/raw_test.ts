import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { MqError } from "../errors.ts";
import { within } from "../../testing/async.ts";
import { device, Pair, Pair1, Pub, Pull, Push, Rep, Req, Sub } from "./mod.ts";
import { readU32 } from "./_backtrace.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const bytes = (...words: number[]): Uint8Array => {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w));
  return out;
};
const join = (a: Uint8Array, b: Uint8Array | string): Uint8Array => {
  const tail = typeof b === "string" ? new TextEncoder().encode(b) : b;
  const out = new Uint8Array(a.length + tail.length);
  out.set(a);
  out.set(tail, a.length);
  return out;
};

test("raw REP hands over the pipe id, the backtrace and the body, and routes a reply by the pipe id [SP-RAW-1]", async () => {
  await using rep = new Rep({ raw: true });
  await using req = new Req();
  await rep.listen("inproc://raw-rep");
  await req.dial("inproc://raw-rep");
  await req.send("hello");
  const msg = await within(2000, rep.recv(), "raw request");
  const requestId = readU32(msg, 4);
  assert.ok(requestId & 0x80000000, "the request id has bit 31 set");
  assert.equal(text(msg.subarray(8)), "hello");
  // a reply to an unknown pipe is dropped; the right one arrives
  await rep.send(join(bytes(readU32(msg, 0) ^ 1, requestId), "lost"));
  assert.equal(rep.stats.dropped, 1);
  await rep.send(join(msg.subarray(0, 8), "world"));
  assert.equal(text(await within(2000, req.recv(), "reply")), "world");
});

test("raw REQ sends what it is given and hands back replies whole; it keeps no request state [SP-RAW-2]", async () => {
  await using rep = new Rep();
  await using req = new Req({ raw: true });
  await rep.listen("inproc://raw-req");
  await req.dial("inproc://raw-req");
  const id = 0x80000005;
  await req.send(join(bytes(id), "one"));
  await req.send(join(bytes(id + 1), "two")); // a second request while the first is unanswered
  for (let i = 0; i < 2; i++) {
    const body = await within(2000, rep.recv(), "request");
    await rep.send(join(new TextEncoder().encode("re:"), body));
  }
  const replies = [await req.recv(), await req.recv()];
  assert.deepEqual(replies.map((r) => readU32(r, 0)), [id, id + 1]);
  assert.deepEqual(replies.map((r) => text(r.subarray(4))), ["re:one", "re:two"]);
  assert.equal(req.tryRecv(), undefined); // no ESTATE: a raw REQ may recv at any time
});

test("device: REQ → raw REP | device | raw REQ → device → REP, many clients, contexts through two hops [SP-DEV-1, SP-DEV-2]", async () => {
  const sockets = [
    new Rep({ raw: true }),
    new Req({ raw: true }),
    new Rep({ raw: true }),
    new Req({ raw: true }),
  ] as const;
  const [front1, back1, front2, back2] = sockets;
  await front1.listen("inproc://dev-front1");
  await back1.dial("inproc://dev-front2");
  await front2.listen("inproc://dev-front2");
  await back2.listen("inproc://dev-servers");
  const running = [device(front1, back1), device(front2, back2)];
  try {
    await using server = new Rep();
    await server.dial("inproc://dev-servers");
    await using client = new Req();
    await client.dial("inproc://dev-front1");
    const contexts = Array.from({ length: 10 }, () => client.context());
    const answers = contexts.map(async (c, i) => {
      await c.send(`n${i}`);
      return text(await c.recv());
    });
    for (let i = 0; i < 10; i++) {
      const r = text(await within(2000, server.recv(), "request through two devices"));
      await server.send(r.replace("n", "r"));
    }
    assert.deepEqual(
      await within(2000, Promise.all(answers), "answers"),
      contexts.map((_, i) => `r${i}`),
    );
    for (const c of contexts) c.close();
  } finally {
    for (const s of sockets) await s.close();
  }
  await within(2000, Promise.all(running), "the devices to stop when their sockets close");
});

test("device: a request that crossed more hops than the REP's maxTtl is dropped [SP-DEV-3]", async () => {
  for (const [maxTtl, delivered] of [[2, true], [1, false]] as const) {
    const front = new Rep({ raw: true });
    const back = new Req({ raw: true });
    const name = `dev-ttl-${maxTtl}`;
    await front.listen(`inproc://${name}-a`);
    await back.listen(`inproc://${name}-b`);
    const running = device(front, back);
    await using server = new Rep({ maxTtl, recvTimeout: 200 });
    await using client = new Req();
    await server.dial(`inproc://${name}-b`);
    await client.dial(`inproc://${name}-a`);
    await client.send("hop"); // arrives with 2 words: the device's pipe id and the request id
    if (delivered) assert.equal(text(await server.recv()), "hop");
    else {
      await assert.rejects(
        server.recv(),
        (e: unknown) => e instanceof MqError && e.code === "ETIMEDOUT",
      );
      assert.equal(server.stats.dropped, 1);
    }
    await front.close();
    await back.close();
    await running;
  }
});

test("device: PULL → PUSH and SUB → PUB forward one way; PAIR reflects on one socket [SP-DEV-1]", async () => {
  const pull = new Pull({ raw: true }), push = new Push({ raw: true });
  await pull.listen("inproc://dev-pull");
  await push.listen("inproc://dev-push");
  const pipeline = device(pull, push);
  const sub = new Sub({ raw: true }), pub = new Pub({ raw: true });
  sub.subscribe("");
  await sub.listen("inproc://dev-sub");
  await pub.listen("inproc://dev-pub");
  const fanout = device(sub, pub);
  const mirror = new Pair({ raw: true });
  await mirror.listen("inproc://dev-mirror");
  const reflecting = device(mirror);
  try {
    await using producer = new Push();
    await using consumer = new Pull();
    await producer.dial("inproc://dev-pull");
    await consumer.dial("inproc://dev-push");
    await producer.send("job");
    assert.equal(text(await within(2000, consumer.recv(), "job")), "job");

    await using publisher = new Pub();
    await using subscriber = new Sub();
    subscriber.subscribe("t");
    await publisher.dial("inproc://dev-sub");
    await subscriber.dial("inproc://dev-pub");
    const got = within(2000, subscriber.recv(), "published");
    const tick = setInterval(() => void publisher.send("tick"), 5);
    try {
      assert.equal(text(await got), "tick");
    } finally {
      clearInterval(tick);
    }

    await using echo = new Pair();
    await echo.dial("inproc://dev-mirror");
    await echo.send("mirror");
    assert.equal(text(await within(2000, echo.recv(), "reflection")), "mirror");
  } finally {
    for (const s of [pull, push, sub, pub, mirror]) await s.close();
  }
  await within(2000, Promise.all([pipeline, fanout, reflecting]), "devices to stop");
});

test("device refuses cooked sockets and protocols that are not peers, with EINVAL [SP-DEV-4]", async () => {
  await using rep = new Rep({ raw: true });
  await using cooked = new Req();
  await using push = new Push({ raw: true });
  const invalid = (pattern: RegExp) => (e: unknown): boolean =>
    e instanceof MqError && e.code === "EINVAL" && pattern.test(e.message);
  await assert.rejects(device(rep, cooked), invalid(/raw sockets: sp.req0 is cooked/));
  await assert.rejects(device(rep, push), invalid(/peer protocols: rep0 talks to req0, not push0/));
  await assert.rejects(device(rep), invalid(/its own peer, not rep0/));
  assert.throws(() => new Req({ raw: 1 as never }), invalid(/option raw must be a boolean/));
});

test("raw PAIR1 hands over the hop count and raises it on the way out; too many hops are dropped [SP-RAW-3]", async () => {
  await using cooked = new Pair1();
  await using raw = new Pair1({ raw: true });
  await raw.listen("inproc://raw-pair1");
  await cooked.dial("inproc://raw-pair1");
  await cooked.send("x");
  const got = await within(2000, raw.recv(), "from the cooked side");
  assert.equal(readU32(got, 0), 1);
  assert.equal(text(got.subarray(4)), "x");
  await raw.send(join(bytes(8), "too far")); // arrives with 9 hops: above maxTtl 8
  await raw.send(join(bytes(3), "y")); // arrives with 4 hops
  assert.equal(text(await within(2000, cooked.recv(), "from the raw side")), "y");
  assert.equal(cooked.stats.dropped, 1);
  assert.throws(
    () => raw.trySend("ab"),
    (e: unknown) => e instanceof MqError && e.code === "EINVAL",
  );
  assert.throws(() => raw.trySend(join(bytes(255), "")), /hop count below 255/);
});

test("device: PAIR1 → raw PAIR1 | device | raw PAIR1 → PAIR1 counts the hop [SP-DEV-1, SP-RAW-3]", async () => {
  const left = new Pair1({ raw: true }), right = new Pair1({ raw: true });
  await left.listen("inproc://dev-pair1-l");
  await right.listen("inproc://dev-pair1-r");
  const running = device(left, right);
  try {
    await using a = new Pair1();
    await using b = new Pair1({ maxTtl: 1 }); // a hop through the device makes 2: dropped
    await a.dial("inproc://dev-pair1-l");
    await b.dial("inproc://dev-pair1-r");
    await a.send("over the device");
    await within(
      2000,
      (async () => {
        while (b.stats.dropped === 0) await new Promise((r) => setTimeout(r, 5));
      })(),
      "the drop",
    );
    await b.send("back");
    assert.equal(text(await within(2000, a.recv(), "b's message")), "back");
  } finally {
    await left.close();
    await right.close();
  }
  await running;
});
