/**
 * PUB (pub0, sp-pub-sub-01): sends every message to every SUB peer. Never
 * waits: a peer whose queue is full misses the message, and with no peer the
 * message is dropped. Subscribers filter on their side; nothing about
 * subscriptions crosses the wire.
 *
 * @module
 */
import { Distributor } from "../_dist.ts";
import { discardInbox } from "../_lb_fq.ts";
import { MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import type { SpMessage } from "./wire.ts";
import { type SpPeer, SpSocket, type SpSocketOptions } from "./socket.ts";
import { RECV_REFUSED } from "../directions.ts";

/** pub0's wire id. */
export const PUB = 0x20;
/** sub0's wire id. */
export const SUB = 0x21;

class PubPattern implements Pattern<SpMessage, SpPeer> {
  #host!: PatternHost;
  #dist = new Distributor<SpMessage>();

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: Pipe<SpMessage, SpPeer>): undefined {
    this.#dist.attach(pipe);
  }

  detach(pipe: Pipe<SpMessage, SpPeer>): void {
    this.#dist.detach(pipe);
  }

  readable(pipe: Pipe<SpMessage, SpPeer>): void {
    discardInbox(pipe); // SUB never sends; ignore a peer that does
  }

  writable(): void {}

  trySend(msg: SpMessage): true {
    const stats = this.#host.stats;
    stats.txMsgs++;
    stats.dropped += this.#dist.size === 0 ? 1 : this.#dist.send(msg);
    return true;
  }

  tryRecv(): never {
    throw new MqError("ENOTSUP", "sp.Pub cannot receive; use sp.Sub");
  }
}

/**
 * A PUB socket: broadcasts to subscribers.
 *
 * @example Publish
 * ```ts
 * import { Pub } from "./mod.ts";
 * await using pub = new Pub();
 * await pub.listen("inproc://pub-doc");
 * await pub.send("weather: sunny"); // resolves at once, even with no subscriber
 * ```
 */
export class Pub extends SpSocket {
  /** A mark for the type checker only: this socket sends only, so `recv` does not compile. */
  declare readonly [RECV_REFUSED]: "sp.Pub cannot receive; use sp.Sub";

  /** Creates a PUB socket. */
  constructor(options: SpSocketOptions = {}) {
    super({ id: PUB, name: "pub0", peerId: SUB, peerName: "sub0" }, new PubPattern(), options);
  }
}
