/**
 * The byte-stream seam between edgemq's wire codecs and the runtimes' sockets.
 * A transport dials or listens by URL and hands out {@linkcode Connection}s;
 * it never knows which protocol runs over them.
 *
 * @module
 */
import type { MqError } from "../protocols/errors.ts";

/**
 * One open byte stream (TCP, unix socket, TLS). Writes are coalesced and
 * flushed once per microtask; `buffered` reports what the OS has not yet taken.
 */
export interface Connection {
  /**
   * Queues bytes for sending. Small writes are copied into a shared buffer;
   * large ones are queued by reference, so a caller must not change them
   * afterwards. Writes after close are ignored.
   */
  write(bytes: Uint8Array): void;
  /** Bytes queued here that the OS has not accepted yet. */
  readonly buffered: number;
  /** Stops delivering data (the OS then stops the peer: TCP flow control). */
  pause(): void;
  /** Delivers data again after {@linkcode Connection.pause}. */
  resume(): void;
  /** Closes at once, dropping anything still queued. Idempotent. */
  close(): void;
  /**
   * Called with each chunk read; the chunk is the receiver's to keep. While
   * it is undefined (at first, or set so by a handshake that hands the
   * connection on) chunks are held, and given to the next handler set, in
   * order, on a microtask.
   */
  onData: ((chunk: Uint8Array) => void) | undefined;
  /**
   * Gives bytes back: they are delivered again, before anything held or read later, to the next
   * handler set. A handshake that read past its end hands the rest on this way, so that the held
   * chunks of the connection are the one place where bytes wait for the layer that takes over.
   */
  unread(bytes: Uint8Array): void;
  /** Called after a flush once `buffered` is back to zero. */
  onDrain: () => void;
  /** Called once when the stream is gone, with the error if it failed. */
  onClose: (err?: Error) => void;
  /** Settles once the connection is fully closed and its I/O has stopped. */
  readonly closed: Promise<void>;
  /** The peer's address, for monitors and logs. */
  readonly remote: string;
}

/** A bound endpoint that accepts connections until closed. */
export interface Listener {
  /** The bound URL, with the real port when port 0 was asked for. */
  readonly url: string;
  /** Stops accepting. Open connections are not affected. */
  close(): Promise<void>;
}

/** What a transport needs to accept: one callback per new connection. */
export type AcceptHandler = (conn: Connection) => void;

/**
 * Told of each accept that failed (out of descriptors, a peer gone from the
 * queue...); the listener itself goes on accepting after a back-off.
 */
export type AcceptErrorHandler = (err: MqError) => void;

/** A byte-stream transport for one URL scheme. */
export interface Transport<E> {
  /** Opens a connection to the endpoint. Rejects with an `MqError`. */
  dial(endpoint: E): Promise<Connection>;
  /**
   * Binds the endpoint and accepts connections. Rejects with an `MqError`. A failed accept
   * goes to `onAcceptError`, if given, and never stops the listener.
   */
  listen(
    endpoint: E,
    onConnection: AcceptHandler,
    onAcceptError?: AcceptErrorHandler,
  ): Promise<Listener>;
}
