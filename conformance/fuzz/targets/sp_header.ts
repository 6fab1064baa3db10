/**
 * Fuzz target: the SP connection header (sp-tcp-mapping-01 §Connection header): `decodeHeader`
 * on the input, and `exchangeHeaders` over an in-memory connection fed the input in random
 * chunks. `decodeHeader` must return the protocol id or an `EPROTO` `MqError` exactly as a model
 * written here says; the exchange must settle the same way (or, if fewer than 8 bytes came,
 * refuse once the peer hangs up) and hand every byte after the header back to the connection.
 *
 * @module
 */
import { decodeHeader, encodeHeader, exchangeHeaders } from "../../../protocols/sp/wire.ts";
import { MqError } from "../../../protocols/errors.ts";
import type { Connection } from "../../../transports/transport.ts";
import type { Rng } from "../_rng.ts";
import { describeThrown, digest, Finding, randomChunks, type Target } from "../_target.ts";

const NAME = "sp-header";

/**
 * The header rules: 8 bytes, `00 'S' 'P' 00`, a 16-bit protocol id, two zero bytes.
 *
 * @example
 * ```ts
 * import { headerModel } from "./sp_header.ts";
 * console.log(headerModel(new Uint8Array([0, 0x53, 0x50, 0, 0, 0x30, 0, 0]))); // 48
 * ```
 */
export function headerModel(
  b: Uint8Array,
): number | "short" | "signature" | "version" | "reserved" {
  if (b.length < 8) return "short";
  if (b[0] !== 0 || b[1] !== 0x53 || b[2] !== 0x50) return "signature";
  if (b[3] !== 0) return "version";
  if (b[6] !== 0 || b[7] !== 0) return "reserved";
  return b[4]! * 256 + b[5]!;
}

const REASONS: Record<string, RegExp> = {
  short: /shorter than 8/,
  signature: /signature/,
  version: /version/,
  reserved: /reserved/,
};

/** A connection fed by hand: chunks wait while no handler is set; `unread` puts bytes back. */
class MemoryConnection implements Connection {
  held: Uint8Array[] = [];
  buffered = 0;
  onData: ((chunk: Uint8Array) => void) | undefined;
  onDrain: () => void = () => {};
  onClose: (err?: Error) => void = () => {};
  readonly closed: Promise<void> = Promise.resolve();
  readonly remote = "memory";
  write(): void {}
  pause(): void {}
  resume(): void {}
  close(): void {}
  unread(bytes: Uint8Array): void {
    this.held.unshift(bytes.slice());
  }
  feed(chunk: Uint8Array): void {
    if (this.onData === undefined) this.held.push(chunk);
    else this.onData(chunk);
  }
}

function check(input: Uint8Array, rng: Rng): Promise<string> {
  const fail = (what: string): never => {
    throw new Finding(NAME, what, input);
  };
  const model = headerModel(input);
  const got = decodeHeader(input);
  if (typeof model === "number") {
    if (got !== model) fail(`decodeHeader gave ${describeThrown(got)}, expected ${model}`);
  } else if (
    !(got instanceof MqError) || got.code !== "EPROTO" || !REASONS[model]!.test(got.message)
  ) {
    fail(`decodeHeader gave ${describeThrown(got)}, expected an EPROTO error (${model})`);
  }
  const conn = new MemoryConnection();
  let outcome = "pending";
  exchangeHeaders(conn, 0x30).then(
    (id) => (outcome = `id:${id}`),
    (
      e,
    ) => (outcome = e instanceof MqError && e.code === "EPROTO"
      ? "refused"
      : `bad:${describeThrown(e)}`),
  );
  for (const c of randomChunks(input, rng)) conn.feed(c);
  return (async () => {
    for (let i = 0; i < 4; i++) await Promise.resolve();
    if (outcome === "pending") {
      if (input.length >= 8) fail("the exchange did not settle on 8 bytes");
      conn.onClose();
      for (let i = 0; i < 4; i++) await Promise.resolve();
    }
    const want = typeof model === "number" ? `id:${model}` : "refused";
    if (outcome !== want) fail(`exchangeHeaders gave ${outcome}, expected ${want}`);
    if (input.length >= 8) {
      const rest = new Uint8Array(conn.held.reduce((n, h) => n + h.length, 0));
      conn.held.reduce((at, h) => (rest.set(h, at), at + h.length), 0);
      if (digest(rest) !== digest(input.subarray(8))) {
        fail("bytes after the header were not handed back in order");
      }
    }
    return typeof model === "number" ? "ok" : `error:${model}`;
  })();
}

/**
 * Checks one input.
 *
 * @example
 * ```ts ignore
 * import { Rng } from "../_rng.ts";
 * import { checkSpHeader } from "./sp_header.ts";
 * console.log(await checkSpHeader(new Uint8Array(3), new Rng(1))); // "error:short"
 * ```
 */
export async function checkSpHeader(input: Uint8Array, rng: Rng): Promise<string> {
  try {
    return await check(input, rng);
  } catch (e) {
    if (e instanceof Finding) throw e;
    throw new Finding(NAME, `threw ${describeThrown(e)}`, input, { cause: e });
  }
}

/** The target. */
export const spHeaderTarget: Target = {
  name: NAME,
  seeds: [0x10, 0x11, 0x20, 0x21, 0x30, 0x31, 0x50, 0x51, 0x62, 0x63, 0x70, 0x71].map((id) => {
    const h = encodeHeader(id);
    const out = new Uint8Array(20);
    out.set(h);
    out.set([0, 0, 0, 0, 0, 0, 0, 2, 104, 105], 8);
    return out;
  }),
  lengthFields: () => [[3, 1], [4, 1], [5, 1], [6, 1], [8, 8]],
  run: checkSpHeader,
};
