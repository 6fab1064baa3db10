/**
 * One connection between the runner and the target, driven byte by byte: everything written and
 * everything read goes into the case's {@linkcode Transcript}, and every wait has a deadline (the
 * case's step time), after which the case fails with what was expected and what arrived.
 *
 * @module
 */
import type { Connection } from "../../transports/transport.ts";
import { toHex, Transcript } from "./transcript.ts";
import { CaseFailure } from "./verdict.ts";

/**
 * A recorded, deadline-bound byte stream to or from the target.
 *
 * @example
 * ```ts ignore
 * import { Link } from "./link.ts";
 * const link = new Link(conn, transcript, 0, 2000, false); // conn: a transports Connection
 * link.write(new Uint8Array([0xff]));
 * const first = await link.read(10, "the greeting's signature");
 * ```
 */
export class Link {
  /** True for an ipc connection (SP ipc frames carry a type byte). */
  readonly ipc: boolean;
  /** The deadline of each wait, in milliseconds. */
  readonly stepMs: number;
  readonly #conn: Connection;
  readonly #transcript: Transcript;
  readonly #id: number;
  #chunks: Uint8Array[] = [];
  #available = 0;
  #ended = false;
  #closedByUs = false;
  #wake: (() => void) | undefined;

  constructor(conn: Connection, transcript: Transcript, id: number, stepMs: number, ipc: boolean) {
    this.#conn = conn;
    this.#transcript = transcript;
    this.#id = id;
    this.stepMs = stepMs;
    this.ipc = ipc;
    conn.onData = (chunk) => {
      transcript.record(id, "seen", chunk);
      this.#chunks.push(chunk);
      this.#available += chunk.length;
      this.#notify();
    };
    conn.onClose = () => this.#end();
    // a connection that closed while it waited to be taken calls no onClose: see it through
    // `closed`, after the chunks it held were handed over
    conn.closed.then(() => this.#end());
  }

  #end(): void {
    if (!this.#ended && !this.#closedByUs) this.#transcript.record(this.#id, "closed");
    this.#ended = true;
    this.#notify();
  }

  /** True once the target closed the connection (or we did). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Bytes received and not read yet. */
  get available(): number {
    return this.#available;
  }

  /** Sends bytes to the target. */
  write(bytes: Uint8Array): void {
    this.#transcript.record(this.#id, "sent", bytes);
    this.#conn.write(bytes.slice());
  }

  /** Sends bytes in pieces of `size`, one event-loop turn apart (any chunking must do). */
  async writeInPieces(bytes: Uint8Array, size = 1): Promise<void> {
    for (let at = 0; at < bytes.length && !this.#ended; at += size) {
      this.write(bytes.subarray(at, at + size));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Reads exactly `n` bytes, failing the case if they do not arrive within the step deadline. */
  async read(n: number, what: string, ms = this.stepMs): Promise<Uint8Array> {
    const got = await this.#waitFor(() => this.#available >= n, ms);
    if (!got) {
      const have = this.#peek(this.#available);
      const how = this.#ended ? "the connection was closed" : `nothing more came in ${ms} ms`;
      throw new CaseFailure(
        `${what} (${n} bytes)`,
        `${how} after ${have.length} of them${have.length > 0 ? ` (${toHex(have)})` : ""}`,
      );
    }
    return this.#take(n);
  }

  /** Waits up to `ms` for the target to close the connection; true if it did. */
  async closedWithin(ms: number): Promise<boolean> {
    return await this.#waitFor(() => this.#ended, ms);
  }

  /** Waits `ms` and returns every byte that arrived meanwhile (for "the target stays quiet"). */
  async collect(ms: number): Promise<Uint8Array> {
    await this.#waitFor(() => false, ms);
    return this.#take(this.#available);
  }

  /** Waits until at least one unread byte is there (or `ms` passed); true if one is. */
  async hasData(ms = this.stepMs): Promise<boolean> {
    return await this.#waitFor(() => this.#available > 0, ms);
  }

  /** Closes our end and waits until the connection's I/O has stopped. */
  async close(): Promise<void> {
    this.#closedByUs = true;
    this.#ended = true;
    this.#conn.close();
    await this.#conn.closed;
  }

  #waitFor(ready: () => boolean, ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve(ready());
      }, ms);
      const check = (): void => {
        if (ready()) {
          clearTimeout(timer);
          this.#wake = undefined;
          resolve(true);
        } else if (this.#ended) {
          clearTimeout(timer);
          this.#wake = undefined;
          resolve(false);
        } else this.#wake = check;
      };
      check();
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #peek(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of this.#chunks) {
      if (at >= n) break;
      const part = c.subarray(0, n - at);
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  #take(n: number): Uint8Array {
    const out = this.#peek(n);
    let left = n;
    while (left > 0) {
      const c = this.#chunks[0]!;
      if (c.length <= left) {
        this.#chunks.shift();
        left -= c.length;
      } else {
        this.#chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    this.#available -= n;
    return out;
  }
}
