/**
 * The conformance runner against deliberately broken targets: it must report FAIL, with the
 * expectation and the offending bytes, never pass them. A raw server that answers a ZMTP greeting
 * with an HTTP error, a "REP" that drops the envelope (a ROUTER answering without the delimiter),
 * and an SP rep0 that drops the request id.
 *
 * @module
 */
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { zmq } from "../../mod.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { parseEndpoint } from "../../transports/url.ts";
import type { Connection } from "../../transports/transport.ts";
import { RawListener, spHeader } from "../_raw_sp.ts";
import { allCases } from "./cases/mod.ts";
import type { CaseResult, Report } from "./report.ts";
import { runCases } from "./run.ts";
import { toHex } from "./transcript.ts";

const enc = new TextEncoder();

function result(report: Report, pattern: RegExp): CaseResult {
  const r = report.results.find((x) => pattern.test(x.name));
  assert.ok(r !== undefined, `no case matching ${pattern}`);
  return r;
}

/** Every byte the target sent in a result's transcript, as hex. */
function seen(r: CaseResult): string {
  return r.transcript.filter((e) => e.dir === "seen").map((e) => e.hex).join("");
}

describe("conformance runner against broken targets", () => {
  test("a server that answers with HTTP fails the greeting cases, its bytes in the report", async () => {
    const http = enc.encode("HTTP/1.1 400 Bad Request\r\n\r\n");
    const conns: Connection[] = [];
    const ep = parseEndpoint("tcp://127.0.0.1:0", "listen");
    assert.ok(ep.scheme === "tcp");
    const listener = await tcpTransport().listen(ep, (conn) => {
      conns.push(conn);
      conn.onData = () => {};
      conn.write(http);
    });
    try {
      const target = { wire: "zmtp", type: "REP", url: listener.url, role: "dial" } as const;
      const report = await runCases(target, allCases(), { stepMs: 300, filter: /signature/ });
      assert.ok(report.summary.total >= 2);
      assert.equal(report.summary.failed, report.summary.total, JSON.stringify(report.summary));
      const r = result(report, /signature is 0xFF/);
      assert.equal(r.status, "fail");
      assert.match(r.expected ?? "", /0xFF/);
      assert.match(r.observed ?? "", /0x48/); // "H"
      assert.ok(seen(r).startsWith(toHex(http).slice(0, 20)), seen(r));
    } finally {
      await listener.close();
      for (const c of conns) {
        c.close();
        await c.closed;
      }
    }
  });

  test("a REP that drops the empty delimiter fails the REP cases with the reply it sent", async () => {
    await using router = new zmq.Router(); // announces itself as ROUTER, answers like a broken REP
    const { url } = await router.bind("tcp://127.0.0.1:0");
    const stop = new AbortController();
    const serving = (async () => {
      while (!stop.signal.aborted) {
        const msg = await router.recv({ signal: stop.signal }).catch(() => undefined);
        if (msg === undefined) break;
        const body = msg.slice(msg.findIndex((f) => f.length === 0) + 1);
        await router.send([msg[0]!, ...body]); // the envelope's delimiter dropped
      }
    })();
    try {
      const target = { wire: "zmtp", type: "REP", url, role: "dial" } as const;
      const report = await runCases(target, allCases(), {
        stepMs: 500,
        filter: /^REP |Socket-Type, the target/,
      });
      const reply = result(report, /REP answers a request and puts the empty delimiter back/);
      assert.equal(reply.status, "fail");
      assert.match(reply.expected ?? "", /\["", "hello"\]/);
      assert.match(reply.observed ?? "", /^\["hello"\]$/);
      assert.ok(
        seen(reply).includes("000568656c6c6f"),
        "the reply frame (0x00, 5, hello) is in the transcript",
      );
      const type = result(report, /Socket-Type, the target's type/);
      assert.equal(type.status, "fail");
      assert.match(type.observed ?? "", /ROUTER/);
    } finally {
      stop.abort();
      await serving;
    }
  });

  test("an SP rep0 that drops the request id fails, and the report carries the bytes", async () => {
    const raw = await RawListener.listen("tcp://127.0.0.1:0", spHeader(0x31));
    const stop = new AbortController();
    const serving = (async () => {
      while (!stop.signal.aborted) {
        const peer = await raw.accept(200).catch(() => undefined);
        if (peer === undefined) continue;
        void (async () => {
          for (;;) {
            const msg = await peer.recv(60000).catch(() => undefined);
            if (msg === undefined) return;
            peer.send(msg.subarray(4)); // no request id in front
          }
        })();
      }
    })();
    try {
      const target = { wire: "sp", type: "rep0", url: raw.url, role: "dial" } as const;
      const report = await runCases(target, allCases(), {
        stepMs: 500,
        filter: /rep0 answers with the request id/,
      });
      assert.equal(report.summary.failed, 1, JSON.stringify(report.results));
      const r = report.results[0]!;
      assert.match(r.expected ?? "", /8000abcd68656c6c6f/);
      assert.equal(r.observed, "68656c6c6f");
      assert.ok(r.transcript.some((e) => e.dir === "sent" && e.hex.includes("8000abcd")));
    } finally {
      stop.abort();
      await serving;
      await raw.close();
    }
  });
});
