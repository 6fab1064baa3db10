/**
 * PUB (RFC 29, ZMTP `Socket-Type` "PUB"): sends each message to every SUB/XSUB peer that
 * subscribed to a prefix of its first frame. Filtering happens here, per peer, so a message no
 * peer wants never reaches the wire. A peer at its high-water mark misses the message (counted in
 * `stats.dropped`): publishing never waits. A PUB cannot receive.
 *
 * With `conflate: true` (libzmq's `ZMQ_CONFLATE`) a peer that cannot take a message now gets the
 * newest one later instead of missing it: each peer holds at most one message waiting to go out,
 * a newer one replaces it (the older counts as dropped), and the high-water marks no longer
 * apply. Single-frame messages only, as in libzmq: several frames are `ENOTSUP`.
 *
 * @module
 */
import type { ConflateOptions } from "./options.ts";
import { checkBoolean, fixedOptions } from "../options.ts";
import { XpubPattern } from "./xpub.ts";
import { ZmqSocket } from "./socket.ts";
import { publisherHooks } from "./_subscription_hooks.ts";
import { RECV_REFUSED } from "../directions.ts";

/**
 * A PUB socket (libzmq's `ZMQ_PUB`).
 *
 * @example Publish to a subscriber
 * ```ts
 * import { Pub } from "./pub.ts";
 * import { Sub } from "./sub.ts";
 * await using pub = new Pub();
 * await using sub = new Sub();
 * sub.subscribe("weather");
 * await pub.bind("inproc://zmq-pub-doc");
 * await sub.connect("inproc://zmq-pub-doc");
 * await new Promise((r) => setTimeout(r, 10)); // let the subscription arrive
 * await pub.send(["sports", "1-0"]); // nobody subscribed: filtered out
 * await pub.send(["weather", "rain"]);
 * const [, body] = await sub.recv();
 * console.log(new TextDecoder().decode(body)); // rain
 * ```
 */
export class Pub extends ZmqSocket {
  /** A mark for the type checker only: this socket sends only, so `recv` does not compile. */
  declare readonly [RECV_REFUSED]: "zmq.Pub cannot receive; use zmq.Sub";

  #conflate: boolean;

  /** Creates a PUB socket. */
  constructor(options: ConflateOptions = {}) {
    const conflate = checkBoolean("conflate", options.conflate);
    super(
      "PUB",
      new XpubPattern({
        xpub: false,
        verbose: false,
        manual: false,
        welcome: undefined,
        conflate,
        name: "zmq.Pub",
      }),
      options,
      ["conflate"],
      undefined,
      publisherHooks,
    );
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
