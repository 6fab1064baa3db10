/**
 * The tcp transport: IPv4, IPv6 and host names (resolved by the runtime,
 * asynchronously), wildcard binds and port 0 with the real port reported.
 *
 * @module
 */
import { fromSystemError, MqError } from "../protocols/errors.ts";
import { type BackendName, loadBackend } from "./_backend.ts";
import { acceptFailure } from "./_accept_retry.ts";
import type {
  AcceptErrorHandler,
  AcceptHandler,
  Connection,
  Listener,
  Transport,
} from "./transport.ts";
import type { ConnectionTransport } from "./registry.ts";
import { localAddressOf } from "./_interfaces.ts";
import { type EndpointAddress, parseTcp, tcpUrl } from "./url.ts";

type TcpEndpoint = Extract<EndpointAddress, { scheme: "tcp" }>;

/**
 * Creates the tcp transport on the running runtime's backend, or on the one named.
 *
 * @example Listen on an ephemeral port
 * ```ts ignore
 * import { tcpTransport } from "./tcp.ts";
 * import { parseEndpoint } from "./url.ts";
 * const ep = parseEndpoint("tcp://127.0.0.1:0", "listen");
 * if (ep.scheme === "tcp") {
 *   const listener = await tcpTransport().listen(ep, (conn) => conn.close());
 *   console.log(listener.url);
 *   await listener.close();
 * }
 * ```
 */
export function tcpTransport(backendName?: BackendName): Transport<TcpEndpoint> {
  return {
    async dial(ep: TcpEndpoint): Promise<Connection> {
      if (ep.local !== undefined) return await dialFrom(ep, ep.local);
      const backend = await loadBackend(backendName);
      try {
        return await backend.connect({ kind: "tcp", hostname: ep.hostname, port: ep.port });
      } catch (e) {
        throw fromSystemError(e, `dial ${ep.url}`);
      }
    },
    async listen(
      ep: TcpEndpoint,
      onConnection: AcceptHandler,
      onAcceptError?: AcceptErrorHandler,
    ): Promise<Listener> {
      const backend = await loadBackend(backendName);
      let url = ep.url;
      try {
        const bound = await backend.listen(
          { kind: "tcp", hostname: ep.hostname, port: ep.port },
          onConnection,
          onAcceptError && ((e, retryInMs) => onAcceptError(acceptFailure(e, url, retryInMs))),
        );
        url = tcpUrl(ep.hostname, bound.port);
        return { url, close: () => bound.close() };
      } catch (e) {
        const err = fromSystemError(e, `listen ${ep.url}`);
        // Bun says only "Failed to listen at <host>" when a host name does not resolve
        if (err.code !== "ECLOSED" || IP_LITERAL.test(ep.hostname)) throw err;
        throw new MqError(
          "EADDRNOTAVAIL",
          `listen ${ep.url}: "${ep.hostname}" is not an address of this machine, or does not ` +
            `resolve (${err.message})`,
          { cause: e },
        );
      }
    },
  };
}

/**
 * Dials from a given local interface. Only `node:net` can bind the local end of a connection
 * (Deno.connect and Bun.connect cannot), so such a dial uses the node backend on every runtime.
 */
async function dialFrom(ep: TcpEndpoint, local: string): Promise<Connection> {
  try {
    const localAddress = await localAddressOf(local, ep.hostname);
    const backend = await loadBackend("node");
    return await backend.connect({
      kind: "tcp",
      hostname: ep.hostname,
      port: ep.port,
      localAddress,
    });
  } catch (e) {
    throw fromSystemError(e, `dial ${ep.url}`);
  }
}

/** An IPv4 or IPv6 address (a listen host that needs no name lookup). */
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:.%]*:[0-9a-fA-F:.%]*)$/;

let onThisRuntime: Transport<TcpEndpoint> | undefined;

/** The tcp transport as registered under "tcp" (the running runtime's backend). */
export const tcp: ConnectionTransport<TcpEndpoint> = {
  scheme: "tcp",
  kind: "connection",
  traits: { framing: "stream" },
  parse: parseTcp,
  dial: (ep) => (onThisRuntime ??= tcpTransport()).dial(ep),
  listen: (ep, accept, _options, failed) =>
    (onThisRuntime ??= tcpTransport()).listen(ep, accept, failed),
};
