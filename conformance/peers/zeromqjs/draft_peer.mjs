// A zeromq.js (npm `zeromq` 6.x, libzmq 4.3.5 with the draft API; Node only) peer for edgemq's
// interop tests of ZeroMQ's draft socket types.
//
// usage: node draft_peer.mjs <socket-type> <bind|connect> <endpoint> <action> [count]
//
// socket-type: SERVER, CLIENT, RADIO, DISH, SCATTER, GATHER, CHANNEL, PEER. Output as peer.mjs:
// "ENDPOINT url" when binding, "READY", one line of "|"-joined hex frames per received message,
// "DONE" and exit 0; "TIMEOUT" and exit 2 after 10 s without a message (or, for CHANNEL, 10 s
// unable to send).
//   CLIENT ask:   sends "msg-<i>" and prints each reply
//   SERVER echo:  prints each message and sends it back to its sender (by routing id)
//   RADIO send:   every 10 ms sends "x-<i>" to group "other" and "msg-<i>" to group "grp", until
//                 stdin closes (or 10 s)
//   DISH recv:    joins "grp", prints <group>|<data> for each message
//   SCATTER send: sends "msg-<i>"
//   GATHER recv:  prints each message
//   CHANNEL ask:  sends "msg-<i>" and prints each reply (bind or connect)
//   CHANNEL echo: prints each message and sends it back (bind or connect)
//   PEER recv:    prints each message (bind or connect; zeromq.js neither reports nor takes a PEER
//                 routing id, so its PEER cannot answer, and connect is plain zmq_connect)
import { Socket } from "zeromq";
import { Client, Dish, Gather, Radio, Scatter, Server } from "zeromq/draft.js";

// zeromq.js 6 has no classes for libzmq's draft PEER (19) and CHANNEL (20), but its native Socket
// takes any libzmq type number, as the classes in zeromq/draft.js do. Its send/receive only
// handle routing ids for SERVER, so a PEER built this way can receive (without learning the
// sender's id) but has nothing to address a send with.
class Peer extends Socket {
  constructor(options) {
    super(19, options);
  }
}

class Channel extends Socket {
  constructor(options) {
    super(20, options);
  }
}

// zeromq.js defines the send/receive options (receiveTimeout, ...) class by class, not on the
// native Socket, and a socket object is not extensible: give these classes the two they need,
// as the library does (ZMQ_RCVTIMEO 27, ZMQ_SNDTIMEO 28).
for (const [name, id] of [["receiveTimeout", 27], ["sendTimeout", 28]]) {
  for (const Class of [Peer, Channel]) {
    Object.defineProperty(Class.prototype, name, {
      get() {
        return this.getInt32Option(id);
      },
      set(value) {
        this.setInt32Option(id, value);
      },
    });
  }
}

const CLASSES = {
  SERVER: Server,
  CLIENT: Client,
  RADIO: Radio,
  DISH: Dish,
  SCATTER: Scatter,
  GATHER: Gather,
  PEER: Peer,
  CHANNEL: Channel,
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
  } else if ((kind === "GATHER" || kind === "PEER") && action === "recv") {
    for (let i = 0; i < count; i++) console.log(hex((await sock.receive())[0]));
  } else if (kind === "CHANNEL" && action === "ask") {
    for (let i = 0; i < count; i++) {
      await sock.send(`msg-${i}`);
      console.log(hex((await sock.receive())[0]));
    }
  } else if (kind === "CHANNEL" && action === "echo") {
    for (let i = 0; i < count; i++) {
      const [msg] = await sock.receive();
      console.log(hex(msg));
      await sock.send(msg);
    }
  } else {
    console.error(`unknown action ${action} for ${kind}`);
    return 64;
  }
  return 0;
}

async function main(argv) {
  if (argv.length < 4) {
    console.error(
      "usage: draft_peer.mjs <socket-type> <bind|connect> <endpoint> <action> [count]",
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
  if (kind !== "RADIO" && kind !== "SCATTER") options.receiveTimeout = 10000;
  // a CHANNEL without its peer would block in send forever: give up after 10 s too
  if (kind === "CHANNEL") options.sendTimeout = 10000;
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
