/**
 * DEALER (RFC 28, ZMTP `Socket-Type` "DEALER"): an asynchronous REQ without envelopes. Sends
 * round robin over the peers that can take a message and waits while none can; receives from all
 * peers fair-queued. Talks to REP, DEALER and ROUTER peers, and announces its `routingId` as
 * `Identity` so that a ROUTER can address it by name.
 *
 * With `conflate: true` (libzmq's `ZMQ_CONFLATE`) only the newest message is kept each way:
 * received messages replace the one not yet read from the same peer, and a message sent while no
 * peer can take one replaces the one waiting (so `send` never waits); the high-water marks no
 * longer apply. Conflation is for single-frame messages only, as in libzmq: sending several frames
 * is `ENOTSUP`, and received multipart messages are dropped.
 *
 * Unless `immediate: true` (libzmq's `ZMQ_IMMEDIATE`), each `connect()` gets a queue of its own at
 * once: messages sent before the connection is made (or while it is re-made) wait in it, up to
 * `sendHwm`, and round robin counts it as a peer.
 *
 * @module
 */
import { checkBoolean, fixedOptions } from "../options.ts";
import { ConflatingLbFq } from "./_conflate.ts";
import type { ConflateOptions, ImmediateOptions } from "./options.ts";
import { ZmqSocket } from "./socket.ts";

/** Options of a DEALER socket. */
export interface DealerOptions extends ConflateOptions, ImmediateOptions {}

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
  #conflate: boolean;

  /** Creates a DEALER socket. */
  constructor(options: DealerOptions = {}) {
    const conflate = checkBoolean("conflate", options.conflate);
    const queue = !checkBoolean("immediate", options.immediate);
    const pattern = new ConflatingLbFq(conflate, "zmq.Dealer", queue);
    super("DEALER", pattern, options, ["conflate", "immediate"]);
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
