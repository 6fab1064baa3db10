/**
 * The transport registry: each transport registers itself under its URL scheme, and sockets find
 * it there by the scheme of the URL they are given. tcp, ipc and inproc are registered like any
 * other; a program (or a test) may add its own with {@linkcode registerTransport}. Nothing above
 * this seam names a transport.
 *
 * Two kinds of transport exist:
 * - a **connection transport** (tcp, ipc, later ws and tls) dials and listens, and hands out
 *   {@linkcode Connection}s; it declares in {@linkcode WireTraits} what the wire codecs need to know
 *   about it (byte stream or message stream, ipc's message-type byte);
 * - a **local transport** (inproc) joins two sockets of this process with message streams and no
 *   encoding at all.
 *
 * @module
 */
import { invalid, MqError } from "../protocols/errors.ts";
import type { MessageStream } from "../protocols/pipe.ts";
import type { AcceptErrorHandler, AcceptHandler, Connection, Listener } from "./transport.ts";
import { builtinTransports } from "./_builtin.ts";

/** What the wire codecs (SP mapping, ZMTP engine) need to know about the transport below them. */
export interface WireTraits {
  /**
   * "stream": a byte stream the wire frames itself (tcp, ipc); "message": each chunk delivered and
   * each write is one whole message, with no length prefix and no header exchange (WebSocket).
   * Neither family runs over "message" framing yet (their handshakes fail with `ENOTSUP`); the
   * WebSocket transport will also carry the family's subprotocol (sp-websocket-mapping-01 §2,
   * RFC 45 ZWS 2.0), and that part of the seam comes with it.
   */
  readonly framing: "stream" | "message";
  /** SP only: each message is preceded by a one-byte message type (sp-ipc-mapping-01 §3). */
  readonly spMessageType?: boolean;
}

/** A parsed endpoint URL: its scheme, the URL as given, and what the transport made of the rest. */
export interface Endpoint {
  /** The URL's scheme ("tcp", "ipc", "inproc", or a registered one). */
  readonly scheme: string;
  /** The URL as given. */
  readonly url: string;
}

/** Options a transport accepts per endpoint; each transport checks its own names. */
export type TransportOptions = { readonly [name: string]: unknown };

/**
 * The per-endpoint options of every registered transport, as `listen`/`dial` and
 * `bind`/`connect` accept them. Empty for tcp, ipc and inproc; a transport that takes options
 * (TLS material, a local interface) adds its fields here by declaration merging and lists their
 * names in {@linkcode ConnectionTransport.optionNames}.
 */
// deno-lint-ignore no-empty-interface
export interface TransportEndpointOptions {}

/** A transport that moves bytes (or whole messages) over {@linkcode Connection}s. */
export interface ConnectionTransport<E extends Endpoint = Endpoint> {
  /** The URL scheme it serves. */
  readonly scheme: string;
  /** Marks a connection transport. */
  readonly kind: "connection";
  /** What the wire needs to know about it. */
  readonly traits: WireTraits;
  /** Option names this transport takes on `listen`/`dial` (none by default). */
  readonly optionNames?: readonly string[];
  /**
   * Parses the part of `url` after "scheme://" into an endpoint; throws `EINVAL` saying what is
   * wrong. `mode` is "dial" or "listen" (a listener may take wildcards and port 0).
   */
  parse(rest: string, url: string, mode: "dial" | "listen"): E;
  /** Opens a connection. Rejects with an `MqError`. */
  dial(endpoint: E, options: TransportOptions): Promise<Connection>;
  /**
   * Binds and accepts connections until the listener is closed. Rejects with an `MqError`. A
   * failed accept (out of descriptors, a peer gone from the queue) goes to `onAcceptError`, and
   * the listener goes on accepting after a back-off.
   */
  listen(
    endpoint: E,
    accept: AcceptHandler,
    options: TransportOptions,
    onAcceptError?: AcceptErrorHandler,
  ): Promise<Listener>;
}

/** What a listening socket offers to local (in-process) dialers. */
export interface LocalAcceptor {
  /** Which wire family the socket speaks ("sp", "zmtp"); only equals may meet. */
  readonly family: string;
  /** The listener's identity, given to dialers as their peer. */
  readonly local: unknown;
  /** Why the listener refuses a dialer with this identity, or undefined if it accepts. */
  refuse(peer: unknown): string | undefined;
  /** Takes the listener's end of a new channel with the dialer's identity. */
  accept(stream: MessageStream<unknown>, peer: unknown): void;
}

/** What a local dialer offers: its family, identity and judgement of the listener. */
export interface LocalDialer {
  /** Which wire family the socket speaks. */
  readonly family: string;
  /** The dialer's identity, given to the listener as its peer. */
  readonly local: unknown;
  /** Why the dialer refuses a listener with this identity, or undefined if it accepts. */
  refuse(peer: unknown): string | undefined;
}

/** A transport that joins two sockets of this process with message streams (inproc). */
export interface LocalTransport<E extends Endpoint = Endpoint> {
  /** The URL scheme it serves. */
  readonly scheme: string;
  /** Marks a local transport. */
  readonly kind: "local";
  /** Parses the part of `url` after "scheme://"; throws `EINVAL`. */
  parse(rest: string, url: string, mode: "dial" | "listen"): E;
  /** Registers a listener; throws `EADDRINUSE` if the name is taken. */
  listen(endpoint: E, acceptor: LocalAcceptor): Listener;
  /** Joins a listener now; throws `ECONNREFUSED` if none, `EPROTO` if either side refuses. */
  dial<M>(endpoint: E, dialer: LocalDialer): { stream: MessageStream<M>; peer: unknown };
  /** Resolves when a listener newly appears at the endpoint, or when `signal` aborts. */
  listening(endpoint: E, signal: AbortSignal): Promise<void>;
}

/** Any registered transport. */
export type Transport = ConnectionTransport | LocalTransport;

const registry = new Map<string, Transport>();
let loaded = false;

// The built-in transports are registered on first use, not at import time: the transport modules
// import this one's types, so a registration at import time could run before they exist.
function table(): Map<string, Transport> {
  if (!loaded) {
    loaded = true;
    for (const t of builtinTransports()) if (!registry.has(t.scheme)) registry.set(t.scheme, t);
  }
  return registry;
}

/**
 * Registers a transport under its scheme; returns a function that removes it again. Throws
 * `EADDRINUSE` if the scheme is taken, `EINVAL` if it is not a valid scheme.
 *
 * @example A scheme of one's own, removed again
 * ```ts ignore
 * import { registerTransport } from "./registry.ts";
 * const unregister = registerTransport(myTransport); // scheme "toy": "toy://name" now works
 * unregister();
 * ```
 */
export function registerTransport(transport: Transport): () => void {
  const { scheme } = transport;
  if (typeof scheme !== "string" || !/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
    throw invalid(
      `transport scheme must be lower-case letters, digits, "+", "." or "-": ${scheme}`,
    );
  }
  const known = table();
  if (known.has(scheme)) {
    throw new MqError("EADDRINUSE", `a transport is already registered for "${scheme}://"`);
  }
  known.set(scheme, transport);
  return () => {
    if (known.get(scheme) === transport) known.delete(scheme);
  };
}

/**
 * The transport registered for `scheme`, or undefined.
 *
 * @example
 * ```ts
 * import { transportFor } from "./registry.ts";
 * console.log(transportFor("tcp")?.kind); // "connection"
 * ```
 */
export function transportFor(scheme: string): Transport | undefined {
  return table().get(scheme);
}

/**
 * The schemes registered now, sorted.
 *
 * @example
 * ```ts
 * import { registeredSchemes } from "./registry.ts";
 * console.log(registeredSchemes().includes("ipc")); // true
 * ```
 */
export function registeredSchemes(): string[] {
  return [...table().keys()].sort();
}

/** An endpoint together with the transport that parsed it. */
export interface ResolvedEndpoint {
  /** The parsed endpoint. */
  readonly endpoint: Endpoint;
  /** Its transport. */
  readonly transport: Transport;
}

/**
 * Finds the transport of `url` and parses the URL with it; throws `EINVAL` naming what is wrong
 * (no scheme, an unknown scheme with the known ones listed, or the transport's own complaint).
 *
 * @example
 * ```ts
 * import { resolveEndpoint } from "./registry.ts";
 * const { endpoint, transport } = resolveEndpoint("ipc:///tmp/x.ipc", "dial");
 * console.log(endpoint.scheme, transport.kind); // ipc connection
 * ```
 */
export function resolveEndpoint(url: string, mode: "dial" | "listen"): ResolvedEndpoint {
  if (typeof url !== "string") throw invalid(`endpoint URL must be a string, got ${typeof url}`);
  const at = url.indexOf("://");
  if (at <= 0) {
    throw invalid(`endpoint URL "${url}" has no scheme (expected e.g. "tcp://host:port")`);
  }
  const scheme = url.slice(0, at);
  const transport = transportFor(scheme);
  if (transport === undefined) {
    throw invalid(
      `endpoint URL "${url}" has unsupported scheme "${scheme}" (use ${
        registeredSchemes().join(", ")
      })`,
    );
  }
  return { endpoint: transport.parse(url.slice(at + 3), url, mode), transport };
}
