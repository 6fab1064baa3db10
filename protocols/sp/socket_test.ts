import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { Pull, Push, Req } from "./mod.ts";
import { MqError } from "../errors.ts";
import type { MonitorEvent } from "../monitor.ts";
import { delay, until, within } from "../../testing/async.ts";
import {
  code,
  expectQuiet,
  inprocUrl,
  listenUrl,
  marry,
  RawListener,
  RawPeer,
  spHeader,
  text,
} from "../../conformance/_raw_sp.ts";

const PULL = 0x51;

/** A tcp port that nobody listens on (bound, then released). */
async function freePort(): Promise<number> {
  const l = await RawListener.listen("tcp://127.0.0.1:0", spHeader(PULL));
  const port = Number(l.url.slice(l.url.lastIndexOf(":") + 1));
  await l.close();
  return port;
}

function ipcPath(what: string): string {
  return `/tmp/edgemq-sock-${what}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.ipc`;
}

test("sp socket serves peers of several listeners and dialers at once [SP-SOCK-1]", async () => {
  const pull = new Pull();
  const pushes = [new Push(), new Push(), new Push(), new Push()];
  try {
    const tcp = await pull.listen("tcp://127.0.0.1:0");
    const inproc = await pull.listen(inprocUrl("multi"));
    const ipc = await pull.listen(`ipc://${ipcPath("multi")}`);
    const far = await pushes[3]!.listen("tcp://127.0.0.1:0");
    await pull.dial(far.url); // and it dials a pusher too
    await pushes[0]!.dial(tcp.url);
    await pushes[1]!.dial(inproc.url);
    await pushes[2]!.dial(ipc.url);
    await until(() => pull.stats.pipes === 4, 2000, "four pushers attached");
    for (const [i, p] of pushes.entries()) await p.send(`via ${i}`);
    const got = new Set<string>();
    for (let i = 0; i < 4; i++) got.add(text(await within(2000, pull.recv())));
    assert.deepEqual([...got].sort(), ["via 0", "via 1", "via 2", "via 3"]);
  } finally {
    await Promise.all(pushes.map((p) => p.close()));
    await pull.close();
  }
});

test("sp Push dials two pulls and uses both [SP-SOCK-1]", async () => {
  const push = new Push();
  const a = new Pull();
  const b = new Pull();
  try {
    const ua = await a.listen("tcp://127.0.0.1:0");
    const ub = await b.listen(inprocUrl("two-dials"));
    await push.dial(ua.url);
    await push.dial(ub.url);
    await until(() => push.stats.pipes === 2, 2000, "two pipes");
    await push.send("1");
    await push.send("2");
    const got = [text(await within(2000, a.recv())), text(await within(2000, b.recv()))];
    assert.deepEqual(got.sort(), ["1", "2"]);
  } finally {
    await push.close();
    await a.close();
    await b.close();
  }
});

test("sp dial before listen: dial resolves at once and connects once the address listens (tcp) [SP-SOCK-2]", async () => {
  const port = await freePort();
  const url = `tcp://127.0.0.1:${port}`;
  const push = new Push({ reconnectIvl: 20 });
  const pull = new Pull();
  try {
    const failed = push.monitor.next("connect-failed");
    await within(100, push.dial(url), "dial resolving");
    const f = await within(2000, failed);
    assert.equal(f.url, url);
    const connected = push.monitor.next("connected");
    await pull.listen(url);
    await within(2000, connected);
    await push.send("late listener");
    assert.equal(text(await within(2000, pull.recv())), "late listener");
  } finally {
    await push.close();
    await pull.close();
  }
});

test("sp dial before listen on inproc connects as soon as the name is listened on [SP-INPROC-3, SP-SOCK-2]", async () => {
  const url = inprocUrl("late");
  const push = new Push({ reconnectIvl: 60000 });
  const pull = new Pull();
  try {
    await push.dial(url);
    await delay(10);
    const connected = push.monitor.next("connected");
    const start = Date.now();
    await pull.listen(url);
    await within(500, connected);
    assert.ok(Date.now() - start < 500, "no reconnectIvl wait");
    await push.send("x");
    assert.equal(text(await within(1000, pull.recv())), "x");
  } finally {
    await push.close();
    await pull.close();
  }
});

test("sp reconnect waits double after each failure up to reconnectIvlMax [SP-SOCK-3]", async () => {
  const url = `tcp://127.0.0.1:${await freePort()}`;
  const push = new Push({ reconnectIvl: 10, reconnectIvlMax: 40 });
  const delays: number[] = [];
  const done = new Promise<void>((resolve) => {
    push.monitor.on((e) => {
      if (e.type === "reconnect" && delays.push(e.delay) === 5) resolve();
    });
  });
  try {
    await push.dial(url);
    await within(3000, done);
    assert.deepEqual(delays, [10, 20, 40, 40, 40]);
  } finally {
    await push.close();
  }
});

test("sp reconnect keeps reconnectIvl when reconnectIvlMax is 0, with jitter of at most 25 % [SP-SOCK-3]", async () => {
  const url = `tcp://127.0.0.1:${await freePort()}`;
  const push = new Push({ reconnectIvl: 40 });
  const times: number[] = [];
  const delays: number[] = [];
  const done = new Promise<void>((resolve) => {
    push.monitor.on((e) => {
      if (e.type === "reconnect") delays.push(e.delay);
      if (e.type === "connect-failed" && times.push(Date.now()) === 6) resolve();
    });
  });
  try {
    await push.dial(url);
    await within(3000, done);
    assert.ok(delays.every((d) => d === 40), `delays ${delays}`);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 40 ms ± 25 % is 30..50 ms; allow for timer and connect slack
    for (const g of gaps) assert.ok(g >= 25 && g <= 400, `gaps ${gaps}`);
  } finally {
    await push.close();
  }
});

test("sp a dialer reconnects after its peer goes away [SP-SOCK-3]", async () => {
  const listener = await RawListener.listen("tcp://127.0.0.1:0", spHeader(PULL));
  const push = new Push({ reconnectIvl: 20 });
  try {
    await push.dial(listener.url);
    const first = await listener.accept();
    const reconnect = push.monitor.next("reconnect");
    await first.close();
    assert.equal((await within(2000, reconnect)).delay, 20);
    const second = await listener.accept();
    await push.send("again");
    assert.equal(text(await second.recv()), "again");
  } finally {
    await push.close();
    await listener.close();
  }
});

test("sp sendTimeout and recvTimeout fail with ETIMEDOUT; -1 waits [SP-SOCK-4]", async () => {
  const pull = new Pull({ recvTimeout: 30 });
  const push = new Push({ sendTimeout: 30 });
  const patient = new Pull();
  try {
    let start = Date.now();
    await assert.rejects(pull.recv(), code("ETIMEDOUT"));
    assert.ok(Date.now() - start >= 25);
    start = Date.now();
    await assert.rejects(push.send("x"), code("ETIMEDOUT"));
    assert.ok(Date.now() - start >= 25);
    await expectQuiet(patient, 80); // the default -1 is still waiting after 80 ms
  } finally {
    await pull.close();
    await push.close();
    await patient.close();
  }
});

test("sp an abort signal ends a waiting recv or send with its reason; the socket stays usable [SP-SOCK-5]", async () => {
  const pull = new Pull();
  const push = new Push();
  try {
    const reason = new Error("stop waiting");
    const stop = new AbortController();
    const r = pull.recv({ signal: stop.signal });
    stop.abort(reason);
    await assert.rejects(r, (e) => e === reason);
    const stop2 = new AbortController();
    const s = push.send("never sent", { signal: stop2.signal });
    stop2.abort(reason);
    await assert.rejects(s, (e) => e === reason);
    await assert.rejects(
      push.send("x", { signal: AbortSignal.abort(reason) }),
      (e) => e === reason,
    );
    await assert.rejects(pull.recv({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
    await marry(pull, push, inprocUrl("abort"));
    await push.send("after");
    assert.equal(text(await within(1000, pull.recv())), "after", "the aborted message never went");
  } finally {
    await pull.close();
    await push.close();
  }
});

test("sp close fails waiting calls and later calls with ECLOSED and reports closed [SP-SOCK-6]", async () => {
  const pull = new Pull();
  const push = new Push();
  const events: MonitorEvent["type"][] = [];
  pull.monitor.on((e) => events.push(e.type));
  const { url } = await pull.listen("tcp://127.0.0.1:0");
  const waitingRecv = pull.recv();
  const waitingSend = push.send("no peer");
  const closedRecv = assert.rejects(waitingRecv, code("ECLOSED"));
  const closedSend = assert.rejects(waitingSend, code("ECLOSED"));
  await pull.close();
  await push.close();
  await closedRecv;
  await closedSend;
  assert.equal(pull.closed, true);
  assert.equal(events.at(-1), "closed");
  await assert.rejects(pull.recv(), code("ECLOSED"));
  await assert.rejects(push.send("x"), code("ECLOSED"));
  await assert.rejects(pull.listen("tcp://127.0.0.1:0"), code("ECLOSED"));
  await assert.rejects(push.dial(url), code("ECLOSED"));
  await pull.close(); // again: harmless
  await assert.rejects(RawPeer.dial(url, null), code("ECONNREFUSED"));
});

test(
  "sp close returns promptly while a dialed connection still waits for the peer's header [SP-SOCK-6]",
  async () => {
    const listener = await RawListener.listen("tcp://127.0.0.1:0", null); // never answers
    const push = new Push({ handshakeTimeout: 1500 });
    try {
      await push.dial(listener.url);
      await listener.accept();
      const start = Date.now();
      await push.close();
      const took = Date.now() - start;
      assert.ok(took < 500, `close took ${took} ms`);
    } finally {
      await push.close();
      await listener.close();
    }
  },
);

test("sp close drops the socket's peers and `await using` closes it [SP-SOCK-6]", async () => {
  const listener = await RawListener.listen("tcp://127.0.0.1:0", spHeader(PULL));
  try {
    {
      await using push = new Push();
      await push.dial(listener.url);
      await listener.accept();
    }
    await listener.peers[0]!.closedByPeer();
  } finally {
    await listener.close();
  }
});

test("sp close waits for queued messages to leave (linger) [SP-SOCK-7]", async () => {
  const pull = new Pull({ recvMaxSize: 0 });
  const push = new Push();
  try {
    await marry(pull, push, "tcp://127.0.0.1:0");
    const big = new Uint8Array(4 * 1024 * 1024).fill(7);
    await push.send(big);
    await push.close(); // default linger: 1000 ms
    const got = await within(3000, pull.recv());
    assert.equal(got.length, big.length);
  } finally {
    await push.close();
    await pull.close();
  }
});

/** A push whose only peer stopped reading, with megabytes queued. */
async function stuckPush() {
  const listener = await RawListener.listen("tcp://127.0.0.1:0", spHeader(PULL));
  const push = new Push();
  await push.dial(listener.url);
  const peer = await listener.accept();
  peer.conn.pause();
  await until(() => push.stats.pipes === 1, 2000, "pipe up");
  const chunk = new Uint8Array(256 * 1024);
  for (let i = 0; i < 64; i++) await push.send(chunk); // 16 MiB, far more than the OS buffers
  await delay(20);
  return { listener, push };
}

test("sp close with linger 0 returns at once; a finite linger bounds the wait [SP-SOCK-7]", async () => {
  for (const [linger, min, max] of [[0, 0, 300], [150, 100, 1000]] as const) {
    const { listener, push } = await stuckPush();
    try {
      const start = Date.now();
      await push.close({ linger });
      const took = Date.now() - start;
      assert.ok(took >= min && took < max, `linger ${linger} took ${took} ms`);
    } finally {
      await push.close();
      await listener.close();
    }
  }
});

test(
  "sp close with a bad linger fails with EINVAL and the socket can still be closed [SP-SOCK-7]",
  async () => {
    const push = new Push();
    const endpoint = await push.listen("tcp://127.0.0.1:0");
    try {
      await assert.rejects(push.close({ linger: -1 }), code("EINVAL"));
      await push.close({ linger: 0 });
      await assert.rejects(RawPeer.dial(endpoint.url, null), code("ECONNREFUSED"));
    } finally {
      await endpoint.close(); // releases the port even when close() is stuck
    }
  },
);

test("sp for await yields messages and ends when the socket closes [SP-SOCK-8]", async () => {
  const pull = new Pull();
  const push = new Push();
  try {
    await marry(pull, push, inprocUrl("iterate"));
    for (const m of ["a", "b", "c"]) await push.send(m);
    const got: string[] = [];
    const loop = (async () => {
      for await (const msg of pull) {
        got.push(text(msg));
        if (got.length === 3) void pull.close();
      }
    })();
    await within(2000, loop, "the loop ending");
    assert.deepEqual(got, ["a", "b", "c"]);
  } finally {
    await pull.close();
    await push.close();
  }
});

test("sp strings go out as UTF-8; other message types fail with EINVAL; recv gives Uint8Array [SP-SOCK-11]", async () => {
  const pull = new Pull();
  const push = new Push();
  try {
    await marry(pull, push, "tcp://127.0.0.1:0");
    await push.send("héllo ✓");
    const got = await within(2000, pull.recv());
    assert.ok(got instanceof Uint8Array);
    assert.deepEqual(got, new TextEncoder().encode("héllo ✓"));
    for (const bad of [42, null, {}, [1, 2], new ArrayBuffer(2)]) {
      await assert.rejects(push.send(bad as unknown as string), code("EINVAL"));
    }
  } finally {
    await pull.close();
    await push.close();
  }
});

test("sp listen on port 0 reports the real port; closing an endpoint stops only that endpoint [SP-SOCK-12]", async () => {
  const pull = new Pull();
  const far = new Pull();
  const push = new Push({ reconnectIvl: 20 });
  try {
    const ep = await pull.listen("tcp://127.0.0.1:0");
    assert.match(ep.url, /^tcp:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    const farEp = await far.listen("tcp://127.0.0.1:0");
    const d1 = await push.dial(ep.url);
    await push.dial(farEp.url);
    await until(() => push.stats.pipes === 2 && pull.stats.pipes === 1, 2000, "both pipes");
    // closing the dialer drops its pipe and stops its reconnecting
    const gone = pull.monitor.next("disconnected");
    await d1.close();
    await within(2000, gone);
    await delay(60);
    assert.equal(push.stats.pipes, 1);
    assert.equal(pull.stats.pipes, 0);
    // closing the listener stops accepting and closes the pipes it accepted (nng_listener_close)
    await push.dial(ep.url);
    await until(() => pull.stats.pipes === 1, 2000, "accepted again");
    const dropped = pull.monitor.next("disconnected");
    await ep.close();
    await within(2000, dropped);
    assert.equal(pull.stats.pipes, 0);
    await assert.rejects(RawPeer.dial(ep.url, null), code("ECONNREFUSED"));
    await until(() => push.stats.pipes === 1, 2000, "the dialer lost that pipe");
    await push.send("to far");
    assert.equal(text(await within(2000, far.recv())), "to far");
  } finally {
    await push.close();
    await pull.close();
    await far.close();
  }
});

test("sp REQ with the wrong peer on a listener side is refused [SP-ID-2, SP-TCP-9]", async () => {
  const pull = new Pull();
  const req = new Req({ reconnectIvl: 1000 });
  try {
    const failed = pull.monitor.next("handshake-failed");
    const { url } = await pull.listen(listenUrl("tcp", "wrong"));
    await req.dial(url);
    const e = await within(2000, failed);
    assert.match(e.reason, /req0.*pull0|pull0.*req0/);
  } finally {
    await req.close();
    await pull.close();
  }
});

test("trySend/tryRecv never wait: false/undefined when they would, messages when they need not, and waiting calls go first [SP-SOCK-13]", async () => {
  await using pull = new Pull();
  await using push = new Push({ sendHwm: 2 });
  assert.equal(pull.tryRecv(), undefined, "nothing yet");
  assert.equal(push.trySend("x"), false, "no peer: send would wait");
  const { url } = await pull.listen(inprocUrl("try"));
  const connected = push.monitor.next("connected");
  await push.dial(url);
  await within(2000, connected, "connected");
  assert.equal(push.trySend("a"), true);
  assert.equal(push.trySend("b"), true);
  let first: Uint8Array | undefined;
  await until(() => (first = pull.tryRecv()) !== undefined, 2000, "a, without waiting");
  assert.equal(text(first!), "a");
  assert.equal(text(await within(2000, pull.recv(), "b")), "b");
  const waiting = pull.recv(); // a parked recv takes the next message, not tryRecv
  assert.equal(push.trySend("c"), true);
  await delay(10);
  assert.equal(pull.tryRecv(), undefined);
  assert.equal(text(await within(2000, waiting, "c")), "c");
  assert.throws(() => push.trySend(42 as unknown as string), code("EINVAL"));
  await pull.close();
  assert.throws(() => pull.tryRecv(), code("ECLOSED"));
});

test("sp a runtime abort reason becomes an MqError: abort() is ECANCELED, AbortSignal.timeout() is ETIMEDOUT [SP-SOCK-5]", async () => {
  await using pull = new Pull();
  const stop = new AbortController();
  const waiting = pull.recv({ signal: stop.signal });
  stop.abort();
  await assert.rejects(waiting, (e: unknown) => {
    assert.ok(e instanceof MqError && e.code === "ECANCELED", String(e));
    assert.equal((e.cause as Error).name, "AbortError");
    return true;
  });
  // Node's AbortSignal.timeout timer does not keep the process alive: this one does meanwhile
  const keepAlive = setTimeout(() => {}, 2000);
  try {
    await assert.rejects(
      pull.recv({ signal: AbortSignal.timeout(10) }),
      (e: unknown) => e instanceof MqError && e.code === "ETIMEDOUT",
    );
  } finally {
    clearTimeout(keepAlive);
  }
  await assert.rejects(
    pull.recv({ signal: AbortSignal.abort() }),
    (e: unknown) => e instanceof MqError && e.code === "ECANCELED",
  );
});

test("sp options errors say what was given: a string is quoted, a wrong type named [SP-SOCK-10]", () => {
  assert.throws(
    () => new Pull({ recvTimeout: "100" as never }),
    /option recvTimeout must be an integer from -1 to \d+, got the string "100"/,
  );
  assert.throws(() => new Pull({ sendHwm: {} as never }), /got an object/);
  assert.throws(() => new Pull({ raw: 1 as never }), /option raw must be a boolean, got 1/);
});

test("sp listen errors say what is wrong: an unresolvable host, a missing ipc directory [SP-SOCK-9]", async () => {
  await using pull = new Pull();
  await assert.rejects(
    pull.listen("tcp://no.such.host.invalid:0"),
    (e: unknown) => e instanceof MqError && e.code === "EADDRNOTAVAIL",
  );
  // Deno and Bun report the missing directory (ENOENT); node:net reports EACCES for it (EPERM)
  await assert.rejects(
    pull.listen("ipc:///no/such/dir/edgemq.ipc"),
    (e: unknown) =>
      e instanceof MqError &&
      (e.code === "ENOENT" && /directory/.test(e.message) || e.code === "EPERM"),
  );
});
