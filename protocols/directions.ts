/**
 * Which way a socket carries messages, as the type checker sees it. A socket type that only
 * receives (PULL, SUB, DISH, GATHER) declares `[SEND_REFUSED]`, one that only sends (PUSH, PUB,
 * RADIO, SCATTER) declares `[RECV_REFUSED]`, each with the reason as its type; `send`, `trySend`,
 * `recv` and `tryRecv` require the mark's absence of the socket they are called on, so that
 * `new sp.Sub().send("x")` does not compile and the error quotes the reason. The marks exist for
 * the type checker only: no socket has them at run time, where the refused call still fails with
 * `ENOTSUP` (for JavaScript callers, and for code typed with the family's base class).
 *
 * {@linkcode Sender} and {@linkcode Receiver} are what a function needs of a socket that it only
 * sends to, or only receives from (the proxy's frontend and backend are typed with them).
 *
 * @module
 */
import type { RecvOptions, SendOptions } from "./socket.ts";

/**
 * The mark of a socket class that cannot send: its type is why, for the type checker's message.
 *
 * @example A function that refuses receive-only sockets itself
 * ```ts
 * import { SEND_REFUSED } from "./directions.ts";
 * function canSend(s: { readonly [SEND_REFUSED]?: undefined }): void {}
 * ```
 */
export const SEND_REFUSED: unique symbol = Symbol("edgemq.sendRefused");

/**
 * The mark of a socket class that cannot receive: its type is why, for the type checker's message.
 *
 * @example A function that refuses send-only sockets itself
 * ```ts
 * import { RECV_REFUSED } from "./directions.ts";
 * function canRecv(s: { readonly [RECV_REFUSED]?: undefined }): void {}
 * ```
 */
export const RECV_REFUSED: unique symbol = Symbol("edgemq.recvRefused");

/**
 * A socket whose `send` is not refused: it is not marked receive-only.
 *
 * @example
 * ```ts
 * import type { MaySend } from "./directions.ts";
 * import { Pub } from "./sp/mod.ts";
 * const ok: MaySend = new Pub();
 * ```
 */
export interface MaySend {
  /** Absent: the socket can send. */
  readonly [SEND_REFUSED]?: undefined;
  /** Its `send`. */
  readonly send: unknown;
}

/**
 * A socket whose `recv` is not refused: it is not marked send-only.
 *
 * @example
 * ```ts
 * import type { MayRecv } from "./directions.ts";
 * import { Sub } from "./sp/mod.ts";
 * const ok: MayRecv = new Sub();
 * ```
 */
export interface MayRecv {
  /** Absent: the socket can receive. */
  readonly [RECV_REFUSED]?: undefined;
  /** Its `recv`. */
  readonly recv: unknown;
}

/**
 * What can send messages of type `In`: every socket class but the receive-only ones.
 *
 * @example Publish through anything that sends strings
 * ```ts
 * import type { Sender } from "./directions.ts";
 * import { Pub, Push } from "./sp/mod.ts";
 * async function announce(to: Sender<string>): Promise<void> {
 *   await to.send("hello");
 * }
 * await using pub = new Pub();
 * await announce(pub);
 * const push: Sender<string> = new Push();
 * await (push as Push).close();
 * ```
 */
export interface Sender<In> extends MaySend {
  // a property, not a method: its parameter is then checked strictly, so that a socket that
  // cannot send what is given is refused
  /** Sends one message. */
  readonly send: (msg: In, options?: SendOptions) => Promise<void>;
}

/**
 * What can receive messages of type `M`: every socket class but the send-only ones.
 *
 * @example Read one message from anything that receives bytes
 * ```ts
 * import type { Receiver } from "./directions.ts";
 * import { Pull } from "./sp/mod.ts";
 * function first(from: Receiver<Uint8Array>): Promise<Uint8Array> {
 *   return from.recv({ signal: AbortSignal.timeout(10) });
 * }
 * await using pull = new Pull();
 * await first(pull).catch(() => console.log("nothing came"));
 * ```
 */
export interface Receiver<M> extends MayRecv {
  /** Receives one message. */
  readonly recv: (options?: RecvOptions) => Promise<M>;
}
