/**
 * The thing under test: an endpoint that speaks one wire as one socket type, and whether the runner
 * dials it (the target listens) or listens for it (the target dials). Every case is written once
 * against this description, for edgemq's own sockets and foreign programs alike.
 *
 * @module
 */

/** The wire family the target speaks. */
export type Wire = "zmtp" | "sp";

/** What the runner does: `dial` the target's listening endpoint, or `listen` and wait for it. */
export type Role = "dial" | "listen";

/** The thing under test. */
export interface Target {
  /** Its wire. */
  readonly wire: Wire;
  /** ZMTP socket type in upper case (`REP`), or SP protocol name (`req0`). */
  readonly type: string;
  /** Where the runner dials (role `dial`) or listens (role `listen`): tcp:// or ipc://. */
  readonly url: string;
  /** What the runner does. */
  readonly role: Role;
  /**
   * The fixed body the target answers every request with, when it does not echo (nngcat's
   * `--data`); undefined: the target echoes (see the runner's README for the contract).
   */
  readonly reply?: Uint8Array;
}

/**
 * ZMTP socket types the runner knows, with their ZMTP 2.0 / libzmq numbers (ZMTP-SOCK-1). The same
 * table as `protocols/zmtp/socket_types.ts`, written again on purpose: the runner judges targets
 * (edgemq among them) by the RFC's values, never by the code under test.
 */
export const ZMTP_TYPES: Readonly<Record<string, number>> = {
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
};

/** A valid peer type for each ZMTP type (ZMTP-SOCK-2), the one the runner plays. */
export const ZMTP_PEER: Readonly<Record<string, string>> = {
  PAIR: "PAIR",
  PUB: "SUB",
  SUB: "PUB",
  REQ: "REP",
  REP: "REQ",
  DEALER: "DEALER",
  ROUTER: "DEALER",
  PULL: "PUSH",
  PUSH: "PULL",
  XPUB: "SUB",
  XSUB: "PUB",
};

/** A ZMTP type that is not a valid peer of each type, for refusal cases. */
export const ZMTP_WRONG_PEER: Readonly<Record<string, string>> = {
  PAIR: "PUSH",
  PUB: "PUSH",
  SUB: "PUSH",
  REQ: "PUB",
  REP: "PUB",
  DEALER: "PUB",
  ROUTER: "PUB",
  PULL: "PULL",
  PUSH: "PUSH",
  XPUB: "PUSH",
  XSUB: "PUSH",
};

/** SP protocols the runner knows: own id and the id of the peer the runner plays (SP-ID-1/2). */
export const SP_PROTOCOLS: Readonly<
  Record<string, { readonly id: number; readonly peer: number }>
> = {
  pair0: { id: 0x10, peer: 0x10 },
  pair1: { id: 0x11, peer: 0x11 },
  pub0: { id: 0x20, peer: 0x21 },
  sub0: { id: 0x21, peer: 0x20 },
  req0: { id: 0x30, peer: 0x31 },
  rep0: { id: 0x31, peer: 0x30 },
  push0: { id: 0x50, peer: 0x51 },
  pull0: { id: 0x51, peer: 0x50 },
  surveyor0: { id: 0x62, peer: 0x63 },
  respondent0: { id: 0x63, peer: 0x62 },
  bus0: { id: 0x70, peer: 0x70 },
};

/**
 * Checks a target description: a known type for its wire, a tcp:// or ipc:// URL.
 *
 * @throws {Error} with a message saying what is wrong.
 * @example
 * ```ts
 * import { checkTarget } from "./target.ts";
 * const t = checkTarget({ wire: "zmtp", type: "rep", url: "tcp://127.0.0.1:5555", role: "dial" });
 * console.log(t.type); // "REP"
 * ```
 */
export function checkTarget(target: Target): Target {
  const type = target.wire === "zmtp" ? target.type.toUpperCase() : target.type.toLowerCase();
  const known = target.wire === "zmtp" ? Object.keys(ZMTP_TYPES) : Object.keys(SP_PROTOCOLS);
  if (!known.includes(type)) {
    throw new Error(`unknown ${target.wire} type "${target.type}": one of ${known.join(", ")}`);
  }
  if (!/^(tcp|ipc):\/\//.test(target.url)) {
    throw new Error(`the runner speaks over tcp:// or ipc:// URLs, not "${target.url}"`);
  }
  return { ...target, type };
}
