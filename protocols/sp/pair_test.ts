import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { Pair, Pair1 } from "./mod.ts";
import type { SpSocket } from "./socket.ts";
import type { MonitorEvent } from "../monitor.ts";
import { delay, until, within } from "../../testing/async.ts";
import {
  code,
  expectQuiet,
  inprocUrl,
  listenUrl,
  marry,
  RawPeer,
  spHeader,
  text,
  words,
} from "../../conformance/_raw_sp.ts";

const PAIR0 = 0x10;
const PAIR1 = 0x11;

/** A socket listening on tcp and a raw peer dialed to it with `header`. */
async function rawPeerOf(sock: SpSocket, header: Uint8Array) {
  const accepted = sock.monitor.next("accepted");
  const { url } = await sock.listen("tcp://127.0.0.1:0");
  const peer = await RawPeer.dial(url, header);
  await within(2000, accepted);
  return { url, peer };
}

for (const transport of ["inproc", "tcp"] as const) {
  test(`sp.Pair talks both ways (${transport}) [SP-PAIR-1]`, async () => {
    const a = new Pair();
    const b = new Pair();
    try {
      await marry(a, b, listenUrl(transport, "pair"));
      await b.send("ping");
      assert.equal(text(await within(2000, a.recv())), "ping");
      await a.send("pong");
      assert.equal(text(await within(2000, b.recv())), "pong");
    } finally {
      await a.close();
      await b.close();
    }
  });
}

test("sp.Pair puts no header on the wire [SP-PAIR-1]", async () => {
  const pair = new Pair();
  try {
    const { peer } = await rawPeerOf(pair, spHeader(PAIR0));
    assert.deepEqual(await peer.header(), spHeader(PAIR0));
    await pair.send("hello");
    assert.equal(text(await peer.recv()), "hello");
    peer.send("raw");
    assert.equal(text(await within(2000, pair.recv())), "raw");
    await peer.close();
  } finally {
    await pair.close();
  }
});

/** Shared body of the monogamy tests: a second raw peer is refused, a later one accepted. */
async function refusesSecondPeer(make: () => SpSocket, protocol: number, framing: number[]) {
  const pair = make();
  const events: MonitorEvent[] = [];
  pair.monitor.on((e) => events.push(e));
  try {
    const { url, peer: first } = await rawPeerOf(pair, spHeader(protocol));
    const rejected = pair.monitor.next("rejected");
    const second = await RawPeer.dial(url, spHeader(protocol));
    const r = await within(2000, rejected);
    assert.match(r.reason, /already has a peer/);
    await second.closedByPeer();
    await second.close();
    // the first peer is unaffected
    first.send(words(framing, "from first"));
    assert.equal(text(await within(2000, pair.recv())), "from first");
    // once it leaves, a new peer is taken
    const gone = pair.monitor.next("disconnected");
    await first.close();
    await within(2000, gone);
    const accepted = pair.monitor.next("accepted");
    const third = await RawPeer.dial(url, spHeader(protocol));
    await within(2000, accepted);
    third.send(words(framing, "from third"));
    assert.equal(text(await within(2000, pair.recv())), "from third");
    await third.close();
    assert.equal(events.filter((e) => e.type === "rejected").length, 1);
  } finally {
    await pair.close();
  }
}

test("sp.Pair refuses a second peer while it has one, and takes a new one later [SP-PAIR-2]", async () => {
  await refusesSecondPeer(() => new Pair(), PAIR0, []);
});

test("sp.Pair1 is monogamous too [SP-PAIR1-4, SP-PAIR-2]", async () => {
  await refusesSecondPeer(() => new Pair1(), PAIR1, [1]);
});

test("sp.Pair refuses a second inproc peer without spinning its dialer [SP-PAIR-2, SP-INPROC-2]", async () => {
  const a = new Pair();
  const b = new Pair();
  const c = new Pair({ reconnectIvl: 50 });
  let reconnects = 0;
  // a breaker: if the dialer spins, stop it before it starves the event loop
  c.monitor.on((e) => {
    if (e.type === "reconnect" && ++reconnects === 200) void c.close();
  });
  try {
    const url = await marry(a, b, inprocUrl("pair-busy"));
    const rejected = a.monitor.next("rejected");
    await c.dial(url);
    await within(1000, rejected);
    await delay(120);
    assert.ok(reconnects <= 4, `${reconnects} reconnects in about 120 ms with reconnectIvl 50`);
    await b.send("still paired");
    assert.equal(text(await within(1000, a.recv())), "still paired");
  } finally {
    await c.close();
    await b.close();
    await a.close();
  }
});

test("sp.Pair send waits while there is no peer, times out, and goes out once one connects [SP-PAIR-3]", async () => {
  const a = new Pair({ sendTimeout: 40 });
  const b = new Pair();
  const c = new Pair();
  try {
    await assert.rejects(a.send("nobody"), code("ETIMEDOUT"));
    const sent = b.send("waited");
    let done = false;
    sent.then(() => (done = true), () => {});
    await delay(20);
    assert.equal(done, false);
    await marry(c, b, listenUrl("tcp", "pair-wait"));
    await within(2000, sent);
    assert.equal(text(await within(2000, c.recv())), "waited");
  } finally {
    await a.close();
    await b.close();
    await c.close();
  }
});

test("sp.Pair1 sends hop count 1 before every body [SP-PAIR1-1]", async () => {
  const pair = new Pair1();
  try {
    const { peer } = await rawPeerOf(pair, spHeader(PAIR1));
    assert.deepEqual(await peer.header(), spHeader(PAIR1));
    await pair.send("hi");
    assert.deepEqual(await peer.recv(), new Uint8Array([0, 0, 0, 1, 0x68, 0x69]));
    await pair.send("");
    assert.deepEqual(await peer.recv(), new Uint8Array([0, 0, 0, 1]));
    await peer.close();
  } finally {
    await pair.close();
  }
});

for (const transport of ["inproc", "tcp"] as const) {
  test(`sp.Pair1 talks both ways, the hop count hidden from the user (${transport}) [SP-PAIR1-1, SP-PAIR1-3]`, async () => {
    const a = new Pair1();
    const b = new Pair1();
    try {
      await marry(a, b, listenUrl(transport, "pair1"));
      await b.send("ping");
      assert.equal(text(await within(2000, a.recv())), "ping");
      await a.send("pong");
      assert.equal(text(await within(2000, b.recv())), "pong");
    } finally {
      await a.close();
      await b.close();
    }
  });
}

for (
  const [what, body] of [
    ["a hop count above 255", words([0x100], "x")],
    ["a hop count with the top bit set", words([0x80000001], "x")],
    ["fewer than 4 bytes", new Uint8Array([0, 0, 1])],
  ] as const
) {
  test(`sp.Pair1 closes the pipe of a peer that sends ${what} [SP-PAIR1-2]`, async () => {
    const pair = new Pair1();
    try {
      const { peer } = await rawPeerOf(pair, spHeader(PAIR1));
      const error = pair.monitor.next("protocol-error");
      peer.send(body); // checked on arrival: no receive is waiting
      await peer.closedByPeer();
      const quiet = expectQuiet(pair, 150); // and nothing reaches the user
      assert.match((await within(2000, error)).reason, /hop count/);
      await quiet;
      await peer.close();
    } finally {
      await pair.close();
    }
  });
}

test("sp.Pair1 drops messages that crossed more than maxTtl hops and keeps the pipe [SP-PAIR1-3]", async () => {
  const pair = new Pair1();
  try {
    const { peer } = await rawPeerOf(pair, spHeader(PAIR1));
    peer.send(words([9], "nine"));
    peer.send(words([255], "many"));
    peer.send(words([8], "eight"));
    peer.send(words([0], "zero"));
    assert.equal(text(await within(2000, pair.recv())), "eight");
    assert.equal(text(await within(2000, pair.recv())), "zero");
    assert.equal(pair.stats.dropped, 2);
    assert.equal(peer.isEnded, false);
    await peer.close();
  } finally {
    await pair.close();
  }
});

test("sp.Pair1 honours a smaller maxTtl [SP-PAIR1-3]", async () => {
  const pair = new Pair1({ maxTtl: 2 });
  try {
    const { peer } = await rawPeerOf(pair, spHeader(PAIR1));
    peer.send(words([3], "three"));
    peer.send(words([2], "two"));
    assert.equal(text(await within(2000, pair.recv())), "two");
    assert.equal(pair.stats.dropped, 1);
    await peer.close();
  } finally {
    await pair.close();
  }
});

test("sp.Pair and sp.Pair1 refuse each other [SP-ID-2, SP-TCP-9]", async () => {
  const p0 = new Pair();
  const p1 = new Pair1({ reconnectIvl: 1000 });
  try {
    const failed0 = p0.monitor.next("handshake-failed");
    const failed1 = p1.monitor.next("handshake-failed");
    const { url } = await p0.listen("tcp://127.0.0.1:0");
    await p1.dial(url);
    const [e0, e1] = await within(2000, Promise.all([failed0, failed1]));
    assert.match(e0.reason, /pair1.*pair0|pair0.*pair1/);
    assert.match(e1.reason, /pair0.*pair1|pair1.*pair0/);
    assert.equal(p0.stats.pipes, 0);
    assert.equal(p1.stats.pipes, 0);
    await until(() => p0.stats.protocolErrors >= 1 && p1.stats.protocolErrors >= 1);
  } finally {
    await p1.close();
    await p0.close();
  }
});
