/**
 * A hand-driven ZMTP peer for tests: it writes whatever bytes a test asks for, builds its greeting
 * and READY by hand (independent of `protocols/zmtp/greeting.ts`, `frame.ts` and `command.ts`, so
 * the suite does not check the codecs with themselves), and records what edgemq sends. Hostile
 * peer tests use it to send what no real peer would.
 *
 * @module
 */
import { tcpTransport } from "../transports/tcp.ts";
import { parseEndpoint } from "../transports/url.ts";
import type { Connection } from "../transports/transport.ts";
import { delay, within } from "../testing/async.ts";

const enc = new TextEncoder();

/** A ZMTP 3.x greeting: signature, version `major.minor`, mechanism name, as-server 0. */
export function zmtpGreeting(major = 3, minor = 1, mechanism = "NULL"): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[8] = 1;
  g[9] = 0x7f;
  g[10] = major;
  g[11] = minor;
  g.set(enc.encode(mechanism), 12);
  return g;
}

/** A short command frame (body up to 255 bytes): flags 0x04, size, name length, name, data. */
export function zmtpCommand(name: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = [name.length, ...enc.encode(name), ...data];
  if (body.length > 255) throw new RangeError("zmtpCommand builds short frames only");
  return new Uint8Array([0x04, body.length, ...body]);
}

/** A READY command frame carrying `props` as metadata. */
export function zmtpReady(props: Record<string, string>): Uint8Array {
  const data: number[] = [];
  for (const [name, value] of Object.entries(props)) {
    const bytes = enc.encode(value);
    data.push(name.length, ...enc.encode(name), 0, 0, 0, bytes.length, ...bytes);
  }
  return zmtpCommand("READY", new Uint8Array(data));
}

/** The 9-byte header of a LONG frame: `flags | 0x02`, then `size` as 8 bytes big-endian. */
export function zmtpLongHeader(flags: number, size: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = flags | 0x02;
  new DataView(out.buffer).setBigUint64(1, BigInt(size));
  return out;
}

/** One tcp connection to an edgemq ZMTP socket, driven byte by byte by the test. */
export class RawZmtpPeer {
  /** Everything received so far. */
  received = 0;
  /** Set once edgemq closed the connection. */
  ended = false;
  #conn: Connection;
  #drained: (() => void) | undefined;

  private constructor(conn: Connection) {
    this.#conn = conn;
    conn.onData = (chunk) => (this.received += chunk.length);
    conn.onDrain = () => this.#drained?.();
    conn.onClose = () => {
      this.ended = true;
      this.#drained?.();
    };
  }

  /** Dials `url` (tcp). */
  static async dial(url: string): Promise<RawZmtpPeer> {
    const endpoint = parseEndpoint(url, "dial");
    if (endpoint.scheme !== "tcp") throw new Error(`RawZmtpPeer dials tcp only, not ${url}`);
    return new RawZmtpPeer(await tcpTransport().dial(endpoint));
  }

  /** Queues bytes (by reference when large: do not change them afterwards). */
  write(bytes: Uint8Array): void {
    this.#conn.write(bytes);
  }

  /** Waits until the OS has taken everything written, or the connection is gone. */
  async flush(): Promise<void> {
    while (!this.ended && this.#conn.buffered > 0) {
      await new Promise<void>((resolve) => (this.#drained = resolve));
    }
    this.#drained = undefined;
  }

  /** Waits up to `ms` for edgemq to close the connection. */
  async waitEnded(ms = 2000): Promise<void> {
    await within(
      ms,
      (async () => {
        while (!this.ended) await delay(2);
      })(),
      "connection closed by edgemq",
    );
  }

  /** Closes our end and waits until it is gone. */
  async close(): Promise<void> {
    this.#conn.close();
    await this.#conn.closed;
  }
}
