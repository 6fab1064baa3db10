/**
 * The option groups several ZeroMQ socket types share: `conflate` (DEALER, PUSH, PULL, SUB, PUB)
 * and `immediate` (the types that connect to send).
 *
 * @module
 */
import type { ZmqSocketOptions } from "./socket.ts";

/** Options of a socket that can conflate (DEALER, PUSH, PULL, SUB). */
export interface ConflateOptions extends ZmqSocketOptions {
  /**
   * Keep only the newest single-frame message in the queue (libzmq's `ZMQ_CONFLATE`): a newer
   * one replaces the older, high-water marks are ignored, multipart messages are not supported.
   * @default {false}
   */
  readonly conflate?: boolean;
}

/**
 * The `immediate` option of the sockets that connect to send (REQ, DEALER, PUSH, PAIR, ROUTER, and
 * the drafts CLIENT, SCATTER and CHANNEL).
 */
export interface ImmediateOptions extends ZmqSocketOptions {
  /**
   * Send only over completed connections (libzmq's `ZMQ_IMMEDIATE`). When false, each
   * `connect()` gets its own queue at once, kept across reconnects: sends are load-balanced over
   * it too and wait in it (up to `sendHwm`) until the connection is made, so `send` succeeds
   * before any peer is there. When true, only peers whose handshake is done take messages, and
   * `send` waits while there are none. Connections a socket accepts (`bind`) always count from
   * their handshake on.
   * @default {false}
   */
  readonly immediate?: boolean;
}
