/**
 * PUSH (push0, sp-pipeline-01): sends each message to one PULL peer, round
 * robin over the peers that can take it; waits while none can. Never
 * receives (anything a peer sends is discarded).
 *
 * @module
 */
import { discardInbox, LbFqPattern } from "../_lb_fq.ts";
import { MqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import type { SpMessage } from "./wire.ts";
import { type SpPeer, SpSocket, type SpSocketOptions } from "./socket.ts";
import { RECV_REFUSED } from "../directions.ts";

/** push0's wire id. */
export const PUSH = 0x50;
/** pull0's wire id. */
export const PULL = 0x51;

class PushPattern extends LbFqPattern<SpMessage, SpPeer> {
  override readable(pipe: Pipe<SpMessage, SpPeer>): void {
    this.host.stats.dropped += discardInbox(pipe);
  }

  override tryRecv(): never {
    throw new MqError("ENOTSUP", "sp.Push cannot receive; use sp.Pull");
  }
}

/**
 * A PUSH socket: distributes work to PULL peers.
 *
 * @example Send a job
 * ```ts
 * import { Pull, Push } from "./mod.ts";
 * await using pull = new Pull();
 * await using push = new Push();
 * await pull.listen("inproc://push-doc");
 * await push.dial("inproc://push-doc");
 * await push.send("work");
 * console.log((await pull.recv()).length); // 4
 * ```
 */
export class Push extends SpSocket {
  /** A mark for the type checker only: this socket sends only, so `recv` does not compile. */
  declare readonly [RECV_REFUSED]: "sp.Push cannot receive; use sp.Pull";

  /** Creates a PUSH socket. */
  constructor(options: SpSocketOptions = {}) {
    super({ id: PUSH, name: "push0", peerId: PULL, peerName: "pull0" }, new PushPattern(), options);
  }
}
