/**
 * The socket types edgecat offers, by flag: which wire family each belongs to, what edgecat does
 * with it (its role), and how to make one through edgemq's public API (`mod.ts`). Both families
 * are seen through one small interface, {@linkcode CatSocket}, whose messages are lists of frames
 * (an SP message is one frame).
 *
 * @module
 */
import { type Monitor, sp, zmq } from "../mod.ts";

/** A wire family. */
export type Family = "sp" | "zmtp";

/**
 * What edgecat does with a socket type:
 * - `send`: sends the data (PUB, PUSH);
 * - `recv`: prints what arrives (SUB, PULL);
 * - `request`: sends the data and prints the reply (REQ);
 * - `reply`: prints each request and answers with the data (REP);
 * - `route`: prints each message, routing id first, and answers it with the data (ROUTER);
 * - `both`: sends the data and prints what arrives, independently (PAIR, DEALER, XPUB, XSUB).
 */
export type Role = "send" | "recv" | "request" | "survey" | "reply" | "route" | "both";

/** Socket options edgecat can set (milliseconds and bytes). */
export interface CatSocketOptions {
  /** How long a send may wait; undefined waits forever. */
  readonly sendTimeout?: number;
  /** How long a receive may wait; undefined waits forever. */
  readonly recvTimeout?: number;
  /** Largest message accepted; 0 = no limit. */
  readonly recvMaxSize?: number;
  /** ZMTP only: the routing id announced to peers. */
  readonly routingId?: string;
}

/** One socket of either family, as edgecat uses it. */
export interface CatSocket {
  /** Accepts peers at `url`; resolves with the URL actually bound (a real port for port 0). */
  listen(url: string): Promise<string>;
  /** Connects (and reconnects) to `url` in the background. */
  dial(url: string): Promise<void>;
  /** Sends one message; an SP socket takes exactly one frame. */
  send(frames: readonly Uint8Array[], signal?: AbortSignal): Promise<void>;
  /** Receives one message as its frames. */
  recv(signal?: AbortSignal): Promise<Uint8Array[]>;
  /** Adds a subscription (SUB and XSUB types only). */
  subscribe(topic: Uint8Array): Promise<void>;
  /** The socket's events. */
  readonly monitor: Monitor;
  /** Closes it, waiting up to `linger` ms for queued messages to leave. */
  close(linger: number): Promise<void>;
}

/** A socket type edgecat offers. */
export interface SocketType {
  /** The flag's name without the dashes, e.g. `req0` or `zmq-dealer`. */
  readonly name: string;
  /** Its wire family. */
  readonly family: Family;
  /** What edgecat does with it. */
  readonly role: Role;
  /** True if it takes `--subscribe`. */
  readonly subscribes: boolean;
  /** Makes one. */
  create(options: CatSocketOptions): CatSocket;
}

/** What both families' socket classes have in common (mod.ts's `SocketBase`). */
interface AnySocket<M> {
  recv(options?: { signal?: AbortSignal }): Promise<M>;
  close(options?: { linger?: number }): Promise<void>;
  readonly monitor: Monitor;
}

function spOptions(o: CatSocketOptions): sp.SpSocketOptions {
  return {
    ...(o.sendTimeout === undefined ? {} : { sendTimeout: o.sendTimeout }),
    ...(o.recvTimeout === undefined ? {} : { recvTimeout: o.recvTimeout }),
    ...(o.recvMaxSize === undefined ? {} : { recvMaxSize: o.recvMaxSize }),
  };
}

function zmqOptions(o: CatSocketOptions): zmq.ZmqSocketOptions {
  return {
    ...(o.sendTimeout === undefined ? {} : { sendTimeout: o.sendTimeout }),
    ...(o.recvTimeout === undefined ? {} : { recvTimeout: o.recvTimeout }),
    ...(o.recvMaxSize === undefined ? {} : { maxMsgSize: o.recvMaxSize || -1 }),
    ...(o.routingId === undefined ? {} : { routingId: o.routingId }),
  };
}

function common<M>(s: AnySocket<M>): Pick<CatSocket, "monitor" | "close"> {
  return {
    monitor: s.monitor,
    close: (linger) => s.close({ linger }),
  };
}

/** The body of an SP message, which has one part (parseArgs refuses none or more for SP types). */
function onlyPart(frames: readonly Uint8Array[]): Uint8Array {
  const [body] = frames;
  if (body === undefined) throw new Error("an SP message needs a body");
  return body;
}

function noSubscribe(): Promise<void> {
  return Promise.reject(new Error("this socket type has no subscriptions"));
}

function spSocket(
  s: sp.SpSocket,
  subscribe: (topic: Uint8Array) => Promise<void> = noSubscribe,
): CatSocket {
  return {
    ...common(s),
    listen: async (url) => (await s.listen(url)).url,
    dial: async (url) => void await s.dial(url),
    send: (frames, signal) => s.send(onlyPart(frames), signal === undefined ? {} : { signal }),
    recv: async (signal) => [await s.recv(signal === undefined ? {} : { signal })],
    subscribe,
  };
}

function zmqSocket(
  s: zmq.ZmqSocket,
  subscribe: (topic: Uint8Array) => Promise<void> = noSubscribe,
): CatSocket {
  return {
    ...common(s),
    listen: async (url) => (await s.bind(url)).url,
    dial: async (url) => void await s.connect(url),
    send: (frames, signal) => s.send(frames, signal === undefined ? {} : { signal }),
    recv: (signal) => s.recv(signal === undefined ? {} : { signal }),
    subscribe,
  };
}

function spType(
  name: string,
  role: Role,
  make: (o: sp.SpSocketOptions) => sp.SpSocket,
): SocketType {
  return {
    name,
    family: "sp",
    role,
    subscribes: false,
    create: (o) => spSocket(make(spOptions(o))),
  };
}

function zmqType(
  name: string,
  role: Role,
  make: (o: zmq.ZmqSocketOptions) => zmq.ZmqSocket,
): SocketType {
  return {
    name,
    family: "zmtp",
    role,
    subscribes: false,
    create: (o) => zmqSocket(make(zmqOptions(o))),
  };
}

/** An XSUB subscribes by sending `0x01` + topic (ZeroMQ RFC 29). */
function xsubSubscription(topic: Uint8Array): Uint8Array {
  const msg = new Uint8Array(topic.length + 1);
  msg[0] = 1;
  msg.set(topic, 1);
  return msg;
}

/**
 * Every socket type edgecat offers, by flag name (aliases included).
 *
 * @example
 * ```ts
 * import { SOCKET_TYPES } from "./_sockets.ts";
 * console.log(SOCKET_TYPES.get("zmq-dealer")?.role); // both
 * ```
 */
export const SOCKET_TYPES: ReadonlyMap<string, SocketType> = new Map(
  [
    spType("req0", "request", (o) => new sp.Req(o)),
    spType("rep0", "reply", (o) => new sp.Rep(o)),
    spType("pub0", "send", (o) => new sp.Pub(o)),
    {
      name: "sub0",
      family: "sp",
      role: "recv",
      subscribes: true,
      create: (o) => {
        const s = new sp.Sub(spOptions(o));
        return spSocket(s, (topic) => Promise.resolve(s.subscribe(topic)));
      },
    } satisfies SocketType,
    spType("push0", "send", (o) => new sp.Push(o)),
    spType("pull0", "recv", (o) => new sp.Pull(o)),
    spType("pair0", "both", (o) => new sp.Pair(o)),
    spType("pair1", "both", (o) => new sp.Pair1(o)),
    spType("surveyor0", "survey", (o) => new sp.Surveyor(o)),
    spType("respondent0", "reply", (o) => new sp.Respondent(o)),
    spType("bus0", "both", (o) => new sp.Bus(o)),
    zmqType("zmq-req", "request", (o) => new zmq.Req(o)),
    zmqType("zmq-rep", "reply", (o) => new zmq.Rep(o)),
    zmqType("zmq-dealer", "both", (o) => new zmq.Dealer(o)),
    zmqType("zmq-router", "route", (o) => new zmq.Router(o)),
    zmqType("zmq-pub", "send", (o) => new zmq.Pub(o)),
    {
      name: "zmq-sub",
      family: "zmtp",
      role: "recv",
      subscribes: true,
      create: (o) => {
        const s = new zmq.Sub(zmqOptions(o));
        return zmqSocket(s, (topic) => Promise.resolve(s.subscribe(topic)));
      },
    } satisfies SocketType,
    zmqType("zmq-xpub", "both", (o) => new zmq.XPub(o)),
    {
      name: "zmq-xsub",
      family: "zmtp",
      role: "both",
      subscribes: true,
      create: (o) => {
        const s = new zmq.XSub(zmqOptions(o));
        return zmqSocket(s, (topic) => s.send(xsubSubscription(topic)));
      },
    } satisfies SocketType,
    zmqType("zmq-push", "send", (o) => new zmq.Push(o)),
    zmqType("zmq-pull", "recv", (o) => new zmq.Pull(o)),
    zmqType("zmq-pair", "both", (o) => new zmq.Pair(o)),
  ].map((t) => [t.name, t]),
);

/**
 * nngcat's unversioned aliases (`--pair` is resolved separately: it depends on `--compat`).
 *
 * @example
 * ```ts
 * import { ALIASES } from "./_sockets.ts";
 * console.log(ALIASES.get("req")); // req0
 * ```
 */
export const ALIASES: ReadonlyMap<string, string> = new Map([
  ["req", "req0"],
  ["rep", "rep0"],
  ["pub", "pub0"],
  ["sub", "sub0"],
  ["push", "push0"],
  ["pull", "pull0"],
  ["surveyor", "surveyor0"],
  ["respondent", "respondent0"],
  ["bus", "bus0"],
]);

/**
 * Socket types other tools have and edgemq does not yet (they exit with code 2).
 *
 * @example
 * ```ts
 * import { NOT_YET } from "./_sockets.ts";
 * console.log(NOT_YET.has("zmq-stream")); // true
 * ```
 */
export const NOT_YET: ReadonlySet<string> = new Set(["zmq-stream"]);
