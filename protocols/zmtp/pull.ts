/**
 * PULL (RFC 30, ZMTP `Socket-Type` "PULL"): receives from every PUSH peer, fair-queued so that
 * one busy peer cannot starve the others. Never sends.
 *
 * @module
 */
import { LbFqPattern } from "../_lb_fq.ts";
import { MqError } from "../errors.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";

class PullPattern extends LbFqPattern<Frames, ZmtpPeer> {
  override trySend(): never {
    throw new MqError("ENOTSUP", "zmq.Pull cannot send; use zmq.Push");
  }
}

/**
 * A PULL socket: collects work from PUSH peers (libzmq's `ZMQ_PULL`).
 *
 * @example Iterate over incoming messages
 * ```ts
 * import { Pull, Push } from "./mod.ts";
 * const pull = new Pull();
 * await using push = new Push();
 * await pull.bind("inproc://zmq-pull-doc");
 * await push.connect("inproc://zmq-pull-doc");
 * await push.send("a");
 * for await (const frames of pull) {
 *   console.log(frames.length); // 1
 *   break;
 * }
 * await pull.close();
 * ```
 */
export class Pull extends ZmqSocket {
  /** Creates a PULL socket. */
  constructor(options: ZmqSocketOptions = {}) {
    super("PULL", new PullPattern(), options);
  }
}
