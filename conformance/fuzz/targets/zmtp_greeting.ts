/**
 * Fuzz target: the ZMTP greeting reader (`GreetingReader`, RFC 23 §Greeting, RFC 15 for 2.0).
 * Each input is read whole and in random chunks, and both readings must equal a small model of
 * the greeting rules written here from the RFCs: the same result (or refusal reason), the same
 * number of bytes consumed (never one past the greeting), and the getters agreeing with the bytes.
 * The reader may allocate its 64-byte buffer and nothing more.
 *
 * @module
 */
import { GreetingReader, type GreetingResult } from "../../../protocols/zmtp/greeting.ts";
import type { Rng } from "../_rng.ts";
import {
  countAllocations,
  describeThrown,
  Finding,
  randomChunks,
  type Target,
} from "../_target.ts";
import { capturedStreams } from "../_vectors.ts";

const NAME = "zmtp-greeting";

/** The model's verdict: a result (or undefined while incomplete) and the bytes it decides on. */
interface Expected {
  readonly result: GreetingResult | undefined;
  readonly consumed: number;
}

/**
 * The greeting rules, read off the whole input at once: signature byte 0 is 0xFF, byte 9 has bit
 * 0 set, the major byte (10) is not 0; a major below 3 ends the greeting at 12 bytes (ZMTP 2.0:
 * byte 11 is the socket type), else at 64 with a NUL-padded mechanism name of `A-Z 0-9 - _ . +`
 * at 12..31 and the as-server byte at 32.
 *
 * @example
 * ```ts
 * import { greetingModel } from "./zmtp_greeting.ts";
 * console.log(greetingModel(new Uint8Array([1])).result); // { ok: false, reason: "bad-signature" }
 * ```
 */
export function greetingModel(b: Uint8Array): Expected {
  const refuse = (
    reason: "bad-signature" | "unversioned" | "unsupported-version" | "bad-mechanism",
    at: number,
  ) => ({
    result: { ok: false, reason } as const,
    consumed: at,
  });
  if (b.length < 1) return { result: undefined, consumed: 0 };
  if (b[0] !== 0xff) return refuse("bad-signature", 1);
  if (b.length < 10) return { result: undefined, consumed: b.length };
  if ((b[9]! & 1) === 0) return refuse("unversioned", 10);
  if (b.length < 11) return { result: undefined, consumed: b.length };
  const major = b[10]!;
  if (major === 0) return refuse("unsupported-version", 11);
  const size = major < 3 ? 12 : 64;
  if (b.length < size) return { result: undefined, consumed: b.length };
  if (size === 12) {
    return {
      result: { ok: true, greeting: { version: 2, major, socketType: b[11]! } },
      consumed: 12,
    };
  }
  const field = [...b.subarray(12, 32)];
  const nul = field.indexOf(0);
  const name = String.fromCharCode(...field.slice(0, nul < 0 ? 20 : nul));
  const padding = nul < 0 ? [] : field.slice(nul);
  if (!/^[A-Z0-9\-_.+]{1,20}$/.test(name) || padding.some((x) => x !== 0)) {
    return refuse("bad-mechanism", 64);
  }
  const greeting = {
    version: 3,
    major,
    minor: b[11]!,
    mechanism: name,
    asServer: b[32] !== 0,
  } as const;
  return { result: { ok: true, greeting }, consumed: 64 };
}

function read(input: Uint8Array, chunks: Uint8Array[]): string {
  const reader = new GreetingReader();
  let used = 0;
  const alloc = countAllocations(() => {
    for (const c of chunks) {
      const n = reader.push(c);
      if (n < 0 || n > c.length) {
        throw new Finding(NAME, `push returned ${n} of ${c.length}`, input);
      }
      used += n;
    }
  });
  if (alloc.total > 0) {
    throw new Finding(NAME, `allocated ${alloc.total} bytes while reading`, input);
  }
  const model = greetingModel(input);
  const got = JSON.stringify(reader.result);
  if (got !== JSON.stringify(model.result)) {
    throw new Finding(NAME, `result ${got}, expected ${JSON.stringify(model.result)}`, input);
  }
  if (used !== model.consumed || reader.bytesRead !== model.consumed) {
    throw new Finding(
      NAME,
      `consumed ${used} (bytesRead ${reader.bytesRead}), expected ${model.consumed}`,
      input,
    );
  }
  const sigValid = model.consumed >= 10 && input[0] === 0xff && (input[9]! & 1) === 1;
  if (reader.signatureValid !== sigValid) {
    throw new Finding(NAME, `signatureValid ${reader.signatureValid}, expected ${sigValid}`, input);
  }
  const major = sigValid && model.consumed > 10 ? input[10] : undefined;
  if (reader.major !== major) {
    throw new Finding(NAME, `major ${reader.major}, expected ${major}`, input);
  }
  const r = reader.result;
  return r === undefined ? "pending" : r.ok ? `ok:v${r.greeting.version}` : `error:${r.reason}`;
}

/**
 * Checks one input whole and in random chunks.
 *
 * @example
 * ```ts
 * import { Rng } from "../_rng.ts";
 * import { checkGreeting } from "./zmtp_greeting.ts";
 * console.log(checkGreeting(new Uint8Array([0xff]), new Rng(1))); // "pending"
 * ```
 */
export function checkGreeting(input: Uint8Array, rng: Rng): string {
  try {
    read(input, [input]);
    return read(input, randomChunks(input, rng));
  } catch (e) {
    if (e instanceof Finding) throw e;
    throw new Finding(NAME, `threw ${describeThrown(e)}`, input, { cause: e });
  }
}

/** The target. */
export const zmtpGreetingTarget: Target = {
  name: NAME,
  seeds: capturedStreams().map((s) => s.bytes.slice(0, 80)),
  lengthFields: () => [[8, 1], [10, 1], [11, 1]],
  run: checkGreeting,
};
