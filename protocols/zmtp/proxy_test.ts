import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { Dealer, Pub, Pull, Push, Rep, Req, Router, Sub, XPub, XSub } from "./mod.ts";
import { proxy, SteerableProxy } from "./proxy.ts";
import { delay, within } from "../../testing/async.ts";
import * as sp from "../sp/mod.ts";

const text = (frames: Uint8Array[]): string[] => frames.map((f) => new TextDecoder().decode(f));
let n = 0;
const name = (what: string): string => `inproc://proxy-${what}-${n++}`;

test("zmq.proxy QUEUE: REQ clients reach REP workers through ROUTER/DEALER and get their own replies [ZMTP-PROXY-1]", async () => {
  const frontend = new Router();
  const backend = new Dealer();
  const clients = [new Req(), new Req()];
  const workers = [new Rep(), new Rep()];
  const front = name("queue-front");
  const back = name("queue-back");
  try {
    await frontend.bind(front);
    await backend.bind(back);
    const running = proxy(frontend, backend);
    for (const w of workers) await w.connect(back); // the workers connect; nobody else binds
    for (const c of clients) await c.connect(front);
    const serving = workers.map(async (w, i) => {
      for (let k = 0; k < 2; k++) {
        const [request] = await w.recv();
        await w.send([`worker ${i}: ${new TextDecoder().decode(request!)}`]);
      }
    });
    const answers = await within(
      3000,
      Promise.all(clients.map(async (c, i) => {
        const got: string[] = [];
        for (let k = 0; k < 2; k++) {
          await c.send(`client ${i} #${k}`);
          got.push(text(await c.recv())[0]!);
        }
        return got;
      })),
      "replies through the queue",
    );
    answers.forEach((got, i) =>
      got.forEach((a, k) => assert.match(a, new RegExp(`client ${i} #${k}$`)))
    );
    await within(2000, Promise.all(serving));
    await frontend.close();
    await within(2000, running, "proxy ends when a socket closes");
  } finally {
    for (const s of [...clients, ...workers, frontend, backend]) await s.close({ linger: 0 });
  }
});

test("zmq.proxy STREAMER: two pushers to two pullers through PULL/PUSH, each message once [ZMTP-PROXY-3]", async () => {
  const frontend = new Pull();
  const backend = new Push();
  const pushers = [new Push(), new Push()];
  const pullers = [new Pull(), new Pull()];
  const front = name("stream-front");
  const back = name("stream-back");
  try {
    await frontend.bind(front);
    await backend.bind(back);
    const running = proxy(frontend, backend);
    for (const p of pullers) await p.connect(back);
    for (const p of pushers) await p.connect(front);
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const msg = `job ${i}`;
      sent.push(msg);
      await pushers[i % 2]!.send(msg);
    }
    const got: string[] = [];
    const enough = new AbortController();
    const collect = pullers.map(async (p) => {
      try {
        while (got.length < 20) {
          got.push(text(await p.recv({ signal: enough.signal }))[0]!);
          if (got.length === 20) enough.abort();
        }
      } catch (e) {
        if (!enough.signal.aborted) throw e;
      }
    });
    await within(3000, Promise.all(collect), "all jobs");
    assert.deepEqual([...got].sort(), [...sent].sort());
    await frontend.close();
    await within(2000, running);
  } finally {
    for (const s of [...pushers, ...pullers, frontend, backend]) await s.close({ linger: 0 });
  }
});

test("zmq.SteerableProxy pauses, resumes, copies to capture and terminates without closing its sockets [ZMTP-PROXY-4] [ZMTP-PROXY-5]", async () => {
  const frontend = new Pull();
  const backend = new Push();
  const capture = new Push();
  const source = new Push();
  const sink = new Pull();
  const tap = new Pull();
  const urls = [name("s-front"), name("s-back"), name("s-cap")];
  try {
    await frontend.bind(urls[0]!);
    await backend.bind(urls[1]!);
    await capture.bind(urls[2]!);
    await source.connect(urls[0]!);
    await sink.connect(urls[1]!);
    await tap.connect(urls[2]!);
    const p = new SteerableProxy(frontend, backend, capture);
    await source.send("one");
    assert.deepEqual(text(await within(2000, sink.recv(), "one at sink")), ["one"]);
    assert.deepEqual(text(await within(2000, tap.recv(), "one at tap")), ["one"]);
    p.pause();
    assert.equal(p.state, "paused");
    await delay(20); // let the proxy reach its gate
    await source.send("two");
    const next = sink.recv(); // one receive, so the message can't go to a forgotten one
    const early = await Promise.race([next.then(() => "forwarded"), delay(150).then(() => "held")]);
    assert.equal(early, "held");
    p.resume();
    assert.deepEqual(text(await within(2000, next, "two after resume")), ["two"]);
    p.terminate();
    await within(2000, p.done, "terminate");
    assert.equal(p.state, "terminated");
    // the sockets are still the caller's and still work
    await source.send("three");
    assert.deepEqual(text(await within(2000, frontend.recv(), "three")), ["three"]);
  } finally {
    for (const s of [frontend, backend, capture, source, sink, tap]) await s.close({ linger: 0 });
  }
});

test("zmq.proxy FORWARDER: subscriptions travel up through XPUB/XSUB and only matching messages come down [ZMTP-PROXY-2]", async () => {
  const frontend = new XSub();
  const backend = new XPub();
  const pub = new Pub();
  const sub = new Sub();
  const front = name("fwd-front");
  const back = name("fwd-back");
  try {
    await frontend.bind(front);
    await backend.bind(back);
    const running = proxy(frontend, backend);
    await pub.connect(front);
    sub.subscribe("news");
    await sub.connect(back);
    const first = sub.recv();
    let arrived = false;
    first.then(() => (arrived = true), () => {});
    for (let i = 0; !arrived && i < 100; i++) {
      await pub.send(`ads ${i}`);
      await pub.send(`news ${i}`);
      await delay(5);
    }
    const seen = [text(await within(2000, first, "news through the forwarder"))[0]!];
    for (let i = 0; i < 3; i++) {
      await pub.send(`ads late ${i}`);
      await pub.send(`news late ${i}`);
    }
    for (let i = 0; i < 3; i++) seen.push(text(await within(2000, sub.recv()))[0]!);
    for (const m of seen) assert.match(m, /^news /);
    await backend.close();
    await within(2000, running);
  } finally {
    for (const s of [pub, sub, frontend, backend]) await s.close({ linger: 0 });
  }
});

test("zmq.proxy takes any two sockets whose messages have one shape: an SP STREAMER [CORE-PROXY-1]", async () => {
  const frontend = new sp.Pull();
  const backend = new sp.Push();
  await frontend.listen("inproc://proxy-sp-front");
  await backend.listen("inproc://proxy-sp-back");
  const running = proxy(frontend, backend);
  try {
    await using producer = new sp.Push();
    await using consumer = new sp.Pull();
    await producer.dial("inproc://proxy-sp-front");
    await consumer.dial("inproc://proxy-sp-back");
    await producer.send("through an SP proxy");
    const got = await within(2000, consumer.recv(), "the proxied message");
    assert.equal(new TextDecoder().decode(got), "through an SP proxy");
  } finally {
    await frontend.close();
    await backend.close();
  }
  await within(2000, running, "the proxy to stop");
  // frames and single bodies do not mix: refused when the program is type-checked
  const check = (): Promise<void> =>
    // @ts-expect-error: a ZeroMQ PULL yields frames, an SP PUSH takes one body
    proxy(new Pull(), new sp.Push());
  assert.equal(typeof check, "function");
});
