/**
 * The SP wire as a peer sees it: headers on live tcp and ipc connections,
 * ipc framing, and the in-process transport.
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { sp } from "../mod.ts";
import type { SpSocket } from "../protocols/sp/socket.ts";
import { until, within } from "../testing/async.ts";
import { code, frame, inprocUrl, marry, RawListener, RawPeer, spHeader, text } from "./_raw_sp.ts";

const SOCKETS: [string, () => SpSocket, number][] = [
  ["Pair", () => new sp.Pair(), 0x10],
  ["Pair1", () => new sp.Pair1(), 0x11],
  ["Pub", () => new sp.Pub(), 0x20],
  ["Sub", () => new sp.Sub(), 0x21],
  ["Req", () => new sp.Req(), 0x30],
  ["Rep", () => new sp.Rep(), 0x31],
  ["Push", () => new sp.Push(), 0x50],
  ["Pull", () => new sp.Pull(), 0x51],
];

test("every SP socket announces its protocol id, without waiting for the peer's header (listening) [SP-ID-1, SP-TCP-5]", async () => {
  for (const [name, make, id] of SOCKETS) {
    const sock = make();
    try {
      const { url } = await sock.listen("tcp://127.0.0.1:0");
      const peer = await RawPeer.dial(url, null); // we say nothing
      assert.deepEqual(await peer.header(), spHeader(id), `${name} header`);
      await peer.close();
    } finally {
      await sock.close();
    }
  }
});

test("every SP socket sends its header at once when it dials, before the peer's [SP-ID-1, SP-TCP-5]", async () => {
  const listener = await RawListener.listen("tcp://127.0.0.1:0", null);
  try {
    for (const [name, make, id] of SOCKETS) {
      const sock = make();
      try {
        await sock.dial(listener.url);
        const peer = await listener.accept();
        assert.deepEqual(await peer.header(), spHeader(id), `${name} header`);
        assert.equal(peer.bytesReceived, 8, "nothing but the header");
        // answer, so that the handshake completes (a socket peer of the right protocol)
        const peerId = id === 0x10 || id === 0x11 ? id : id ^ 1;
        const connected = sock.monitor.next("connected");
        peer.write(spHeader(peerId));
        await within(2000, connected);
      } finally {
        await sock.close();
      }
    }
  } finally {
    await listener.close();
  }
});

function ipcUrl(what: string): string {
  const tag = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  return `ipc:///tmp/edgemq-wire-${what}-${tag}.ipc`;
}

test("ipc carries the SP header exchange and 0x01-typed frames both ways [SP-IPC-1, SP-IPC-2]", async () => {
  const pull = new sp.Pull();
  const push = new sp.Push();
  const url = ipcUrl("frames");
  const listener = await RawListener.listen(ipcUrl("raw"), spHeader(0x51));
  try {
    // a raw pusher dials our pull over ipc
    await pull.listen(url);
    const peer = await RawPeer.dial(url, spHeader(0x50));
    assert.deepEqual(await peer.header(), spHeader(0x51));
    peer.write(frame(new TextEncoder().encode("over ipc"), true));
    assert.equal(text(await within(2000, pull.recv())), "over ipc");
    await peer.close();
    // our push dials a raw puller over ipc: header, then 01 + u64 length + body
    await push.dial(listener.url);
    const raw = await listener.accept();
    await until(() => push.stats.pipes === 1, 2000, "pipe up");
    await push.send("abc");
    assert.equal(text(await raw.recv()), "abc");
    assert.deepEqual(
      raw.allBytes,
      new Uint8Array([...spHeader(0x50), 0x01, 0, 0, 0, 0, 0, 0, 0, 3, 0x61, 0x62, 0x63]),
    );
  } finally {
    await push.close();
    await pull.close();
    await listener.close();
  }
});

test("ipc refuses a bad header or a wrong peer exactly as tcp does [SP-IPC-1, SP-TCP-6, SP-TCP-9]", async () => {
  const pull = new sp.Pull();
  const url = ipcUrl("refuse");
  try {
    await pull.listen(url);
    for (
      const [bytes, reason] of [
        [new Uint8Array([0, 0x53, 0x51, 0, 0, 0x50, 0, 0]), /signature/],
        [spHeader(0x30), /req0.*pull0|pull0.*req0/],
      ] as const
    ) {
      const failed = pull.monitor.next("handshake-failed");
      const peer = await RawPeer.dial(url, bytes);
      await peer.closedByPeer();
      assert.match((await within(2000, failed)).reason, reason);
      await peer.close();
    }
  } finally {
    await pull.close();
  }
});

test("inproc hands whole messages over in order, with the protocol's header words [SP-INPROC-1]", async () => {
  const pull = new sp.Pull();
  const push = new sp.Push();
  const req = new sp.Req();
  const rep = new sp.Rep();
  const a = new sp.Pair1();
  const b = new sp.Pair1();
  try {
    await marry(pull, push, inprocUrl("whole"));
    const sent = Array.from({ length: 50 }, (_, i) => new Uint8Array(i).fill(i));
    for (const m of sent) await push.send(m);
    for (const m of sent) assert.deepEqual(await within(1000, pull.recv()), m);
    // the request id and the pair1 hop count travel as on tcp and are taken off again
    await marry(rep, req, inprocUrl("words"));
    await req.send("q");
    assert.equal(text(await within(1000, rep.recv())), "q");
    await rep.send("r");
    assert.equal(text(await within(1000, req.recv())), "r");
    await marry(a, b, inprocUrl("hops"));
    await b.send("hop");
    assert.equal(text(await within(1000, a.recv())), "hop");
  } finally {
    for (const s of [pull, push, req, rep, a, b]) await s.close();
  }
});

test("inproc: a dialer of the wrong protocol gets no pipe and says why [SP-INPROC-2, SP-ID-2]", async () => {
  const pull = new sp.Pull();
  const req = new sp.Req({ reconnectIvl: 1000 });
  let failures = 0;
  // a breaker, in case the dialer retries without waiting
  req.monitor.on((e) => {
    if (e.type === "connect-failed" && ++failures === 50) void req.close();
  });
  try {
    const url = inprocUrl("wrong");
    await pull.listen(url);
    const failed = req.monitor.next("connect-failed");
    await req.dial(url);
    assert.match((await within(1000, failed)).reason, /pull0.*req0|req0.*pull0/);
    assert.equal(req.stats.pipes, 0);
  } finally {
    await req.close();
    await pull.close();
  }
});

test(
  "inproc: the listener refuses a wrong-protocol dialer too, and the dialer does not spin [SP-INPROC-2]",
  async () => {
    const pull = new sp.Pull();
    const req = new sp.Req({ reconnectIvl: 50 });
    const events: string[] = [];
    pull.monitor.on((e) => events.push(e.type));
    let failures = 0;
    req.monitor.on((e) => {
      if (e.type === "connect-failed" && ++failures === 200) void req.close();
    });
    try {
      const url = inprocUrl("wrong-listener");
      await pull.listen(url);
      const refused = pull.monitor.next("handshake-failed");
      await req.dial(url);
      await within(500, refused);
      await new Promise((resolve) => setTimeout(resolve, 120));
      assert.ok(failures <= 4, `${failures} attempts in about 120 ms with reconnectIvl 50`);
      assert.ok(!events.includes("accepted"), `listener events: ${events.join(", ")}`);
    } finally {
      await req.close();
      await pull.close();
    }
  },
);

test("inproc: a wrong-protocol dialer never takes a message meant for a real peer [SP-INPROC-2]", async () => {
  const push = new sp.Push();
  const wrong = new sp.Rep({ reconnectIvl: 1000 });
  const pull = new sp.Pull();
  let failures = 0;
  wrong.monitor.on((e) => {
    if (e.type === "connect-failed" && ++failures === 20) void wrong.close();
  });
  try {
    const url = inprocUrl("steal");
    await push.listen(url);
    const sent = push.send("precious"); // waits for a puller
    await wrong.dial(url);
    await pull.dial(url);
    await within(1000, sent);
    assert.equal(text(await within(300, pull.recv())), "precious");
  } finally {
    await wrong.close();
    await pull.close();
    await push.close();
  }
});

test("inproc: a taken name fails with EADDRINUSE and is free again after close [SP-INPROC-4]", async () => {
  const a = new sp.Pull();
  const b = new sp.Pull();
  try {
    const url = inprocUrl("taken");
    const ep = await a.listen(url);
    await assert.rejects(b.listen(url), code("EADDRINUSE"));
    await ep.close();
    const again = await b.listen(url);
    assert.equal(again.url, url);
  } finally {
    await a.close();
    await b.close();
  }
});

test("inproc does not apply recvMaxSize [SP-INPROC-5]", async () => {
  const pull = new sp.Pull({ recvMaxSize: 1024 });
  const push = new sp.Push();
  try {
    await marry(pull, push, inprocUrl("big"));
    const big = new Uint8Array(2 * 1024 * 1024).fill(3);
    await push.send(big);
    const got = await within(2000, pull.recv());
    assert.equal(got.length, big.length);
    assert.equal(pull.stats.protocolErrors, 0);
  } finally {
    await push.close();
    await pull.close();
  }
});
