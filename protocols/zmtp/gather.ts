/**
 * GATHER (RFC 49, ZMTP `Socket-Type` "GATHER", a libzmq draft type): the thread-safe PULL.
 * Receives from every SCATTER peer, fair-queued; a multipart message from a peer is dropped on
 * arrival (counted in `stats.dropped`), as libzmq drops it. `recv` returns a list holding the one
 * frame. Never sends.
 *
 * @module
 */
import { MqError } from "../errors.ts";
import { SingleFramePattern } from "./client.ts";
import { ZmqSocket, type ZmqSocketOptions } from "./socket.ts";
import { SEND_REFUSED } from "../directions.ts";

class GatherPattern extends SingleFramePattern {
  override trySend(): never {
    throw new MqError("ENOTSUP", "zmq.Gather cannot send; use zmq.Scatter");
  }
}

/**
 * A GATHER socket (libzmq's draft `ZMQ_GATHER`), the peer of `Scatter`.
 *
 * @example Gather from a scatterer over tcp
 * ```ts
 * import { Gather } from "./gather.ts";
 * import { Scatter } from "./scatter.ts";
 * await using gather = new Gather();
 * await using scatter = new Scatter();
 * const { url } = await gather.bind("tcp://127.0.0.1:0");
 * await scatter.connect(url);
 * await scatter.send("result");
 * console.log(new TextDecoder().decode((await gather.recv())[0])); // result
 * ```
 */
export class Gather extends ZmqSocket {
  /** A mark for the type checker only: this socket receives only, so `send` does not compile. */
  declare readonly [SEND_REFUSED]: "zmq.Gather cannot send; use zmq.Scatter";

  /** Creates a GATHER socket. */
  constructor(options: ZmqSocketOptions = {}) {
    super("GATHER", new GatherPattern(), options);
  }
}
