/**
 * The runner's scripted ZMTP peer: it writes greetings, commands and frames built by hand and reads
 * the target's with its own small parser (independent of edgemq's `protocols/zmtp/` codecs, so the
 * target is judged by the RFC's bytes, not by the code under test). ZMTP 3.x and 2.0 framing.
 *
 * @module
 */
import { zmtpCommand, zmtpGreeting } from "../_raw_zmtp.ts";
import type { Link } from "./link.ts";
import { toHex } from "./transcript.ts";
import { CaseFailure, expect } from "./verdict.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The target's greeting as read. */
export interface Greeting {
  /** Every greeting byte (12 for ZMTP 2.0, 64 for 3.x). */
  readonly raw: Uint8Array;
  /** Byte 10: the major version (or revision). */
  readonly major: number;
  /** Byte 11 for 3.x; undefined for 2.0. */
  readonly minor?: number;
  /** The mechanism name, NULs stripped (3.x). */
  readonly mechanism?: string;
  /** The as-server byte (3.x). */
  readonly asServer?: number;
  /** The socket-type byte of a ZMTP 2.0 greeting. */
  readonly v2Type?: number;
}

/** One frame as read. */
export interface Frame {
  /** The flags byte. */
  readonly flags: number;
  /** The body. */
  readonly body: Uint8Array;
}

/** A command: its name and data. */
export interface Command {
  /** The name (`READY`, `PING`, ...). */
  readonly name: string;
  /** The data after the name. */
  readonly data: Uint8Array;
}

/** A command or a whole message, as {@linkcode ZmtpPeer.next} reads them. */
export type Item = { kind: "command"; command: Command } | { kind: "message"; frames: Frame[] };

/** Frame flag bits (RFC 23/37 §Framing). */
export const MORE = 0x01, LONG = 0x02, COMMAND = 0x04;

/**
 * One frame on the wire: flags, a 1- or 8-byte size, the body. `long` forces the 8-byte size.
 *
 * @example
 * ```ts
 * import { encodeFrame } from "./zmtp_peer.ts";
 * console.log(encodeFrame(0, new Uint8Array([0x61]))); // Uint8Array(3) [ 0, 1, 97 ]
 * ```
 */
export function encodeFrame(flags: number, body: Uint8Array, long = body.length > 255): Uint8Array {
  const head = long ? 9 : 2;
  const out = new Uint8Array(head + body.length);
  out[0] = long ? flags | LONG : flags & ~LONG;
  if (long) new DataView(out.buffer).setBigUint64(1, BigInt(body.length));
  else out[1] = body.length;
  out.set(body, head);
  return out;
}

/**
 * A whole message: its frames, MORE on all but the last.
 *
 * @example
 * ```ts
 * import { encodeMessage } from "./zmtp_peer.ts";
 * console.log(encodeMessage([new Uint8Array(0), new Uint8Array([1])]).length); // 5
 * ```
 */
export function encodeMessage(frames: readonly Uint8Array[], long = false): Uint8Array {
  const parts = frames.map((f, i) =>
    encodeFrame(i < frames.length - 1 ? MORE : 0, f, long || f.length > 255)
  );
  return concat(parts);
}

/**
 * Bytes joined into one array.
 *
 * @example
 * ```ts
 * import { concat } from "./zmtp_peer.ts";
 * console.log(concat([new Uint8Array([1]), new Uint8Array([2])])); // Uint8Array(2) [ 1, 2 ]
 * ```
 */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Metadata (READY properties) as name → value, or a failure naming where it is truncated.
 *
 * @example
 * ```ts
 * import { parseMetadata } from "./zmtp_peer.ts";
 * const m = parseMetadata(new Uint8Array([1, 0x41, 0, 0, 0, 1, 0x42]));
 * console.log(m.get("A")); // Uint8Array(1) [ 66 ]
 * ```
 */
export function parseMetadata(data: Uint8Array): Map<string, Uint8Array> {
  const props = new Map<string, Uint8Array>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at < data.length) {
    const nameLength = data[at]!;
    const valueAt = at + 1 + nameLength + 4;
    expect(
      valueAt <= data.length,
      "metadata: name length, name, 4-byte value length",
      `truncated at byte ${at}: ${toHex(data)}`,
    );
    const name = dec.decode(data.subarray(at + 1, at + 1 + nameLength));
    const valueLength = view.getUint32(at + 1 + nameLength);
    expect(
      valueAt + valueLength <= data.length,
      `metadata: property ${name} of ${valueLength} bytes`,
      `truncated: ${toHex(data)}`,
    );
    if (!props.has(name)) props.set(name, data.slice(valueAt, valueAt + valueLength));
    at = valueAt + valueLength;
  }
  return props;
}

/** How the runner greets: the version it claims and the mechanism it names. */
export interface Hello {
  /** The socket type announced in READY (or as the ZMTP 2.0 type byte). */
  readonly socketType: string;
  /** An Identity property (ZMTP 3) or identity frame (ZMTP 2.0). */
  readonly identity?: Uint8Array;
  /** The greeting's minor version. @default 1 */
  readonly minor?: number;
}

/** The runner's side of one ZMTP connection. */
export class ZmtpPeer {
  /** The connection. */
  readonly link: Link;
  /** The target's greeting, once read. */
  greeting: Greeting | undefined;
  /** The target's READY properties, once read. */
  ready: Map<string, Uint8Array> | undefined;
  /** Commands the target sent between messages (PING, SUBSCRIBE, ...), oldest first. */
  readonly commands: Command[] = [];
  /** 2 after a ZMTP 2.0 greeting: no command frames. */
  framing: 2 | 3 = 3;
  /** The minor version the runner announced (0: the target must treat it as ZMTP 3.0). */
  announcedMinor = 1;
  /** Whole messages read while looking for a command. */
  readonly #messages: Frame[][] = [];
  /** Frames of a message whose last frame has not arrived. */
  readonly #partial: Frame[] = [];

  constructor(link: Link) {
    this.link = link;
  }

  /** Opens a connection and greets the target with ZMTP 3.x NULL and READY. */
  static async connect(open: () => Promise<Link>, hello: Hello): Promise<ZmtpPeer> {
    const peer = new ZmtpPeer(await open());
    await peer.handshake(hello);
    return peer;
  }

  /** Sends our greeting and READY, reads the target's, checking the parts every case relies on. */
  async handshake(hello: Hello): Promise<void> {
    const props: Record<string, string> = { "Socket-Type": hello.socketType };
    const ready = readyCommand(props, hello.identity);
    this.announcedMinor = hello.minor ?? 1;
    this.link.write(concat([zmtpGreeting(3, hello.minor ?? 1), ready]));
    const g = await this.readGreeting();
    expect(g.major >= 3, "a ZMTP 3.x greeting (major 3)", `major ${g.major}`);
    expect(g.mechanism === "NULL", "mechanism NULL", `mechanism "${g.mechanism}"`);
    this.ready = parseMetadata((await this.readCommand("READY")).data);
  }

  /** Reads the 10-byte signature and checks it (`0xFF`, 8 bytes, bit 0 of byte 9 set). */
  async readSignature(): Promise<Uint8Array> {
    const sig = await this.link.read(10, "a greeting signature");
    expect(sig[0] === 0xff, "signature byte 0 is 0xFF", `0x${toHex(sig.subarray(0, 1))}`);
    expect(
      (sig[9]! & 1) === 1,
      "signature byte 9 has bit 0 set (0x7F)",
      `0x${toHex(sig.subarray(9, 10))}`,
    );
    return sig;
  }

  /** Reads a whole greeting: 64 bytes for 3.x, or 12 for a target that answered in ZMTP 2.0. */
  async readGreeting(afterSignature?: Uint8Array): Promise<Greeting> {
    const sig = afterSignature ?? await this.readSignature();
    const major = (await this.link.read(1, "the greeting's version byte"))[0]!;
    if (major < 3) {
      const type = (await this.link.read(1, "a ZMTP 2.0 socket-type byte"))[0]!;
      this.framing = 2;
      return (this.greeting = {
        raw: concat([sig, new Uint8Array([major, type])]),
        major,
        v2Type: type,
      });
    }
    const rest = await this.link.read(53, "the rest of a 64-byte greeting");
    const raw = concat([sig, new Uint8Array([major]), rest]);
    return (this.greeting = {
      raw,
      major,
      minor: raw[11]!,
      mechanism: dec.decode(raw.subarray(12, 32)).replace(/\0+$/, ""),
      asServer: raw[32]!,
    });
  }

  /** Reads one frame, whatever it is. */
  async readFrame(what = "a frame"): Promise<Frame> {
    const flags = (await this.link.read(1, `${what}: flags byte`))[0]!;
    let size: number;
    if (flags & LONG) {
      const b = await this.link.read(8, `${what}: 8-byte size`);
      const big = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
      expect(big < 2n ** 31n, `${what}: a size the runner can read`, `size ${big}`);
      size = Number(big);
    } else size = (await this.link.read(1, `${what}: size byte`))[0]!;
    const body = await this.link.read(size, `${what}: body`);
    return { flags, body };
  }

  /** Reads the next command, which must be named `name` (a data frame first is a failure). */
  async readCommand(name: string): Promise<Command> {
    const f = await this.readFrame(`a ${name} command`);
    expect(
      (f.flags & COMMAND) !== 0,
      `a ${name} command frame`,
      `a data frame (flags 0x${f.flags.toString(16)}) ${toHex(f.body)}`,
    );
    const cmd = parseCommand(f.body);
    expect(cmd.name === name, `a ${name} command`, `a ${cmd.name} command`);
    return cmd;
  }

  /** Reads the next whole message, keeping any commands met on the way in {@linkcode commands}. */
  async recv(what = "a message"): Promise<Frame[]> {
    const queued = this.#messages.shift();
    if (queued !== undefined) return queued;
    for (;;) {
      const next = await this.#readNext(what);
      if (next.kind === "message") return next.frames;
      this.commands.push(next.command);
    }
  }

  /** The bodies of the next whole message. */
  async recvBodies(what = "a message"): Promise<Uint8Array[]> {
    return (await this.recv(what)).map((f) => f.body);
  }

  /**
   * Reads until a command named `name` arrives; other commands go to {@linkcode commands} and
   * messages to the queue {@linkcode recv} reads first (a PUSH target sends all the time).
   */
  async recvCommand(name: string): Promise<Command> {
    const seen = this.commands.findIndex((c) => c.name === name);
    if (seen >= 0) return this.commands.splice(seen, 1)[0]!;
    for (;;) {
      const next = await this.#readNext(`a ${name} command`);
      if (next.kind === "message") this.#messages.push(next.frames);
      else if (next.command.name === name) return next.command;
      else this.commands.push(next.command);
    }
  }

  /** The next command or whole message, whichever comes first (queued ones first). */
  async next(what = "a command or message"): Promise<Item> {
    const queued = this.#messages.shift();
    if (queued !== undefined) return { kind: "message", frames: queued };
    const command = this.commands.shift();
    if (command !== undefined) return { kind: "command", command };
    return await this.#readNext(what);
  }

  /** The next command, or the next message once its last frame is in. */
  async #readNext(what: string): Promise<Item> {
    for (;;) {
      const f = await this.readFrame(what);
      if (this.framing === 3 && (f.flags & COMMAND) !== 0) {
        return { kind: "command", command: parseCommand(f.body) };
      }
      this.#partial.push(f);
      if ((f.flags & MORE) === 0) return { kind: "message", frames: this.#partial.splice(0) };
    }
  }

  /** Sends a message. */
  send(frames: readonly (Uint8Array | string)[], long = false): void {
    this.link.write(encodeMessage(frames.map(bytes), long));
  }

  /** Sends a command. */
  sendCommand(name: string, data: Uint8Array | string = new Uint8Array(0)): void {
    this.link.write(zmtpCommand(name, bytes(data)));
  }
}

/** A READY command with these properties (and an Identity if given, which may be any bytes). */
export function readyCommand(props: Record<string, string>, identity?: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const prop = (name: string, value: Uint8Array): void => {
    const head = new Uint8Array(1 + name.length + 4);
    head[0] = name.length;
    head.set(enc.encode(name), 1);
    new DataView(head.buffer).setUint32(1 + name.length, value.length);
    parts.push(head, value);
  };
  for (const [name, value] of Object.entries(props)) prop(name, enc.encode(value));
  if (identity !== undefined) prop("Identity", identity);
  return zmtpCommand("READY", concat(parts));
}

/** A command body as name and data, or a failure if it is malformed (ZMTP-CMD-1). */
export function parseCommand(body: Uint8Array): Command {
  expect(
    body.length >= 1 && body[0]! >= 1 && 1 + body[0]! <= body.length,
    "a command: name length 1-255, name, data",
    `body ${toHex(body)}`,
  );
  return { name: dec.decode(body.subarray(1, 1 + body[0]!)), data: body.slice(1 + body[0]!) };
}

/** Text as UTF-8 bytes; bytes as they are. */
export function bytes(x: Uint8Array | string): Uint8Array {
  return typeof x === "string" ? enc.encode(x) : x;
}

/** Bytes as text for messages in reports: UTF-8 if printable, else hex. */
export function show(b: Uint8Array): string {
  const s = dec.decode(b);
  return /^[\x20-\x7e]*$/.test(s) ? JSON.stringify(s) : `0x${toHex(b)}`;
}

/** A message's frames for reports: `["", "hello"]`. */
export function showFrames(frames: readonly Uint8Array[]): string {
  return `[${frames.map(show).join(", ")}]`;
}

/** True if two byte arrays are equal. */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Fails unless the frames are exactly `want`. */
export function expectFrames(
  got: readonly Uint8Array[],
  want: readonly Uint8Array[],
  what: string,
): void {
  const ok = got.length === want.length && got.every((g, i) => same(g, want[i]!));
  if (!ok) throw new CaseFailure(`${what}: ${showFrames(want)}`, showFrames(got));
}
