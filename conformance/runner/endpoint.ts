/**
 * How a case gets a connection to the target: by dialing the target's endpoint (role `dial`), or
 * by taking the next connection the target made to the runner's listener (role `listen`; a target
 * that dials reconnects after each case closes its connection, as every socket library does).
 *
 * @module
 */
import { tcpTransport } from "../../transports/tcp.ts";
import { ipcTransport } from "../../transports/ipc.ts";
import { parseEndpoint } from "../../transports/url.ts";
import type { Connection, Listener } from "../../transports/transport.ts";
import type { Target } from "./target.ts";

/**
 * No connection to or from the target could be had in time.
 *
 * @example
 * ```ts
 * import { NoConnection } from "./endpoint.ts";
 * console.log(new NoConnection("the target did not connect").name); // "NoConnection"
 * ```
 */
export class NoConnection extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoConnection";
  }
}

/** Hands out connections to the target, one per call. */
export interface Endpoint {
  /** A new connection to the target, or an error if none could be had within `ms`. */
  open(ms: number): Promise<{ conn: Connection; ipc: boolean }>;
  /** The URL the runner listens on (role `listen`), with the real port. */
  readonly url: string;
  /** Stops listening and closes connections never handed out. */
  close(): Promise<void>;
}

/**
 * Opens the runner's side for `target`: a dialer, or a listener that starts accepting at once.
 *
 * @example
 * ```ts ignore
 * import { openEndpoint } from "./endpoint.ts";
 * const ep = await openEndpoint({ wire: "sp", type: "rep0", url: "tcp://127.0.0.1:5555", role: "dial" });
 * const { conn } = await ep.open(2000);
 * conn.close();
 * await ep.close();
 * ```
 */
export async function openEndpoint(target: Target): Promise<Endpoint> {
  return target.role === "dial" ? dialer(target.url) : await listener(target.url);
}

function dialer(url: string): Endpoint {
  const ep = parseEndpoint(url, "dial");
  return {
    url,
    async open(ms) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new NoConnection(`could not connect to ${url} in ${ms} ms`)),
          ms,
        );
      });
      const dial = ep.scheme === "tcp"
        ? tcpTransport().dial(ep)
        : ep.scheme === "ipc"
        ? ipcTransport().dial(ep)
        : Promise.reject(new Error(`cannot dial ${url}`));
      try {
        const conn = await Promise.race([dial, late]);
        return { conn, ipc: ep.scheme === "ipc" };
      } catch (e) {
        dial.then((c) => c.close(), () => {}); // a dial that finished after the deadline
        throw e;
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => Promise.resolve(),
  };
}

async function listener(url: string): Promise<Endpoint> {
  const ep = parseEndpoint(url, "listen");
  const ipc = ep.scheme === "ipc";
  const waiting: Connection[] = [];
  const gone = new Set<Connection>();
  let wake: (() => void) | undefined;
  const onConn = (conn: Connection): void => {
    conn.onData = undefined; // held by the connection until a case takes it
    conn.closed.then(() => gone.add(conn));
    waiting.push(conn);
    wake?.();
  };
  /** Drops connections the target closed while they waited (a refused or timed-out attempt). */
  const prune = (): void => {
    for (let i = waiting.length - 1; i >= 0; i--) if (gone.has(waiting[i]!)) waiting.splice(i, 1);
  };
  let bound: Listener;
  if (ep.scheme === "tcp") bound = await tcpTransport().listen(ep, onConn);
  else if (ep.scheme === "ipc") bound = await ipcTransport().listen(ep, onConn);
  else throw new Error(`cannot listen on ${url}`);
  return {
    url: bound.url,
    async open(ms) {
      const end = Date.now() + ms;
      prune();
      while (waiting.length === 0) {
        const left = end - Date.now();
        if (left <= 0) {
          throw new NoConnection(`the target did not connect to ${bound.url} in ${ms} ms`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        prune();
      }
      return { conn: waiting.shift()!, ipc };
    },
    async close() {
      await bound.close();
      for (const conn of waiting.splice(0)) {
        conn.close();
        await conn.closed;
      }
    },
  };
}
