/**
 * ZMTP cases: version negotiation (RFC 37 §Version Negotiation, §Detecting ZMTP 2.0 Peers): a 3.0
 * peer, a newer 3.x peer, and a ZMTP 2.0 peer (RFC 15), each shown to carry the pattern.
 *
 * @module
 */
import type { Case, CaseContext } from "../case.ts";
import { COMMAND, encodeFrame, ZmtpPeer } from "../zmtp_peer.ts";
import { zmtpGreeting } from "../../_raw_zmtp.ts";
import { ZMTP_PEER, ZMTP_TYPES } from "../target.ts";
import { toHex } from "../transcript.ts";
import { expect } from "../verdict.ts";
import { connect, probe, recvSubscription, V2_TYPES, zmtpCase } from "./_zmtp.ts";

const VERSION = "RFC 37 §Version negotiation";

/**
 * Greets the target as a ZMTP 2.0 peer: our signature, read the target's signature and major,
 * then revision 1 and our socket-type byte; the target must answer with exactly its socket-type
 * byte, then its identity frame (RFC 15).
 */
async function v2Handshake(ctx: CaseContext): Promise<ZmtpPeer> {
  const peer = new ZmtpPeer(await ctx.open());
  peer.link.write(zmtpGreeting().subarray(0, 10));
  await peer.readSignature();
  const major = (await peer.link.read(1, "the target's major version"))[0]!;
  expect(major >= 3, "major version 3 (a 3.x peer that can downgrade)", `${major}`);
  peer.link.write(new Uint8Array([1, ZMTP_TYPES[ZMTP_PEER[ctx.target.type]!]!]));
  const type = (await peer.link.read(1, "the target's ZMTP 2.0 socket-type byte"))[0]!;
  expect(
    type === ZMTP_TYPES[ctx.target.type],
    `socket-type byte ${ZMTP_TYPES[ctx.target.type]} (${ctx.target.type})`,
    `${type}`,
  );
  peer.framing = 2;
  peer.announcedMinor = 0;
  peer.link.write(encodeFrame(0, new Uint8Array(0))); // our identity: empty
  const identity = await peer.readFrame("the target's identity frame");
  expect(
    identity.flags === 0 && identity.body.length <= 255,
    "one identity frame (flags 0x00, 0-255 bytes)",
    `flags 0x${identity.flags.toString(16)}, ${toHex(identity.body)}`,
  );
  return peer;
}

export const versionCases: readonly Case[] = [
  zmtpCase({
    section: VERSION,
    name: "talks ZMTP 3.0 to a peer whose greeting says 3.0 [ZMTP-GREET-6, ZMTP-GREET-10]",
    async run(ctx) {
      const peer = await connect(ctx, { minor: 0 });
      await probe(ctx, peer);
    },
  }),
  zmtpCase({
    section: VERSION,
    name: "accepts a greeting of a newer minor version (3.2) [ZMTP-GREET-6]",
    async run(ctx) {
      const peer = await connect(ctx, { minor: 2 });
      await probe(ctx, peer);
    },
  }),
  zmtpCase({
    section: VERSION,
    name:
      "SUB sends its subscriptions to a ZMTP 3.0 peer as 0x01+topic messages [ZMTP-SUBCMD-2, ZMTP-SUB-2]",
    types: ["SUB", "XSUB"],
    async run(ctx) {
      const peer = await connect(ctx, { minor: 0 });
      const sub = await recvSubscription(peer);
      expect(
        sub.form === "message",
        "a 0x01+topic message (3.0 has no SUBSCRIBE command)",
        "a SUBSCRIBE command",
      );
    },
  }),
  zmtpCase({
    section: VERSION,
    name:
      "detects a ZMTP 2.0 peer and answers with its socket-type byte and an identity frame [ZMTP-GREET-5, ZMTP-V2-1, ZMTP-V2-2]",
    types: V2_TYPES,
    differs: "zmq.rs 0.4 does not speak ZMTP 2.0; libzmq and JeroMQ do.",
    async run(ctx) {
      await v2Handshake(ctx);
    },
  }),
  zmtpCase({
    section: VERSION,
    name:
      "carries the pattern over ZMTP 2.0 framing and sends no command to a 2.0 peer [ZMTP-FRAME-11, ZMTP-V2-5, ZMTP-V2-6]",
    types: V2_TYPES,
    differs: "zmq.rs 0.4 does not speak ZMTP 2.0.",
    async run(ctx) {
      const peer = await v2Handshake(ctx);
      await probe(ctx, peer);
      const rest = await peer.link.collect(ctx.quietMs);
      // whatever else came must be 2.0 frames: flags without the command bit
      let at = 0;
      while (at + 1 < rest.length) {
        expect(
          (rest[at]! & COMMAND) === 0 && (rest[at]! & 0xf8) === 0,
          "ZMTP 2.0 frames only (no command bit)",
          `flags 0x${rest[at]!.toString(16)} at ${toHex(rest)}`,
        );
        const long = (rest[at]! & 2) !== 0;
        if (long && at + 9 > rest.length) break;
        const size = long
          ? Number(new DataView(rest.buffer, rest.byteOffset + at + 1, 8).getBigUint64(0))
          : rest[at + 1]!;
        at += (long ? 9 : 2) + size;
      }
    },
  }),
];
