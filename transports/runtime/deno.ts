/**
 * The Deno backend: `Deno.connect`/`Deno.listen` with `read`/`write` (the
 * stream API costs more per operation). Deno writes may be partial, so each
 * segment is written in a loop; one flush is in flight at a time.
 *
 * @module
 */
import { AcceptBackoff, type RawAcceptErrorHandler } from "../_accept_retry.ts";
import type { BoundSocket, SocketAddress, SocketBackend } from "../_backend.ts";
import { type RawStream, StreamConnection } from "../_stream_connection.ts";
import type { AcceptHandler, Connection } from "../transport.ts";
import { type DenoAddr, denoApi, type DenoConn, type DenoTcpConn } from "./_deno_api.ts";

// Deno's API through local types: a Node or Bun project checking these sources needs no `Deno`.
const Deno = denoApi();

const READ_SIZE = 64 * 1024;
/** Reads smaller than this are copied out so the big read buffer can be reused. */
const KEEP_LIMIT = 16 * 1024;

class DenoStream implements RawStream {
  #conn: DenoConn;
  #paused = false;
  #wake: (() => void) | undefined;
  #closing = false;
  #writing: Promise<void> = Promise.resolve();
  readonly connection: StreamConnection;

  constructor(conn: DenoConn) {
    this.#conn = conn;
    if ("setNoDelay" in conn) (conn as DenoTcpConn).setNoDelay(true);
    this.connection = new StreamConnection(this, describe(conn.remoteAddr));
    this.#readLoop();
  }

  send(segments: Uint8Array[], done: () => void): void {
    this.#writing = this.#writeAll(segments).finally(done);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#wakeUp();
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    try {
      this.#conn.close();
    } catch { /* already closed by the peer */ }
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #writeAll(segments: Uint8Array[]): Promise<void> {
    try {
      for (const segment of segments) {
        let offset = 0;
        while (offset < segment.length) {
          offset += await this.#conn.write(segment.subarray(offset));
        }
      }
    } catch {
      this.close(); // the read loop reports the failure
    }
  }

  async #readLoop(): Promise<void> {
    let buf = new Uint8Array(READ_SIZE);
    let failure: Error | undefined;
    try {
      while (!this.#closing) {
        if (this.#paused) {
          await new Promise<void>((resolve) => (this.#wake = resolve));
          continue;
        }
        const n = await this.#conn.read(buf);
        if (n === null) break;
        let chunk: Uint8Array;
        if (n < KEEP_LIMIT) chunk = buf.slice(0, n);
        else {
          chunk = buf.subarray(0, n);
          buf = new Uint8Array(READ_SIZE);
        }
        this.connection.received(chunk);
      }
    } catch (e) {
      if (!this.#closing) failure = e instanceof Error ? e : new Error(String(e));
    }
    this.close();
    await this.#writing;
    this.connection.ended(failure);
  }
}

function describe(addr: DenoAddr): string {
  if (addr.transport === "tcp" || addr.transport === "udp") {
    return addr.hostname.includes(":")
      ? `[${addr.hostname}]:${addr.port}`
      : `${addr.hostname}:${addr.port}`;
  }
  return "path" in addr ? addr.path : addr.transport;
}

async function connect(address: SocketAddress): Promise<Connection> {
  const conn = address.kind === "tcp"
    ? await Deno.connect({ hostname: address.hostname, port: address.port })
    : await Deno.connect({ transport: "unix", path: address.path });
  return new DenoStream(conn).connection;
}

// deno-lint-ignore require-await
async function listen(
  address: SocketAddress,
  onConnection: AcceptHandler,
  onAcceptError?: RawAcceptErrorHandler,
): Promise<BoundSocket> {
  const listener = address.kind === "tcp"
    ? Deno.listen({ hostname: address.hostname, port: address.port })
    : Deno.listen({ transport: "unix", path: address.path });
  const port = listener.addr.transport === "tcp" ? listener.addr.port : 0;
  const report = (err: unknown, wait: number): void => {
    try {
      onAcceptError?.(err, wait);
    } catch { /* the reporter's failure is its own */ }
  };
  let closed = false;
  let wake: (() => void) | undefined; // ends a back-off wait early when the listener closes
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loop = (async () => {
    const backoff = new AcceptBackoff();
    while (!closed) {
      let conn: DenoConn;
      try {
        conn = await listener.accept();
      } catch (e) {
        if (closed || e instanceof Deno.errors.BadResource) break;
        // EMFILE and the like: the listener is fine, the moment is not (see _accept_retry.ts)
        const wait = backoff.failed();
        report(e, wait);
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, wait);
        });
        wake = undefined;
        continue;
      }
      backoff.succeeded();
      let stream: DenoStream | undefined;
      try {
        stream = new DenoStream(conn);
        onConnection(stream.connection);
      } catch (e) { // the connection died at once (setNoDelay on a reset socket): drop it alone
        if (stream === undefined) closeQuietly(conn);
        else stream.close();
        report(e, 0);
      }
    }
  })();
  return {
    port,
    async close(): Promise<void> {
      closed = true;
      clearTimeout(timer);
      wake?.();
      try {
        listener.close();
      } catch { /* already closed */ }
      await loop;
    },
  };
}

function closeQuietly(conn: DenoConn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}

async function removeFile(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** The Deno socket backend. */
export const backend: SocketBackend = { name: "deno", connect, listen, removeFile };
