// A zeromq.js (npm `zeromq` 6.x, libzmq 4.3.5; Node only) target for the conformance runner
// (conformance/runner/README.md, "the contract").
//
// usage: node target.mjs <TYPE> <bind|connect> <url>
//
// REP, DEALER, ROUTER and PAIR send back what they get; PUB publishes "alpha <n>" and "beta <n>" in
// turn every 50 ms; PUSH sends "push <n>" every 50 ms; REQ (relaxed) sends "request <n>" and a new
// one after each reply or 200 ms; SUB subscribes to "alpha"; PULL takes what comes. Prints
// "ready <url>" once bound or connected and serves until its standard input closes.
import { CLASSES } from "./classes.mjs";

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function main(argv) {
  const [kindArg, mode, url] = argv;
  const kind = (kindArg ?? "").toUpperCase();
  const Class = CLASSES[kind];
  if (Class === undefined || url === undefined) {
    console.error("usage: target.mjs <TYPE> <bind|connect> <url>");
    return 64;
  }
  const options = { linger: 0 };
  if (kind === "REQ") Object.assign(options, { relaxed: true, receiveTimeout: 200 });
  const sock = new Class(options);
  if (kind === "SUB") sock.subscribe("alpha");
  let where = url;
  if (mode === "bind") {
    await sock.bind(url);
    where = sock.lastEndpoint;
  } else sock.connect(url);
  let stopped = false;
  process.stdin.on("end", () => {
    stopped = true;
    sock.close();
  });
  process.stdin.on("close", () => {
    stopped = true;
    sock.close();
  });
  process.stdin.resume();
  console.log(`ready ${where}`);
  let n = 0;
  while (!stopped) {
    try {
      if (["REP", "DEALER", "ROUTER", "PAIR"].includes(kind)) {
        const msg = await sock.receive();
        if (kind === "REP") await sock.send(msg);
        else if (sock.writable) await sock.send(msg);
      } else if (kind === "PUB" || kind === "PUSH") {
        const body = kind === "PUSH" ? `push ${n}` : `${n % 2 === 0 ? "alpha" : "beta"} ${n}`;
        if (sock.writable) await sock.send(body);
        n++;
        await pause(50);
      } else if (kind === "REQ") {
        await sock.send(`request ${n++}`);
        await sock.receive().catch(() => {}); // a reply, or EAGAIN after 200 ms
        await pause(50);
      } else {
        await sock.receive();
      }
    } catch {
      if (stopped) break;
      await pause(10);
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
process.exit();
