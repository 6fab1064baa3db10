/**
 * edgemq as a conformance target: one socket of the asked type, behaving as the runner's target
 * contract says (README.md beside the runner): echoers answer what they get, senders send every
 * 50 ms, SUB subscribes to `alpha`, receivers take what comes. Used in process and as the child
 * program of `edgemq.ts`.
 *
 * @module
 */
import { sp, zmq } from "../../../mod.ts";
import type { Wire } from "../target.ts";

/** One serving socket. */
export interface Serving {
  /** The URL it listens on (with the real port), or the one it dials. */
  readonly url: string;
  /** Stops serving and closes the socket. */
  close(): Promise<void>;
}

/** What to serve. */
export interface ServeOptions {
  /** The wire. */
  readonly wire: Wire;
  /** ZMTP type (`REP`) or SP protocol (`rep0`). */
  readonly type: string;
  /** Listen here (the runner dials) ... */
  readonly listen?: string;
  /** ... or dial here (the runner listens). */
  readonly dial?: string;
}

/** How often senders send, in milliseconds. */
const PERIOD = 50;

type Frames = Uint8Array[];

/** The few socket operations the contract needs, for both families. */
interface Sock {
  recv(signal: AbortSignal): Promise<Frames>;
  trySend(msg: Frames): boolean;
  close(): Promise<void>;
}

function zmqSock(s: zmq.ZmqSocket): Sock {
  return {
    recv: (signal) => s.recv({ signal }),
    trySend: (msg) => s.trySend(msg),
    close: () => s.close({ linger: 0 }),
  };
}

function spSock(s: sp.SpSocket): Sock {
  return {
    recv: async (signal) => [await s.recv({ signal })],
    trySend: (msg) => s.trySend(msg[0] ?? new Uint8Array(0)),
    close: () => s.close({ linger: 0 }),
  };
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

type Behaviour = "echo" | "publish" | "send" | "request" | "survey" | "receive";

interface Made {
  readonly sock: Sock;
  readonly behaviour: Behaviour;
  readonly endpoint: (url: string, listen: boolean) => Promise<string>;
}

function makeZmtp(type: string): Made {
  const bindOrConnect = (s: zmq.ZmqSocket) => async (url: string, listen: boolean) =>
    listen ? (await s.bind(url)).url : (await s.connect(url), url);
  const made = (s: zmq.ZmqSocket, behaviour: Behaviour): Made => ({
    sock: zmqSock(s),
    behaviour,
    endpoint: bindOrConnect(s),
  });
  switch (type) {
    case "REP":
      return made(new zmq.Rep(), "echo");
    case "DEALER":
      return made(new zmq.Dealer(), "echo");
    case "ROUTER":
      return made(new zmq.Router(), "echo");
    case "PAIR":
      return made(new zmq.Pair(), "echo");
    case "REQ":
      return made(new zmq.Req({ relaxed: true }), "request");
    case "PUB":
      return made(new zmq.Pub(), "publish");
    case "XPUB":
      return made(new zmq.XPub(), "publish");
    case "PUSH":
      return made(new zmq.Push(), "send");
    case "PULL":
      return made(new zmq.Pull(), "receive");
    case "SUB": {
      const s = new zmq.Sub();
      s.subscribe("alpha");
      return made(s, "receive");
    }
    case "XSUB": {
      const s = new zmq.XSub();
      s.trySend([new Uint8Array([1, ...text("alpha")])]);
      return made(s, "receive");
    }
  }
  throw new Error(`edgemq has no ZMTP target of type ${type}`);
}

function makeSp(type: string): Made {
  const listenOrDial = (s: sp.SpSocket) => async (url: string, listen: boolean) =>
    listen ? (await s.listen(url)).url : (await s.dial(url), url);
  const made = (s: sp.SpSocket, behaviour: Behaviour): Made => ({
    sock: spSock(s),
    behaviour,
    endpoint: listenOrDial(s),
  });
  switch (type) {
    case "rep0":
      return made(new sp.Rep(), "echo");
    case "respondent0":
      return made(new sp.Respondent(), "echo");
    case "pair0":
      return made(new sp.Pair(), "echo");
    case "pair1":
      return made(new sp.Pair1(), "echo");
    case "bus0":
      return made(new sp.Bus(), "echo");
    case "req0":
      return made(new sp.Req({ resendTime: 1000 }), "request");
    case "surveyor0":
      return made(new sp.Surveyor({ surveyTime: 4 * PERIOD }), "survey");
    case "pub0":
      return made(new sp.Pub(), "publish");
    case "push0":
      return made(new sp.Push(), "send");
    case "pull0":
      return made(new sp.Pull(), "receive");
    case "sub0": {
      const s = new sp.Sub();
      s.subscribe("alpha");
      return made(s, "receive");
    }
  }
  throw new Error(`edgemq has no SP target of protocol ${type}`);
}

/** Loops `step` until stopped; a step's error (a closed socket, a timeout) just ends that step. */
function loop(stop: AbortSignal, step: () => Promise<void>): Promise<void> {
  return (async () => {
    while (!stop.aborted) await step().catch(() => {});
  })();
}

/** Waits `ms`, or less if stopped. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    stop.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Receives with a deadline of `ms` (undefined when none came). */
async function recvWithin(sock: Sock, ms: number, stop: AbortSignal): Promise<Frames | undefined> {
  const ac = new AbortController();
  const onStop = (): void => ac.abort();
  stop.addEventListener("abort", onStop, { once: true });
  const timer = setTimeout(() => ac.abort(), ms);
  try {
    return await sock.recv(ac.signal);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    stop.removeEventListener("abort", onStop);
  }
}

function behave(m: Made, stop: AbortSignal): Promise<void> {
  let n = 0;
  switch (m.behaviour) {
    case "echo":
      return loop(stop, async () => {
        const msg = await recvWithin(m.sock, 1000, stop);
        if (msg !== undefined) m.sock.trySend(msg);
      });
    case "receive":
      return loop(stop, async () => void await recvWithin(m.sock, 1000, stop));
    case "publish":
    case "send":
      return loop(stop, async () => {
        const topic = m.behaviour === "send" ? "push" : n % 2 === 0 ? "alpha" : "beta";
        m.sock.trySend([text(`${topic} ${n++}`)]);
        await pause(PERIOD, stop);
      });
    case "request":
    case "survey":
      return loop(stop, async () => {
        if (!m.sock.trySend([text(`${m.behaviour} ${n++}`)])) return await pause(PERIOD, stop);
        const end = Date.now() + 4 * PERIOD;
        while (!stop.aborted && Date.now() < end) {
          if ((await recvWithin(m.sock, end - Date.now(), stop)) === undefined) break;
          if (m.behaviour === "request") break;
        }
        await pause(PERIOD, stop);
      });
  }
}

/**
 * Serves one edgemq socket under the target contract until closed.
 *
 * @example
 * ```ts ignore
 * import { serveEdgemq } from "./edgemq_serve.ts";
 * const s = await serveEdgemq({ wire: "zmtp", type: "REP", listen: "tcp://127.0.0.1:0" });
 * console.log(s.url);
 * await s.close();
 * ```
 */
export async function serveEdgemq(options: ServeOptions): Promise<Serving> {
  const made = options.wire === "zmtp" ? makeZmtp(options.type) : makeSp(options.type);
  const listen = options.listen !== undefined;
  const where = options.listen ?? options.dial;
  if (where === undefined) throw new Error("serveEdgemq needs listen or dial");
  let url: string;
  try {
    url = await made.endpoint(where, listen);
  } catch (e) {
    await made.sock.close();
    throw e;
  }
  const stop = new AbortController();
  const running = behave(made, stop.signal);
  return {
    url,
    async close() {
      stop.abort();
      await made.sock.close();
      await running;
    },
  };
}
