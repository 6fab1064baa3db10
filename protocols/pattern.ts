/**
 * The contract between the socket core and a messaging pattern (REQ, PUB,
 * ...): the pattern says which pipe a message goes to and which message the
 * user gets next; the core does endpoints, pipes, waiting and timeouts.
 *
 * @module
 */
import type { Pipe } from "./pipe.ts";
import type { Monitor, SocketStats } from "./monitor.ts";
import type { MqError } from "./errors.ts";

/**
 * One context of a socket, as its pattern sees it (NNG's `nng_ctx`): its own operations and its
 * own protocol state (a REQ context's request, a REP context's backtrace). The socket's own
 * `send`/`recv` use the default context, id 0.
 */
export interface PatternContext {
  /** Unique within the socket; 0 is the default context. */
  readonly id: number;
  /** The pattern's state for this context. */
  data: unknown;
}

/** What the socket core offers a pattern. */
export interface PatternHost {
  /** Retry waiting senders (a pipe became writable, state changed); of one context, or of all. */
  wakeSend(ctx?: PatternContext): void;
  /** Retry waiting receivers (a message became available); of one context, or of all. */
  wakeRecv(ctx?: PatternContext): void;
  /**
   * Fails the waiting receivers of `ctx` (default: the default context) with `err` (REQ: a new
   * request cancels the old).
   */
  failRecv(err: MqError, ctx?: PatternContext): void;
  /** Starts a timer that the socket clears on close; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
  /** Counters. */
  readonly stats: SocketStats;
  /** Events. */
  readonly monitor: Monitor;
}

/** A messaging pattern over pipes carrying messages of type `M`. */
export interface Pattern<M, P = unknown> {
  /**
   * Optional: true gives each dialer one pipe from `dial()` on, kept across reconnects; messages
   * sent to it while it is not connected wait in it, up to `sendHwm` (libzmq without
   * `ZMQ_IMMEDIATE`). Such a pipe's `peer` is this socket's own description (the real peer changes
   * with each connection), so only patterns that do not look at `peer` may ask for it. Read at
   * each dial; a pattern that has it lets the socket change it (ZeroMQ's `immediate` set live).
   */
  queueWhileConnecting?: boolean;
  /**
   * Optional: every pipe's `sendHwm`, whatever the option says (1 for a conflating sender, as
   * libzmq ignores the high-water marks when conflating).
   */
  readonly pinnedSendHwm?: number | undefined;
  /**
   * Optional: true if the pattern keeps its state per context, so that `context()` may open more
   * than the default one. Read once.
   */
  readonly contexts?: boolean;
  /** Optional: a context closed; drop its state (its waiting operations were failed already). */
  closeContext?(ctx: PatternContext): void;
  /** Called once before anything else. */
  bind(host: PatternHost): void;
  /** A new peer; return a reason to refuse it (it is then closed). */
  attach(pipe: Pipe<M, P>): string | undefined;
  /** A peer left. Its inbox may still hold messages. */
  detach(pipe: Pipe<M, P>): void;
  /**
   * Optional check of each message as it arrives, before it is queued:
   * false drops it. A pattern closes a pipe whose peer breaks the protocol
   * here, at once, as NNG does, not when the user gets round to `recv`.
   */
  admit?(pipe: Pipe<M, P>, msg: M): boolean;
  /** A pipe's inbox became non-empty. */
  readable(pipe: Pipe<M, P>): void;
  /** A pipe can take messages again. */
  writable(pipe: Pipe<M, P>): void;
  /**
   * Sends (or deliberately drops) the message from `ctx`: true; cannot now: false. May throw an
   * `MqError`.
   */
  trySend(msg: M, ctx: PatternContext): boolean;
  /** The next message for `ctx`, or undefined to wait. May throw an `MqError`. */
  tryRecv(ctx: PatternContext): M | undefined;
}
