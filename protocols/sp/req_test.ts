import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { Rep, Req } from "./mod.ts";
import { delay, until, within } from "../../testing/async.ts";
import {
  code,
  listenUrl,
  marry,
  RawListener,
  spHeader,
  text,
  u32,
  words,
} from "../../conformance/_raw_sp.ts";

const REQ = 0x30;
const REP = 0x31;

/** A raw REP listener, a Req dialed to it, and the accepted raw connection. */
async function rawRep(options: ConstructorParameters<typeof Req>[0] = {}) {
  const listener = await RawListener.listen("tcp://127.0.0.1:0", spHeader(REP));
  const req = new Req(options);
  const connected = req.monitor.next("connected");
  await req.dial(listener.url);
  const peer = await listener.accept();
  await within(2000, connected);
  return {
    req,
    listener,
    peer,
    async close() {
      await req.close();
      await listener.close();
    },
  };
}

test("sp.Req puts a u32 request id with bit 31 set before the body; the reply comes back without it [SP-REQ-1]", async () => {
  const t = await rawRep();
  try {
    assert.deepEqual(await t.peer.header(), spHeader(REQ));
    await t.req.send("hi");
    const request = await t.peer.recv();
    assert.equal(request.length, 6);
    const id = u32(request);
    assert.ok(id >= 0x80000000, `id ${id.toString(16)} has bit 31 set`);
    assert.equal(text(request.subarray(4)), "hi");
    t.peer.send(words([id], "yo"));
    assert.equal(text(await within(2000, t.req.recv())), "yo");
  } finally {
    await t.close();
  }
});

test("sp.Req ids start at a random point per socket and change with every request [SP-REQ-2]", async () => {
  const listener = await RawListener.listen("tcp://127.0.0.1:0", spHeader(REP));
  const reqs = [new Req(), new Req(), new Req()];
  try {
    const firsts: number[] = [];
    for (const req of reqs) {
      const connected = req.monitor.next("connected");
      await req.dial(listener.url);
      const peer = await listener.accept();
      await within(2000, connected);
      await req.send("a");
      await req.send("b");
      await req.send("c");
      const ids = [u32(await peer.recv()), u32(await peer.recv()), u32(await peer.recv())];
      for (const id of ids) assert.ok(id >= 0x80000000);
      assert.equal(new Set(ids).size, 3, "each request has its own id");
      firsts.push(ids[0]!);
    }
    assert.equal(new Set(firsts).size, 3, `first ids differ between sockets: ${firsts}`);
  } finally {
    await Promise.all(reqs.map((r) => r.close()));
    await listener.close();
  }
});

test("sp.Req drops a reply with another id and counts it [SP-REQ-3]", async () => {
  const t = await rawRep();
  try {
    await t.req.send("q");
    const id = u32(await t.peer.recv());
    const got = t.req.recv();
    t.peer.send(words([(id + 1) >>> 0 | 0x80000000], "stale"));
    t.peer.send(words([id ^ 0x00f00000], "other"));
    await until(() => t.req.stats.dropped === 2, 2000, "two dropped replies");
    t.peer.send(words([id], "right"));
    assert.equal(text(await within(2000, got)), "right");
  } finally {
    await t.close();
  }
});

test("sp.Req closes the pipe of a peer that replies with fewer than 4 bytes [SP-REQ-3]", async () => {
  const t = await rawRep();
  try {
    const error = t.req.monitor.next("protocol-error");
    await t.req.send("q");
    await t.peer.recv();
    t.peer.send(new Uint8Array([0x80, 0]));
    await t.peer.closedByPeer();
    const e = await within(2000, error);
    assert.match(e.reason, /request id/);
  } finally {
    await t.close();
  }
});

test("sp.Req resends an unanswered request after resendTime, with the same id [SP-REQ-4]", async () => {
  const t = await rawRep({ resendTime: 50 });
  try {
    const start = Date.now();
    await t.req.send("again");
    const first = await t.peer.recv();
    const second = await t.peer.recv(2000);
    const third = await t.peer.recv(2000);
    const elapsed = Date.now() - start;
    assert.deepEqual(second, first);
    assert.deepEqual(third, first);
    assert.ok(elapsed >= 80, `two resends took ${elapsed} ms, expected about 100`);
    // the answer to any copy ends the resending
    t.peer.send(words([u32(first)], "ok"));
    assert.equal(text(await within(2000, t.req.recv())), "ok");
    const seen = t.peer.pending;
    await delay(150);
    assert.ok(t.peer.pending <= seen + 1, "no resends after the reply");
  } finally {
    await t.close();
  }
});

test("sp.Req resends over inproc too: a silent REP sees the request again [SP-REQ-4]", async () => {
  const rep = new Rep();
  const req = new Req({ resendTime: 30 });
  try {
    await marry(rep, req, listenUrl("inproc", "req-resend"));
    await req.send("x");
    assert.equal(text(await within(1000, rep.recv())), "x");
    assert.equal(text(await within(1000, rep.recv())), "x", "the resent copy");
    await rep.send("done");
    assert.equal(text(await within(1000, req.recv())), "done");
  } finally {
    await req.close();
    await rep.close();
  }
});

test("sp.Req with resendTime -1 never resends on a timer [SP-REQ-4]", async () => {
  const t = await rawRep({ resendTime: -1 });
  try {
    await t.req.send("once");
    await t.peer.recv();
    await delay(150);
    assert.equal(t.peer.pending, 0);
  } finally {
    await t.close();
  }
});

for (const resendTime of [60000, -1]) {
  test(`sp.Req resends at once to another peer when the one holding the request disconnects (resendTime ${resendTime}) [SP-REQ-5]`, async () => {
    const a = await RawListener.listen("tcp://127.0.0.1:0", spHeader(REP));
    const b = await RawListener.listen("tcp://127.0.0.1:0", spHeader(REP));
    const req = new Req({ resendTime });
    try {
      await req.dial(a.url);
      await req.dial(b.url);
      const pa = await a.accept();
      const pb = await b.accept();
      await until(() => req.stats.pipes === 2, 2000, "two pipes");
      await req.send("job");
      await until(() => pa.pending + pb.pending > 0, 2000, "request delivered");
      const [holder, other] = pa.pending > 0 ? [pa, pb] : [pb, pa];
      const request = await holder.recv();
      const start = Date.now();
      await holder.close();
      const again = await other.recv(1000);
      assert.deepEqual(again, request, "same id and body");
      assert.ok(Date.now() - start < 1000);
      other.send(words([u32(request)], "done"));
      assert.equal(text(await within(2000, req.recv())), "done");
    } finally {
      await req.close();
      await a.close();
      await b.close();
    }
  });
}

test("sp.Req resends on the new connection after its only peer reconnects [SP-REQ-5]", async () => {
  const listener = await RawListener.listen("tcp://127.0.0.1:0", spHeader(REP));
  const req = new Req({ reconnectIvl: 20 });
  try {
    await req.dial(listener.url);
    const first = await listener.accept();
    await req.send("job");
    const request = await first.recv();
    await first.close();
    const second = await listener.accept();
    assert.deepEqual(await second.recv(), request);
  } finally {
    await req.close();
    await listener.close();
  }
});

test("sp.Req: a new send cancels a waiting recv with ECANCELED and drops the old reply [SP-REQ-6]", async () => {
  const rep = new Rep();
  const req = new Req();
  try {
    await marry(rep, req, listenUrl("inproc", "req-cancel"));
    await req.send("first");
    const waiting = req.recv();
    const cancelled = assert.rejects(waiting, code("ECANCELED"));
    await req.send("second");
    await cancelled;
    assert.equal(text(await within(1000, rep.recv())), "first");
    await rep.send("reply to first");
    assert.equal(text(await within(1000, rep.recv())), "second");
    await rep.send("reply to second");
    assert.equal(text(await within(1000, req.recv())), "reply to second");
    assert.equal(req.stats.dropped, 1, "the late reply to the first request");
  } finally {
    await req.close();
    await rep.close();
  }
});

test("sp.Req: a new send discards an arrived but unread reply [SP-REQ-6]", async () => {
  const rep = new Rep();
  const req = new Req();
  try {
    await marry(rep, req, listenUrl("tcp", "req-unread"));
    await req.send("one");
    await within(1000, rep.recv());
    await rep.send("answer one");
    await delay(50); // the reply arrives and waits unread
    await req.send("two");
    await within(1000, rep.recv());
    await rep.send("answer two");
    assert.equal(text(await within(1000, req.recv())), "answer two");
    await assert.rejects(req.recv(), code("ESTATE"));
  } finally {
    await req.close();
    await rep.close();
  }
});

test("sp.Req recv before any send, and after the reply was read, fails with ESTATE [SP-REQ-7]", async () => {
  const rep = new Rep();
  const req = new Req();
  try {
    await assert.rejects(req.recv(), code("ESTATE"));
    await marry(rep, req, listenUrl("inproc", "req-estate"));
    await assert.rejects(req.recv(), code("ESTATE"));
    await req.send("q");
    await rep.send(await within(1000, rep.recv()));
    await within(1000, req.recv());
    await assert.rejects(req.recv(), code("ESTATE"));
  } finally {
    await req.close();
    await rep.close();
  }
});

for (const transport of ["inproc", "tcp"] as const) {
  test(`sp.Req send never waits for a peer; the request goes out when a REP connects (${transport}) [SP-REQ-8]`, async () => {
    const rep = new Rep();
    const req = new Req();
    try {
      await within(100, req.send("early"), "send without a peer");
      const got = req.recv();
      await marry(rep, req, listenUrl(transport, "req-early"));
      assert.equal(text(await within(2000, rep.recv())), "early");
      await rep.send("late answer");
      assert.equal(text(await within(2000, got)), "late answer");
    } finally {
      await req.close();
      await rep.close();
    }
  });
}

test("sp.Req load-balances successive requests round robin over its REP peers [SP-REQ-9]", async () => {
  const a = await RawListener.listen("tcp://127.0.0.1:0", spHeader(REP));
  const b = await RawListener.listen("tcp://127.0.0.1:0", spHeader(REP));
  const req = new Req();
  try {
    await req.dial(a.url);
    await req.dial(b.url);
    const pa = await a.accept();
    const pb = await b.accept();
    await until(() => req.stats.pipes === 2, 2000, "two pipes");
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await req.send(`r${i}`);
      await until(() => pa.pending + pb.pending > 0, 2000, `request ${i} delivered`);
      order.push(pa.pending > 0 ? "a" : "b");
      await (pa.pending > 0 ? pa : pb).recv();
    }
    for (let i = 1; i < order.length; i++) {
      assert.notEqual(order[i], order[i - 1], `requests alternate: ${order.join("")}`);
    }
  } finally {
    await req.close();
    await a.close();
    await b.close();
  }
});

test("sp.Req recv is bounded by recvTimeout while no reply comes [SP-REQ-8, SP-SOCK-4]", async () => {
  const t = await rawRep({ recvTimeout: 50 });
  try {
    await t.req.send("q");
    await assert.rejects(t.req.recv(), code("ETIMEDOUT"));
    const id = u32(await t.peer.recv());
    t.peer.send(words([id], "late"));
    assert.equal(text(await within(1000, t.req.recv())), "late");
  } finally {
    await t.close();
  }
});
