/**
 * A child process for the exit-time test: a REP and a REQ socket over the
 * transport named by the first argument (`tcp`, `ipc` or `inproc`) exchange
 * one request and reply, both close, and the child prints `CLOSED`. It then
 * has nothing left to do, so the runtime should exit at once.
 *
 *   bun testing/_exit_child.ts tcp
 *
 * @module
 */
import { sp } from "../mod.ts";
import { tmpdir } from "node:os";
import process from "node:process";

const scheme = process.argv[2] ?? "tcp";
const at = scheme === "ipc"
  ? `ipc://${tmpdir()}/edgemq-exit-${process.pid}.ipc`
  : scheme === "inproc"
  ? `inproc://exit-${process.pid}`
  : "tcp://127.0.0.1:0";

const rep = new sp.Rep();
const req = new sp.Req();
const { url } = await rep.listen(at);
await req.dial(url);
await req.send("ping");
await rep.send(await rep.recv());
await req.recv();
await req.close();
await rep.close();
console.log("CLOSED");
