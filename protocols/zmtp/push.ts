/**
 * PUSH (RFC 30, ZMTP `Socket-Type` "PUSH"): sends each message to one PULL peer, round robin
 * over the peers that can take it; waits while none can. Never receives (a PULL never sends, so
 * anything that arrives is discarded).
 *
 * With `conflate: true` (libzmq's `ZMQ_CONFLATE`) `send` never waits: a message sent while no
 * peer can take one replaces the one already waiting, so only the newest goes out once a peer
 * can take it; single-frame messages only (several frames are `ENOTSUP`).
 *
 * Unless `immediate: true` (libzmq's `ZMQ_IMMEDIATE`), each `connect()` gets a queue of its own at
 * once: messages sent before the connection is made (or while it is re-made) wait in it, up to
 * `sendHwm`, and round robin counts it as a peer, as in libzmq.
 *
 * @module
 */
import { discardInbox } from "../_lb_fq.ts";
import { MqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { ConflatingLbFq } from "./_conflate.ts";
import type { ConflateOptions, ImmediateOptions } from "./options.ts";
import { checkBoolean, fixedOptions } from "../options.ts";
import { type Frames, ZmqSocket, type ZmtpPeer } from "./socket.ts";
import { RECV_REFUSED } from "../directions.ts";

/** Options of a PUSH socket. */
export interface PushOptions extends ConflateOptions, ImmediateOptions {}

class PushPattern extends ConflatingLbFq {
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
  /** A mark for the type checker only: this socket sends only, so `recv` does not compile. */
  declare readonly [RECV_REFUSED]: "zmq.Push cannot receive; use zmq.Pull";

  #conflate: boolean;

  /** Creates a PUSH socket. */
  constructor(options: PushOptions = {}) {
    const conflate = checkBoolean("conflate", options.conflate);
    const queue = !checkBoolean("immediate", options.immediate);
    const pattern = new PushPattern(conflate, "zmq.Push", queue);
    super("PUSH", pattern, options, ["conflate", "immediate"]);
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
