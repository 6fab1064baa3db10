/**
 * A REP server in a child process, for the tests that need a peer they can starve of file
 * descriptors, kill, restart or pause (`transports/accept_flood_test.ts`, `conformance/faults/`).
 * It listens with a real edgemq REP socket (SP `sp.Rep` or ZMTP `zmq.Rep`: argument `sp` or
 * `zmq`) at a URL (the argument with `://`: an ipc URL or a tcp address; tcp on an ephemeral
 * loopback port by default), prints `URL <url>` once bound, answers every request with its own
 * bytes, prints each `accept-failed` monitor event as `ACCEPT-FAILED <reason>`, and closes and
 * exits when its stdin closes.
 *
 * With `tag=<text>` each reply is `<text>:` followed by the request, and each request is printed
 * as `REQUEST <request as UTF-8>` before it is answered (a test that kills and restarts the child
 * learns which incarnation answered, and counts what each one received). With `delay=<ms>` it
 * waits that long before each reply (a kill then often finds a request read but not answered).
 *
 *   bash -c 'ulimit -n 256; exec deno run -A testing/_rep_child.ts sp'
 *   deno run -A testing/_rep_child.ts zmq tcp://127.0.0.1:5555 tag=2
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

const args = process.argv.slice(2);
const at = args.find((a) => a.includes("://")) ?? "tcp://127.0.0.1:0";
const tag = args.find((a) => a.startsWith("tag="))?.slice("tag=".length);
const prefix = new TextEncoder().encode(`${tag}:`);
const delay = Number(args.find((a) => a.startsWith("delay="))?.slice("delay=".length) ?? 0);
const decoder = new TextDecoder();

/** The reply to `request`: itself, or behind the tag. */
function answer(request: Uint8Array): Uint8Array {
  if (tag === undefined) return request;
  console.log(`REQUEST ${decoder.decode(request)}`);
  const reply = new Uint8Array(prefix.length + request.length);
  reply.set(prefix);
  reply.set(request, prefix.length);
  return reply;
}

async function echo<M>(
  socket: { send(msg: M): Promise<void> } & AsyncIterable<M>,
  reply: (request: M) => M,
): Promise<void> {
  try {
    for await (const request of socket) {
      const answer = reply(request);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      await socket.send(answer);
    }
  } catch { /* closed */ }
}

async function serve(): Promise<{ url: string; close(): Promise<void> }> {
  if (args.includes("zmq")) {
    const rep = new zmq.Rep();
    rep.monitor.on(report);
    const { url } = await rep.bind(at);
    // a request of several frames is answered frame by frame (only the last one tagged)
    const serving = echo<Uint8Array[]>(
      rep,
      (frames) => frames.map((f, i) => i === 0 ? answer(f) : f),
    );
    return { url, close: () => rep.close().then(() => serving) };
  }
  const rep = new sp.Rep();
  rep.monitor.on(report);
  const { url } = await rep.listen(at);
  const serving = echo(rep, answer);
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
