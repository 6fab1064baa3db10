/**
 * Hostile ZMTP peers against a `zmq.Pull` over tcp: traffic that would make edgemq hold far more
 * memory than the peer sent. Each test floods in 1 MiB pieces, watches the process's RSS after
 * every piece and stops as soon as the connection is closed, or as soon as RSS has grown past the
 * test's ceiling (the failure: without the limits these attacks grow RSS by tens of bytes per byte
 * sent, and the loop stops at the ceiling rather than running the process out of memory).
 *
 * @module
 */
import { describe, test } from "../testing/test.ts";
import assert from "node:assert/strict";
import process from "node:process";
import { zmq } from "../mod.ts";
import type { MonitorEvent } from "../protocols/monitor.ts";
import { within } from "../testing/async.ts";
import { RawZmtpPeer, zmtpCommand, zmtpGreeting, zmtpLongHeader, zmtpReady } from "./_raw_zmtp.ts";

const MiB = 1024 * 1024;

interface Flood {
  /** Bytes written before the connection was seen closed (or the ceiling was passed). */
  sent: number;
  /** Largest RSS growth seen over the starting RSS, in bytes. */
  growth: number;
  /** Whether the connection was closed by edgemq. */
  closed: boolean;
}

/** Writes `piece` again and again, up to `total` bytes, while the connection lasts. */
async function flood(
  raw: RawZmtpPeer,
  piece: Uint8Array,
  total: number,
  ceiling: number,
): Promise<Flood> {
  const base = process.memoryUsage().rss;
  let growth = 0;
  let sent = 0;
  while (sent < total && !raw.ended && growth <= ceiling) {
    raw.write(piece);
    sent += piece.length;
    await raw.flush();
    await new Promise((resolve) => setTimeout(resolve, 0)); // let the socket read what arrived
    growth = Math.max(growth, process.memoryUsage().rss - base);
  }
  if (!raw.ended && growth <= ceiling) await raw.waitEnded(2000).catch(() => {});
  growth = Math.max(growth, process.memoryUsage().rss - base);
  return { sent, growth, closed: raw.ended };
}

/** The first monitor event of `type`, waited for up to 2 s. */
async function eventOf(events: MonitorEvent[], type: string): Promise<MonitorEvent> {
  await within(
    2000,
    (async () => {
      while (!events.some((e) => e.type === type)) await new Promise((r) => setTimeout(r, 2));
    })(),
    `monitor event ${type}`,
  );
  return events.find((e) => e.type === type)!;
}

describe("zmtp: memory a hostile peer cannot multiply", () => {
  test("one endless message of empty MORE frames is cut off at maxMsgFrames, RSS bounded [ZMTP-LIMIT-2]", async () => {
    await using pull = new zmq.Pull();
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtpPeer.dial(url);
    try {
      raw.write(new Uint8Array([...zmtpGreeting(), ...zmtpReady({ "Socket-Type": "PUSH" })]));
      await eventOf(events, "accepted");
      const piece = new Uint8Array(MiB);
      for (let i = 0; i < piece.length; i += 2) piece[i] = 0x01; // empty frame, MORE set
      // the cap's frames hold at most 65536 × 512 B = 32 MiB; without it 64 MiB sent grows
      // RSS by over 4 GB (67 bytes per byte sent were measured on Deno)
      const result = await flood(raw, piece, 64 * MiB, 48 * MiB);
      assert.ok(
        result.growth < 48 * MiB,
        `RSS grew by ${(result.growth / MiB).toFixed(1)} MiB after ${result.sent / MiB} MiB sent`,
      );
      assert.ok(result.closed, `still connected after ${result.sent / MiB} MiB`);
      assert.ok(result.sent < 16 * MiB, `closed only after ${result.sent / MiB} MiB`);
      const e = await eventOf(events, "protocol-error");
      assert.ok(
        e.type === "protocol-error" && /more than maxMsgFrames 65536 frames/.test(e.reason),
        JSON.stringify(e),
      );
    } finally {
      await raw.close();
    }
  });

  test("a message over maxMsgSize in frames each under it is cut off at maxMsgSize [ZMTP-LIMIT-1]", async () => {
    await using pull = new zmq.Pull({ maxMsgSize: 4 * MiB });
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtpPeer.dial(url);
    try {
      raw.write(new Uint8Array([...zmtpGreeting(), ...zmtpReady({ "Socket-Type": "PUSH" })]));
      await eventOf(events, "accepted");
      // 1 MiB pieces, each one frame of 1 MiB - 9 bytes with MORE: every frame is under the limit
      const piece = new Uint8Array(MiB);
      piece.set(zmtpLongHeader(0x01, MiB - 9));
      const result = await flood(raw, piece, 64 * MiB, 48 * MiB);
      assert.ok(result.closed, `still connected after ${result.sent / MiB} MiB`);
      assert.ok(result.sent < 16 * MiB, `closed only after ${result.sent / MiB} MiB`);
      const e = await eventOf(events, "protocol-error");
      assert.ok(
        e.type === "protocol-error" && /message larger than maxMsgSize 4194304/.test(e.reason),
        JSON.stringify(e),
      );
    } finally {
      await raw.close();
    }
  });

  test("a 64 MiB data frame before READY is refused on its header, before its body is kept [ZMTP-LIMIT-3]", async () => {
    await using pull = new zmq.Pull();
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtpPeer.dial(url);
    try {
      raw.write(new Uint8Array([...zmtpGreeting(), ...zmtpLongHeader(0x00, 64 * MiB + 1)]));
      // without the check the whole frame was buffered (256 MiB took Deno from 92 to 425 MB)
      const result = await flood(raw, new Uint8Array(MiB), 65 * MiB, 32 * MiB);
      assert.ok(result.closed, `still connected after ${result.sent / MiB} MiB`);
      assert.ok(result.growth < 32 * MiB, `RSS grew by ${(result.growth / MiB).toFixed(1)} MiB`);
      const e = await eventOf(events, "handshake-failed");
      assert.ok(
        e.type === "handshake-failed" &&
          /data frame before the NULL handshake was done/.test(e.reason),
        JSON.stringify(e),
      );
    } finally {
      await raw.close();
    }
  });

  test("a 64 MiB command before READY is refused on its size field [ZMTP-LIMIT-3]", async () => {
    await using pull = new zmq.Pull();
    const events: MonitorEvent[] = [];
    pull.monitor.on((e) => events.push(e));
    const { url } = await pull.bind("tcp://127.0.0.1:0");
    const raw = await RawZmtpPeer.dial(url);
    try {
      raw.write(new Uint8Array([...zmtpGreeting(), ...zmtpLongHeader(0x04, 64 * MiB)]));
      raw.write(zmtpCommand("READY").subarray(2)); // the start of a READY that never ends
      const result = await flood(raw, new Uint8Array(MiB), 65 * MiB, 32 * MiB);
      assert.ok(result.closed, `still connected after ${result.sent / MiB} MiB`);
      assert.ok(result.growth < 32 * MiB, `RSS grew by ${(result.growth / MiB).toFixed(1)} MiB`);
      const e = await eventOf(events, "handshake-failed");
      assert.ok(
        e.type === "handshake-failed" && /handshake command over 65536 bytes/.test(e.reason),
        JSON.stringify(e),
      );
    } finally {
      await raw.close();
    }
  });
});
