// Entry of the bundler check in run.sh: esbuild bundles it for the browser
// and for workerd from the installed package, and Node runs the bundle. The
// "imports" conditions must give such builds the stub backend, so that the
// bundle holds no node:net and tcp fails with ENOTSUP while inproc works.
import { MqError, sp } from "edgemq";

const rep = new sp.Rep(), req = new sp.Req();
await rep.listen("inproc://bundle");
await req.dial("inproc://bundle");
await req.send("hi");
await rep.send(await rep.recv());
const echo = new TextDecoder().decode(await req.recv());
const err = await new sp.Pull().listen("tcp://127.0.0.1:0").catch((e) => e);
await req.close();
await rep.close();
if (echo !== "hi") throw new Error(`inproc echo gave "${echo}"`);
if (!(err instanceof MqError) || err.code !== "ENOTSUP") {
  throw new Error(`tcp in a browser build gave ${err} (want ENOTSUP)`);
}
console.log("bundle ok: inproc works, tcp says ENOTSUP");
