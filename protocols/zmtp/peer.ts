/**
 * PEER (RFC 51, ZMTP `Socket-Type` "PEER", a libzmq draft type): SERVER's routing on both sides.
 * Every peer, accepted or connected, gets a routing id (a non-zero 32-bit number, never on the
 * wire); `recv` gives `[routingId, data]` and `send([routingId, data])` answers, exactly as on
 * {@linkcode Server}. What PEER adds is {@linkcode Peer.connectPeer}: it connects and returns the
 * routing id of that connection at once, before the handshake, so the first message can be
 * addressed to a peer that has never spoken (libzmq's `zmq_connect_peer`).
 *
 * That is why a PEER's `connect()` always gets its queue at once (libzmq refuses
 * `zmq_connect_peer` when `ZMQ_IMMEDIATE` is set, so PEER has no `immediate` option): messages
 * sent to the id wait, up to `sendHwm`, until the connection is up, and the id stays the same
 * across reconnects until the endpoint is closed. Only PEERs can talk to a PEER.
 *
 * @module
 */
import { MqError } from "../errors.ts";
import type { ZmqSocketOptions } from "./socket.ts";
import { AddressedSocket, ServerPattern } from "./server.ts";

/**
 * A PEER socket (libzmq's draft `ZMQ_PEER`).
 *
 * @example Two peers, one connecting with a known routing id
 * ```ts
 * import { Peer } from "./peer.ts";
 * await using a = new Peer();
 * await using b = new Peer();
 * const { url } = await a.bind("tcp://127.0.0.1:0");
 * const toA = await b.connectPeer(url); // usable at once
 * await b.sendTo(toA, "hello");
 * const { routingId, data } = await a.recvFrom();
 * await a.sendTo(routingId, data);
 * console.log(new TextDecoder().decode((await b.recvFrom()).data)); // hello
 * ```
 */
export class Peer extends AddressedSocket {
  #pattern: ServerPattern;

  /** Creates a PEER socket. */
  constructor(options: ZmqSocketOptions = {}) {
    const pattern = new ServerPattern("zmq.Peer", true);
    super("PEER", pattern, options);
    this.#pattern = pattern;
  }

  /**
   * Connects to `url` (as `connect` does, reconnecting after every disconnect) and resolves with
   * the routing id of that peer, valid from now on: messages sent to it wait for the connection.
   * Rejects as `connect` does (`EINVAL` for a bad URL, `ECLOSED` once closed).
   */
  connectPeer(url: string): Promise<number> {
    this.#pattern.lastAttached = undefined;
    const connecting = this.connect(url); // attaches the connection's pipe before it returns
    const id = this.#pattern.lastAttached;
    return connecting.then(() => {
      if (id === undefined) throw new MqError("ECLOSED", "zmq.Peer: the socket is closing");
      return id;
    });
  }
}
