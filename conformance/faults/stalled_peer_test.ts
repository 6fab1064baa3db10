/**
 * Fault: a peer that stops in the middle. Beside a good peer of the same socket, a raw peer
 * completes its handshake and then either sends half a frame and goes quiet, or never reads
 * again. Other peers must keep flowing; where edgemq has a way to notice (ZMTP heartbeats), the
 * stalled connection is closed and the monitor says why.
 *
 * - Half a frame: the socket keeps the partial message aside (it is never delivered) and goes
 *   on with the other peers. SP has no timer after the handshake, so the connection stays open
 *   until the peer closes it; ZMTP with heartbeats closes it once a PING goes unanswered.
 *   (Half a handshake is `bad_input_test.ts`: `handshakeTimeout` closes it.)
 * - Never reads: a PUSH's load balancer skips the stalled pipe once its high-water mark is
 *   reached, so every later message goes to the good peer; the messages already handed to the
 *   stalled pipe stay there (sent, counted in its statistics, never received).
 *
 * @module
 */
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../../mod.ts";
import { delay, until } from "../../testing/async.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { parseEndpoint } from "../../transports/url.ts";
import type { Connection } from "../../transports/transport.ts";
import { zmtpGreeting, zmtpReady } from "../_raw_zmtp.ts";
import { spHeader } from "../_raw_sp.ts";
import { awaitEvent, eventsOf, recordEvents, withDeadline } from "./_faults.ts";

type Wire = "sp" | "zmq";

/** A raw tcp connection that has sent `hello` (its side of the handshake); `ended` once closed. */
async function rawPeer(
  url: string,
  hello: Uint8Array,
): Promise<{ conn: Connection; ended(): boolean }> {
  const endpoint = parseEndpoint(url, "dial");
  if (endpoint.scheme !== "tcp") throw new Error(`raw peers here dial tcp, not ${url}`);
  const conn = await tcpTransport().dial(endpoint);
  let ended = false;
  conn.onData = () => {};
  conn.onClose = () => (ended = true);
  conn.write(hello);
  return { conn, ended: () => ended };
}

/** What a PUSH peer says to get past the handshake: SP header, or ZMTP greeting and READY. */
function pushHello(wire: Wire): Uint8Array {
  return wire === "sp"
    ? spHeader(0x50)
    : new Uint8Array([...zmtpGreeting(), ...zmtpReady({ "Socket-Type": "PUSH" })]);
}

/** What a PULL peer says to get past the handshake. */
function pullHello(wire: Wire): Uint8Array {
  return wire === "sp"
    ? spHeader(0x51)
    : new Uint8Array([...zmtpGreeting(), ...zmtpReady({ "Socket-Type": "PULL" })]);
}

/** The start of a message that announces 1000 bytes and brings 10. */
function halfFrame(wire: Wire): Uint8Array {
  const head = wire === "sp"
    ? [0, 0, 0, 0, 0, 0, 0x03, 0xe8]
    : [0x02, 0, 0, 0, 0, 0, 0, 0x03, 0xe8];
  return new Uint8Array([...head, ...new Uint8Array(10).fill(0x61)]);
}

/** A PULL of `wire` listening on tcp, with a good PUSH connected to it. */
async function pullWithGoodPush(wire: Wire, heartbeats: boolean) {
  const zmqOptions = heartbeats ? { heartbeatIvl: 100, heartbeatTimeout: 300 } : {};
  const pull = wire === "sp" ? new sp.Pull() : new zmq.Pull(zmqOptions);
  const push = wire === "sp" ? new sp.Push() : new zmq.Push();
  const events = recordEvents(pull);
  const { url } = pull instanceof sp.Pull
    ? await pull.listen("tcp://127.0.0.1:0")
    : await pull.bind("tcp://127.0.0.1:0");
  await (push instanceof sp.Push ? push.dial(url) : push.connect(url));
  await until(() => pull.stats.pipes === 1, 3000, "the good peer connected");
  return {
    url,
    pull,
    events,
    /** Sends `n` messages through the good peer and checks that all of them arrive. */
    async flows(n: number, tag: string): Promise<void> {
      for (let i = 0; i < n; i++) await push.send(`${tag} ${i}`);
      for (let i = 0; i < n; i++) {
        const msg = await withDeadline<Uint8Array | Uint8Array[]>(
          2000,
          (signal) => pull.recv({ signal }),
          `${tag} ${i}`,
        );
        const bytes = msg instanceof Uint8Array ? msg : msg[0]!;
        assert.equal(new TextDecoder().decode(bytes), `${tag} ${i}`);
      }
    },
    async close(): Promise<void> {
      await push.close({ linger: 0 });
      await pull.close();
    },
  };
}

describe("fault: a peer that stops in the middle", () => {
  for (const wire of ["sp", "zmq"] as const) {
    test(`${wire}: half a frame, then silence: the other peer keeps flowing, the partial message is never delivered [FAULT-STALL-1]`, async () => {
      const rig = await pullWithGoodPush(wire, false);
      const raw = await rawPeer(rig.url, pushHello(wire));
      try {
        await until(() => rig.pull.stats.pipes === 2, 3000, "the raw peer's handshake");
        raw.conn.write(halfFrame(wire));
        await rig.flows(100, "before");
        await delay(500);
        await rig.flows(100, "during");
        assert.equal(raw.ended(), false, "nothing closes a silent peer without heartbeats");
        assert.equal(rig.pull.stats.pipes, 2);
        raw.conn.close();
        await until(() => rig.pull.stats.pipes === 1, 3000, "the raw peer gone");
        await rig.flows(10, "after");
        assert.equal(rig.pull.tryRecv(), undefined, "the partial message was never delivered");
      } finally {
        raw.conn.close();
        await raw.conn.closed;
        await rig.close();
      }
    });
  }

  test("zmq with heartbeats: the peer silent in the middle of a frame is closed when a PING goes unanswered [FAULT-STALL-2]", async () => {
    const rig = await pullWithGoodPush("zmq", true);
    const raw = await rawPeer(rig.url, pushHello("zmq"));
    try {
      await until(() => rig.pull.stats.pipes === 2, 3000, "the raw peer's handshake");
      raw.conn.write(halfFrame("zmq"));
      const stalled = Date.now();
      await rig.flows(100, "during");
      const e = await awaitEvent(rig.events, "disconnected", /heartbeat timed out/, 3000);
      assert.ok(Date.now() - stalled < 2000, `closed after ${Date.now() - stalled} ms`);
      assert.match(JSON.stringify(e), /nothing received 300 ms after PING/);
      await until(raw.ended, 2000, "the raw peer's connection closed");
      await rig.flows(100, "after");
      assert.equal(eventsOf(rig.events, "disconnected").length, 1, "the good peer stayed");
    } finally {
      raw.conn.close();
      await raw.conn.closed;
      await rig.close();
    }
  });

  for (const wire of ["sp", "zmq"] as const) {
    test(`${wire}: a PULL peer that never reads: the PUSH skips it once full, the good PULL gets every later message [FAULT-STALL-3]`, async () => {
      const push = wire === "sp" ? new sp.Push({ sendHwm: 10 }) : new zmq.Push({ sendHwm: 10 });
      const good = wire === "sp" ? new sp.Pull() : new zmq.Pull();
      const { url } = push instanceof sp.Push
        ? await push.listen("tcp://127.0.0.1:0")
        : await push.bind("tcp://127.0.0.1:0");
      const raw = await rawPeer(url, pullHello(wire));
      raw.conn.pause(); // never reads again: the kernel's buffers fill, then the pipe's queue
      try {
        await until(() => push.stats.pipes === 1, 3000, "the raw peer's handshake");
        await (good instanceof sp.Pull ? good.dial(url) : good.connect(url));
        await until(() => push.stats.pipes === 2, 3000, "the good peer connected");
        const body = new Uint8Array(16 * 1024);
        const total = 2000; // 32 MiB, far more than the stalled peer's buffers hold
        let received = 0;
        const stop = new AbortController();
        const receiving = (async () => {
          for (;;) {
            await good.recv({ signal: stop.signal });
            received++;
          }
        })().catch(() => {});
        const started = Date.now();
        for (let i = 0; i < total; i++) {
          await withDeadline(2000, (signal) => push.send(body, { signal }), `send ${i}`);
        }
        const took = Date.now() - started;
        // everything the good pipe was given arrives; the rest sits at the stalled peer
        const sentTo = () => push.pipeStatistics().map((p) => p.tx_msgs).sort((a, b) => a - b);
        await until(() => received === sentTo()[1], 5000, "the good PULL's messages");
        stop.abort();
        await receiving;
        const [stuck, toGood] = sentTo() as [number, number];
        assert.equal(stuck + toGood, total, "every message went to one of the two");
        assert.ok(stuck < 500, `${stuck} messages went to the stalled peer`);
        assert.equal(raw.ended(), false);
        console.log(
          `FAULT stall ${wire} not reading: ${total} sent in ${took} ms, ${stuck} stuck at the ` +
            `stalled peer, ${received} received by the good one`,
        );
      } finally {
        raw.conn.close();
        await raw.conn.closed;
        await push.close({ linger: 0 });
        await good.close();
      }
    });
  }
});
