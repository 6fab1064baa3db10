/**
 * PAIR (pair0, sp-pair-01... as nanomsg and NNG speak it): one peer at a
 * time, both ways, no header. A second peer is refused after its handshake
 * while the first is connected. `send` waits while there is no peer or the
 * peer is full.
 *
 * @module
 */
import { MonogamousPattern } from "../_monogamous.ts";
import type { SpMessage } from "./wire.ts";
import { type SpPeer, SpSocket, type SpSocketOptions } from "./socket.ts";

/** pair0's wire id. */
export const PAIR0 = 0x10;

/** Why an SP pair socket refuses a second peer. */
export const PAIR_TAKEN = "a pair socket already has a peer";

/**
 * A PAIR socket (protocol pair0, which nanomsg, NNG and mangos all speak).
 *
 * @example Two pairs talk both ways
 * ```ts
 * import { Pair } from "./mod.ts";
 * await using a = new Pair();
 * await using b = new Pair();
 * await a.listen("inproc://pair-doc");
 * await b.dial("inproc://pair-doc");
 * await b.send("hi");
 * await a.send(await a.recv());
 * console.log((await b.recv()).length); // 2
 * ```
 */
export class Pair extends SpSocket {
  /** Creates a pair0 socket. */
  constructor(options: SpSocketOptions = {}) {
    super(
      { id: PAIR0, name: "pair0", peerId: PAIR0, peerName: "pair0" },
      new MonogamousPattern<SpMessage, SpPeer>(PAIR_TAKEN),
      options,
    );
  }
}
