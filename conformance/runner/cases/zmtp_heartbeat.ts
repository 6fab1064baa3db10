/**
 * ZMTP cases: connection heartbeats (RFC 37 §Connection Heartbeating), on targets that speak 3.1.
 *
 * @module
 */
import type { Case } from "../case.ts";
import { bytes, expectFrames, type ZmtpPeer } from "../zmtp_peer.ts";
import { expect, NotApplicable } from "../verdict.ts";
import { connect, zmtpCase } from "./_zmtp.ts";

const HEARTBEAT = "RFC 37 §Connection heartbeating";

/** PING and PONG are ZMTP 3.1: a target that greets as 3.0 is not asked. */
export function requireHeartbeats(peer: ZmtpPeer): void {
  if ((peer.greeting?.minor ?? 0) < 1) {
    throw new NotApplicable(`the target speaks ZMTP 3.${peer.greeting?.minor ?? 0}: no PING/PONG`);
  }
}

/** PING data: a 2-byte TTL in tenths of a second and the context. */
function ping(ttl: number, context: Uint8Array): Uint8Array {
  const data = new Uint8Array(2 + context.length);
  new DataView(data.buffer).setUint16(0, ttl);
  data.set(context, 2);
  return data;
}

export const heartbeatCases: readonly Case[] = [
  zmtpCase({
    section: HEARTBEAT,
    name: "answers a PING with a PONG carrying the PING's context [ZMTP-HB-3, ZMTP-PING-1]",
    async run(ctx) {
      const peer = await connect(ctx);
      requireHeartbeats(peer);
      peer.sendCommand("PING", ping(0, bytes("conformance")));
      const pong = await peer.recvCommand("PONG");
      expectFrames([pong.data], [bytes("conformance")], "PONG data: the context");
    },
  }),
  zmtpCase({
    section: HEARTBEAT,
    name: "answers a PING with an empty context with an empty PONG [ZMTP-HB-1, ZMTP-HB-3]",
    async run(ctx) {
      const peer = await connect(ctx);
      requireHeartbeats(peer);
      peer.sendCommand("PING", ping(0, new Uint8Array(0)));
      const pong = await peer.recvCommand("PONG");
      expect(pong.data.length === 0, "an empty PONG", `${pong.data.length} bytes`);
    },
  }),
  zmtpCase({
    section: HEARTBEAT,
    name: "answers every PING of a burst, each with its own context, in order [ZMTP-HB-3]",
    async run(ctx) {
      const peer = await connect(ctx);
      requireHeartbeats(peer);
      const contexts = ["a", "bb", "ccc"].map(bytes);
      for (const c of contexts) peer.sendCommand("PING", ping(0, c));
      for (const c of contexts) {
        expectFrames([(await peer.recvCommand("PONG")).data], [c], "the PONGs in order");
      }
    },
  }),
  zmtpCase({
    section: HEARTBEAT,
    name: "closes the connection when the runner stays silent past its PING's TTL [ZMTP-BEAT-3]",
    differs:
      "libzmq and edgemq honour the peer's TTL; an implementation without heartbeat timers keeps the connection.",
    async run(ctx) {
      const peer = await connect(ctx);
      requireHeartbeats(peer);
      const ttl = Math.max(1, Math.floor(ctx.stepMs / 400)); // tenths of a second
      peer.sendCommand("PING", ping(ttl, new Uint8Array(0)));
      await peer.recvCommand("PONG");
      const closed = await peer.link.closedWithin(ttl * 100 + ctx.stepMs);
      expect(
        closed,
        `the connection closed ${ttl * 100} ms after the last byte (TTL ${ttl})`,
        `still open after ${ttl * 100 + ctx.stepMs} ms`,
      );
    },
  }),
];
