/**
 * The contract every runtime backend (`runtime/deno.ts`, `runtime/bun.ts`,
 * `runtime/node.ts`) fulfils, and the loader that picks one at run time
 * without loading the others.
 *
 * @module
 */
import type { RawAcceptErrorHandler } from "./_accept_retry.ts";
import type { AcceptHandler, Connection } from "./transport.ts";

/** Where a stream socket connects or binds. */
export type SocketAddress =
  | {
    readonly kind: "tcp";
    readonly hostname: string;
    readonly port: number;
    /** The local address to connect from (dial only). */
    readonly localAddress?: string;
  }
  | { readonly kind: "unix"; readonly path: string };

/** A bound socket as the backend reports it. */
export interface BoundSocket {
  /** The bound port (tcp) or 0 (unix). */
  readonly port: number;
  /** Stops accepting; resolves once the runtime released the socket. */
  close(): Promise<void>;
}

/** The operations a runtime backend provides. Errors are raw runtime errors. */
export interface SocketBackend {
  /** The runtime's name, for diagnostics. */
  readonly name: "deno" | "bun" | "node";
  /** Opens a stream with TCP_NODELAY on. */
  connect(address: SocketAddress): Promise<Connection>;
  /**
   * Binds and accepts streams, each with TCP_NODELAY on. A failed accept never
   * stops the listener: it is passed to `onAcceptError` (where the runtime lets
   * us see it) and accepting goes on after a back-off (`_accept_retry.ts`).
   */
  listen(
    address: SocketAddress,
    onConnection: AcceptHandler,
    onAcceptError?: RawAcceptErrorHandler,
  ): Promise<BoundSocket>;
  /** Removes a file (a stale unix socket); resolves false if it did not exist. */
  removeFile(path: string): Promise<boolean>;
}

/** Names accepted by `EDGEMQ_BACKEND` to force a backend (for parity tests). */
export type BackendName = SocketBackend["name"];

let chosen: Promise<SocketBackend> | undefined;
const forced = new Map<BackendName, Promise<SocketBackend>>();

/** Which runtime this is, by its own global. */
export function runtimeName(): BackendName {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (typeof g.Deno === "object") return "deno";
  if (typeof g.Bun === "object") return "bun";
  return "node";
}

/**
 * The backend named by the environment variable `EDGEMQ_BACKEND`, if it names
 * one that runs here (`node`, or the runtime's own). Under Deno it is read only when env access to it is already granted
 * (never a permission prompt).
 */
export function forcedBackendName(): BackendName | undefined {
  const g = globalThis as {
    Deno?: {
      permissions: { querySync?(d: { name: "env"; variable: string }): { state: string } };
      env: { get(key: string): string | undefined };
    };
    process?: { env?: Record<string, string | undefined> };
  };
  let value: string | undefined;
  if (typeof g.Deno === "object") {
    const query = g.Deno.permissions.querySync?.({ name: "env", variable: "EDGEMQ_BACKEND" });
    if (query?.state === "granted") value = g.Deno.env.get("EDGEMQ_BACKEND");
  } else value = g.process?.env?.EDGEMQ_BACKEND;
  // only what runs here: the runtime's own backend, or node:net (which all three have)
  return value === "node" || value === runtimeName() ? value : undefined;
}

/**
 * The backend of the running runtime, or the one that `EDGEMQ_BACKEND` names
 * (or the one named here, which must be available: node works everywhere
 * through each runtime's `node:net`).
 */
export function loadBackend(name?: BackendName): Promise<SocketBackend> {
  if (name === undefined) return chosen ??= importBackend(forcedBackendName() ?? runtimeName());
  let p = forced.get(name);
  if (p === undefined) forced.set(name, p = importBackend(name));
  return p;
}

async function importBackend(name: BackendName): Promise<SocketBackend> {
  switch (name) {
    case "deno":
      return (await import("./runtime/deno.ts")).backend;
    case "bun":
      return (await import("./runtime/bun.ts")).backend;
    case "node":
      return (await import("./runtime/node.ts")).backend;
  }
}
