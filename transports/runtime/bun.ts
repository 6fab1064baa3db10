/**
 * The Bun backend: `Bun.connect`/`Bun.listen` with one shared handler object
 * per endpoint. Bun does not buffer writes: `write` returns how many bytes the
 * kernel took, so the rest waits here for the `drain` callback.
 *
 * @module
 */
import type { RawAcceptErrorHandler } from "../_accept_retry.ts";
import type { BoundSocket, SocketAddress, SocketBackend } from "../_backend.ts";
import { type RawStream, StreamConnection } from "../_stream_connection.ts";
import type { AcceptHandler, Connection } from "../transport.ts";

// Local structural types for the slice of Bun's API used here, so that the
// module type-checks under Deno without Bun's type package.
interface BunSocket {
  data: BunStream | undefined;
  readonly remoteAddress: string;
  /** The peer's port (tcp); absent or 0 on unix sockets. */
  readonly remotePort?: number;
  write(data: Uint8Array): number;
  pause(): void;
  resume(): void;
  end(): void;
  terminate(): void;
  setNoDelay(on: boolean): boolean;
}
interface BunHandlers {
  open(socket: BunSocket): void;
  data(socket: BunSocket, chunk: Uint8Array): void;
  drain(socket: BunSocket): void;
  close(socket: BunSocket, err?: Error): void;
  error(socket: BunSocket, err: Error): void;
  end(socket: BunSocket): void;
  connectError?(socket: BunSocket, err: Error): void;
}
interface BunListener {
  readonly port: number;
  stop(closeActive?: boolean): void;
}
type BunTarget = { hostname: string; port: number } | { unix: string };
interface BunApi {
  connect(options: BunTarget & { socket: BunHandlers }): Promise<BunSocket>;
  listen(options: BunTarget & { socket: BunHandlers }): BunListener;
}
declare const Bun: BunApi;

/** How long an orderly close waits for the peer before resetting the connection. */
const CLOSE_GRACE_MS = 1000;

class BunStream implements RawStream {
  #socket: BunSocket;
  #pending: Uint8Array[] = []; // what the kernel has not taken yet
  #done: (() => void) | undefined;
  #closed = false;
  #ended = false; // the close or error handler ran: no more events come
  #grace: ReturnType<typeof setTimeout> | undefined;
  readonly connection: StreamConnection;

  constructor(socket: BunSocket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    // "host:port" as on Deno and Node (Bun's remoteAddress alone is only the host)
    const port = socket.remotePort;
    const remote = port ? `${socket.remoteAddress}:${port}` : socket.remoteAddress;
    this.connection = new StreamConnection(this, remote);
  }

  send(segments: Uint8Array[], done: () => void): void {
    this.#pending = segments;
    this.#done = done;
    this.drained();
  }

  /** Writes as much of the pending data as the kernel takes; finishes the send when all went. */
  drained(): void {
    const pending = this.#pending;
    while (pending.length > 0 && !this.#closed) {
      const segment = pending[0]!;
      const n = this.#socket.write(segment);
      if (n < segment.length) {
        if (n > 0) pending[0] = segment.subarray(n);
        return; // wait for the drain callback
      }
      pending.shift();
    }
    const done = this.#done;
    this.#done = undefined;
    done?.();
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // An orderly close: FIN after what the kernel still holds. terminate()
    // resets the connection and can lose data already written (seen in 9 of
    // 40 runs of a 4 MiB send followed by close). A peer that never closes
    // its side is cut off after a grace period.
    this.#socket.end();
    // Bun can run the close handler inside end() (seen on loopback tcp and ipc, Bun 1.4.5):
    // then the stream is gone already, and a grace timer armed now would never be cleared and
    // would hold the process open for CLOSE_GRACE_MS after every socket was closed.
    if (this.#ended) return;
    this.#grace = setTimeout(() => this.#socket.terminate(), CLOSE_GRACE_MS);
  }

  ended(err?: Error): void {
    this.#ended = true;
    clearTimeout(this.#grace);
    this.#closed = true;
    this.#pending = [];
    this.connection.ended(err);
  }
}

const handlers: BunHandlers = {
  open(socket) {
    socket.data ??= new BunStream(socket);
  },
  data(socket, chunk) {
    socket.data?.connection.received(chunk);
  },
  drain(socket) {
    socket.data?.drained();
  },
  end(socket) {
    socket.data?.close(); // the peer closed its side: close ours (no half-open pipes)
  },
  close(socket, err) {
    socket.data?.ended(err);
  },
  error(socket, err) {
    socket.data?.ended(err);
  },
};

function target(address: SocketAddress): BunTarget {
  return address.kind === "tcp"
    ? { hostname: address.hostname, port: address.port }
    : { unix: address.path };
}

async function connect(address: SocketAddress): Promise<Connection> {
  let failure: Error | undefined;
  const socket = await Bun.connect({
    ...target(address),
    socket: { ...handlers, connectError: (_s, err) => void (failure = err) },
  });
  if (failure !== undefined) throw failure;
  socket.data ??= new BunStream(socket);
  return socket.data.connection;
}

/**
 * Bun.listen accepts again by itself after a failed accept (its event loop
 * polls the listening socket again; a flood past `ulimit -n` is served once
 * descriptors are free) and tells JavaScript nothing of the failure, so
 * `onAcceptError` is never called here.
 */
// deno-lint-ignore require-await
async function listen(
  address: SocketAddress,
  onConnection: AcceptHandler,
  _onAcceptError?: RawAcceptErrorHandler,
): Promise<BoundSocket> {
  const listener = Bun.listen({
    ...target(address),
    socket: {
      ...handlers,
      open(socket) {
        socket.data = new BunStream(socket);
        onConnection(socket.data.connection);
      },
    },
  });
  return {
    port: address.kind === "tcp" ? listener.port : 0,
    close(): Promise<void> {
      listener.stop(false);
      return Promise.resolve();
    },
  };
}

async function removeFile(path: string): Promise<boolean> {
  const fs = await import("node:fs/promises");
  try {
    await fs.unlink(path);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return false;
    throw e;
  }
}

/** The Bun socket backend. */
export const backend: SocketBackend = { name: "bun", connect, listen, removeFile };
