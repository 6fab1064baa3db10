/**
 * The options every socket takes, their defaults, and the one place where
 * option values are checked: in the constructor, and when an option is set
 * on the live socket (each one is a property of the socket; `rfc/core.md`,
 * "Options on a live socket", says when each takes effect).
 *
 * @module
 */
import { invalid, MqError } from "./errors.ts";

/** Options common to every socket. Times are milliseconds. */
export interface SocketOptions {
  /**
   * How long `send` may wait for a peer to take the message; -1 waits forever.
   * @default {-1}
   */
  readonly sendTimeout?: number;
  /**
   * How long `recv` may wait for a message; -1 waits forever.
   * @default {-1}
   */
  readonly recvTimeout?: number;
  /**
   * Messages a pipe may hold on its way out before it counts as full.
   * @default {1000}
   */
  readonly sendHwm?: number;
  /**
   * Messages a pipe may hold on its way in before reading from the peer stops.
   * @default {1000}
   */
  readonly recvHwm?: number;
  /**
   * Bytes a pipe may hold on its way out before it counts as full, beside `sendHwm`: whichever
   * is reached first stops the pipe taking more until its connection has taken what was written.
   * A message larger than the limit still goes, alone. 0 means no limit (HWMs count messages
   * only, as in libzmq and NNG); set it when message sizes vary and memory must stay bounded.
   * @default {0}
   */
  readonly sendHwmBytes?: number;
  /**
   * Bytes a pipe may hold on its way in before reading from the peer stops, beside `recvHwm`:
   * reading pauses at whichever is reached first and resumes when the inbox is half drained.
   * With it, what one peer can make the socket hold is bounded by bytes, not just by a count of
   * messages of any size. 0 means no limit.
   * @default {0}
   */
  readonly recvHwmBytes?: number;
  /**
   * How long `close()` waits for queued outgoing messages to leave; 0 drops them at once.
   * @default {1000}
   */
  readonly linger?: number;
  /**
   * Wait before a dialer reconnects, and its first backoff step.
   * @default {100}
   */
  readonly reconnectIvl?: number;
  /**
   * Upper bound of the doubling backoff between reconnect attempts; 0 keeps `reconnectIvl`.
   * @default {0}
   */
  readonly reconnectIvlMax?: number;
  /**
   * How long a new connection may take to finish its protocol handshake.
   * @default {10000}
   */
  readonly handshakeTimeout?: number;
  /**
   * The send priority of the socket's endpoints, 1 (highest) to 16 (nanomsg's `NN_SNDPRIO`):
   * a message goes to a peer of the highest priority that can take it, to a lower one only when
   * none of the higher can, round robin among equals. Usually set per endpoint.
   * @default {8}
   */
  readonly sendPriority?: number;
  /**
   * The receive priority of the socket's endpoints, 1 (highest) to 16 (nanomsg's `NN_RCVPRIO`):
   * messages waiting from peers of a higher priority are received first, fair-queued among
   * equals. Usually set per endpoint.
   * @default {8}
   */
  readonly recvPriority?: number;
}

/**
 * Options of one endpoint (`listen`/`dial`, `bind`/`connect`): they override the socket's for that
 * endpoint alone. Each family adds its own (SP `recvMaxSize`, ZeroMQ `maxMsgSize`), and each
 * transport may take more.
 */
export interface EndpointOptions {
  /** This dialer's `reconnectIvl`. */
  readonly reconnectIvl?: number;
  /** This dialer's `reconnectIvlMax`. */
  readonly reconnectIvlMax?: number;
  /** The handshake timeout of this endpoint's connections. */
  readonly handshakeTimeout?: number;
  /** The send priority of this endpoint's peers, 1 (highest) to 16. */
  readonly sendPriority?: number;
  /** The receive priority of this endpoint's peers, 1 (highest) to 16. */
  readonly recvPriority?: number;
  /**
   * Dial only: resolve once the first connection is made and handshaken, or reject with why the
   * first attempt failed (`ECONNREFUSED`, `EADDRNOTAVAIL`, `EPROTO`, …) and stop dialing, as
   * NNG's `nng_dial` does without `NNG_FLAG_NONBLOCK`. By default a dial returns at once and
   * connects (and reconnects) in the background, as nanomsg's and libzmq's do.
   * @default {false}
   */
  readonly wait?: boolean;
}

/** An endpoint's options, resolved: the common ones, and the rest by who checks them. */
export interface ResolvedEndpointOptions {
  readonly reconnectIvl: number;
  readonly reconnectIvlMax: number;
  readonly handshakeTimeout: number;
  readonly sendPriority: number;
  readonly recvPriority: number;
  /** Dial only: wait for the first connection (see {@linkcode EndpointOptions.wait}). */
  readonly wait: boolean;
  /** The family's options (given only), for the family to check. */
  readonly family: Readonly<Record<string, unknown>>;
  /** The transport's options (given only), passed to it. */
  readonly transport: Readonly<Record<string, unknown>>;
}

const ENDPOINT_OPTIONS = [
  "reconnectIvl",
  "reconnectIvlMax",
  "handshakeTimeout",
  "sendPriority",
  "recvPriority",
] as const;

/**
 * Resolves an endpoint's options over the socket's: the common ones are checked here, the
 * family's and the transport's names are sorted out for them, and any other name is `EINVAL`.
 *
 * @example
 * ```ts
 * import { resolveEndpointOptions, resolveSocketOptions } from "./options.ts";
 * const socket = resolveSocketOptions({});
 * const ep = resolveEndpointOptions({ reconnectIvl: 50 }, socket, ["recvMaxSize"], [], "dial");
 * console.log(ep.reconnectIvl); // 50
 * ```
 */
export function resolveEndpointOptions(
  options: unknown,
  socket: ResolvedSocketOptions,
  familyNames: readonly string[],
  transportNames: readonly string[],
  where: string,
): ResolvedEndpointOptions {
  const out = {
    reconnectIvl: socket.reconnectIvl,
    reconnectIvlMax: socket.reconnectIvlMax,
    handshakeTimeout: socket.handshakeTimeout,
    sendPriority: socket.sendPriority,
    recvPriority: socket.recvPriority,
  };
  const family: Record<string, unknown> = {};
  const transport: Record<string, unknown> = {};
  let wait = false;
  if (options === undefined) return { ...out, wait, family, transport };
  if (typeof options !== "object" || options === null) {
    throw invalid(
      `${where} options must be an object, got ${options === null ? "null" : typeof options}`,
    );
  }
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (name === "wait") {
      wait = checkBoolean(name, value);
      if (wait && where !== "dial") throw invalid(`option wait is for dial and connect only`);
    } else if ((ENDPOINT_OPTIONS as readonly string[]).includes(name)) {
      out[name as keyof typeof out] = checkSocketOption(name as keyof SocketOptions, value);
    } else if (familyNames.includes(name)) family[name] = value;
    else if (transportNames.includes(name)) transport[name] = value;
    else throw invalid(`unknown ${where} option "${name}"`);
  }
  return { ...out, wait, family, transport };
}

/** Every common option, resolved. */
export type ResolvedSocketOptions = { readonly [K in keyof SocketOptions]-?: number };

const DEFAULTS: ResolvedSocketOptions = {
  sendTimeout: -1,
  recvTimeout: -1,
  sendHwm: 1000,
  recvHwm: 1000,
  sendHwmBytes: 0,
  recvHwmBytes: 0,
  linger: 1000,
  reconnectIvl: 100,
  reconnectIvlMax: 0,
  handshakeTimeout: 10000,
  sendPriority: 8,
  recvPriority: 8,
};

/** Range of each common option: [min, max]. Timeouts also take -1. */
const RANGES: { readonly [K in keyof SocketOptions]-?: readonly [number, number] } = {
  sendTimeout: [-1, 2 ** 31 - 1],
  recvTimeout: [-1, 2 ** 31 - 1],
  sendHwm: [1, 2 ** 31 - 1],
  recvHwm: [1, 2 ** 31 - 1],
  sendHwmBytes: [0, Number.MAX_SAFE_INTEGER],
  recvHwmBytes: [0, Number.MAX_SAFE_INTEGER],
  linger: [0, 2 ** 31 - 1],
  reconnectIvl: [1, 2 ** 31 - 1],
  reconnectIvlMax: [0, 2 ** 31 - 1],
  handshakeTimeout: [1, 2 ** 31 - 1],
  sendPriority: [1, 16],
  recvPriority: [1, 16],
};

/**
 * Checks a value of a common option, in the constructor and when it is set on a live socket;
 * throws `EINVAL` naming it.
 *
 * @example
 * ```ts
 * import { checkSocketOption } from "./options.ts";
 * console.log(checkSocketOption("recvTimeout", 200)); // 200
 * ```
 */
export function checkSocketOption(name: keyof SocketOptions, value: unknown): number {
  const [min, max] = RANGES[name];
  return checkInteger(name, value, min, max);
}

/**
 * Makes assigning each of `names` on the instances of a class throw `EREADONLY`: options fixed
 * when a socket is created (NNG's `NNG_EREADONLY`). The class declares each one with a getter
 * only, so TypeScript refuses the assignment already; this is for JavaScript callers, who would
 * otherwise get a bare `TypeError`. Call it from the class's static block.
 *
 * @example
 * ```ts
 * import { fixedOptions } from "./options.ts";
 * class Thing {
 *   get raw(): boolean {
 *     return false;
 *   }
 *   static {
 *     fixedOptions(this.prototype, ["raw"]);
 *   }
 * }
 * ```
 */
export function fixedOptions(
  proto: object,
  names: readonly string[],
  why = "pass it to the constructor",
): void {
  for (const name of names) {
    const own = Object.getOwnPropertyDescriptor(proto, name);
    if (own?.get === undefined) throw new TypeError(`${name} needs a getter to be fixed`);
    Object.defineProperty(proto, name, {
      ...own,
      set(): never {
        throw new MqError(
          "EREADONLY",
          `option ${name} cannot change once the socket exists: ${why}`,
        );
      },
    });
  }
}

/**
 * Checks that an option is an integer within [min, max], throwing `EINVAL` naming it.
 *
 * @example
 * ```ts
 * import { checkInteger } from "./options.ts";
 * checkInteger("sendHwm", 10, 1, 100); // ok
 * ```
 */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(
      `option ${name} must be an integer from ${min} to ${max}, got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * Checks that an option is a boolean (undefined reads as false), throwing `EINVAL` naming it.
 *
 * @example
 * ```ts
 * import { checkBoolean } from "./options.ts";
 * console.log(checkBoolean("raw", undefined)); // false
 * ```
 */
export function checkBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") {
    throw invalid(`option ${name} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

/**
 * A value as an error message should show it: strings quoted (so that "100" is not mistaken for
 * 100), other non-numbers with their type.
 *
 * @example
 * ```ts
 * import { describe } from "./options.ts";
 * console.log(describe("100")); // the string "100"
 * ```
 */
export function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "number" || value === undefined || value === null) return String(value);
  if (typeof value === "object" || typeof value === "function") {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    if (name === undefined || name === "Object") return "an object";
    return name === "Array" ? "an array" : `a ${name}`;
  }
  return `${typeof value} ${String(value)}`;
}

/** Resolves the common options, rejecting unknown names not in `extra` and bad values. */
export function resolveSocketOptions(
  options: object,
  extra: readonly string[] = [],
): ResolvedSocketOptions {
  if (typeof options !== "object" || options === null) throw invalid("options must be an object");
  const out: Record<string, number> = { ...DEFAULTS };
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    // own names only: `in` would also find "constructor", "toString", ... on the prototype
    if (Object.hasOwn(RANGES, name)) {
      out[name] = checkSocketOption(name as keyof SocketOptions, value);
    } else if (!extra.includes(name)) {
      throw invalid(`unknown option "${name}"`);
    }
  }
  return out as ResolvedSocketOptions;
}
