// A zeromq.js (npm `zeromq` 6.x, bundling libzmq 4.3.5; Node only) peer for edgemq's interop
// tests.
//
// usage: node peer.mjs <socket-type> <bind|connect> <endpoint> <send|ask|recv|echo|publish>
//          [count] [topic]
//
// Same output protocol as conformance/peers/pyzmq_peer.py: "ENDPOINT url" when binding, "READY",
// one line of "|"-joined hex frames per received message, "DONE" and exit 0; "TIMEOUT" and exit 2
// after 10 s without a message. send: ["msg", "i"] messages (PUB waits 500 ms first; REQ prints
// each reply); ask: send, reading and printing a reply after each message; recv: REP answers
// ["ok"], ROUTER answers [routing id, "ok"], SUB subscribes to the topic (default "msg"); echo:
// sends each message back; publish (PUB): every 20 ms ["other", "i"] then [topic, "i"],
// i = 0, 1, ..., for up to 10 s (the test stops it once its subscriber has what it needs).
// A DEALER gets the routing id "js".
import { CLASSES } from "./classes.mjs";

const hexLine = (frames) => frames.map((f) => Buffer.from(f).toString("hex")).join("|");

async function main(argv) {
  if (argv.length < 4) {
    console.error(
      "usage: peer.mjs <socket-type> <bind|connect> <endpoint> <send|ask|recv|echo|publish> " +
        "[count] [topic]",
    );
    return 64;
  }
  const [kindArg, mode, endpoint, action] = argv;
  const kind = kindArg.toUpperCase();
  const count = argv.length > 4 ? Number(argv[4]) : 1;
  const topic = argv.length > 5 ? argv[5] : "msg";
  const Class = CLASSES[kind];
  if (Class === undefined) {
    console.error(`unknown socket type ${kindArg}`);
    return 64;
  }
  const options = { linger: 5000 };
  if (kind !== "PUSH" && kind !== "PUB") options.receiveTimeout = 10000;
  if (kind === "DEALER") options.routingId = "js";
  const sock = new Class(options);
  if (kind === "SUB") sock.subscribe(topic);
  try {
    if (mode === "bind") {
      await sock.bind(endpoint);
      console.log(`ENDPOINT ${sock.lastEndpoint}`);
    } else {
      sock.connect(endpoint);
    }
    console.log("READY");
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    if (action === "publish") {
      for (let i = 0; i < 500; i++) {
        await sock.send(["other", String(i)]);
        await sock.send([topic, String(i)]);
        await pause(20);
      }
    } else if (kind === "PUB") {
      await pause(500);
    }
    for (let i = 0; i < (action === "publish" ? 0 : count); i++) {
      if (action === "send" || action === "ask") {
        await sock.send(["msg", String(i)]);
        if (kind === "REQ" || action === "ask") console.log(hexLine(await sock.receive()));
      } else if (action === "recv") {
        const msg = await sock.receive();
        console.log(hexLine(msg));
        if (kind === "REP") await sock.send(["ok"]);
        if (kind === "ROUTER") await sock.send([msg[0], "ok"]);
      } else if (action === "echo") {
        await sock.send(await sock.receive());
      } else {
        console.error(`unknown action ${action}`);
        return 64;
      }
    }
  } catch (err) {
    if (err?.code === "EAGAIN") {
      console.log("TIMEOUT");
      return 2;
    }
    throw err;
  } finally {
    sock.close();
  }
  console.log("DONE");
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
