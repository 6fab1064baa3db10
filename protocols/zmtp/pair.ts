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
import { LbFqPattern } from "../_lb_fq.ts";
import type { Pipe } from "../pipe.ts";
import type { ImmediateOptions } from "./dealer.ts";
import { checkBoolean } from "./router.ts";
import { type Frames, ZmqSocket, type ZmtpPeer } from "./socket.ts";

class PairPattern extends LbFqPattern<Frames, ZmtpPeer> {
  #peer: Pipe<Frames, ZmtpPeer> | undefined; // the one live peer

  override attach(pipe: Pipe<Frames, ZmtpPeer>): string | undefined {
    if (this.#peer !== undefined && !this.#peer.isClosed) return "a PAIR socket already has a peer";
    this.#peer = pipe;
    return super.attach(pipe);
  }
}

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
    super("PAIR", new PairPattern(!checkBoolean("immediate", options.immediate)), options, [
      "immediate",
    ]);
  }
}
