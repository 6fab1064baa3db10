/**
 * The runner's scripted SP peer: the 8-byte header and 64-bit length framing (with the ipc type
 * byte on ipc), built and parsed here, independent of edgemq's `protocols/sp/wire.ts`.
 *
 * @module
 */
import { frame, spHeader } from "../_raw_sp.ts";
import type { Link } from "./link.ts";
import { toHex } from "./transcript.ts";
import { expect } from "./verdict.ts";

export { spHeader };

/** The runner's side of one SP connection. */
export class SpPeer {
  /** The connection. */
  readonly link: Link;
  /** The target's 8 header bytes, once read. */
  header: Uint8Array | undefined;

  constructor(link: Link) {
    this.link = link;
  }

  /** Opens a connection, sends our header for `protocol`, and reads the target's. */
  static async connect(open: () => Promise<Link>, protocol: number): Promise<SpPeer> {
    const peer = new SpPeer(await open());
    peer.link.write(spHeader(protocol));
    await peer.readHeader();
    return peer;
  }

  /** Reads the target's 8-byte header. */
  async readHeader(): Promise<Uint8Array> {
    return (this.header = await this.link.read(8, "the 8-byte SP header"));
  }

  /** The protocol id in the target's header. */
  get protocol(): number {
    return this.header === undefined ? -1 : (this.header[4]! << 8) | this.header[5]!;
  }

  /** Sends one message (its header words and body together). */
  send(body: Uint8Array): void {
    this.link.write(frame(body, this.link.ipc));
  }

  /** Reads the next message; on ipc its type byte must be 0x01 (SP-IPC-2). */
  async recv(what = "a message"): Promise<Uint8Array> {
    if (this.link.ipc) {
      const type = await this.link.read(1, `${what}: ipc type byte`);
      expect(type[0] === 1, "ipc message type byte 0x01", `0x${toHex(type)}`);
    }
    const len = await this.link.read(8, `${what}: 64-bit length`);
    const big = new DataView(len.buffer, len.byteOffset, 8).getBigUint64(0);
    expect(big < 2n ** 31n, `${what}: a length the runner can read`, `length ${big}`);
    return await this.link.read(Number(big), `${what}: body of ${big} bytes`);
  }
}

/**
 * Big-endian u32 words followed by a body (SP header words: request ids, hop counts).
 *
 * @example
 * ```ts
 * import { withWords } from "./sp_peer.ts";
 * console.log(withWords([0x80000001], new Uint8Array([7]))); // Uint8Array(5) [ 128, 0, 0, 1, 7 ]
 * ```
 */
export function withWords(words: readonly number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 * words.length + body.length);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w >>> 0));
  out.set(body, 4 * words.length);
  return out;
}

/** The big-endian u32 at `at`. */
export function wordAt(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at);
}
