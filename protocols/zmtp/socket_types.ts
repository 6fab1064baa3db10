/**
 * ZeroMQ socket types as they appear on the wire: the numbers that a ZMTP 2.0 greeting carries in
 * its twelfth byte, the names that a ZMTP 3.x `Socket-Type` property carries, and the table of
 * which types may talk to which (RFC 23 §The Socket-Type Property, RFC 37, libzmq 4.3.4
 * `mechanism_t::check_socket_type`).
 *
 * @module
 */

/**
 * Socket-type numbers, equal to libzmq's `ZMQ_*` constants. ZMTP 2.0 sends them in the greeting.
 * STREAM (11) is a raw-TCP socket that never speaks ZMTP; it is listed to keep the numbering whole.
 * SERVER and later are libzmq draft types.
 *
 * @example Reading the number of a DEALER
 * ```ts
 * import { SocketType } from "./socket_types.ts";
 *
 * console.log(SocketType.DEALER); // 5
 * ```
 */
export const SocketType = {
  PAIR: 0,
  PUB: 1,
  SUB: 2,
  REQ: 3,
  REP: 4,
  DEALER: 5,
  ROUTER: 6,
  PULL: 7,
  PUSH: 8,
  XPUB: 9,
  XSUB: 10,
  STREAM: 11,
  SERVER: 12,
  CLIENT: 13,
  RADIO: 14,
  DISH: 15,
  GATHER: 16,
  SCATTER: 17,
  DGRAM: 18,
  PEER: 19,
  CHANNEL: 20,
} as const;

/**
 * The name of a socket type, exactly as it is written in a `Socket-Type` property (upper case).
 *
 * @example Typing a name
 * ```ts
 * import type { SocketTypeName } from "./socket_types.ts";
 *
 * const mine: SocketTypeName = "DEALER";
 * console.log(mine);
 * ```
 */
export type SocketTypeName = keyof typeof SocketType;

const NAMES: readonly SocketTypeName[] = Object.keys(SocketType) as SocketTypeName[];

// Who may connect to whom. The wire carries names, so the table is keyed by name. libzmq compares
// the peer's name byte for byte (case-sensitive); `isCompatiblePeer` does the same.
const PEERS: Readonly<Record<SocketTypeName, readonly SocketTypeName[]>> = {
  PAIR: ["PAIR"],
  PUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PULL: ["PUSH"],
  PUSH: ["PULL"],
  XPUB: ["SUB", "XSUB"],
  XSUB: ["PUB", "XPUB"],
  STREAM: [],
  SERVER: ["CLIENT"],
  CLIENT: ["SERVER"],
  RADIO: ["DISH"],
  DISH: ["RADIO"],
  GATHER: ["SCATTER"],
  SCATTER: ["GATHER"],
  DGRAM: ["DGRAM"],
  PEER: ["PEER"],
  CHANNEL: ["CHANNEL"],
};

/**
 * Returns the name of a socket-type number, or `undefined` for a number no ZeroMQ type uses.
 *
 * @param type The number, as read from a ZMTP 2.0 greeting.
 * @returns The upper-case name, or `undefined`.
 *
 * @example Naming the socket type of a ZMTP 2.0 peer
 * ```ts
 * import { socketTypeName } from "./socket_types.ts";
 *
 * console.log(socketTypeName(5)); // "DEALER"
 * console.log(socketTypeName(99)); // undefined
 * ```
 */
export function socketTypeName(type: number): SocketTypeName | undefined {
  return Number.isInteger(type) ? NAMES[type] : undefined;
}

/**
 * Tells whether a string is a known socket-type name. The comparison is exact (case-sensitive), as
 * libzmq's is: `"sub"` is not a socket type.
 *
 * @param name A `Socket-Type` value as received.
 * @returns `true` when `name` is one of the names in {@linkcode SocketType}.
 *
 * @example Checking a received Socket-Type value
 * ```ts
 * import { isSocketTypeName } from "./socket_types.ts";
 *
 * console.log(isSocketTypeName("SUB")); // true
 * console.log(isSocketTypeName("sub")); // false
 * ```
 */
export function isSocketTypeName(name: string): name is SocketTypeName {
  return Object.hasOwn(SocketType, name);
}

/**
 * Lists the socket types that a socket of type `local` accepts as peers.
 *
 * @param local Our own socket type.
 * @returns The accepted peer types (empty for STREAM).
 *
 * @example Peers of a REQ socket
 * ```ts
 * import { compatiblePeers } from "./socket_types.ts";
 *
 * console.log(compatiblePeers("REQ")); // ["REP", "ROUTER"]
 * ```
 */
export function compatiblePeers(local: SocketTypeName): readonly SocketTypeName[] {
  return PEERS[local];
}

/**
 * Tells whether a socket of type `local` may keep a connection to a peer that announced `peer` as
 * its `Socket-Type`. The peer's value is compared exactly, the way libzmq 4.3.4 does, so a peer
 * that sends `"dealer"` is refused.
 *
 * @param local Our own socket type.
 * @param peer The peer's `Socket-Type` value, as received.
 * @returns `true` when the pair is allowed.
 *
 * @example Validating a peer during the handshake
 * ```ts
 * import { isCompatiblePeer } from "./socket_types.ts";
 *
 * console.log(isCompatiblePeer("REQ", "ROUTER")); // true
 * console.log(isCompatiblePeer("REQ", "REQ")); // false
 * ```
 */
export function isCompatiblePeer(local: SocketTypeName, peer: string): boolean {
  return (PEERS[local] as readonly string[]).includes(peer);
}
