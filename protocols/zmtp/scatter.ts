/**
 * SCATTER (RFC 49, ZMTP `Socket-Type` "SCATTER", a libzmq draft type): the thread-safe PUSH.
 * Sends each message to one GATHER peer, round robin over the peers that can take it, and waits
 * while none can. Single frames only: `send` of more than one frame rejects with `EINVAL`.
 * Never receives.
 *
 * Unless `immediate: true` (libzmq's `ZMQ_IMMEDIATE`), each `connect()` gets a queue of its own at
 * once, as on DEALER: messages sent before the connection is made wait in it, up to `sendHwm`.
 *
 * @module
 */
import { discardInbox } from "../_lb_fq.ts";
import { MqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { multipartError, SingleFramePattern } from "./client.ts";
import type { ImmediateOptions } from "./options.ts";
import { checkBoolean } from "../options.ts";
import { type Frames, ZmqSocket, type ZmtpPeer } from "./socket.ts";
import { RECV_REFUSED } from "../directions.ts";

class ScatterPattern extends SingleFramePattern {
  override readable(pipe: Pipe<Frames, ZmtpPeer>): void {
    this.host.stats.dropped += discardInbox(pipe);
  }

  override tryRecv(): never {
    throw new MqError("ENOTSUP", "zmq.Scatter cannot receive; use zmq.Gather");
  }
}

/**
 * A SCATTER socket (libzmq's draft `ZMQ_SCATTER`), the peer of `Gather`.
 *
 * @example Scatter jobs to a gatherer
 * ```ts
 * import { Gather } from "./gather.ts";
 * import { Scatter } from "./scatter.ts";
 * await using gather = new Gather();
 * await using scatter = new Scatter();
 * await gather.bind("inproc://zmq-scatter-doc");
 * await scatter.connect("inproc://zmq-scatter-doc");
 * await scatter.send("job 1");
 * console.log(new TextDecoder().decode((await gather.recv())[0])); // job 1
 * ```
 */
export class Scatter extends ZmqSocket {
  /** A mark for the type checker only: this socket sends only, so `recv` does not compile. */
  declare readonly [RECV_REFUSED]: "zmq.Scatter cannot receive; use zmq.Gather";

  /** Creates a SCATTER socket. */
  constructor(options: ImmediateOptions = {}) {
    const pattern = new ScatterPattern(!checkBoolean("immediate", options.immediate));
    super("SCATTER", pattern, options, ["immediate"], (f) => multipartError(f, "zmq.Scatter"));
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
