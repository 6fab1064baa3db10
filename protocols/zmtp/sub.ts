/**
 * SUB (RFC 29, ZMTP `Socket-Type` "SUB"): receives what PUB/XPUB peers publish to the topics it
 * subscribed to (prefixes of the first frame; the empty topic matches everything). Subscriptions
 * are sent to every publisher, replayed to each one that attaches later, and counted as libzmq
 * counts them: subscribing twice needs two `unsubscribe` calls before the cancel goes out.
 * Publishers filter, and a SUB filters again on receipt (a ZMTP 3.0 publisher may send
 * everything) and at `recv` (queued messages of a cancelled topic are dropped). Receives from all
 * publishers fair-queued; a SUB cannot send.
 *
 * With `conflate: true` (libzmq's `ZMQ_CONFLATE`) only the newest matching message of each
 * publisher waits to be read (a newer one replaces it, counted in `stats.dropped`), `recvHwm` no
 * longer applies, and multipart messages are dropped: conflation is for single-frame messages, as
 * in libzmq. Typical use: a "last value" subscriber that only cares about the current state.
 *
 * @module
 */
import { MqError } from "../errors.ts";
import type { ConflateOptions } from "./options.ts";
import { checkBoolean, fixedOptions } from "../options.ts";
import { ZmqSocket } from "./socket.ts";
import { subscriberHooks } from "./_subscription_hooks.ts";
import { topicBytes } from "./_topics.ts";
import { XsubPattern } from "./xsub.ts";
import { SEND_REFUSED } from "../directions.ts";

/** Options of a SUB socket. */
export type SubOptions = ConflateOptions;

class SubPattern extends XsubPattern {
  override trySend(): never {
    throw new MqError("ENOTSUP", "zmq.Sub cannot send; use zmq.Pub, or subscribe()");
  }
}

/**
 * A SUB socket (libzmq's `ZMQ_SUB`).
 *
 * @example Subscribe to one topic
 * ```ts
 * import { Pub } from "./pub.ts";
 * import { Sub } from "./sub.ts";
 * await using pub = new Pub();
 * await using sub = new Sub();
 * sub.subscribe("weather");
 * await pub.bind("inproc://zmq-sub-doc");
 * await sub.connect("inproc://zmq-sub-doc");
 * await new Promise((r) => setTimeout(r, 10)); // let the subscription arrive
 * await pub.send("weather: rain");
 * console.log(new TextDecoder().decode((await sub.recv())[0])); // weather: rain
 * ```
 */
export class Sub extends ZmqSocket {
  /** A mark for the type checker only: this socket receives only, so `send` does not compile. */
  declare readonly [SEND_REFUSED]: "zmq.Sub cannot send; use zmq.Pub, or subscribe()";

  #conflate: boolean;

  #pattern: SubPattern;

  /** Creates a SUB socket (it receives nothing until `subscribe` is called). */
  constructor(options: SubOptions = {}) {
    const conflate = checkBoolean("conflate", options.conflate);
    const pattern = new SubPattern(true, conflate);
    super("SUB", pattern, options, ["conflate"], undefined, subscriberHooks);
    this.#pattern = pattern;
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

  /** Receives messages whose first frame starts with `topic` ("" = everything). Counted. */
  subscribe(topic: Uint8Array | string): void {
    if (this.closed) throw new MqError("ECLOSED", "zmq.Sub is closed");
    this.#pattern.subscribe(topicBytes(topic, "zmq.Sub.subscribe"));
  }

  /**
   * Drops one subscription to `topic`; once none is left, publishers stop sending it and queued
   * messages of it are dropped. Unsubscribing a topic that was not subscribed does nothing, as in
   * libzmq.
   */
  unsubscribe(topic: Uint8Array | string): void {
    if (this.closed) throw new MqError("ECLOSED", "zmq.Sub is closed");
    this.#pattern.unsubscribe(topicBytes(topic, "zmq.Sub.unsubscribe"));
  }
}
