/**
 * A hand-driven SP peer for tests: it writes whatever bytes a test asks for
 * and parses what edgemq sends with its own small decoder (independent of
 * `protocols/sp/wire.ts`, so the suite does not check the codec with itself).
 *
 * @module
 */
import { tcpTransport } from "../transports/tcp.ts";
import { ipcTransport } from "../transports/ipc.ts";
import { parseEndpoint } from "../transports/url.ts";
import type { Connection, Listener } from "../transports/transport.ts";
import { deferred, within } from "../testing/async.ts";
import type { SpSocket } from "../protocols/sp/socket.ts";
import { type ErrorCode, MqError } from "../protocols/errors.ts";

/** An `assert.rejects` validator: an `MqError` with this code (else a clear failure). */
export function code(expected: ErrorCode): (e: unknown) => true {
  return (e: unknown) => {
    if (!(e instanceof MqError)) throw new Error(`expected MqError ${expected}, got ${String(e)}`);
    if (e.code !== expected) {
      throw new Error(`expected MqError ${expected}, got ${e.code}: ${e.message}`);
    }
    return true;
  };
}

/** Asserts that `sock` receives nothing within `ms`. */
export async function expectQuiet(sock: SpSocket, ms: number): Promise<void> {
  const stop = new AbortController();
  const quiet = new Error("quiet");
  const timer = setTimeout(() => stop.abort(quiet), ms);
  try {
    const msg = await sock.recv({ signal: stop.signal });
    throw new Error(`expected nothing, received ${JSON.stringify(text(msg))}`);
  } catch (e) {
    if (e !== quiet) throw e;
  } finally {
    clearTimeout(timer);
  }
}

let nameCounter = 0;

/** A fresh inproc URL, unique in the process. */
export function inprocUrl(what: string): string {
  return `inproc://test-${what}-${++nameCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A listen URL for the transport: a fresh inproc name or tcp://127.0.0.1:0. */
export function listenUrl(transport: "inproc" | "tcp", what: string): string {
  return transport === "inproc" ? inprocUrl(what) : "tcp://127.0.0.1:0";
}

/**
 * Listens on `url` with `listener`, dials it with `dialer`, and waits until
 * both sides have the pipe. Returns the listener's real URL.
 */
export async function marry(listener: SpSocket, dialer: SpSocket, url: string): Promise<string> {
  const accepted = listener.monitor.next("accepted");
  const connected = dialer.monitor.next("connected");
  const ep = await listener.listen(url);
  await dialer.dial(ep.url);
  await within(3000, Promise.all([accepted, connected]), "both sides connected");
  return ep.url;
}

/** The 8-byte SP header announcing `protocol`. */
export function spHeader(protocol: number): Uint8Array {
  return new Uint8Array([0, 0x53, 0x50, 0, protocol >> 8, protocol & 0xff, 0, 0]);
}

/** A message framed for the wire: (ipc type byte,) u64 big-endian length, body. */
export function frame(body: Uint8Array, ipc = false): Uint8Array {
  const p = ipc ? 1 : 0;
  const out = new Uint8Array(p + 8 + body.length);
  if (ipc) out[0] = 1;
  new DataView(out.buffer).setBigUint64(p, BigInt(body.length));
  out.set(body, p + 8);
  return out;
}

/** A length prefix alone (u64 big-endian), for sizes a test will never send. */
export function lengthPrefix(length: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, length);
  return out;
}

/** Big-endian u32 words followed by a body. */
export function words(ws: readonly number[], body: Uint8Array | string = ""): Uint8Array {
  const b = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const out = new Uint8Array(4 * ws.length + b.length);
  const view = new DataView(out.buffer);
  ws.forEach((w, i) => view.setUint32(4 * i, w >>> 0));
  out.set(b, 4 * ws.length);
  return out;
}

/** Reads the big-endian u32 at `at`. */
export function u32(bytes: Uint8Array, at = 0): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at);
}

/** UTF-8 text of bytes. */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** One raw connection, as the peer a test plays. */
export class RawPeer {
  readonly conn: Connection;
  readonly ipc: boolean;
  /** Resolves once the connection is gone (closed by either side). */
  readonly ended: Promise<void>;
  #bytes = new Uint8Array(0);
  #header: Uint8Array | undefined;
  #messages: Uint8Array[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  #received = 0;
  #log: Uint8Array[] = [];

  constructor(conn: Connection, ipc: boolean) {
    this.conn = conn;
    this.ipc = ipc;
    const ended = deferred();
    this.ended = ended.promise;
    conn.onData = (chunk) => this.#take(chunk);
    conn.onClose = () => {
      this.#ended = true;
      ended.resolve();
      this.#notify();
    };
  }

  /** Dials `url` (tcp:// or ipc://) and, unless `header` is null, sends that header at once. */
  static async dial(url: string, header: Uint8Array | null): Promise<RawPeer> {
    const ep = parseEndpoint(url, "dial");
    let conn: Connection;
    if (ep.scheme === "tcp") conn = await tcpTransport().dial(ep);
    else if (ep.scheme === "ipc") conn = await ipcTransport().dial(ep);
    else throw new Error(`raw peers speak tcp and ipc, not ${ep.scheme}`);
    const peer = new RawPeer(conn, ep.scheme === "ipc");
    if (header !== null) conn.write(header);
    return peer;
  }

  /** True once the connection is gone. */
  get isEnded(): boolean {
    return this.#ended;
  }

  /** Writes raw bytes. */
  write(bytes: Uint8Array): void {
    this.conn.write(bytes);
  }

  /** Sends one framed message. */
  send(body: Uint8Array | string): void {
    const b = typeof body === "string" ? new TextEncoder().encode(body) : body;
    this.conn.write(frame(b, this.ipc));
  }

  /** The 8 header bytes the other side sent. */
  async header(ms = 2000): Promise<Uint8Array> {
    await within(ms, this.#until(() => this.#header !== undefined), "SP header from edgemq");
    return this.#header!;
  }

  /** The next message the other side sent (after its header). */
  async recv(ms = 2000): Promise<Uint8Array> {
    await within(ms, this.#until(() => this.#messages.length > 0), "message from edgemq");
    return this.#messages.shift()!;
  }

  /** Every byte received so far, header included, in one array. */
  get allBytes(): Uint8Array {
    const out = new Uint8Array(this.#received);
    let at = 0;
    for (const c of this.#log) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Bytes received so far, header included. */
  get bytesReceived(): number {
    return this.#received;
  }

  /** Messages received and not yet taken. */
  get pending(): number {
    return this.#messages.length;
  }

  /** Resolves once the other side closed the connection (fails after `ms`). */
  async closedByPeer(ms = 2000): Promise<void> {
    await within(ms, this.ended, "edgemq closing the connection");
  }

  /** Closes our side and waits until all I/O stopped. */
  async close(): Promise<void> {
    this.conn.close();
    await this.conn.closed;
  }

  #until(ready: () => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (ready()) resolve();
        else if (this.#ended) reject(new Error("connection ended"));
        else this.#wake = check;
      };
      check();
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #take(chunk: Uint8Array): void {
    this.#received += chunk.length;
    this.#log.push(chunk);
    const all = new Uint8Array(this.#bytes.length + chunk.length);
    all.set(this.#bytes);
    all.set(chunk, this.#bytes.length);
    let at = 0;
    if (this.#header === undefined) {
      if (all.length < 8) {
        this.#bytes = all;
        return;
      }
      this.#header = all.slice(0, 8);
      at = 8;
    }
    const p = this.ipc ? 1 : 0;
    while (all.length - at >= p + 8) {
      const view = new DataView(all.buffer, all.byteOffset + at + p, 8);
      const length = Number(view.getBigUint64(0));
      if (all.length - at - p - 8 < length) break;
      this.#messages.push(all.slice(at + p + 8, at + p + 8 + length));
      at += p + 8 + length;
    }
    this.#bytes = all.slice(at);
    this.#notify();
  }
}

/** A raw listener: each accepted connection becomes a {@linkcode RawPeer} that sends `header` at once. */
export class RawListener {
  #url = "";
  #listener: Listener | undefined;
  #accepted: RawPeer[] = [];
  #waiting: ((peer: RawPeer) => void)[] = [];
  readonly peers: RawPeer[] = [];

  private constructor() {}

  /** Listens on `url` (tcp://127.0.0.1:0 or ipc:///path); null `header` sends nothing. */
  static async listen(url: string, header: Uint8Array | null): Promise<RawListener> {
    const ep = parseEndpoint(url, "listen");
    const self = new RawListener();
    const onConn = (ipc: boolean) => (conn: Connection): void => {
      const peer = new RawPeer(conn, ipc);
      if (header !== null) conn.write(header);
      self.#arrived(peer);
    };
    if (ep.scheme === "tcp") self.#listener = await tcpTransport().listen(ep, onConn(false));
    else if (ep.scheme === "ipc") self.#listener = await ipcTransport().listen(ep, onConn(true));
    else throw new Error(`raw listeners speak tcp and ipc, not ${ep.scheme}`);
    self.#url = self.#listener.url;
    return self;
  }

  /** The bound URL (with the real port). */
  get url(): string {
    return this.#url;
  }

  /** The next accepted connection. */
  accept(ms = 2000): Promise<RawPeer> {
    const ready = this.#accepted.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    const got = deferred<RawPeer>();
    this.#waiting.push(got.resolve);
    return within(ms, got.promise, "a connection to the raw listener");
  }

  /** Stops listening and closes every accepted connection. */
  async close(): Promise<void> {
    await this.#listener?.close();
    await Promise.all(this.peers.map((p) => p.close()));
  }

  #arrived(peer: RawPeer): void {
    this.peers.push(peer);
    const w = this.#waiting.shift();
    if (w !== undefined) w(peer);
    else this.#accepted.push(peer);
  }
}
