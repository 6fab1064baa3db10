// Loads edgemq as an npm user does (import "edgemq", from an installed
// tarball) and runs REQ/REP both ways against pyzmq (libzmq) over tcp, plus
// an SP REQ/REP over inproc. Plain JavaScript, so Node runs it as is; Bun
// and Deno run the same file. Exits 1 with the reason on any failure.
//   node smoke.mjs | bun smoke.mjs | deno run -A smoke.mjs
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MqError, sp, zmq } from "edgemq";

const COUNT = 5;
const PEER = fileURLToPath(new URL("pyzmq_peer.py", import.meta.url));
const runtime = typeof Deno === "object" ? "deno" : typeof Bun === "object" ? "bun" : "node";
const text = (bytes) => new TextDecoder().decode(bytes);

function fail(why) {
  console.error(`npm smoke FAILED on ${runtime}: ${why}`);
  process.exit(1);
}
setTimeout(() => fail("no result after 30 s"), 30000).unref?.();

function python(...args) {
  const child = spawn(process.env.PYTHON ?? "python3", [PEER, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.on("close", resolve));
  const firstLine = new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.on("close", (code) => reject(new Error(`pyzmq peer exited (${code}) before printing`)));
  });
  firstLine.catch(() => {}); // a "req" peer prints nothing; only "rep" callers await it
  return { exited, firstLine };
}

// edgemq REQ -> pyzmq REP
async function reqToPyzmq() {
  const peer = python("rep", String(COUNT));
  const port = await peer.firstLine;
  const req = new zmq.Req();
  await req.connect(`tcp://127.0.0.1:${port}`);
  for (let i = 0; i < COUNT; i++) {
    await req.send(`hello ${i}`);
    const [reply] = await req.recv();
    if (text(reply) !== `world hello ${i}`) fail(`REQ got "${text(reply)}" for hello ${i}`);
  }
  await req.close();
  if (await peer.exited !== 0) fail("the pyzmq REP failed");
}

// pyzmq REQ -> edgemq REP
async function pyzmqToRep() {
  const rep = new zmq.Rep();
  const { url } = await rep.bind("tcp://127.0.0.1:0");
  const peer = python("req", url, String(COUNT));
  for (let i = 0; i < COUNT; i++) {
    const [request] = await rep.recv();
    await rep.send(`pong ${text(request)}`);
  }
  if (await peer.exited !== 0) fail("the pyzmq REQ got a wrong reply or none");
  await rep.close();
}

// SP over inproc, and an error with its stable code
async function spInproc() {
  const rep = new sp.Rep(), req = new sp.Req();
  await rep.listen("inproc://npm-smoke");
  await req.dial("inproc://npm-smoke");
  await req.send("sp");
  await rep.send(await rep.recv());
  if (text(await req.recv()) !== "sp") fail("SP inproc echo differs");
  await req.close();
  await rep.close();
  const err = await new sp.Req().dial("nope://x").catch((e) => e);
  if (!(err instanceof MqError) || err.code !== "EINVAL") fail(`bad URL gave ${err}`);
}

try {
  await reqToPyzmq();
  await pyzmqToRep();
  await spInproc();
} catch (e) {
  fail(e?.stack ?? String(e));
}
console.log(
  `npm smoke ok on ${runtime}: ${COUNT} requests each way with pyzmq over tcp, SP over inproc`,
);
process.exit(0);
