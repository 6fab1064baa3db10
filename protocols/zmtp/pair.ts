/**
 * PAIR (RFC 31, ZMTP `Socket-Type` "PAIR"): exactly one peer, both ways. While a peer is
 * connected, another one is dropped right after its handshake (libzmq does the same). `send`
 * waits while there is no peer or the peer is full.
 *
 * Unless `immediate: true` (libzmq's `ZMQ_IMMEDIATE`), a `connect()` makes the peer's queue at
 * once: messages sent before the connection exists (or while it is re-made) wait in it, up to
 * `sendHwm`, and that endpoint is the PAIR's one peer from then on, connected or not.
 *
 * @module
 */
import { MonogamousPattern } from "../_monogamous.ts";
import type { ImmediateOptions } from "./options.ts";
import { checkBoolean } from "../options.ts";
import { type Frames, ZmqSocket, type ZmtpPeer } from "./socket.ts";

/**
 * A PAIR socket (libzmq's `ZMQ_PAIR`).
 *
 * @example Two pairs talk both ways
 * ```ts
 * import { Pair } from "./mod.ts";
 * await using a = new Pair();
 * await using b = new Pair();
 * await a.bind("inproc://zmq-pair-doc");
 * await b.connect("inproc://zmq-pair-doc");
 * await b.send("hi");
 * await a.send(await a.recv());
 * console.log((await b.recv()).length); // 1
 * ```
 */
export class Pair extends ZmqSocket {
  /** Creates a PAIR socket. */
  constructor(options: ImmediateOptions = {}) {
    const queue = !checkBoolean("immediate", options.immediate);
    const pattern = new MonogamousPattern<Frames, ZmtpPeer>(
      "a PAIR socket already has a peer",
      queue,
    );
    super("PAIR", pattern, options, ["immediate"]);
  }

  /**
   * Send only over completed connections (see {@linkcode ImmediateOptions.immediate}). Set live:
   * applies to the connects made afterwards (libzmq's `ZMQ_IMMEDIATE` likewise).
   */
  get immediate(): boolean {
    return this.immediateOption;
  }
  set immediate(value: boolean) {
    this.immediateOption = value;
  }
}
