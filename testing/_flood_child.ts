/**
 * A child process for the accept-flood test: listens with a real edgemq REP
 * socket (SP `sp.Rep` or ZMTP `zmq.Rep`: argument `sp` or `zmq`) at a URL
 * (the other argument: an ipc URL, or tcp on an ephemeral loopback port by
 * default), prints `URL <url>` once bound, answers every request with its
 * own bytes, prints each `accept-failed` monitor event as `ACCEPT-FAILED
 * <reason>`, and closes and exits when its stdin closes.
 *
 *   bash -c 'ulimit -n 256; exec deno run -A testing/_flood_child.ts sp'
 *
 * @module
 */
import { sp, zmq } from "../mod.ts";
import type { MonitorEvent } from "../mod.ts";
import process from "node:process";

function report(event: MonitorEvent): void {
  const e = event as { type: string; reason?: string };
  if (e.type === "accept-failed") console.log(`ACCEPT-FAILED ${e.reason}`);
}

async function echo<M>(socket: { send(msg: M): Promise<void> } & AsyncIterable<M>): Promise<void> {
  try {
    for await (const request of socket) await socket.send(request);
  } catch { /* closed */ }
}

const args = process.argv.slice(2);
const at = args.find((a) => a.includes("://")) ?? "tcp://127.0.0.1:0";

async function serve(): Promise<{ url: string; close(): Promise<void> }> {
  if (args.includes("zmq")) {
    const rep = new zmq.Rep();
    rep.monitor.on(report);
    const { url } = await rep.bind(at);
    const serving = echo(rep);
    return { url, close: () => rep.close().then(() => serving) };
  }
  const rep = new sp.Rep();
  rep.monitor.on(report);
  const { url } = await rep.listen(at);
  const serving = echo(rep);
  return { url, close: () => rep.close().then(() => serving) };
}

// Deno 2.9.6 sets up its signal handling lazily, some time after start, and panics if the
// process is out of descriptors then (ext/signals `Signals::new(..).unwrap()`); a flood that
// starts at once would crash the runtime, not test the listener. One listener, added and
// removed, sets it up now.
const deno = (globalThis as {
  Deno?: {
    addSignalListener(s: "SIGUSR2", f: () => void): void;
    removeSignalListener(s: "SIGUSR2", f: () => void): void;
  };
}).Deno;
if (deno !== undefined) {
  const nothing = (): void => {};
  deno.addSignalListener("SIGUSR2", nothing);
  deno.removeSignalListener("SIGUSR2", nothing);
}

const server = await serve();
console.log(`URL ${server.url}`);
process.stdin.resume();
await new Promise<void>((resolve) => process.stdin.once("end", resolve).once("close", resolve));
await server.close();
console.log("CLOSED");
process.exit(0);
