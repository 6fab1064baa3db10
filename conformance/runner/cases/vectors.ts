/**
 * ZMTP cases from captured traffic (`conformance/vectors/*.json`, see the README there): the runner
 * replays, byte for byte, the side of a capture that the target is not, and checks the target
 * answers with the captured shape: a greeting of the same version (ZMTP 2.0 where the capture's
 * peer spoke 2.0), READY or the 2.0 identity frame, the Socket-Type, and messages in the shape the
 * scenario and the target contract give. Identities and properties may differ legitimately, so
 * nothing is compared byte for byte beyond the shape.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Case } from "../case.ts";
import { fromHex, toHex } from "../transcript.ts";
import { expect } from "../verdict.ts";
import { ZMTP_TYPES } from "../target.ts";
import { type Frame, parseMetadata, showFrames, ZmtpPeer } from "../zmtp_peer.ts";
import { zmtpCase } from "./_zmtp.ts";

const VECTORS = "Captured vectors (conformance/vectors)";
const dec = new TextDecoder();

/** What the runner reads of a capture. */
interface Vector {
  readonly id: string;
  readonly client: { readonly socketType: string; readonly identity?: string };
  readonly server: { readonly socketType: string };
  readonly expect: { readonly serverToClient: { readonly messages: readonly string[][] } };
  readonly observed: {
    readonly clientToServer: { readonly downgradedTo2?: boolean };
    readonly serverToClient: {
      readonly downgradedTo2?: boolean;
      readonly v2IdentityMissing?: boolean;
    };
  };
  readonly clientToServer: string;
  readonly serverToClient: string;
}

/** The captures beside the runner; none when the runner runs from a URL (no file system). */
function loadVectors(): Vector[] {
  try {
    const dir = fileURLToPath(new URL("../../vectors/", import.meta.url));
    return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) =>
      JSON.parse(readFileSync(dir + f, "utf8")) as Vector
    );
  } catch {
    return [];
  }
}

/** The replayed side cut where a real peer waits: after its greeting, after its READY (or 2.0 identity). */
function stages(replayed: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  const greeting = replayed[10]! < 3 ? 12 : 64;
  const flags = replayed[greeting]!;
  const long = (flags & 2) !== 0;
  const size = long
    ? Number(new DataView(replayed.buffer, replayed.byteOffset + greeting + 1, 8).getBigUint64(0))
    : replayed[greeting + 1]!;
  const handshake = greeting + (long ? 9 : 2) + size;
  return [
    replayed.subarray(0, greeting),
    replayed.subarray(greeting, handshake),
    replayed.subarray(handshake),
  ];
}

/**
 * Replays the captured side as the captured peer sent it: its greeting, its READY (or identity)
 * once the target's greeting is in, its messages once the target's handshake is in.
 */
async function replay(peer: ZmtpPeer, replayed: Uint8Array, type: string): Promise<void> {
  const [greeting, handshake, rest] = stages(replayed);
  peer.link.write(greeting);
  await expectHandshakeShape(peer, replayed, type, () => peer.link.write(handshake));
  peer.link.write(rest);
}

/** Reads the target's greeting and handshake and checks their shape against the replayed side. */
async function expectHandshakeShape(
  peer: ZmtpPeer,
  replayed: Uint8Array,
  type: string,
  afterGreeting: () => void,
): Promise<void> {
  const v2 = replayed[10]! < 3;
  if (v2) {
    // a 3.x target that met a 2.0 peer: its signature, its major (3), then its socket-type byte
    await peer.readSignature();
    const head = await peer.link.read(2, "major version and ZMTP 2.0 socket-type byte");
    expect(
      head[1] === ZMTP_TYPES[type],
      `a ZMTP 2.0 answer: major 3 then socket-type byte ${ZMTP_TYPES[type]}`,
      toHex(head),
    );
    peer.framing = 2;
    afterGreeting();
    const id = await peer.readFrame("the identity frame");
    expect(
      id.flags === 0 && id.body.length <= 255,
      "one identity frame",
      `flags 0x${id.flags.toString(16)}`,
    );
    return;
  }
  const g = await peer.readGreeting();
  afterGreeting();
  expect(g.raw.length === 64 && g.mechanism === "NULL", "a 64-byte NULL greeting", toHex(g.raw));
  const props = parseMetadata((await peer.readCommand("READY")).data);
  const got = props.get("Socket-Type");
  expect(
    got !== undefined && dec.decode(got) === type,
    `READY with Socket-Type ${type}`,
    got === undefined ? "none" : dec.decode(got),
  );
}

/** The captured messages of one direction as frames. */
function messages(hex: readonly string[][]): Uint8Array[][] {
  return hex.map((m) => m.map(fromHex));
}

/** The messages the target sends within one step (never fails on silence). */
async function gather(peer: ZmtpPeer, ms: number): Promise<Frame[][]> {
  const got: Frame[][] = [];
  const end = Date.now() + ms;
  while (Date.now() < end && (await peer.link.hasData(end - Date.now()))) {
    const item = await peer.next();
    if (item.kind === "message") got.push(item.frames);
  }
  return got;
}

/** Target = the capture's server (ROUTER, PULL, REP, PUB): replay the client. */
function asServer(v: Vector): Case {
  const type = v.server.socketType;
  return zmtpCase({
    section: VECTORS,
    name:
      `answers the captured ${v.client.socketType} of ${v.id} in the captured shape [ZMTP-VEC-2]`,
    types: [type],
    async run(ctx) {
      const replayed = fromHex(v.clientToServer);
      const peer = new ZmtpPeer(await ctx.open());
      await replay(peer, replayed, type);
      if (type === "ROUTER") {
        const want = messages(v.expect.serverToClient.messages);
        for (const w of want) {
          const got = (await peer.recv("the ROUTER's echo")).map((f) => f.body);
          expect(showFrames(got) === showFrames(w), `the echo ${showFrames(w)}`, showFrames(got));
        }
      } else if (type === "REP") {
        const got = (await peer.recv("the REP's answer")).map((f) => f.body);
        expect(
          got.length >= 2 && got[0]!.length === 0,
          "an answer: the empty delimiter, then the body",
          showFrames(got),
        );
      } else {
        // PULL answers nothing; PUB sends only what matches the captured subscription ("msg")
        const got = await gather(peer, ctx.quietMs);
        for (const m of got) {
          const first = dec.decode(m[0]!.body);
          expect(
            type === "PUB" && first.startsWith("msg"),
            type === "PUB" ? 'only messages of the subscribed topic "msg"' : "nothing from a PULL",
            showFrames(m.map((f) => f.body)),
          );
        }
        expect(!peer.link.ended, "the connection stays open", "closed by the target");
      }
    },
  });
}

/** Target = the capture's client (DEALER, PUSH, REQ, SUB): replay the server. */
function asClient(v: Vector): Case {
  const type = v.client.socketType;
  return zmtpCase({
    section: VECTORS,
    name:
      `answers the captured ${v.server.socketType} of ${v.id} in the captured shape [ZMTP-VEC-2]`,
    types: [type],
    async run(ctx) {
      const replayed = fromHex(v.serverToClient);
      const peer = new ZmtpPeer(await ctx.open());
      await replay(peer, replayed, type);
      const v2 = replayed[10]! < 3;
      for (;;) {
        const item = await peer.next(`what a ${type} sends`);
        if (item.kind === "command") {
          if (type === "SUB" && item.command.name === "SUBSCRIBE") return;
          continue;
        }
        const m = item.frames.map((f) => f.body);
        if (type === "SUB") {
          expect(
            m.length === 1 && m[0]![0] === 1 &&
              (v2 || replayed[11] === 0 || peer.greeting?.minor === 0),
            "a subscription in the peer's version's form",
            showFrames(m),
          );
          return;
        }
        if (type === "REQ") {
          expect(
            m.length >= 2 && m[0]!.length === 0,
            "a request: the empty delimiter, then the body",
            showFrames(m),
          );
          return;
        }
        if (type === "DEALER") {
          const want = messages(v.expect.serverToClient.messages)[0]!;
          expect(
            showFrames(m) === showFrames(want),
            `the echo of the captured ${showFrames(want)}`,
            showFrames(m),
          );
          return;
        }
        expect(m.length >= 1, "a message", showFrames(m));
        return; // PUSH
      }
    },
  });
}

/**
 * One case per capture and side the runner can replay: not a side that only downgraded because its
 * peer spoke 2.0 (its bytes are no peer on their own), nor JeroMQ 0.3.6's PULL that sent no
 * identity frame to such a side (a 2.0 peer must send one: RFC 15).
 */
export function vectorCases(): Case[] {
  const out: Case[] = [];
  for (const v of loadVectors()) {
    const server = v.observed.serverToClient;
    if (v.observed.clientToServer.downgradedTo2 !== true) out.push(asServer(v));
    if (server.downgradedTo2 !== true && server.v2IdentityMissing !== true) out.push(asClient(v));
  }
  return out;
}
