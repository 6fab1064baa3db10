/**
 * The evidence of a case: every byte the runner sent to the target and every byte it saw back, in
 * order, per connection, with the time since the case started. A failed case shows this, so a
 * deviation is reported with its bytes.
 *
 * @module
 */

/** One entry of a transcript: bytes sent or seen, or the connection closing. */
export interface TranscriptEntry {
  /** Which connection of the case (0 for the first one it opened). */
  readonly conn: number;
  /** `sent` by the runner, `seen` from the target, or `closed` by the target. */
  readonly dir: "sent" | "seen" | "closed";
  /** Milliseconds since the case started. */
  readonly at: number;
  /** The bytes as lower-case hex (empty for `closed`). */
  readonly hex: string;
}

/**
 * Bytes as lower-case hex, two digits each, no separators.
 *
 * @example
 * ```ts
 * import { toHex } from "./transcript.ts";
 * console.log(toHex(new Uint8Array([0xff, 0x7f]))); // "ff7f"
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/**
 * Hex text back to bytes (the inverse of {@linkcode toHex}).
 *
 * @example
 * ```ts
 * import { fromHex } from "./transcript.ts";
 * console.log(fromHex("ff7f")); // Uint8Array(2) [ 255, 127 ]
 * ```
 */
export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(
    { length: hex.length >> 1 },
    (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16),
  );
}

/**
 * The transcript of one case: entries are appended as bytes move; consecutive entries of one
 * connection and direction are merged, so the text stays readable whatever the TCP segmenting.
 *
 * @example
 * ```ts
 * import { Transcript } from "./transcript.ts";
 * const t = new Transcript();
 * t.record(0, "sent", new Uint8Array([1, 2]));
 * t.record(0, "sent", new Uint8Array([3]));
 * console.log(t.entries[0]?.hex); // "010203"
 * ```
 */
export class Transcript {
  readonly #start = Date.now();
  readonly #entries: TranscriptEntry[] = [];

  /** Appends bytes (or a close) for connection `conn`. */
  record(conn: number, dir: TranscriptEntry["dir"], bytes: Uint8Array = new Uint8Array(0)): void {
    const last = this.#entries[this.#entries.length - 1];
    if (last !== undefined && last.conn === conn && last.dir === dir && dir !== "closed") {
      this.#entries[this.#entries.length - 1] = { ...last, hex: last.hex + toHex(bytes) };
      return;
    }
    this.#entries.push({ conn, dir, at: Date.now() - this.#start, hex: toHex(bytes) });
  }

  /** The entries so far, oldest first. */
  get entries(): readonly TranscriptEntry[] {
    return this.#entries;
  }

  /** Total bytes sent and seen. */
  get size(): { sent: number; seen: number } {
    let sent = 0;
    let seen = 0;
    for (const e of this.#entries) {
      if (e.dir === "sent") sent += e.hex.length / 2;
      if (e.dir === "seen") seen += e.hex.length / 2;
    }
    return { sent, seen };
  }
}
