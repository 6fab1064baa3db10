/**
 * How edgecat prints a received message: the output formats of nngcat (NNG's manual, nngcat(1),
 * "Receive Options": `no`, `raw`, `ascii`, `quoted`, `hex`, `msgpack`), extended to ZMTP
 * messages of several frames, which stay on one line (or one MessagePack value):
 *
 * - `raw`: the bytes as they are; frames back to back, no delimiter.
 * - `ascii`: printable ASCII (0x20-0x7e) as is, any other byte as `.`; frames separated by a tab
 *   (a tab inside a frame prints as `.`, so the separator is unambiguous); a newline ends it.
 * - `quoted`: each frame in double quotes with C escapes (`\t \n \r \" \\`, other unprintable
 *   bytes `\xNN`), as nngcat 1.5 writes them; frames separated by a space; a newline ends it.
 * - `hex`: each frame in double quotes, every byte as `\xNN`; frames separated by a space.
 * - `msgpack`: a one-frame message is a MessagePack bin (bin 8, 16 or 32, as nngcat); a message
 *   of several frames is a MessagePack array of bins.
 * - `no`: nothing.
 *
 * One difference from nngcat 1.5.2: its `ascii` output has no newline between messages (the
 * manual does not say either way); edgecat ends each message with one, as nanocat does.
 *
 * @module
 */

/**
 * The output formats, by their `--format` names.
 *
 * @example
 * ```ts
 * import { FORMATS } from "./_format.ts";
 * console.log(FORMATS.join("|")); // no|raw|ascii|quoted|hex|msgpack
 * ```
 */
export const FORMATS = ["no", "raw", "ascii", "quoted", "hex", "msgpack"] as const;

/** One output format. */
export type Format = typeof FORMATS[number];

/**
 * True if `name` is a format's name.
 *
 * @example
 * ```ts
 * import { isFormat } from "./_format.ts";
 * console.log(isFormat("hex"), isFormat("json")); // true false
 * ```
 */
export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = "0123456789abcdef";
const encoder = new TextEncoder();

function hexEscape(byte: number): string {
  return `\\x${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

function printable(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e;
}

/**
 * A frame as nngcat's `quoted` format writes it, quotes included.
 *
 * @example
 * ```ts
 * import { quoteFrame } from "./_format.ts";
 * console.log(quoteFrame(new TextEncoder().encode('say "hi"\n'))); // "say \"hi\"\n"
 * ```
 */
export function quoteFrame(frame: Uint8Array): string {
  let out = '"';
  for (const byte of frame) {
    if (byte === QUOTE || byte === BACKSLASH) out += "\\" + String.fromCharCode(byte);
    else if (byte === 0x09) out += "\\t";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (printable(byte)) out += String.fromCharCode(byte);
    else out += hexEscape(byte);
  }
  return out + '"';
}

/**
 * A frame as nngcat's `hex` format writes it: quoted, every byte `\xNN`.
 *
 * @example
 * ```ts
 * import { hexFrame } from "./_format.ts";
 * console.log(hexFrame(new Uint8Array([0x68, 0x69]))); // "\x68\x69"
 * ```
 */
export function hexFrame(frame: Uint8Array): string {
  let out = '"';
  for (const byte of frame) out += hexEscape(byte);
  return out + '"';
}

/**
 * A frame as the `ascii` format writes it: printable ASCII as is, other bytes as `.`.
 *
 * @example
 * ```ts
 * import { asciiFrame } from "./_format.ts";
 * console.log(asciiFrame(new Uint8Array([0x61, 0x0a, 0x62]))); // a.b
 * ```
 */
export function asciiFrame(frame: Uint8Array): string {
  let out = "";
  for (const byte of frame) out += printable(byte) ? String.fromCharCode(byte) : ".";
  return out;
}

/** A MessagePack header: `tag` followed by `length` big-endian in `size` bytes. */
function header(tag: number, size: 1 | 2 | 4, length: number): number[] {
  const out = [tag];
  for (let shift = (size - 1) * 8; shift >= 0; shift -= 8) out.push((length >>> shift) & 0xff);
  return out;
}

/**
 * The MessagePack bin header for `length` bytes of data (bin 8, bin 16 or bin 32).
 *
 * @example
 * ```ts
 * import { msgpackBinHeader } from "./_format.ts";
 * console.log(msgpackBinHeader(300)); // Uint8Array(3) [ 197, 1, 44 ]
 * ```
 */
export function msgpackBinHeader(length: number): Uint8Array {
  if (length < 0x100) return new Uint8Array(header(0xc4, 1, length));
  if (length < 0x10000) return new Uint8Array(header(0xc5, 2, length));
  return new Uint8Array(header(0xc6, 4, length));
}

/**
 * The MessagePack array header for `count` elements (fixarray, array 16 or array 32).
 *
 * @example
 * ```ts
 * import { msgpackArrayHeader } from "./_format.ts";
 * console.log(msgpackArrayHeader(2)); // Uint8Array(1) [ 146 ]
 * ```
 */
export function msgpackArrayHeader(count: number): Uint8Array {
  if (count < 16) return new Uint8Array([0x90 | count]);
  if (count < 0x10000) return new Uint8Array(header(0xdc, 2, count));
  return new Uint8Array(header(0xdd, 4, count));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The bytes edgecat prints for one received message (its frames; an SP message is one frame).
 *
 * @example Two ZMTP frames, quoted
 * ```ts
 * import { formatMessage } from "./_format.ts";
 * const enc = new TextEncoder();
 * const out = formatMessage("quoted", [enc.encode("topic"), enc.encode("a\tb")]);
 * console.log(new TextDecoder().decode(out)); // "topic" "a\tb" and a newline
 * ```
 */
export function formatMessage(format: Format, frames: readonly Uint8Array[]): Uint8Array {
  switch (format) {
    case "no":
      return new Uint8Array(0);
    case "raw":
      return frames.length === 1 ? frames[0]! : concat(frames);
    case "ascii":
      return encoder.encode(frames.map(asciiFrame).join("\t") + "\n");
    case "quoted":
      return encoder.encode(frames.map(quoteFrame).join(" ") + "\n");
    case "hex":
      return encoder.encode(frames.map(hexFrame).join(" ") + "\n");
    case "msgpack": {
      const bins = frames.flatMap((f) => [msgpackBinHeader(f.length), f]);
      return concat(frames.length === 1 ? bins : [msgpackArrayHeader(frames.length), ...bins]);
    }
  }
}
