/**
 * PULL (RFC 30, ZMTP `Socket-Type` "PULL"): receives from every PUSH peer, fair-queued so that
 * one busy peer cannot starve the others. Never sends.
 *
 * With `conflate: true` (libzmq's `ZMQ_CONFLATE`) only the newest message of each peer waits to
 * be read: a newer one replaces it (counted in `stats.dropped`), `recvHwm` no longer applies, and
 * multipart messages are dropped (conflation is for single-frame messages, as in libzmq).
 *
 * @module
 */
import { MqError } from "../errors.ts";
import { ConflatingLbFq } from "./_conflate.ts";
import type { ConflateOptions } from "./options.ts";
import { checkBoolean, fixedOptions } from "../options.ts";
import { ZmqSocket } from "./socket.ts";
import { SEND_REFUSED } from "../directions.ts";

/** Options of a PULL socket. */
export type PullOptions = ConflateOptions;

class PullPattern extends ConflatingLbFq {
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
  /** A mark for the type checker only: this socket receives only, so `send` does not compile. */
  declare readonly [SEND_REFUSED]: "zmq.Pull cannot send; use zmq.Push";

  #conflate: boolean;

  /** Creates a PULL socket. */
  constructor(options: PullOptions = {}) {
    const conflate = checkBoolean("conflate", options.conflate);
    super("PULL", new PullPattern(conflate, "zmq.Pull"), options, ["conflate"]);
    this.#conflate = conflate;
  }

  static {
    fixedOptions(this.prototype, ["conflate"]);
  }

  /**
   * Keeps only the newest message (see {@linkcode ConflateOptions.conflate}); fixed when the
   * socket is created: assigning it throws `EREADONLY` (libzmq applies it to later connects only).
   */
  get conflate(): boolean {
    return this.#conflate;
  }
}
