/**
 * DEALER (RFC 28, ZMTP `Socket-Type` "DEALER"): an asynchronous REQ without envelopes. Sends
 * round robin over the peers that can take a message and waits while none can; receives from all
 * peers fair-queued. Talks to REP, DEALER and ROUTER peers, and announces its `routingId` as
 * `Identity` so that a ROUTER can address it by name.
 *
 * @module
 */
import { LbFqPattern } from "../_lb_fq.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";

/**
 * A DEALER socket (libzmq's `ZMQ_DEALER`).
 *
 * @example Echo between two dealers
 * ```ts
 * import { Dealer } from "./mod.ts";
 * await using a = new Dealer();
 * await using b = new Dealer({ routingId: "b" });
 * const { url } = await a.bind("tcp://127.0.0.1:0");
 * await b.connect(url);
 * await b.send(["", "hello"]);
 * await a.send(await a.recv());
 * console.log((await b.recv()).length); // 2
 * ```
 */
export class Dealer extends ZmqSocket {
  /** Creates a DEALER socket. */
  constructor(options: ZmqSocketOptions = {}) {
    super("DEALER", new LbFqPattern<Frames, ZmtpPeer>(), options);
  }
}
