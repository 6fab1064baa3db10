/**
 * PULL (pull0, sp-pipeline-01): receives from all PUSH peers, fair-queued so
 * that one busy peer cannot starve the others. Never sends.
 *
 * @module
 */
import { LbFqPattern } from "../_lb_fq.ts";
import { MqError } from "../errors.ts";
import { PULL, PUSH } from "./push.ts";
import type { SpMessage } from "./wire.ts";
import { type SpPeer, SpSocket, type SpSocketOptions } from "./socket.ts";
import { SEND_REFUSED } from "../directions.ts";

class PullPattern extends LbFqPattern<SpMessage, SpPeer> {
  override trySend(): never {
    throw new MqError("ENOTSUP", "sp.Pull cannot send; use sp.Push");
  }
}

/**
 * A PULL socket: collects work from PUSH peers.
 *
 * @example Iterate over incoming messages
 * ```ts
 * import { Pull, Push } from "./mod.ts";
 * const pull = new Pull();
 * await using push = new Push();
 * await pull.listen("inproc://pull-doc");
 * await push.dial("inproc://pull-doc");
 * await push.send("a");
 * for await (const msg of pull) {
 *   console.log(msg.length); // 1
 *   break;
 * }
 * await pull.close();
 * ```
 */
export class Pull extends SpSocket {
  /** A mark for the type checker only: this socket receives only, so `send` does not compile. */
  declare readonly [SEND_REFUSED]: "sp.Pull cannot send; use sp.Push";

  /** Creates a PULL socket. */
  constructor(options: SpSocketOptions = {}) {
    super({ id: PULL, name: "pull0", peerId: PUSH, peerName: "push0" }, new PullPattern(), options);
  }
}
