// A zeromq.js (npm `zeromq` 6.x, bundling libzmq 4.3.5; Node only) peer for edgemq's interop
// tests.
//
// usage: node peer.mjs <socket-type> <bind|connect> <endpoint> <send|ask|recv|echo> [count]
//
// Same output protocol as conformance/peers/pyzmq_peer.py: "ENDPOINT url" when binding, "READY",
// one line of "|"-joined hex frames per received message, "DONE" and exit 0; "TIMEOUT" and exit 2
// after 10 s without a message. send: ["msg", "i"] messages (PUB waits 500 ms first; REQ prints
// each reply); ask: send, reading and printing a reply after each message; recv: REP answers ["ok"], SUB subscribes to "msg"; echo: sends each message back.
// A DEALER gets the routing id "js".
import * as zmq from "zeromq";

const CLASSES = {
  PAIR: zmq.Pair,
  PUB: zmq.Publisher,
  SUB: zmq.Subscriber,
  REQ: zmq.Request,
  REP: zmq.Reply,
  DEALER: zmq.Dealer,
  ROUTER: zmq.Router,
  PULL: zmq.Pull,
  PUSH: zmq.Push,
};

const hexLine = (frames) => frames.map((f) => Buffer.from(f).toString("hex")).join("|");

async function main(argv) {
  if (argv.length < 4) {
    console.error(
      "usage: peer.mjs <socket-type> <bind|connect> <endpoint> <send|ask|recv|echo> [count]",
    );
    return 64;
  }
  const [kindArg, mode, endpoint, action] = argv;
  const kind = kindArg.toUpperCase();
  const count = argv.length > 4 ? Number(argv[4]) : 1;
  const Class = CLASSES[kind];
  if (Class === undefined) {
    console.error(`unknown socket type ${kindArg}`);
    return 64;
  }
  const options = { linger: 5000 };
  if (kind !== "PUSH" && kind !== "PUB") options.receiveTimeout = 10000;
  if (kind === "DEALER") options.routingId = "js";
  const sock = new Class(options);
  if (kind === "SUB") sock.subscribe("msg");
  try {
    if (mode === "bind") {
      await sock.bind(endpoint);
      console.log(`ENDPOINT ${sock.lastEndpoint}`);
    } else {
      sock.connect(endpoint);
    }
    console.log("READY");
    if (kind === "PUB") await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < count; i++) {
      if (action === "send" || action === "ask") {
        await sock.send(["msg", String(i)]);
        if (kind === "REQ" || action === "ask") console.log(hexLine(await sock.receive()));
      } else if (action === "recv") {
        console.log(hexLine(await sock.receive()));
        if (kind === "REP") await sock.send(["ok"]);
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
