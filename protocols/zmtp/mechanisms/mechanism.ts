/**
 * The seam between the ZMTP engine and a security mechanism (RFC 23 §Authentication and
 * Confidentiality, RFC 37 §Security Mechanisms). A ZMTP 3.x connection runs in three steps:
 * greeting, then the mechanism's handshake, then traffic. The engine owns the first and the last;
 * a {@linkcode Mechanism} owns the middle one and knows nothing about framing, heartbeats or
 * socket types beyond the metadata it announces.
 *
 * - Greeting: the engine sends the mechanism's {@linkcode Mechanism.name} and
 *   {@linkcode Mechanism.asServer} flag, and refuses a peer whose greeting names another mechanism.
 * - Handshake: {@linkcode Mechanism.start} sends our first commands (if we speak first), and
 *   {@linkcode Mechanism.command} receives each command of the peer, answering with a
 *   {@linkcode HandshakeStep}: more to come, done with the peer's metadata, or failed with a reason
 *   (and an ERROR reason to tell the peer). The peer's ERROR command is the engine's (RFC 23/37
 *   §Error Handling: the same for every mechanism), so mechanisms never see it.
 * - Traffic: a mechanism that protects frames (CURVE, RFC 26) gives {@linkcode Mechanism.wrap} and
 *   {@linkcode Mechanism.unwrap}; one that does not (NULL, PLAIN) leaves both out, and frames go on
 *   the wire as they are, without a call per frame.
 *
 * Mechanisms live one per file in this folder (`null.ts`; PLAIN and CURVE to come).
 *
 * @module
 */
import type { Metadata, MetadataInit } from "../command.ts";
import type { SocketTypeName } from "../socket_types.ts";

/**
 * What a mechanism is given when a connection starts.
 *
 * @example A setup that records the commands a mechanism sends
 * ```ts ignore
 * import type { MechanismSetup } from "./mechanism.ts";
 * const sent: Uint8Array[] = [];
 * const setup: MechanismSetup = { socketType: "DEALER", send: (body) => sent.push(body) };
 * ```
 */
export interface MechanismSetup {
  /** Our socket type, announced as `Socket-Type`. */
  readonly socketType: SocketTypeName;
  /** Our routing id, announced as `Identity` by the types that send one. */
  readonly routingId?: Uint8Array | undefined;
  /** Sends one command: its body (name length, name, data); the engine frames it. */
  readonly send: (body: Uint8Array) => void;
}

/**
 * A mechanism's answer to a command of the peer during the handshake:
 * - `more`: wait for the next command;
 * - `done`: the handshake succeeded and the peer announced `metadata` (`Socket-Type`, `Identity`
 *   and any other property); the engine checks `Socket-Type` and starts traffic;
 * - `failed`: the handshake failed for `reason` (shown by the monitor); when `error` is given, the
 *   engine first sends the peer an ERROR command with it (at most 255 bytes).
 *
 * @example Failing with an ERROR for the peer
 * ```ts ignore
 * import type { HandshakeStep } from "./mechanism.ts";
 * const step: HandshakeStep = { kind: "failed", reason: "bad password", error: "400" };
 * ```
 */
export type HandshakeStep =
  | { readonly kind: "more" }
  | { readonly kind: "done"; readonly metadata: Metadata }
  | { readonly kind: "failed"; readonly reason: string; readonly error?: string };

/**
 * A frame restored by {@linkcode Mechanism.unwrap}: its flags (MORE, COMMAND as in `frame.ts`) and
 * its body.
 *
 * @example The last frame of a message
 * ```ts ignore
 * import type { UnwrappedFrame } from "./mechanism.ts";
 * const frame: UnwrappedFrame = { flags: 0, body: new TextEncoder().encode("hello") };
 * ```
 */
export interface UnwrappedFrame {
  /** `FLAG_MORE` and/or `FLAG_COMMAND` from `frame.ts`; nothing else. */
  readonly flags: number;
  /** The frame's body. */
  readonly body: Uint8Array;
}

/**
 * One connection's security mechanism, made by a {@linkcode MechanismFactory}.
 *
 * @example The shape of a mechanism that speaks first and is done on the peer's first command
 * ```ts ignore
 * import type { Mechanism } from "./mechanism.ts";
 * const mechanism: Mechanism = {
 *   name: "X-DEMO",
 *   asServer: false,
 *   zmtp2: false,
 *   start() {},
 *   command: () => ({ kind: "done", metadata: new Map() }),
 * };
 * ```
 */
export interface Mechanism {
  /** The name sent in our greeting (1 to 20 of `A-Z 0-9 - _ . +`); the peer's must be equal. */
  readonly name: string;
  /** Our greeting's as-server flag (NULL: false; libzmq never reads it). */
  readonly asServer: boolean;
  /**
   * Whether a ZMTP 2.0 peer may be answered in ZMTP 2.0, which has no handshake: RFC 23 §Backwards
   * Interoperability allows it only under NULL.
   */
  readonly zmtp2: boolean;
  /**
   * Refuses a peer by its greeting's as-server flag (PLAIN and CURVE want one server and one
   * client, RFC 23 §Security Mechanism); a reason, or undefined to go on. Left out when the flag
   * does not matter (NULL).
   */
  checkPeerRole?(peerAsServer: boolean): string | undefined;
  /** Starts the handshake once the greetings are exchanged: sends our first commands, if any. */
  start(): void;
  /** Takes one command of the peer (any name but ERROR) until the handshake is done or failed. */
  command(name: string, data: Uint8Array): HandshakeStep;
  /**
   * Protects one frame after the handshake: returns the body of the command that carries it.
   * `flags` holds `FLAG_MORE` and/or `FLAG_COMMAND`. Left out when frames go as they are.
   */
  wrap?(flags: number, body: Uint8Array): Uint8Array;
  /**
   * Opens one command frame received after the handshake (given whole: its body): the frame it
   * carries, or undefined if it is not a valid protected frame (the engine then drops the peer).
   * Given with {@linkcode Mechanism.wrap}; a mechanism that has it receives no data frames.
   */
  unwrap?(body: Uint8Array): UnwrappedFrame | undefined;
}

/**
 * Makes the mechanism of one connection. The engine calls {@linkcode MechanismFactory.create}
 * once per connection, before the greeting.
 *
 * @example Choosing NULL explicitly
 * ```ts ignore
 * import { NULL_MECHANISM } from "./null.ts";
 * import type { MechanismFactory } from "./mechanism.ts";
 * const factory: MechanismFactory = NULL_MECHANISM;
 * console.log(factory.name); // "NULL"
 * ```
 */
export interface MechanismFactory {
  /** The mechanism's name, as in the greeting. */
  readonly name: string;
  /** A new mechanism for one connection. */
  create(setup: MechanismSetup): Mechanism;
}

// Socket types that announce an Identity property (libzmq's `mechanism_t::add_basic_properties`).
const SENDS_IDENTITY: ReadonlySet<string> = new Set(["REQ", "DEALER", "ROUTER"]);
const EMPTY = new Uint8Array(0);

/**
 * The identity we announce: our routing id (empty if none) for REQ, DEALER and ROUTER, as libzmq
 * does; undefined for the other types, which send no `Identity` property (and, to a ZMTP 2.0
 * peer, an empty identity frame).
 *
 * @param setup Our socket type and routing id.
 * @returns The identity bytes, or undefined.
 *
 * @example A DEALER without a routing id
 * ```ts
 * import { announcedIdentity } from "./mechanism.ts";
 * console.log(announcedIdentity({ socketType: "DEALER" })); // Uint8Array(0) []
 * console.log(announcedIdentity({ socketType: "PUSH" })); // undefined
 * ```
 */
export function announcedIdentity(
  setup: Pick<MechanismSetup, "socketType" | "routingId">,
): Uint8Array | undefined {
  return SENDS_IDENTITY.has(setup.socketType) ? setup.routingId ?? EMPTY : undefined;
}

/**
 * The properties every mechanism announces (in READY under NULL; in INITIATE or READY under PLAIN
 * and CURVE): `Socket-Type`, then `Identity` for the types that send one.
 *
 * @param setup Our socket type and routing id.
 * @returns The properties, in order; encode them with `encodeReady` or `encodeMetadata`.
 *
 * @example What a PULL announces
 * ```ts
 * import { basicProperties } from "./mechanism.ts";
 * console.log(basicProperties({ socketType: "PULL" })); // { "Socket-Type": "PULL" }
 * ```
 */
export function basicProperties(
  setup: Pick<MechanismSetup, "socketType" | "routingId">,
): MetadataInit {
  const props: Record<string, string | Uint8Array> = { "Socket-Type": setup.socketType };
  const identity = announcedIdentity(setup);
  if (identity !== undefined) props["Identity"] = identity;
  return props;
}
