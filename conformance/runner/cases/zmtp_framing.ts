/**
 * ZMTP cases: framing (RFC 23/37 §Framing), checked on the types that answer what they get (REP,
 * DEALER, ROUTER, PAIR under the target contract): what the target takes, and how it frames what
 * it sends back.
 *
 * @module
 */
import type { Case } from "../case.ts";
import { bytes, concat, encodeFrame, expectFrames, LONG, MORE } from "../zmtp_peer.ts";
import { zmtpCommand } from "../../_raw_zmtp.ts";
import { expect } from "../verdict.ts";
import { requireHeartbeats } from "./zmtp_heartbeat.ts";
import { connect, ECHO_TYPES, expectEcho, expectEchoOf, expectedEcho, zmtpCase } from "./_zmtp.ts";

const FRAMING = "RFC 37 §Framing";

/** The frames a request to the target starts with (REP needs the empty delimiter). */
function lead(type: string): Uint8Array[] {
  return type === "REP" ? [new Uint8Array(0)] : [];
}

function filled(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

export const framingCases: readonly Case[] = [
  zmtpCase({
    section: FRAMING,
    name:
      "delivers a three-frame message whole: the answer has every frame, in order [ZMTP-FRAME-3, ZMTP-MODEL-5]",
    types: ECHO_TYPES,
    async run(ctx) {
      const peer = await connect(ctx);
      await expectEchoOf(
        peer,
        ctx.target,
        [...lead(ctx.target.type), "one", "two", "three"],
        "the whole message back",
      );
    },
  }),
  zmtpCase({
    section: FRAMING,
    name:
      "sends bodies up to 255 bytes in short frames, longer ones LONG, MORE on all but the last [ZMTP-FRAME-1]",
    types: ECHO_TYPES,
    async run(ctx) {
      if (ctx.target.reply !== undefined) {
        ctx.note("the target answers a fixed body: only that is checked");
      }
      const peer = await connect(ctx);
      const sent = [...lead(ctx.target.type), filled(255, 1), filled(256, 2), bytes("end")];
      peer.send(sent);
      const frames = await peer.recv("the answer");
      expectFrames(frames.map((f) => f.body), expectedEcho(ctx.target, sent), "the answer");
      frames.forEach((f, i) => {
        const last = i === frames.length - 1;
        expect(
          ((f.flags & MORE) !== 0) === !last,
          `MORE ${last ? "clear on the last frame" : "set"} (frame ${i})`,
          `flags 0x${f.flags.toString(16)}`,
        );
        expect(
          ((f.flags & LONG) !== 0) === f.body.length > 255,
          `LONG only for bodies over 255 bytes (frame ${i}, ${f.body.length} bytes)`,
          `flags 0x${f.flags.toString(16)}`,
        );
      });
    },
  }),
  zmtpCase({
    section: FRAMING,
    name: "accepts an 8-byte LONG size on a short body [ZMTP-FRAME-2]",
    types: ECHO_TYPES,
    async run(ctx) {
      const peer = await connect(ctx);
      const frames = [...lead(ctx.target.type), bytes("long-sized")];
      peer.send(frames, true);
      await expectEcho(peer, ctx.target, frames, "the answer");
    },
  }),
  zmtpCase({
    section: FRAMING,
    name: "carries a 100 KiB frame whole both ways [ZMTP-FRAME-1, ZMTP-FRAME-2]",
    types: ECHO_TYPES,
    async run(ctx) {
      const peer = await connect(ctx);
      await expectEchoOf(
        peer,
        ctx.target,
        [...lead(ctx.target.type), filled(100 * 1024, 7)],
        "the 100 KiB frame back",
      );
    },
  }),
  zmtpCase({
    section: FRAMING,
    name: "accepts empty frames inside a message [ZMTP-FRAME-10]",
    types: ECHO_TYPES,
    async run(ctx) {
      const peer = await connect(ctx);
      await expectEchoOf(
        peer,
        ctx.target,
        [...lead(ctx.target.type), "a", new Uint8Array(0), "b"],
        "the message with its empty frame",
      );
    },
  }),
  zmtpCase({
    section: FRAMING,
    name: "decodes a message written one byte at a time [ZMTP-FRAME-4]",
    types: ECHO_TYPES,
    async run(ctx) {
      const peer = await connect(ctx);
      const frames = [...lead(ctx.target.type), bytes("byte"), bytes("by byte")];
      await peer.link.writeInPieces(
        concat(frames.map((f, i) => encodeFrame(i < frames.length - 1 ? MORE : 0, f))),
        1,
      );
      await expectEcho(peer, ctx.target, frames, "the answer");
    },
  }),
  zmtpCase({
    section: FRAMING,
    name:
      "a PING between two frames of a message is answered and does not disturb the message [ZMTP-FRAME-9, ZMTP-HB-3]",
    types: ECHO_TYPES,
    async run(ctx) {
      const peer = await connect(ctx);
      requireHeartbeats(peer);
      const frames = [...lead(ctx.target.type), bytes("before"), bytes("after")];
      const ping = zmtpCommand("PING", new Uint8Array([0, 0, 0x63, 0x74, 0x78]));
      const head = frames.slice(0, -1).map((f) => encodeFrame(MORE, f));
      peer.link.write(concat([...head, ping, encodeFrame(0, frames[frames.length - 1]!)]));
      const got = await peer.recvBodies("the answer");
      expectFrames(got, expectedEcho(ctx.target, frames), "the message, whole");
      const pong = await peer.recvCommand("PONG");
      expectFrames([pong.data], [bytes("ctx")], "a PONG with the context");
    },
  }),
];
