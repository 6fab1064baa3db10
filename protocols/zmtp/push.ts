/**
 * PUSH (RFC 30, ZMTP `Socket-Type` "PUSH"): sends each message to one PULL peer, round robin
 * over the peers that can take it; waits while none can. Never receives (a PULL never sends, so
 * anything that arrives is discarded).
 *
 * @module
 */
import { discardInbox, LbFqPattern } from "../_lb_fq.ts";
import { MqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";

class PushPattern extends LbFqPattern<Frames, ZmtpPeer> {
  override readable(pipe: Pipe<Frames, ZmtpPeer>): void {
    this.host.stats.dropped += discardInbox(pipe);
  }

  override tryRecv(): never {
    throw new MqError("ENOTSUP", "zmq.Push cannot receive; use zmq.Pull");
  }
}

/**
 * A PUSH socket: distributes work to PULL peers (libzmq's `ZMQ_PUSH`).
 *
 * @example Send a two-frame job
 * ```ts
 * import { Pull, Push } from "./mod.ts";
 * await using pull = new Pull();
 * await using push = new Push();
 * await pull.bind("inproc://zmq-push-doc");
 * await push.connect("inproc://zmq-push-doc");
 * await push.send(["job", "42"]);
 * console.log((await pull.recv()).length); // 2
 * ```
 */
export class Push extends ZmqSocket {
  /** Creates a PUSH socket. */
  constructor(options: ZmqSocketOptions = {}) {
    super("PUSH", new PushPattern(), options);
  }
}
