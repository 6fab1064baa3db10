/**
 * Fuzz targets: the SP stream decoder (`FrameDecoder` of `protocols/sp/wire.ts`) for tcp
 * (sp-tcp-mapping-01: a 64-bit big-endian length, then the message) and ipc (sp-ipc-mapping-01:
 * a message-type byte 0x01 before the length), with a random `recvMaxSize`. Each input is decoded
 * whole and in random chunks; both must equal a model written here, stop at the first error with
 * the documented code, and allocate no more than a few times the bytes given (plus one 64 KiB
 * first buffer), never above the limit.
 *
 * @module
 */
import { FrameDecoder, writePrefix } from "../../../protocols/sp/wire.ts";
import { MqError } from "../../../protocols/errors.ts";
import type { LengthField } from "../_mutate.ts";
import type { Rng } from "../_rng.ts";
import {
  countAllocations,
  describeThrown,
  digest,
  Finding,
  randomChunks,
  type Target,
} from "../_target.ts";

/**
 * The SP stream over the whole input: a prefix (ipc: type 0x01, then) 8-byte length; a length
 * of 2^60 or more, above the limit, or above 2^31 - 1 is `EMSGSIZE`; a bad ipc type is `EPROTO`.
 *
 * @example
 * ```ts
 * import { spFramesModel } from "./sp_frames.ts";
 * console.log(spFramesModel(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0]), false, 0)); // ["m:0:811c9dc5"]
 * ```
 */
export function spFramesModel(b: Uint8Array, ipc: boolean, max: number): string[] {
  const events: string[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const prefix = ipc ? 9 : 8;
  let i = 0;
  while (i + prefix <= b.length) {
    if (ipc && b[i] !== 1) return [...events, "e:EPROTO"];
    const at = ipc ? i + 1 : i;
    const high = view.getUint32(at);
    const length = high * 2 ** 32 + view.getUint32(at + 4);
    if (high >= 2 ** 28 || (max > 0 && length > max) || length > 0x7fffffff) {
      return [...events, "e:EMSGSIZE"];
    }
    if (i + prefix + length > b.length) break;
    events.push(`m:${digest(b.subarray(i + prefix, i + prefix + length))}`);
    i += prefix + length;
  }
  return events;
}

function decode(
  input: Uint8Array,
  chunks: Uint8Array[],
  ipc: boolean,
  max: number,
  name: string,
): string[] {
  const events: string[] = [];
  const decoder = new FrameDecoder({ ipc, maxSize: max }, {
    message: (m) => events.push(`m:${digest(m)}`),
    error: (e) => {
      if (!(e instanceof MqError)) {
        throw new Finding(name, `reported a non-MqError ${describeThrown(e)}`, input);
      }
      events.push(`e:${e.code}`);
    },
  });
  const alloc = countAllocations(() => {
    for (const c of chunks) decoder.push(c);
  });
  if (events.filter((e) => e.startsWith("e:")).length > 1) {
    throw new Finding(name, "reported two errors", input);
  }
  const bound = 4 * input.length + 2 * 65536;
  if (alloc.total > bound) {
    throw new Finding(
      name,
      `allocated ${alloc.total} bytes for ${input.length} input bytes`,
      input,
    );
  }
  if (max > 0 && alloc.largest > max) {
    throw new Finding(name, `allocated ${alloc.largest} bytes at once, limit ${max}`, input);
  }
  return events;
}

/**
 * Checks one input with a random limit (or the one given).
 *
 * @example
 * ```ts
 * import { Rng } from "../_rng.ts";
 * import { checkSpFrames } from "./sp_frames.ts";
 * console.log(checkSpFrames(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0]), new Rng(1), true)); // "error:EPROTO"
 * ```
 */
export function checkSpFrames(
  input: Uint8Array,
  rng: Rng,
  ipc: boolean,
  max = pickMax(rng),
): string {
  const name = ipc ? "sp-frames-ipc" : "sp-frames-tcp";
  try {
    const expected = spFramesModel(input, ipc, max);
    const whole = decode(input, [input], ipc, max, name);
    const chunked = decode(input, randomChunks(input, rng), ipc, max, name);
    for (const [what, got] of [["whole", whole], ["chunked", chunked]] as const) {
      if (got.join(" ") !== expected.join(" ")) {
        throw new Finding(
          name,
          `${what} decoding (max ${max}) gave ${got.length} events [${got.slice(-3).join(" ")}], ` +
            `the model ${expected.length} [${expected.slice(-3).join(" ")}]`,
          input,
        );
      }
    }
    const last = expected.at(-1);
    return last?.startsWith("e:") ? `error:${last.slice(2)}` : `ok:${Math.min(expected.length, 3)}`;
  } catch (e) {
    if (e instanceof Finding) throw e;
    throw new Finding(name, `threw ${describeThrown(e)}`, input, { cause: e });
  }
}

function pickMax(rng: Rng): number {
  return rng.pick([0, 0, 1 + rng.int(300), 1 + rng.int(70000), 2 ** 40]);
}

/** A stream of SP messages as the mapping frames them. */
function stream(ipc: boolean, bodies: number[][]): Uint8Array {
  const prefix = ipc ? 9 : 8;
  const out = new Uint8Array(bodies.reduce((n, b) => n + prefix + b.length, 0));
  let at = 0;
  for (const b of bodies) {
    writePrefix(out, at, b.length, ipc);
    out.set(b, at + prefix);
    at += prefix + b.length;
  }
  return out;
}

function seeds(ipc: boolean): Uint8Array[] {
  const reqId = [0x80, 0, 0, 1];
  return [
    stream(ipc, [[...reqId, 104, 105]]),
    stream(ipc, [[], [1], [...reqId, ...new Array(300).fill(7)]]),
    stream(ipc, [[0, 0, 0, 2, ...reqId, 0x6f, 0x6b], [0x80, 0, 0, 0, 0, 0, 0, 1]]),
    stream(ipc, [new Array(1000).fill(1)]),
  ];
}

function fields(ipc: boolean): (b: Uint8Array) => LengthField[] {
  return (b) => {
    const out: LengthField[] = [];
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i + 9 <= b.length && out.length < 64;) {
      const at = ipc ? i + 1 : i;
      out.push([at, 8]);
      if (ipc) out.push([i, 1]);
      i += (ipc ? 9 : 8) + view.getUint32(at + 4) + view.getUint32(at) * 2 ** 32;
    }
    return out;
  };
}

/** SP over tcp. */
export const spFramesTcpTarget: Target = {
  name: "sp-frames-tcp",
  seeds: seeds(false),
  lengthFields: fields(false),
  run: (input, rng) => checkSpFrames(input, rng, false),
};

/** SP over ipc. */
export const spFramesIpcTarget: Target = {
  name: "sp-frames-ipc",
  seeds: seeds(true),
  lengthFields: fields(true),
  run: (input, rng) => checkSpFrames(input, rng, true),
};
