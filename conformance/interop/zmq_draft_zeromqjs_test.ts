// Live interop of ZeroMQ's draft socket types (CLIENT/SERVER, RADIO/DISH, SCATTER/GATHER) with
// zeromq.js 6 (npm `zeromq`, libzmq 4.3.5 built with the draft API, run on Node) over tcp, edgemq
// binding and connecting. The peer is conformance/peers/zeromqjs/draft_peer.mjs (installed by
// conformance/peers/build.sh). SKIP policy as in zmq_peers_test.ts: a missing peer skips loudly,
// and fails when CI=true.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { PeerProcess } from "./_peers.ts";
import { exchange, hex } from "./_zmq_exchange.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { delay } from "../../testing/async.ts";
import { Client } from "../../protocols/zmtp/client.ts";
import { Dish } from "../../protocols/zmtp/dish.ts";
import { Gather } from "../../protocols/zmtp/gather.ts";
import { Radio } from "../../protocols/zmtp/radio.ts";
import { Scatter } from "../../protocols/zmtp/scatter.ts";
import { Server } from "../../protocols/zmtp/server.ts";
import type { ZmqSocket } from "../../protocols/zmtp/socket.ts";

const ZEROMQJS = join(import.meta.dirname ?? "conformance/interop", "..", "peers", "zeromqjs");
const SCRIPT = join(ZEROMQJS, "draft_peer.mjs");
const COUNT = 3;
const ci = process.env.CI === "true";

function nodeOnPath(): boolean {
  return spawnSync("node", ["--version"], { stdio: "ignore" }).status === 0;
}

const missing = existsSync(join(ZEROMQJS, "node_modules", "zeromq", "package.json")) && nodeOnPath()
  ? undefined
  : "zeromq.js peer not installed (or no node)";

/** One running zeromq.js draft peer; closing its stdin stops it. */
class Peer extends PeerProcess {
  constructor(args: string[]) {
    super("node", [SCRIPT, ...args], { stdin: true });
  }

  /** Closes the peer's stdin (a RADIO peer stops sending then). */
  stop(): void {
    this.closeStdin();
  }
}

/** Connects `sock` with a peer running `peerType`/`action` over tcp; runs `body`; cleans up. */
function withPeer(
  sock: ZmqSocket,
  edgemqBinds: boolean,
  peerType: string,
  action: string,
  body: (peer: Peer) => Promise<void>,
): Promise<Peer> {
  const start = (mode: string, url: string) =>
    new Peer([peerType, mode, url, action, String(COUNT)]);
  return exchange(
    { sock, scheme: "tcp", edgemqBinds, start, what: "zeromq.js", ms: 15000 },
    body,
  );
}

const dec = new TextDecoder();
const range = [...Array(COUNT).keys()];

if (missing !== undefined) {
  console.warn(
    `SKIPPED: zmq draft interop with zeromq.js: ${missing} ` +
      "(run bash conformance/peers/build.sh; with CI=true this is a failure)",
  );
}

describe(
  "zmq draft types, interop with zeromq.js 6",
  { skip: missing !== undefined && !ci },
  () => {
    if (missing !== undefined) {
      test("zeromq.js peer is installed when CI is true [ZMTP-DRAFTJS-0]", () => {
        assert.fail(`${missing}: conformance/peers/build.sh did not run or failed`);
      });
      return;
    }
    for (const edgemqBinds of [true, false]) {
      const where = `tcp, edgemq ${edgemqBinds ? "binds" : "connects"}`;

      test(`zmq.Client asks a zeromq.js SERVER, which answers by routing id (${where}) [ZMTP-DRAFTJS-1]`, async () => {
        const client = new Client();
        const peer = await withPeer(client, edgemqBinds, "SERVER", "echo", async () => {
          for (const i of range) {
            await client.send(`q-${i}`);
            assert.deepEqual((await client.recv()).map((f) => dec.decode(f)), [`q-${i}`]);
          }
        });
        assert.deepEqual(peer.hexLines, range.map((i) => hex(`q-${i}`)));
      });

      test(`a zeromq.js CLIENT gets answers from zmq.Server (${where}) [ZMTP-DRAFTJS-2]`, async () => {
        const server = new Server();
        const peer = await withPeer(server, edgemqBinds, "CLIENT", "ask", async () => {
          let first: number | undefined;
          for (const i of range) {
            const { routingId, data } = await server.recvFrom();
            first ??= routingId;
            assert.equal(routingId, first, "one client, one routing id");
            assert.equal(dec.decode(data), `msg-${i}`);
            await server.sendTo(routingId, `re: msg-${i}`);
          }
        });
        assert.deepEqual(peer.hexLines, range.map((i) => hex(`re: msg-${i}`)));
      });

      test(`zmq.Radio reaches a zeromq.js DISH in its group only (${where}) [ZMTP-DRAFTJS-3]`, async () => {
        const radio = new Radio();
        const peer = await withPeer(radio, edgemqBinds, "DISH", "recv", async (peer) => {
          // the RADIO drops everything until the DISH's JOIN has arrived: send until it has read
          for (let i = 0; peer.hexLines.length < COUNT; i++) {
            await radio.send(["other", `x-${i}`]);
            await radio.send(["grp", `msg-${i}`]);
            await delay(10);
          }
        });
        assert.equal(peer.hexLines.length, COUNT);
        for (const line of peer.hexLines) {
          const [group, data] = line.split("|");
          assert.equal(group, hex("grp"), `only group grp: ${line}`);
          assert.ok(data!.startsWith(hex("msg-")), `a grp message: ${line}`);
        }
      });

      test(`a zeromq.js RADIO reaches zmq.Dish in its group only (${where}) [ZMTP-DRAFTJS-4]`, async () => {
        const dish = new Dish();
        dish.join("grp");
        await withPeer(dish, edgemqBinds, "RADIO", "send", async () => {
          for (const _ of range) {
            const [group, data] = await dish.recv();
            assert.equal(dec.decode(group), "grp");
            assert.match(dec.decode(data), /^msg-\d+$/);
          }
        });
      });

      test(`zmq.Scatter feeds a zeromq.js GATHER (${where}) [ZMTP-DRAFTJS-5]`, async () => {
        const scatter = new Scatter();
        const peer = await withPeer(scatter, edgemqBinds, "GATHER", "recv", async () => {
          for (const i of range) await scatter.send(`job-${i}`);
        });
        assert.deepEqual(peer.hexLines, range.map((i) => hex(`job-${i}`)));
      });

      test(`a zeromq.js SCATTER feeds zmq.Gather (${where}) [ZMTP-DRAFTJS-6]`, async () => {
        const gather = new Gather();
        await withPeer(gather, edgemqBinds, "SCATTER", "send", async () => {
          for (const i of range) {
            assert.deepEqual((await gather.recv()).map((f) => dec.decode(f)), [`msg-${i}`]);
          }
        });
      });
    }
  },
);
