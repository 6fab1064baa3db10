/**
 * The inproc transport: two sockets of this process joined by a pair of
 * in-memory message queues. No bytes, no encoding: a message object is handed
 * over as it is (so a sender must not change it afterwards). Listen and dial
 * may come in either order; a dialer waits for its listener.
 *
 * @module
 */
import { MqError } from "../protocols/errors.ts";
import type { MessageStream } from "../protocols/pipe.ts";
import type { Endpoint, LocalAcceptor, LocalTransport } from "./registry.ts";
import { parseInproc } from "./url.ts";

/** What a listening socket offers to dialers. */
export type InprocAcceptor = LocalAcceptor;

const listeners = new Map<string, InprocAcceptor>();
const waiting = new Map<string, Set<() => void>>();

/**
 * Registers a listener under `name`; returns a function that unregisters it.
 *
 * @example Listen, then dial
 * ```ts
 * import { inprocDial, inprocListen } from "./inproc.ts";
 * const stop = inprocListen("demo", {
 *   family: "sp",
 *   local: 1,
 *   refuse: () => undefined,
 *   accept: (s) => s.close(),
 * });
 * const { peer } = inprocDial("demo", "sp", 2, () => undefined);
 * console.log(peer); // 1
 * stop();
 * ```
 */
export function inprocListen(name: string, acceptor: InprocAcceptor): () => void {
  if (listeners.has(name)) {
    throw new MqError("EADDRINUSE", `listen inproc://${name}: the name is taken`);
  }
  listeners.set(name, acceptor);
  const wake = waiting.get(name);
  waiting.delete(name);
  for (const w of wake ?? []) w();
  return () => {
    if (listeners.get(name) === acceptor) listeners.delete(name);
  };
}

/**
 * Connects to the listener named `name`. Both sides check each other's
 * identity before the channel exists, so nothing is ever sent on a channel
 * that one side refuses. Throws `ECONNREFUSED` if nobody listens yet and
 * `EPROTO` (with the reason) if either side refuses the other.
 */
export function inprocDial<M>(
  name: string,
  family: string,
  local: unknown,
  refuse: (peer: unknown) => string | undefined,
): { stream: MessageStream<M>; peer: unknown } {
  const acceptor = listeners.get(name);
  if (acceptor === undefined) {
    throw new MqError("ECONNREFUSED", `dial inproc://${name}: nobody listens on this name yet`);
  }
  if (acceptor.family !== family) {
    throw new MqError(
      "EPROTO",
      `dial inproc://${name}: the listener speaks ${acceptor.family}, not ${family}`,
    );
  }
  // both sides judge (and so both monitors report) before anything is linked
  const theirs = acceptor.refuse(local);
  const refusal = refuse(acceptor.local) ?? theirs;
  if (refusal !== undefined) throw new MqError("EPROTO", `dial inproc://${name}: ${refusal}`);
  const dialerEnd = new InprocEnd<M>(`inproc://${name}`);
  const listenerEnd = new InprocEnd<M>(`inproc://${name}`);
  dialerEnd.link(listenerEnd);
  listenerEnd.link(dialerEnd);
  acceptor.accept(listenerEnd as MessageStream<unknown>, local);
  return { stream: dialerEnd, peer: acceptor.local };
}

/**
 * Resolves when a listener newly registers `name` (not for one that is there
 * already: a dialer it refused must not retry at once), or when `signal` aborts.
 */
export function inprocListening(name: string, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    let set = waiting.get(name);
    if (set === undefined) waiting.set(name, set = new Set());
    const done = (): void => {
      set.delete(done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    set.add(done);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** An inproc endpoint: the name after "inproc://". */
interface InprocEndpoint extends Endpoint {
  readonly name: string;
}

/** The inproc transport as registered under "inproc". */
export const inproc: LocalTransport<InprocEndpoint> = {
  scheme: "inproc",
  kind: "local",
  parse: (rest, url) => parseInproc(rest, url),
  listen(ep, acceptor) {
    const stop = inprocListen(ep.name, acceptor);
    return { url: ep.url, close: () => Promise.resolve(stop()) };
  },
  dial: (ep, dialer) => inprocDial(ep.name, dialer.family, dialer.local, dialer.refuse),
  listening: (ep, signal) => inprocListening(ep.name, signal),
};

/** One end of an in-memory channel. Delivery happens on microtasks, never inside `write`. */
class InprocEnd<M> implements MessageStream<M> {
  onMessage: (msg: M) => void = () => {};
  onDrain: () => void = () => {};
  onClose: (reason?: MqError) => void = () => {};
  readonly remote: string;
  readonly closed: Promise<void>;

  #other!: InprocEnd<M>;
  #incoming: M[] = []; // written by the other end, not yet delivered here
  #started = false;
  #paused = false;
  #scheduled = false;
  #isClosed = false;
  #settle!: () => void;

  constructor(remote: string) {
    this.remote = remote;
    this.closed = new Promise((resolve) => (this.#settle = resolve));
  }

  link(other: InprocEnd<M>): void {
    this.#other = other;
  }

  get buffered(): number {
    return this.#other.#incoming.length;
  }

  start(): void {
    this.#started = true;
    this.#schedule();
  }

  write(msg: M): void {
    if (this.#isClosed) return;
    const other = this.#other;
    if (other.#isClosed) return;
    other.#incoming.push(msg);
    other.#schedule();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  close(reason?: MqError): void {
    if (this.#isClosed) return;
    this.#finish(reason);
    this.#other.#finish(undefined);
  }

  #schedule(): void {
    if (this.#scheduled || !this.#started) return;
    this.#scheduled = true;
    queueMicrotask(this.#deliver);
  }

  #deliver = (): void => {
    this.#scheduled = false;
    if (this.#isClosed) return;
    const incoming = this.#incoming;
    let n = 0;
    while (n < incoming.length && !this.#paused) this.onMessage(incoming[n++] as M);
    if (n === 0) return;
    incoming.splice(0, n);
    if (incoming.length === 0) this.#other.onDrain();
  };

  /** Closes this end: what the other end sent before is still delivered. */
  #finish(reason: MqError | undefined): void {
    if (this.#isClosed) return;
    if (this.#started) {
      this.#paused = false;
      this.#deliver();
    }
    this.#isClosed = true;
    this.#incoming = [];
    queueMicrotask(() => {
      this.onClose(reason);
      this.#settle();
    });
  }
}
