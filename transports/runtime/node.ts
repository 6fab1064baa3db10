/**
 * The Node backend, on `node:net`. A send completes when the last write's
 * callback runs: Node has then handed every segment to the kernel and holds
 * no reference to them any more (the connection reuses its buffers). Deno and
 * Bun can run it too (for parity tests).
 *
 * @module
 */
import * as net from "node:net";
import { unlink } from "node:fs/promises";
import type { RawAcceptErrorHandler } from "../_accept_retry.ts";
import type { BoundSocket, SocketAddress, SocketBackend } from "../_backend.ts";
import { type RawStream, StreamConnection } from "../_stream_connection.ts";
import type { AcceptHandler, Connection } from "../transport.ts";

class NodeStream implements RawStream {
  #socket: net.Socket;
  #done: (() => void) | undefined;
  readonly connection: StreamConnection;

  constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    const remote = socket.remoteAddress === undefined
      ? "unix"
      : `${socket.remoteAddress}:${socket.remotePort}`;
    this.connection = new StreamConnection(this, remote);
    socket.on("data", (chunk: Uint8Array) => this.connection.received(chunk));
    socket.on("error", () => {}); // 'close' follows with hadError
    socket.on("close", (hadError: boolean) => {
      this.connection.ended(hadError ? new Error("connection reset") : undefined);
      this.#finish();
    });
  }

  send(segments: Uint8Array[], done: () => void): void {
    this.#done = done;
    const last = segments.length - 1;
    if (last > 0) this.#socket.cork();
    for (let i = 0; i < last; i++) this.#socket.write(segments[i]!);
    this.#socket.write(segments[last]!, this.#written);
    if (last > 0) this.#socket.uncork();
  }

  #written = (): void => this.#finish(); // also called, with an error, if the socket died

  #finish(): void {
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
    this.#socket.destroy();
  }
}

function connect(address: SocketAddress): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = address.kind === "tcp"
      ? net.connect({
        host: address.hostname,
        port: address.port,
        ...(address.localAddress === undefined ? {} : { localAddress: address.localAddress }),
      })
      : net.connect({ path: address.path });
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(new NodeStream(socket).connection);
    });
  });
}

function listen(
  address: SocketAddress,
  onConnection: AcceptHandler,
  onAcceptError?: RawAcceptErrorHandler,
): Promise<BoundSocket> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => onConnection(new NodeStream(socket).connection));
    server.once("error", reject);
    const ready = (): void => {
      server.off("error", reject);
      // Once listening, a server's 'error' is a failed accept, and the server goes on: libuv
      // (Node) drops the queued connections on EMFILE and accepts again, Deno's node:net backs
      // off 5 ms to 1 s and accepts again. Without a listener the event would kill the process.
      server.on("error", (err: Error) => {
        try {
          onAcceptError?.(err);
        } catch { /* the reporter's failure is its own */ }
      });
      const bound = server.address();
      resolve({
        port: typeof bound === "object" && bound !== null ? bound.port : 0,
        // server.close's callback waits for every accepted socket to end; the
        // listener itself stops accepting at once, which is all we promise.
        close: () => {
          server.close();
          return Promise.resolve();
        },
      });
    };
    if (address.kind === "tcp") {
      server.listen({ host: address.hostname, port: address.port }, ready);
    } else server.listen({ path: address.path }, ready);
  });
}

async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return false;
    throw e;
  }
}

/** The Node socket backend. */
export const backend: SocketBackend = { name: "node", connect, listen, removeFile };
