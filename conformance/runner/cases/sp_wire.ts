/**
 * SP cases: the connection header and the framing of the TCP and IPC mappings (nanomsg's
 * sp-tcp-mapping-01 and sp-ipc-mapping-01), for every protocol.
 *
 * @module
 */
import type { Case } from "../case.ts";
import { frame } from "../../_raw_sp.ts";
import { spHeader, SpPeer } from "../sp_peer.ts";
import { concat } from "../zmtp_peer.ts";
import { toHex } from "../transcript.ts";
import { expect } from "../verdict.ts";
import {
  checkEcho,
  connect,
  expectEcho,
  ownId,
  peerId,
  probe,
  request,
  SP_ECHO,
  spCase,
} from "./_sp.ts";

const HEADER = "SP TCP mapping §Connection header";
const FRAMING = "SP TCP mapping §Framing";
const IPC = "SP IPC mapping";

/** Sends a bad header and expects the target to close the connection. */
function refusal(name: string, header: (peer: number) => Uint8Array, differs?: string): Case {
  return spCase({
    section: HEADER,
    name,
    disruptive: true,
    ...(differs === undefined ? {} : { differs }),
    async run(ctx) {
      const link = await ctx.open();
      link.write(header(peerId(ctx.target)));
      const closed = await link.closedWithin(ctx.stepMs);
      expect(closed, "the target closes the connection", `still open after ${ctx.stepMs} ms`);
    },
  });
}

export const spWireCases: readonly Case[] = [
  // first: a whole header exchange (nngcat --dial exits when its first connection fails)
  spCase({
    section: HEADER,
    name: "header is 00 53 50 00, the target's protocol id, 00 00 [SP-TCP-5, SP-ID-1]",
    async run(ctx) {
      const peer = await connect(ctx);
      const want = spHeader(ownId(ctx.target));
      expect(toHex(peer.header!) === toHex(want), `header ${toHex(want)}`, toHex(peer.header!));
    },
  }),
  spCase({
    section: HEADER,
    name: "sends its 8-byte header at once, without waiting for the runner's [SP-TCP-5]",
    async run(ctx) {
      const peer = new SpPeer(await ctx.open());
      await peer.readHeader();
    },
  }),
  refusal(
    "refuses a header whose signature is not 00 53 50, and closes [SP-TCP-6]",
    (p) => Uint8Array.from([0, 0x53, 0x51, 0, p >> 8, p & 0xff, 0, 0]),
  ),
  refusal(
    "refuses a header whose version byte is not 0 [SP-TCP-7]",
    (p) => Uint8Array.from([0, 0x53, 0x50, 1, p >> 8, p & 0xff, 0, 0]),
  ),
  refusal(
    "refuses a header whose reserved bytes are not zero [SP-TCP-8]",
    (p) => Uint8Array.from([0, 0x53, 0x50, 0, p >> 8, p & 0xff, 0, 1]),
    "nanomsg 1.1.5 does not check the reserved bytes; NNG and mangos refuse them.",
  ),
  spCase({
    section: HEADER,
    name: "refuses a peer of another protocol right after the header exchange [SP-TCP-9, SP-ID-2]",
    disruptive: true,
    async run(ctx) {
      const wrong = ownId(ctx.target) === 0x10 ? 0x11 : 0x10; // pair1 for pair0, else pair0
      const link = await ctx.open();
      link.write(spHeader(wrong));
      const closed = await link.closedWithin(ctx.stepMs);
      expect(
        closed,
        `the target closes a connection from protocol 0x${wrong.toString(16)}`,
        `still open after ${ctx.stepMs} ms`,
      );
    },
  }),
  spCase({
    section: HEADER,
    name: "decodes a message that arrives in the same write as the header [SP-TCP-17]",
    types: SP_ECHO,
    async run(ctx) {
      const peer = new SpPeer(await ctx.open());
      const sent = request(ctx.target.type, "right behind the header");
      peer.link.write(concat([spHeader(peerId(ctx.target)), frame(sent, peer.link.ipc)]));
      await peer.readHeader();
      checkEcho(ctx.target, sent, await peer.recv("the answer"));
    },
  }),
  spCase({
    section: FRAMING,
    name: "carries a message with an empty body [SP-TCP-10]",
    types: SP_ECHO,
    async run(ctx) {
      await expectEcho(await connect(ctx), ctx.target, request(ctx.target.type, ""));
    },
  }),
  spCase({
    section: FRAMING,
    name: "decodes a message written one byte at a time [SP-TCP-11]",
    types: SP_ECHO,
    async run(ctx) {
      const peer = await connect(ctx);
      const sent = request(ctx.target.type, "one byte at a time");
      await peer.link.writeInPieces(frame(sent, peer.link.ipc), 1);
      checkEcho(ctx.target, sent, await peer.recv("the answer"));
    },
  }),
  spCase({
    section: FRAMING,
    name: "carries a 100 KiB message whole both ways [SP-TCP-10]",
    types: SP_ECHO,
    async run(ctx) {
      const body = Uint8Array.from({ length: 100 * 1024 }, (_, i) => (i * 7) & 0xff);
      await expectEcho(await connect(ctx), ctx.target, request(ctx.target.type, body));
    },
  }),
  spCase({
    section: FRAMING,
    name: "takes several messages from one write and answers each, in order [SP-TCP-11]",
    types: ["rep0", "pair0", "pair1", "bus0"],
    async run(ctx) {
      const peer = await connect(ctx);
      // rep0 answers one request at a time; the others take the whole batch
      const sent = [1, 2, 3].map((i) => request(ctx.target.type, `message ${i}`, 0x80000000 + i));
      if (ctx.target.type === "rep0") {
        for (const s of sent) await expectEcho(peer, ctx.target, s);
        return;
      }
      peer.link.write(concat(sent.map((s) => frame(s, peer.link.ipc))));
      for (const s of sent) checkEcho(ctx.target, s, await peer.recv("the answers in order"));
    },
  }),
  spCase({
    section: FRAMING,
    name: "closes the connection on a length of 2^62 [SP-TCP-13, SP-TCP-12]",
    disruptive: true,
    differs: "A receiver may also close because 2^62 is over its recvMaxSize; any close passes.",
    async run(ctx) {
      const peer = await connect(ctx);
      const head = new Uint8Array(peer.link.ipc ? 9 : 8);
      if (peer.link.ipc) head[0] = 1;
      new DataView(head.buffer).setBigUint64(peer.link.ipc ? 1 : 0, 1n << 62n);
      peer.link.write(concat([head, new Uint8Array(16)]));
      const closed = await peer.link.closedWithin(ctx.stepMs);
      expect(closed, "the target closes the connection", `still open after ${ctx.stepMs} ms`);
    },
  }),
  spCase({
    section: IPC,
    name: "every ipc message starts with the type byte 0x01 [SP-IPC-2, SP-IPC-1]",
    ipcOnly: true,
    types: ["rep0", "respondent0", "pair0", "pair1", "bus0", "req0", "surveyor0", "pub0", "push0"],
    async run(ctx) {
      await probe(ctx, await connect(ctx)); // SpPeer.recv checks the type byte
    },
  }),
];
