/**
 * Fault: a half-open connection. The REP server, a child process, is paused with SIGSTOP: its
 * kernel keeps the connection open and even completes new TCP handshakes, but nothing answers.
 * Then SIGCONT lets it go on.
 *
 * - ZMTP with heartbeats (`heartbeatIvl`, `heartbeatTimeout`): the client notices the silence,
 *   closes the connection, says so in the monitor (`disconnected`, "heartbeat timed out"), and
 *   keeps reconnecting (each new connection's handshake times out while the server sleeps); once
 *   the server wakes, requests are answered again.
 * - ZMTP without heartbeats, and SP (which has none): nothing notices; the connection stays up
 *   and a request waits, as long as the caller's deadline allows. SP's REQ resends its request
 *   every `resendTime` on the same connection; when the server wakes it answers every copy, the
 *   client takes the first reply and drops the others. (A silent raw peer on the listening side is
 *   `protocols/zmtp/engine_test.ts` [ZMTP-BEAT-2].)
 *
 * @module
 */
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../../mod.ts";
import { delay, until } from "../../testing/async.ts";
import {
  awaitEvent,
  eventsOf,
  killRep,
  recordEvents,
  type RepServer,
  startRep,
  text,
  withDeadline,
} from "./_faults.ts";

/** Asks once, waiting up to `ms`; rejects if no reply comes by then. */
async function askZmq(req: zmq.Req, request: string, ms: number): Promise<string> {
  await req.send(request);
  return (await withDeadline(ms, (signal) => req.recv({ signal }), request)).map(text).join("|");
}

/** Asks, trying again every 300 ms (relaxed, correlate) for up to `ms`. */
async function askZmqUntilAnswered(req: zmq.Req, request: string, ms: number): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await askZmq(req, request, 300);
    } catch (e) {
      if (Date.now() > end) throw e;
    }
  }
}

/** Runs `body` with a REP child of `kind`, continuing and killing it whatever happens. */
async function withPausableRep(
  kind: "edgemq-sp" | "edgemq-zmq",
  body: (server: RepServer) => Promise<void>,
): Promise<void> {
  const server = await startRep(kind, "tcp://127.0.0.1:0", "0");
  try {
    await body(server);
  } finally {
    server.proc.signal("SIGCONT");
    await killRep(server);
  }
}

/** How long the server sleeps in the cases that expect nothing to notice. */
const PAUSE = 1000;

describe("fault: a peer that stops answering without closing (SIGSTOP)", () => {
  test("zmq heartbeats close the silent connection and say so; traffic resumes after SIGCONT [FAULT-HALFOPEN-1]", async () => {
    await withPausableRep("edgemq-zmq", async (server) => {
      await using req = new zmq.Req({
        relaxed: true,
        correlate: true,
        heartbeatIvl: 100,
        heartbeatTimeout: 300,
        handshakeTimeout: 400,
        reconnectIvl: 50,
      });
      const events = recordEvents(req);
      await req.connect(server.url);
      assert.equal(await askZmqUntilAnswered(req, "before", 5000), "0:before");
      server.proc.signal("SIGSTOP");
      const stopped = Date.now();
      const e = await awaitEvent(events, "disconnected", /heartbeat timed out/, 3000);
      const noticed = Date.now() - stopped;
      // a PING every 100 ms, closed 300 ms after one goes unanswered: 300 to 400 ms, plus load
      assert.ok(noticed < 2000, `noticed only after ${noticed} ms`);
      assert.match(JSON.stringify(e), /nothing received 300 ms after PING/);
      // the sleeping server's kernel accepts the reconnections; their handshakes time out
      await awaitEvent(events, "handshake-failed", /timed out after 400 ms/, 3000);
      assert.equal(req.stats.pipes, 0, "no live connection while the server sleeps");
      server.proc.signal("SIGCONT");
      assert.equal(await askZmqUntilAnswered(req, "after", 5000), "0:after");
    });
  });

  test("zmq without heartbeats: the silent connection stays up, the request waits for SIGCONT [FAULT-HALFOPEN-2]", async () => {
    await withPausableRep("edgemq-zmq", async (server) => {
      await using req = new zmq.Req({ relaxed: true, correlate: true });
      const events = recordEvents(req);
      await req.connect(server.url);
      assert.equal(await askZmqUntilAnswered(req, "before", 5000), "0:before");
      server.proc.signal("SIGSTOP");
      await req.send("during");
      const during = withDeadline(PAUSE, (signal) => req.recv({ signal }), "during");
      await assert.rejects(during, /1000 ms passed/);
      assert.equal(eventsOf(events, "disconnected").length, 0, "nothing noticed the silence");
      assert.equal(req.stats.pipes, 1, "the connection is still up");
      server.proc.signal("SIGCONT");
      const reply = await withDeadline(5000, (signal) => req.recv({ signal }), "after SIGCONT");
      assert.equal(reply.map(text).join("|"), "0:during");
    });
  });

  test("sp has no heartbeats: the connection stays up, REQ resends on it, the first reply after SIGCONT wins [FAULT-HALFOPEN-3]", async () => {
    await withPausableRep("edgemq-sp", async (server) => {
      await using req = new sp.Req({ resendTime: 200 });
      const events = recordEvents(req);
      await req.dial(server.url, { wait: true });
      await req.send("before");
      assert.equal(text(await withDeadline(5000, (signal) => req.recv({ signal }))), "0:before");
      server.proc.signal("SIGSTOP");
      await req.send("during");
      await assert.rejects(
        withDeadline(PAUSE, (signal) => req.recv({ signal }), "during"),
        /1000 ms passed/,
      );
      assert.equal(eventsOf(events, "disconnected").length, 0, "nothing noticed the silence");
      assert.equal(req.stats.pipes, 1, "the connection is still up");
      const sent = req.pipeStatistics()[0]!.tx_msgs; // "before", then "during" and its resends
      assert.ok(sent >= 4, `sent ${sent} messages: the request was not resent every 200 ms`);
      server.proc.signal("SIGCONT");
      const reply = await withDeadline(5000, (signal) => req.recv({ signal }), "after SIGCONT");
      assert.equal(text(reply), "0:during");
      // the server answers every copy; the client keeps the first and drops the rest as stale
      await until(() => req.stats.dropped >= 1, 3000, "a stale reply dropped");
      await delay(50);
    });
  });
});
