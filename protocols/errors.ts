/**
 * The one error class of edgemq, with a stable `code` drawn from NNG's and
 * libzmq's vocabulary so that callers can branch on it.
 *
 * @module
 */

/** Stable error codes. Each names what went wrong, not where. */
export type ErrorCode =
  | "EADDRINUSE" // the address is already bound
  | "EADDRNOTAVAIL" // the address cannot be bound here
  | "ECONNREFUSED" // nobody listens at the dialed address
  | "ECLOSED" // the socket (or the endpoint) is closed
  | "ECANCELED" // the operation was cancelled by the caller or by a newer one
  | "ETIMEDOUT" // the operation's timeout ran out
  | "ESTATE" // the protocol's state forbids this now (recv before send on REQ, ...)
  | "EMSGSIZE" // a message is larger than allowed
  | "EPROTO" // the peer broke the wire protocol
  | "EINVAL" // a bad argument, URL or option from the caller
  | "EREADONLY" // the option cannot change once the socket exists (NNG's NNG_EREADONLY)
  | "ENOTSUP" // not supported by this socket type or transport
  | "ENOENT" // no such thing (unsubscribe of an unknown topic, ...)
  | "EHOSTUNREACH" // no route to the requested peer
  | "EPERM"; // the runtime denied the operation

/**
 * An error raised by edgemq. `code` is stable across versions; `message` says
 * what to do about it.
 *
 * @example Branch on the code
 * ```ts
 * import { MqError } from "./errors.ts";
 * try {
 *   throw new MqError("ETIMEDOUT", "recv timed out after 100 ms");
 * } catch (e) {
 *   if (e instanceof MqError && e.code === "ETIMEDOUT") console.log("retry later");
 * }
 * ```
 */
export class MqError extends Error {
  /** The stable code. */
  readonly code: ErrorCode;

  /**
   * Creates an error.
   *
   * @param code the stable code
   * @param message what went wrong and what to do
   * @param options the underlying cause, if any
   */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MqError";
    this.code = code;
  }
}

/** Shorthand for a caller mistake: an `EINVAL` error naming the bad thing. */
export function invalid(what: string): MqError {
  return new MqError("EINVAL", what);
}

/**
 * Maps an error thrown by a runtime's socket API onto an `MqError`. `context` starts with what was
 * attempted ("listen …" or "dial …"): a missing file means a missing directory to a listener and
 * nobody listening to a dialer.
 */
export function fromSystemError(err: unknown, context: string): MqError {
  if (err instanceof MqError) return err;
  const code = systemCode(err);
  const text = err instanceof Error ? err.message : String(err);
  if (code === "ENOENT" && context.startsWith("listen ")) {
    return new MqError("ENOENT", `${context}: its directory does not exist (${text})`, {
      cause: err,
    });
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" || DNS.test(text)) {
    return new MqError("EADDRNOTAVAIL", `${context}: the host name does not resolve (${text})`, {
      cause: err,
    });
  }
  switch (code) {
    case "EADDRINUSE":
    case "ECONNREFUSED":
    case "EADDRNOTAVAIL":
    case "EPERM":
    case "EHOSTUNREACH":
      return new MqError(code, `${context}: ${text}`, { cause: err });
    case "EACCES":
      return new MqError("EPERM", `${context}: ${text}`, { cause: err });
    case "ENOENT":
      return new MqError("ECONNREFUSED", `${context}: ${text}`, { cause: err });
    default:
      return new MqError("ECLOSED", `${context}: ${text}`, { cause: err });
  }
}

// How Deno and Bun word a failed name lookup that carries no code.
const DNS = /failed to lookup address|getaddrinfo|name or service not known/i;

function systemCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { code?: unknown; name?: unknown };
  if (typeof e.code === "string") return e.code;
  // Deno raises classes named after the condition (Deno.errors.AddrInUse, ...).
  switch (e.name) {
    case "AddrInUse":
      return "EADDRINUSE";
    case "ConnectionRefused":
      return "ECONNREFUSED";
    case "AddrNotAvailable":
      return "EADDRNOTAVAIL";
    case "PermissionDenied":
    case "NotCapable":
      return "EPERM";
    case "NotFound":
      return "ENOENT";
  }
  return undefined;
}
