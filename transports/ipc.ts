/**
 * The ipc transport: unix domain sockets by path. Like NNG, a listener that
 * finds a socket file in its way probes it: if nobody answers the file is
 * stale and is removed; if someone does, the address is in use. The listener
 * removes its socket file when it closes.
 *
 * @module
 */
import { fromSystemError, MqError } from "../protocols/errors.ts";
import { type BackendName, loadBackend, type SocketBackend } from "./_backend.ts";
import { acceptFailure } from "./_accept_retry.ts";
import type {
  AcceptErrorHandler,
  AcceptHandler,
  Connection,
  Listener,
  Transport,
} from "./transport.ts";
import type { ConnectionTransport } from "./registry.ts";
import { type EndpointAddress, parseIpc } from "./url.ts";

type IpcEndpoint = Extract<EndpointAddress, { scheme: "ipc" }>;

/**
 * Creates the ipc transport on the running runtime's backend, or on the one named.
 *
 * @example Bind a unix socket
 * ```ts ignore
 * import { ipcTransport } from "./ipc.ts";
 * const listener = await ipcTransport().listen(
 *   { scheme: "ipc", path: "/tmp/demo.ipc", url: "ipc:///tmp/demo.ipc" },
 *   (conn) => conn.close(),
 * );
 * await listener.close();
 * ```
 */
export function ipcTransport(backendName?: BackendName): Transport<IpcEndpoint> {
  return {
    async dial(ep: IpcEndpoint): Promise<Connection> {
      const backend = await loadBackend(backendName);
      try {
        return await backend.connect({ kind: "unix", path: ep.path });
      } catch (e) {
        throw fromSystemError(e, `dial ${ep.url}`);
      }
    },
    async listen(
      ep: IpcEndpoint,
      onConnection: AcceptHandler,
      onAcceptError?: AcceptErrorHandler,
    ): Promise<Listener> {
      const backend = await loadBackend(backendName);
      const address = { kind: "unix", path: ep.path } as const;
      const onFailure = onAcceptError &&
        ((e: unknown, retryInMs?: number) => onAcceptError(acceptFailure(e, ep.url, retryInMs)));
      let bound;
      try {
        bound = await backend.listen(address, onConnection, onFailure);
      } catch (e) {
        const err = fromSystemError(e, `listen ${ep.url}`);
        if (err.code !== "EADDRINUSE") throw err;
        await clearStale(backend, ep);
        bound = await backend.listen(address, onConnection, onFailure).catch((e2) => {
          throw fromSystemError(e2, `listen ${ep.url}`);
        });
      }
      const listening = bound;
      return {
        url: ep.url,
        async close(): Promise<void> {
          await listening.close();
          await backend.removeFile(ep.path).catch(() => false);
        },
      };
    },
  };
}

/** Removes the socket file at the endpoint if no process answers on it. */
async function clearStale(backend: SocketBackend, ep: IpcEndpoint): Promise<void> {
  let probe: Connection;
  try {
    probe = await backend.connect({ kind: "unix", path: ep.path });
  } catch {
    await backend.removeFile(ep.path);
    return;
  }
  probe.close();
  await probe.closed;
  throw new MqError("EADDRINUSE", `listen ${ep.url}: another process is listening on this path`);
}

let onThisRuntime: Transport<IpcEndpoint> | undefined;

/**
 * The ipc transport as registered under "ipc": a byte stream whose SP messages carry a one-byte
 * message type (sp-ipc-mapping-01).
 */
export const ipc: ConnectionTransport<IpcEndpoint> = {
  scheme: "ipc",
  kind: "connection",
  traits: { framing: "stream", spMessageType: true },
  parse: (rest, url) => parseIpc(rest, url),
  dial: (ep) => (onThisRuntime ??= ipcTransport()).dial(ep),
  listen: (ep, accept, _options, failed) =>
    (onThisRuntime ??= ipcTransport()).listen(ep, accept, failed),
};
