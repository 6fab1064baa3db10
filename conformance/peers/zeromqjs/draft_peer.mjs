// A zeromq.js (npm `zeromq` 6.x, libzmq 4.3.5 with the draft API; Node only) peer for edgemq's
// interop tests of ZeroMQ's draft socket types.
//
// usage: node draft_peer.mjs <socket-type> <bind|connect> <endpoint> <action> [count]
//
// socket-type: SERVER, CLIENT, RADIO, DISH, SCATTER, GATHER. Output as peer.mjs: "ENDPOINT url"
// when binding, "READY", one line of "|"-joined hex frames per received message, "DONE" and exit
// 0; "TIMEOUT" and exit 2 after 10 s without a message.
//   CLIENT ask:   sends "msg-<i>" and prints each reply
//   SERVER echo:  prints each message and sends it back to its sender (by routing id)
//   RADIO send:   every 10 ms sends "x-<i>" to group "other" and "msg-<i>" to group "grp", until
//                 stdin closes (or 10 s)
//   DISH recv:    joins "grp", prints <group>|<data> for each message
//   SCATTER send: sends "msg-<i>"
//   GATHER recv:  prints each message
import { Client, Dish, Gather, Radio, Scatter, Server } from "zeromq/draft.js";

const CLASSES = {
  SERVER: Server,
  CLIENT: Client,
  RADIO: Radio,
  DISH: Dish,
  SCATTER: Scatter,
  GATHER: Gather,
};

process.removeAllListeners("warning"); // "draft features are experimental" on stderr

const hex = (f) => Buffer.from(f).toString("hex");

async function radioLoop(sock) {
  let stop = false;
  process.stdin.on("data", () => {});
  process.stdin.on("end", () => (stop = true));
  process.stdin.on("close", () => (stop = true));
  const deadline = Date.now() + 10000;
  for (let i = 0; !stop && Date.now() < deadline; i++) {
    await sock.send(`x-${i}`, { group: "other" });
    await sock.send(`msg-${i}`, { group: "grp" });
    await new Promise((r) => setTimeout(r, 10));
  }
  process.stdin.destroy();
}

async function run(kind, sock, action, count) {
  if (kind === "CLIENT" && action === "ask") {
    for (let i = 0; i < count; i++) {
      await sock.send(`msg-${i}`);
      const [reply] = await sock.receive();
      console.log(hex(reply));
    }
  } else if (kind === "SERVER" && action === "echo") {
    for (let i = 0; i < count; i++) {
      const [msg, { routingId }] = await sock.receive();
      console.log(hex(msg));
      await sock.send(msg, { routingId });
    }
  } else if (kind === "RADIO" && action === "send") {
    await radioLoop(sock);
  } else if (kind === "DISH" && action === "recv") {
    for (let i = 0; i < count; i++) {
      const [msg, { group }] = await sock.receive();
      console.log(`${hex(group)}|${hex(msg)}`);
    }
  } else if (kind === "SCATTER" && action === "send") {
    for (let i = 0; i < count; i++) await sock.send(`msg-${i}`);
  } else if (kind === "GATHER" && action === "recv") {
    for (let i = 0; i < count; i++) console.log(hex((await sock.receive())[0]));
  } else {
    console.error(`unknown action ${action} for ${kind}`);
    return 64;
  }
  return 0;
}

async function main(argv) {
  if (argv.length < 4) {
    console.error("usage: draft_peer.mjs <socket-type> <bind|connect> <endpoint> <action> [count]");
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
  if (kind !== "RADIO" && kind !== "SCATTER") options.receiveTimeout = 10000;
  const sock = new Class(options);
  if (kind === "DISH") sock.join("grp");
  let code;
  try {
    if (mode === "bind") {
      await sock.bind(endpoint);
      console.log(`ENDPOINT ${sock.lastEndpoint}`);
    } else {
      sock.connect(endpoint);
    }
    console.log("READY");
    code = await run(kind, sock, action, count);
  } catch (err) {
    if (err?.code === "EAGAIN") {
      console.log("TIMEOUT");
      return 2;
    }
    throw err;
  } finally {
    sock.close();
  }
  if (code === 0) console.log("DONE");
  return code;
}

process.exitCode = await main(process.argv.slice(2));
