/**
 * ZMTP cases: the greeting (RFC 23/37 §Greeting, §Version Negotiation) and the NULL handshake
 * (§The NULL Security Mechanism, §The Socket-Type Property).
 *
 * @module
 */
import type { Case } from "../case.ts";
import {
  bytes,
  concat,
  encodeMessage,
  expectFrames,
  parseMetadata,
  readyCommand,
  ZmtpPeer,
} from "../zmtp_peer.ts";
import { zmtpCommand, zmtpGreeting } from "../../_raw_zmtp.ts";
import { ZMTP_TYPES, ZMTP_WRONG_PEER } from "../target.ts";
import { toHex } from "../transcript.ts";
import { expect } from "../verdict.ts";
import { ECHO_TYPES, expectedEcho, helloFor, probe, zmtpCase } from "./_zmtp.ts";

/** A first message an echo type answers (REP needs the delimiter). */
function probeMessage(type: string): Uint8Array[] {
  return type === "REP" ? [new Uint8Array(0), bytes("pipelined")] : [bytes("pipelined")];
}

const GREETING = "RFC 37 §Greeting";
const NULL_MECH = "RFC 37 §NULL mechanism, READY";
const dec = new TextDecoder();

/** The runner's greeting and READY as a valid peer of the target. */
function greetAndReady(type: string, minor = 1): Uint8Array {
  return concat([zmtpGreeting(3, minor), readyCommand({ "Socket-Type": type })]);
}

/** Expects the target to close the connection, and notes whether an ERROR came first. */
async function expectRefusal(peer: ZmtpPeer, what: string): Promise<string> {
  const closed = await peer.link.closedWithin(peer.link.stepMs);
  const seen = toHex(await peer.link.collect(0));
  expect(
    closed,
    `the target closes the connection (${what})`,
    `still open after ${peer.link.stepMs} ms`,
  );
  return seen.includes(ERROR_NAME) ? "with an ERROR command first" : "without an ERROR command";
}

/** A command name field: length 5, then "READY" or "ERROR", in hex. */
const READY_NAME = "055245414459", ERROR_NAME = "054552524f52";

export const greetingCases: readonly Case[] = [
  zmtpCase({
    section: GREETING,
    name: "sends its 10-byte signature without waiting for the runner's [ZMTP-HS-1, ZMTP-GREET-2]",
    differs:
      "A peer may also send its whole 64-byte greeting at once (RFC 37 allows it); that passes.",
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      await peer.readSignature();
    },
  }),
  zmtpCase({
    section: GREETING,
    name: "signature is 0xFF, 8 padding bytes, 0x7F [ZMTP-GREET-1, ZMTP-GREET-3, ZMTP-GREET-4]",
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      const sig = await peer.readSignature();
      expect(sig[9] === 0x7f, "byte 9 is 0x7F", `0x${toHex(sig.subarray(9, 10))}`);
      ctx.note(`padding bytes 1-8: ${toHex(sig.subarray(1, 9))} (never interpreted)`);
    },
  }),
  zmtpCase({
    section: GREETING,
    name: "sends major version 3 once the runner's signature is in [ZMTP-GREET-6, ZMTP-HS-1]",
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      peer.link.write(zmtpGreeting().subarray(0, 10));
      await peer.readSignature();
      const major = (await peer.link.read(1, "the major version after our signature"))[0]!;
      expect(major === 3, "major version 3", `${major}`);
    },
  }),
  zmtpCase({
    section: GREETING,
    name:
      "greeting names mechanism NULL, zero-padded, then as-server and 31 zero bytes [ZMTP-GREET-1, ZMTP-GREET-7, ZMTP-GREET-8]",
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      peer.link.write(zmtpGreeting());
      const g = await peer.readGreeting();
      expect(g.major === 3, "a 64-byte ZMTP 3 greeting", `major ${g.major}`);
      const mech = g.raw.subarray(12, 32);
      expect(
        dec.decode(mech.subarray(0, 4)) === "NULL" && mech.subarray(4).every((b) => b === 0),
        'mechanism "NULL" and 16 zero bytes',
        toHex(mech),
      );
      expect(g.asServer === 0 || g.asServer === 1, "as-server 0 or 1", `${g.asServer}`);
      expect(
        g.raw.subarray(33).every((b) => b === 0),
        "31 zero filler bytes",
        toHex(g.raw.subarray(33)),
      );
      ctx.note(`version ${g.major}.${g.minor}, as-server ${g.asServer}`);
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name:
      "sends READY after the greeting without waiting for the runner's READY [ZMTP-HS-1, ZMTP-MECH-2]",
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      peer.link.write(zmtpGreeting());
      await peer.readGreeting();
      await peer.readCommand("READY");
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name:
      "READY carries Socket-Type, the target's type, as metadata [ZMTP-META-1, ZMTP-META-3, ZMTP-SOCK-1]",
    async run(ctx) {
      const peer = await ZmtpPeer.connect(() => ctx.open(), helloFor(ctx.target));
      const type = peer.ready!.get("Socket-Type");
      expect(
        type !== undefined,
        "a Socket-Type property (exactly that casing)",
        `properties ${[...peer.ready!.keys()].join(", ")}`,
      );
      expect(
        dec.decode(type) === ctx.target.type,
        `Socket-Type "${ctx.target.type}"`,
        `"${dec.decode(type)}"`,
      );
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name: "READY property names are 1-255 characters of A-Z a-z 0-9 - _ . + [ZMTP-META-5]",
    async run(ctx) {
      const peer = await ZmtpPeer.connect(() => ctx.open(), helloFor(ctx.target));
      for (const [name, value] of peer.ready!) {
        expect(
          /^[A-Za-z0-9\-_.+]{1,255}$/.test(name),
          "a property name of the RFC's characters",
          JSON.stringify(name),
        );
        if (name === "Identity") {
          expect(value.length <= 255, "an Identity of at most 255 bytes", `${value.length} bytes`);
        }
      }
      ctx.note(`properties: ${[...peer.ready!.keys()].join(", ")}`);
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name: "accepts the greeting and READY written one byte at a time [ZMTP-HS-2, ZMTP-GREET-9]",
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      await peer.link.writeInPieces(greetAndReady(helloFor(ctx.target).socketType), 1);
      await peer.readGreeting();
      peer.ready = parseMetadata((await peer.readCommand("READY")).data);
      await probe(ctx, peer);
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name:
      "takes a first message written in the same write as the greeting and READY [ZMTP-HS-2, ZMTP-FRAME-4]",
    differs:
      "libzmq 4.3.4 and 4.3.5 close the connection when the end of the greeting, READY and a " +
      "message arrive in one read (observed; real libzmq peers wait for the handshake before sending).",
    types: ECHO_TYPES,
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      const first = probeMessage(ctx.target.type);
      peer.link.write(
        concat([greetAndReady(helloFor(ctx.target).socketType), encodeMessage(first)]),
      );
      await peer.readGreeting();
      await peer.readCommand("READY");
      expectFrames(
        await peer.recvBodies("the answer"),
        expectedEcho(ctx.target, first),
        "the answer",
      );
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name:
      "refuses a peer whose Socket-Type is not a valid peer, and closes [ZMTP-HS-3, ZMTP-SOCK-2]",
    disruptive: true,
    differs:
      "edgemq sends an ERROR command first (RFC 37 §Error Handling); libzmq 4.3 closes without one. Both pass.",
    async run(ctx) {
      const wrong = ZMTP_WRONG_PEER[ctx.target.type]!;
      const peer = new ZmtpPeer(await ctx.open());
      peer.link.write(greetAndReady(wrong));
      ctx.note(
        `closed ${await expectRefusal(
          peer,
          `Socket-Type ${wrong} is not a peer of ${ctx.target.type}`,
        )}`,
      );
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name: "refuses a Socket-Type in the wrong case: lower case is not a valid type [ZMTP-SOCK-3]",
    disruptive: true,
    differs:
      "RFC 37 calls property names case-insensitive but says nothing of values; libzmq and edgemq compare values byte for byte.",
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      peer.link.write(greetAndReady(helloFor(ctx.target).socketType.toLowerCase()));
      await expectRefusal(peer, "a lower-case Socket-Type");
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name: "refuses a READY without Socket-Type [ZMTP-MECH-2]",
    disruptive: true,
    differs: "libzmq 4.3.5 keeps such a connection open (observed with the runner).",
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      peer.link.write(concat([zmtpGreeting(), readyCommand({})]));
      await expectRefusal(peer, "no Socket-Type");
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name:
      "refuses a greeting that names mechanism PLAIN: no READY, connection closed [ZMTP-MECH-1, ZMTP-HS-4]",
    disruptive: true,
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      peer.link.write(zmtpGreeting(3, 1, "PLAIN"));
      const closed = await peer.link.closedWithin(peer.link.stepMs);
      const after = await peer.link.collect(0);
      expect(
        !toHex(after).includes(READY_NAME),
        "no READY to a peer of another mechanism",
        toHex(after),
      );
      expect(closed, "the target closes the connection", `still open after ${peer.link.stepMs} ms`);
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name: "refuses a data frame in place of READY [ZMTP-LIMIT-3]",
    disruptive: true,
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      peer.link.write(concat([zmtpGreeting(), new Uint8Array([0x00, 0x02, 0x68, 0x69])]));
      await expectRefusal(peer, "a data frame before the handshake is done");
    },
  }),
  zmtpCase({
    section: NULL_MECH,
    name: "ends the handshake when the runner sends ERROR [ZMTP-HS-5]",
    disruptive: true,
    differs:
      "libzmq 4.3.5 kept the connection open for the whole step after a NULL ERROR (observed with the runner).",
    async run(ctx) {
      const peer = new ZmtpPeer(await ctx.open());
      const reason = new TextEncoder().encode("conformance runner says no");
      peer.link.write(
        concat([
          zmtpGreeting(),
          zmtpCommand("ERROR", concat([new Uint8Array([reason.length]), reason])),
        ]),
      );
      await expectRefusal(peer, "an ERROR from the peer");
    },
  }),
];

/** The ZMTP 2.0 socket-type number of the target. */
export function v2Number(type: string): number {
  return ZMTP_TYPES[type]!;
}
