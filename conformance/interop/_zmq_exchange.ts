// What the live ZeroMQ interop tests share: one exchange between an edgemq socket and a peer
// program that speaks the peers' common command line (<type> <bind|connect> <endpoint> ...) and
// output ("ENDPOINT url" when binding, "READY", one hex line per message, "DONE").
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { within } from "../../testing/async.ts";
import type { PeerProcess } from "./_peers.ts";

/** The transports the ZeroMQ peers share with edgemq. */
export type ZmqScheme = "tcp" | "ipc";

let ipcSeq = 0;

/** A fresh ipc:// URL in the temporary directory. */
export function zmqIpcUrl(): string {
  return `ipc://${join(tmpdir(), `edgemq-zmq-${process.pid}-${ipcSeq++}.sock`)}`;
}

/** Where each side binds: edgemq on port 0, the peer on "*" (it prints the real URL). */
export function bindAddresses(scheme: ZmqScheme): { edgemq: string; peer: string } {
  return scheme === "tcp"
    ? { edgemq: "tcp://127.0.0.1:0", peer: "tcp://127.0.0.1:*" }
    : { edgemq: zmqIpcUrl(), peer: zmqIpcUrl() };
}

/** The bytes of a UTF-8 string as the peers print them: lowercase hex. */
export function hex(s: string): string {
  return [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The edgemq side of an exchange (any zmq.* socket). */
export interface ExchangeSocket {
  bind(url: string): Promise<{ readonly url: string }>;
  connect(url: string): Promise<unknown>;
  close(options: { linger: number }): Promise<void>;
}

/** One exchange: who binds, how the peer starts, how long it may take. */
export interface Exchange<P extends PeerProcess> {
  readonly sock: ExchangeSocket;
  readonly scheme: ZmqScheme;
  readonly edgemqBinds: boolean;
  /** Starts the peer program, binding or connecting at `url`. */
  readonly start: (mode: "bind" | "connect", url: string) => P;
  /** Names the peer in the timeout message. */
  readonly what: string;
  /** How long `body` may take, in ms. */
  readonly ms: number;
  /** When the peer binds: false if `body` connects by itself (PEER's connectPeer). */
  readonly connect?: boolean;
  /** The peer runs until stopped (a publisher): kill it after `body` instead of awaiting DONE. */
  readonly stop?: boolean;
}

/** Removes the socket file behind an ipc:// URL, if there is one. */
export function removeIpcFile(url: string): void {
  if (url.startsWith("ipc://")) rmSync(url.slice("ipc://".length), { force: true });
}

/**
 * Links the socket with a peer program, runs `body` (given the peer and the URL it is at), waits
 * for the peer to finish, and then kills the peer and closes the socket, whatever happened. The
 * ipc socket files are removed last: a killed peer leaves the one it bound behind (libzmq
 * unlinks it only when it closes the socket), and edgemq's is gone already unless bind failed
 * half-way.
 */
export async function exchange<P extends PeerProcess>(
  x: Exchange<P>,
  body: (peer: P, url: string) => Promise<void>,
): Promise<P> {
  let peer: P | undefined;
  const at = bindAddresses(x.scheme);
  try {
    let url: string;
    if (x.edgemqBinds) {
      url = (await x.sock.bind(at.edgemq)).url;
      peer = x.start("connect", url);
    } else {
      peer = x.start("bind", at.peer);
      url = (await peer.line("ENDPOINT ")).slice("ENDPOINT ".length);
      if (x.connect !== false) await x.sock.connect(url);
    }
    await peer.line("READY");
    try {
      await within(x.ms, body(peer, url), `exchange with ${x.what}`);
    } catch (e) {
      // what the peer printed tells whether it sent, received or stalled
      throw new Error(`${e instanceof Error ? e.message : e}; ${peer.report()}`, { cause: e });
    }
    if (!x.stop) await peer.done();
    return peer;
  } finally {
    try {
      await peer?.kill();
      await x.sock.close({ linger: 0 });
    } finally {
      removeIpcFile(at.peer);
      removeIpcFile(at.edgemq);
    }
  }
}
