/**
 * Fuzz targets: the ZMTP frame decoder (`FrameDecoder`, RFC 23/37 §Framing; RFC 15 for ZMTP 2.0),
 * with a random size limit and, in ZMTP 3.x, data frames sometimes refused. Each input is decoded
 * whole and in random chunks; both must equal a model written here from the RFC (whole messages,
 * commands, then at most one error, in order), and the memory the decoder allocates must stay
 * within a few times the bytes it was given (plus one 64 KiB first buffer) and within the limit.
 *
 * @module
 */
import { DEFAULT_MAX_MSG_FRAMES, FrameDecoder } from "../../../protocols/zmtp/frame.ts";
import type { Rng } from "../_rng.ts";
import {
  countAllocations,
  describeThrown,
  digest,
  Finding,
  randomChunks,
  type Target,
} from "../_target.ts";
import { capturedFrames, frameLengthFields } from "../_vectors.ts";

/** How a decoder is set up for one input. */
export interface FrameConfig {
  readonly v2: boolean;
  /** As `maxMsgSize`: 0 or less is no limit. */
  readonly max: number;
  readonly acceptData: boolean;
}

/** What came out: "m:" messages (frame digests), "c:" commands, "e:" the error. */
type Events = string[];

/**
 * The framing rules over the whole input: a flags byte (reserved bits `0xF8`, or `0xFC` in 2.0; a
 * command may not have MORE), a 1-byte or, with LONG, an 8-byte big-endian size (above 2^53 - 1 is
 * refused), the size checked against the limit — a command's own, a data frame's with the frames
 * before it in its message (and at most `DEFAULT_MAX_MSG_FRAMES` frames) — then the body.
 *
 * @example
 * ```ts
 * import { framesModel } from "./zmtp_frames.ts";
 * const events = framesModel(new Uint8Array([0, 1, 65]), { v2: false, max: -1, acceptData: true });
 * console.log(events.length); // 1
 * ```
 */
export function framesModel(b: Uint8Array, config: FrameConfig): Events {
  const events: Events = [];
  let frames: string[] = [];
  let msgBytes = 0; // of the frames of the message being read
  let i = 0;
  while (i < b.length) {
    const flags = b[i]!;
    if ((flags & (config.v2 ? 0xfc : 0xf8)) !== 0) return [...events, "e:reserved-flags"];
    if (!config.acceptData && (flags & 4) === 0) return [...events, "e:unexpected-data"];
    if ((flags & 5) === 5) return [...events, "e:command-more"];
    const width = (flags & 2) !== 0 ? 8 : 1;
    if (i + 1 + width > b.length) break;
    let size = b[i + 1]!;
    if (width === 8) {
      const view = new DataView(b.buffer, b.byteOffset);
      const high = view.getUint32(i + 1);
      if (high >= 2 ** 21) return [...events, "e:size-overflow"];
      size = high * 2 ** 32 + view.getUint32(i + 5);
    }
    // the limit holds a command on its own and the frames of one message together
    if (config.max > 0 && (flags & 4) !== 0 && size > config.max) {
      return [...events, "e:frame-too-large"];
    }
    if ((flags & 4) === 0 && frames.length >= DEFAULT_MAX_MSG_FRAMES) {
      return [...events, "e:too-many-frames"];
    }
    if (config.max > 0 && (flags & 4) === 0 && msgBytes + size > config.max) {
      return [...events, "e:message-too-large"];
    }
    const start = i + 1 + width;
    if (start + size > b.length) break;
    const body = digest(b.subarray(start, start + size));
    i = start + size;
    if ((flags & 4) !== 0) events.push(`c:${body}`);
    else if ((flags & 1) !== 0) {
      frames.push(body);
      msgBytes += size;
    } else {
      events.push(`m:${[...frames, body].join(",")}`);
      frames = [];
      msgBytes = 0;
    }
  }
  return events;
}

function decode(
  input: Uint8Array,
  chunks: Uint8Array[],
  config: FrameConfig,
  name: string,
): Events {
  const events: Events = [];
  let errors = 0;
  const decoder = new FrameDecoder({
    v2: config.v2,
    maxMsgSize: config.max,
    onMessage: (frames) => {
      if (frames.length === 0) throw new Finding(name, "delivered an empty message", input);
      events.push(`m:${frames.map(digest).join(",")}`);
    },
    onCommand: (body) => events.push(`c:${digest(body)}`),
    onError: (reason) => {
      errors++;
      events.push(`e:${reason}`);
    },
  });
  decoder.acceptData = config.acceptData;
  const alloc = countAllocations(() => {
    for (const c of chunks) decoder.push(c);
  });
  if (errors > 1) throw new Finding(name, `onError called ${errors} times`, input);
  const last = events.at(-1);
  if (
    (decoder.error === undefined) !== (errors === 0) ||
    (errors > 0 && last !== `e:${decoder.error}`)
  ) {
    throw new Finding(name, `error property ${decoder.error} disagrees with onError`, input);
  }
  // memory follows the bytes that arrive: one first buffer of at most 64 KiB per split body,
  // doubling up to what arrived, and never above the limit
  const bound = 4 * input.length + 2 * 65536;
  if (alloc.total > bound) {
    throw new Finding(
      name,
      `allocated ${alloc.total} bytes for ${input.length} input bytes`,
      input,
    );
  }
  if (config.max > 0 && alloc.largest > config.max) {
    throw new Finding(name, `allocated ${alloc.largest} bytes at once, limit ${config.max}`, input);
  }
  return events;
}

function pickConfig(v2: boolean, rng: Rng): FrameConfig {
  const max = rng.pick([-1, 0, 1 + rng.int(300), 1 + rng.int(70000), 2 ** 53]);
  return { v2, max, acceptData: v2 || rng.chance(0.9) };
}

/**
 * Checks one input with a random decoder setup (or the one given).
 *
 * @example
 * ```ts
 * import { Rng } from "../_rng.ts";
 * import { checkFrames } from "./zmtp_frames.ts";
 * console.log(checkFrames(new Uint8Array([0xff]), new Rng(1), false)); // "error:reserved-flags"
 * ```
 */
export function checkFrames(
  input: Uint8Array,
  rng: Rng,
  v2: boolean,
  config = pickConfig(v2, rng),
): string {
  const name = v2 ? "zmtp-frames-v2" : "zmtp-frames-v3";
  try {
    const expected = framesModel(input, config);
    const whole = decode(input, [input], config, name);
    const chunked = decode(input, randomChunks(input, rng), config, name);
    for (const [what, got] of [["whole", whole], ["chunked", chunked]] as const) {
      if (got.join(" ") !== expected.join(" ")) {
        throw new Finding(
          name,
          `${what} decoding (${JSON.stringify(config)}) gave ${got.length} events ` +
            `[${got.slice(-3).join(" ")}], the model ${expected.length} [${
              expected.slice(-3).join(" ")
            }]`,
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

/** ZMTP 3.x framing. */
export const zmtpFramesV3Target: Target = {
  name: "zmtp-frames-v3",
  seeds: capturedFrames(false),
  lengthFields: (b) => frameLengthFields(b, 0),
  run: (input, rng) => checkFrames(input, rng, false),
};

/** ZMTP 2.0 framing. */
export const zmtpFramesV2Target: Target = {
  name: "zmtp-frames-v2",
  seeds: capturedFrames(true),
  lengthFields: (b) => frameLengthFields(b, 0),
  run: (input, rng) => checkFrames(input, rng, true),
};
