/**
 * One face for the soak's sockets of both families: SP sockets carry one frame per message and
 * `listen`/`dial`, ZeroMQ sockets carry frames and `bind`/`connect`. Every socket made here is
 * remembered, so the soak can check at the end that none was left open.
 *
 * @module
 */
import { sp, zmq } from "../../mod.ts";
import type { SocketStats } from "../../protocols/monitor.ts";

/** The roles the soak plays. */
export type Role = "req" | "rep" | "push" | "pull" | "pub" | "sub" | "dealer" | "router";

/** The wire families. */
export type Family = "sp" | "zmq";

/**
 * A soak socket: messages as frame arrays in both families.
 *
 * @example
 * ```ts ignore
 * const s = makeSocket("sp", "push");
 * await s.dial("inproc://x");
 * await s.send([new Uint8Array([1])]);
 * await s.close();
 * ```
 */
export interface SoakSocket {
  readonly role: Role;
  /** Binds (ZeroMQ) or listens (SP); resolves with the real URL. */
  listen(url: string): Promise<string>;
  /** Connects (ZeroMQ) or dials (SP). */
  dial(url: string): Promise<void>;
  send(frames: Uint8Array[]): Promise<void>;
  recv(): Promise<Uint8Array[]>;
  close(): Promise<void>;
  readonly closed: boolean;
  readonly stats: Readonly<SocketStats>;
}

/** Sockets made by {@linkcode makeSocket}: how many, and those not closed yet. */
export const made: { count: number; readonly open: Set<SoakSocket> } = {
  count: 0,
  open: new Set(),
};

function spSocket(role: Role): sp.SpSocket {
  switch (role) {
    case "req":
      return new sp.Req({ resendTime: -1 });
    case "rep":
      return new sp.Rep();
    case "push":
      return new sp.Push();
    case "pull":
      return new sp.Pull();
    case "pub":
      return new sp.Pub();
    case "sub": {
      const sub = new sp.Sub();
      sub.subscribe("");
      return sub;
    }
    default:
      throw new Error(`SP has no ${role} socket in the soak`);
  }
}

function zmqSocket(role: Role, id: number): zmq.ZmqSocket {
  switch (role) {
    case "req":
      return new zmq.Req();
    case "rep":
      return new zmq.Rep();
    case "push":
      return new zmq.Push();
    case "pull":
      return new zmq.Pull();
    case "pub":
      return new zmq.Pub();
    case "sub": {
      const sub = new zmq.Sub();
      sub.subscribe("");
      return sub;
    }
    case "dealer":
      return new zmq.Dealer({ routingId: `d${id}` });
    case "router":
      return new zmq.Router();
  }
}

let nextId = 0;

/**
 * Makes a socket of `family` for `role` (SP SUB and ZeroMQ SUB subscribe to everything).
 *
 * @example
 * ```ts ignore
 * const rep = makeSocket("zmq", "rep");
 * const url = await rep.listen("tcp://127.0.0.1:0");
 * ```
 */
export function makeSocket(family: Family, role: Role): SoakSocket {
  const id = ++nextId;
  let out: SoakSocket;
  if (family === "sp") {
    const s = spSocket(role);
    out = {
      role,
      listen: async (url) => (await s.listen(url)).url,
      dial: async (url) => void (await s.dial(url)),
      send: (frames) => s.send(frames[0]!),
      recv: async () => [await s.recv()],
      close: () => s.close().finally(() => made.open.delete(out)),
      get closed() {
        return s.closed;
      },
      get stats() {
        return s.stats;
      },
    };
  } else {
    const s = zmqSocket(role, id);
    out = {
      role,
      listen: async (url) => (await s.bind(url)).url,
      dial: async (url) => void (await s.connect(url)),
      send: (frames) => s.send(frames),
      recv: () => s.recv(),
      close: () => s.close().finally(() => made.open.delete(out)),
      get closed() {
        return s.closed;
      },
      get stats() {
        return s.stats;
      },
    };
  }
  made.count++;
  made.open.add(out);
  return out;
}
