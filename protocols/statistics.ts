/**
 * A socket's statistics under NNG's names (`nng_stat_find_socket`, and the dialer, listener and
 * pipe statistics of NNG's `src/core/stats` and `socket.c`), read at any time as a snapshot:
 * `socket.statistics()` for the socket, `socket.pipeStatistics()` for each pipe open now.
 *
 * @module
 */

/** What a socket has done so far, under NNG's statistic names. */
export interface SocketStatistics {
  /** Messages the socket sent for its user (a published message counts once). */
  readonly tx_msgs: number;
  /** Messages the socket delivered to its user. */
  readonly rx_msgs: number;
  /** Bytes handed to peers, summed over pipes (a message sent to three peers counts three times). */
  readonly tx_bytes: number;
  /** Bytes received from peers, summed over pipes (protocol headers included). */
  readonly rx_bytes: number;
  /** Pipes (connected, handshaken peers) open now. */
  readonly pipes: number;
  /** Dialers (`dial`, `connect`) open now. */
  readonly dialers: number;
  /** Listeners (`listen`, `bind`) open now. */
  readonly listeners: number;
  /** Connections made by the socket's dialers (NNG's dialer statistic `connect`). */
  readonly connect: number;
  /** Connections accepted by its listeners (NNG's listener statistic `accept`). */
  readonly accept: number;
  /** Connections that ended (NNG's `disconnect`). */
  readonly disconnect: number;
  /** Peers refused after their handshake: wrong protocol, a second PAIR peer (NNG's `reject`). */
  readonly reject: number;
  /** Connections closed for a broken protocol or a failed handshake (NNG's `proto`). */
  readonly proto: number;
  /**
   * Messages the protocol dropped: no peer or a full one where sends never wait (PUB, BUS,
   * SURVEYOR, polyamorous PAIR1, raw REP), too many hops, stale replies, survey answers after
   * the deadline or to an older survey.
   */
  readonly drop: number;
}

/** One open pipe (a connected peer) and its traffic, under NNG's pipe statistic names. */
export interface PipeStatistics {
  /** The pipe's id, unique in the process (as NNG's pipe ids, 1 to 2^31 - 1). */
  readonly id: number;
  /** The endpoint it came from (a listener's real URL, or the URL dialed). */
  readonly url: string;
  /** The peer's address. */
  readonly remote: string;
  /** Messages handed to the peer. */
  readonly tx_msgs: number;
  /** Messages received from the peer (those the protocol admitted). */
  readonly rx_msgs: number;
  /** Bytes handed to the peer. */
  readonly tx_bytes: number;
  /** Bytes received from the peer. */
  readonly rx_bytes: number;
}
