/**
 * The tcp transport: IPv4, IPv6 and host names (resolved by the runtime,
 * asynchronously), wildcard binds and port 0 with the real port reported.
 *
 * @module
 */
import { fromSystemError } from "../protocols/errors.ts";
import { type BackendName, loadBackend } from "./_backend.ts";
import { acceptFailure } from "./_accept_retry.ts";
import type {
  AcceptErrorHandler,
  AcceptHandler,
  Connection,
  Listener,
  Transport,
} from "./transport.ts";
import { type EndpointAddress, tcpUrl } from "./url.ts";

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
        throw fromSystemError(e, `listen ${ep.url}`);
      }
    },
  };
}
