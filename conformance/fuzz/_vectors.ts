/**
 * Seeds from the captured ZMTP vectors (`conformance/vectors/*.json`, see the README there): each
 * direction of each capture as one byte stream, split into its greeting and its frames, and the
 * command bodies found in those frames. Also the walkers that find length fields in ZMTP frames
 * and command bodies, for the mutator.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LengthField } from "./_mutate.ts";
import { fromHex } from "./_target.ts";

/** One direction of one capture. */
export interface CapturedStream {
  /** "libzmq-4.3.4-req-rep c2s" */
  readonly id: string;
  /** Everything the sender sent: greeting, then frames. */
  readonly bytes: Uint8Array;
  /** Greeting size: 64 (ZMTP 3.x) or 12 (ZMTP 2.0, also a ZMTP 3 sender that downgraded). */
  readonly greetingSize: 64 | 12;
}

interface VectorFile {
  readonly id: string;
  readonly clientToServer: string;
  readonly serverToClient: string;
  readonly observed: {
    readonly clientToServer: { readonly downgradedTo2?: boolean };
    readonly serverToClient: { readonly downgradedTo2?: boolean };
  };
}

const DIR = join(import.meta.dirname ?? "conformance/fuzz", "..", "vectors");

let cache: CapturedStream[] | undefined;

/**
 * Every captured stream (both directions of every vector file).
 *
 * @example
 * ```ts
 * import { capturedStreams } from "./_vectors.ts";
 * console.log(capturedStreams().length > 0); // true
 * ```
 */
export function capturedStreams(): CapturedStream[] {
  if (cache !== undefined) return cache;
  cache = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".json")).sort()) {
    const v = JSON.parse(readFileSync(join(DIR, file), "utf8")) as VectorFile;
    for (const dir of ["clientToServer", "serverToClient"] as const) {
      const bytes = fromHex(v[dir]);
      const v2 = bytes[10]! < 3 || v.observed[dir].downgradedTo2 === true;
      cache.push({ id: `${v.id} ${dir}`, bytes, greetingSize: v2 ? 12 : 64 });
    }
  }
  return cache;
}

/**
 * The frames of the captured streams, after their greeting: ZMTP 2.0 or 3.x framing.
 *
 * @example
 * ```ts
 * import { capturedFrames } from "./_vectors.ts";
 * console.log(capturedFrames(false)[0]![0]); // 4: a READY command frame
 * ```
 */
export function capturedFrames(v2: boolean): Uint8Array[] {
  return capturedStreams()
    .filter((s) => (s.greetingSize === 12) === v2)
    .map((s) => s.bytes.slice(s.greetingSize))
    .filter((b) => b.length > 0);
}

/**
 * Walks ZMTP frames from `at`: the offset and width of each size field, as long as the frames
 * hold together.
 *
 * @example
 * ```ts
 * import { frameLengthFields } from "./_vectors.ts";
 * console.log(frameLengthFields(new Uint8Array([0, 1, 65, 2, 0, 0, 0, 0, 0, 0, 0, 0]), 0)); // [[1, 1], [4, 8]]
 * ```
 */
export function frameLengthFields(b: Uint8Array, at: number): LengthField[] {
  const out: LengthField[] = [];
  let i = at;
  while (i < b.length && out.length < 64) {
    const long = (b[i]! & 0x02) !== 0;
    const width = long ? 8 : 1;
    if (i + 1 + width > b.length) break;
    out.push([i + 1, width]);
    let size = b[i + 1]!;
    if (long) {
      const view = new DataView(b.buffer, b.byteOffset);
      size = view.getUint32(i + 1) * 2 ** 32 + view.getUint32(i + 5);
    }
    i += 1 + width + size;
  }
  return out;
}

/**
 * Command bodies found in the captured streams' ZMTP 3.x frames (READY, SUBSCRIBE, ...).
 *
 * @example
 * ```ts
 * import { capturedCommands } from "./_vectors.ts";
 * console.log(capturedCommands().some((c) => c[0] === 5)); // true: READY
 * ```
 */
export function capturedCommands(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const frames of capturedFrames(false)) {
    for (const [offset, width] of frameLengthFields(frames, 0)) {
      const flags = frames[offset - 1]!;
      const size = width === 1 ? frames[offset]! : Number(
        new DataView(frames.buffer, frames.byteOffset).getBigUint64(offset),
      );
      const start = offset + width;
      if ((flags & 0x04) !== 0 && start + size <= frames.length) {
        out.push(frames.slice(start, start + size));
      }
    }
  }
  return out;
}

/**
 * Length fields of a command body: the name length, then (read as metadata) each property's name
 * length and 4-byte value length.
 *
 * @example
 * ```ts
 * import { commandLengthFields } from "./_vectors.ts";
 * console.log(commandLengthFields(new Uint8Array([1, 65, 1, 66, 0, 0, 0, 0]))); // [[0, 1], [2, 1], [4, 4]]
 * ```
 */
export function commandLengthFields(b: Uint8Array): LengthField[] {
  if (b.length === 0) return [];
  const out: LengthField[] = [[0, 1]];
  let p = 1 + b[0]!;
  while (p < b.length && out.length < 64) {
    const nameEnd = p + 1 + b[p]!;
    out.push([p, 1]);
    if (nameEnd + 4 > b.length) break;
    out.push([nameEnd, 4]);
    p = nameEnd + 4 + new DataView(b.buffer, b.byteOffset).getUint32(nameEnd);
  }
  return out;
}
