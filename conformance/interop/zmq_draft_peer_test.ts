// Live interop of the draft types PEER (RFC 51) and CHANNEL (RFC 52) with JeroMQ 0.6 (Maven;
// conformance/peers/jeromq06, JeromqDraftPeer) and zeromq.js 6 (npm, libzmq 4.3.5 built with the
// draft API; conformance/peers/zeromqjs/draft_peer.mjs), over tcp, edgemq binding and connecting.
// zeromq.js has no PEER class and cannot give or take a PEER routing id, so against it PEER is
// checked one way: edgemq's connectPeer id reaches a libzmq PEER. JeroMQ has zmq_connect_peer's
// equivalent (Socket.connectPeer), so against it PEER runs both ways. SKIP policy as in
// zmq_peers_test.ts: a missing peer skips loudly, and fails when CI=true.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { Channel } from "../../protocols/zmtp/channel.ts";
import { Peer } from "../../protocols/zmtp/peer.ts";
import type { ZmqSocket } from "../../protocols/zmtp/socket.ts";
import { PeerProcess } from "./_peers.ts";
import { exchange, hex } from "./_zmq_exchange.ts";

const PEERS = join(import.meta.dirname ?? "conformance/interop", "..", "peers");
const JEROMQ = join(PEERS, "jeromq06", "target");
const ZEROMQJS = join(PEERS, "zeromqjs");
const COUNT = 3;
const ci = process.env.CI === "true";

function onPath(tool: string): boolean {
  return spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;
}

/** One implementation's draft peer program. */
interface Implementation {
  readonly name: string;
  readonly command: string[];
  readonly missing: string | undefined;
  /** Whether it can address a PEER by routing id (connectPeer, replies). */
  readonly peerRouting: boolean;
}

const IMPLEMENTATIONS: Implementation[] = [
  {
    name: "JeroMQ 0.6",
    command: ["java", "-cp", `${JEROMQ}/classes:${JEROMQ}/lib/*`, "edgemq.JeromqDraftPeer"],
    missing: existsSync(join(JEROMQ, "classes", "edgemq", "JeromqDraftPeer.class")) &&
        onPath("java")
      ? undefined
      : "JeroMQ draft peer not built (or no java)",
    peerRouting: true,
  },
  {
    name: "zeromq.js 6",
    command: ["node", join(ZEROMQJS, "draft_peer.mjs")],
    missing: existsSync(join(ZEROMQJS, "node_modules", "zeromq", "package.json")) && onPath("node")
      ? undefined
      : "zeromq.js peer not installed (or no node)",
    peerRouting: false,
  },
];

/** A running draft peer program (a JVM may take a while to start). */
class DraftPeer extends PeerProcess {
  constructor(impl: Implementation, args: string[]) {
    const [cmd, ...pre] = impl.command;
    super(cmd!, [...pre, ...args]);
  }

  override line(prefix: string): Promise<string> {
    return super.line(prefix, 15000);
  }
}

/**
 * Links `sock` with a peer program running `type`/`action` over tcp, runs `body`, and cleans up.
 * When the peer binds, `body` connects (CHANNEL with connect, PEER with connectPeer).
 */
function withPeer(
  impl: Implementation,
  sock: ZmqSocket,
  edgemqBinds: boolean,
  type: string,
  action: string,
  body: (peer: DraftPeer, url: string) => Promise<void>,
): Promise<DraftPeer> {
  const start = (mode: string, url: string) =>
    new DraftPeer(impl, [type, mode, url, action, String(COUNT)]);
  const what = impl.name;
  return exchange(
    { sock, scheme: "tcp", edgemqBinds, start, what, ms: 20000, connect: false },
    body,
  );
}

const dec = new TextDecoder();
const range = [...Array(COUNT).keys()];

for (const impl of IMPLEMENTATIONS) {
  if (impl.missing !== undefined) {
    console.warn(
      `SKIPPED: zmq PEER/CHANNEL interop with ${impl.name}: ${impl.missing} ` +
        "(run bash conformance/peers/build.sh; with CI=true this is a failure)",
    );
  }
  describe(
    `zmq PEER and CHANNEL, interop with ${impl.name}`,
    { skip: impl.missing !== undefined && !ci },
    () => {
      if (impl.missing !== undefined) {
        test(`${impl.name} draft peer is built when CI is true [ZMTP-DRAFTPC-0]`, () => {
          assert.fail(`${impl.missing}: conformance/peers/build.sh did not run or failed`);
        });
        return;
      }
      for (const edgemqBinds of [true, false]) {
        const where = `${impl.name}, tcp, edgemq ${edgemqBinds ? "binds" : "connects"}`;

        test(`zmq.Channel and a peer CHANNEL talk both ways (${where}) [ZMTP-DRAFTPC-1]`, async () => {
          const channel = new Channel();
          // the peer asks; edgemq answers each message with "re: " in front
          const asked = await withPeer(
            impl,
            channel,
            edgemqBinds,
            "CHANNEL",
            "ask",
            async (_, url) => {
              if (!edgemqBinds) await channel.connect(url);
              for (const i of range) {
                const [msg] = await channel.recv();
                assert.equal(dec.decode(msg), `msg-${i}`);
                await channel.send(`re: ${dec.decode(msg)}`);
              }
            },
          );
          assert.deepEqual(asked.hexLines, range.map((i) => hex(`re: msg-${i}`)));
        });

        test(`a peer CHANNEL echoes zmq.Channel (${where}) [ZMTP-DRAFTPC-1]`, async () => {
          const channel = new Channel();
          const echoed = await withPeer(
            impl,
            channel,
            edgemqBinds,
            "CHANNEL",
            "echo",
            async (_, url) => {
              if (!edgemqBinds) await channel.connect(url);
              for (const i of range) {
                await channel.send(`c-${i}`);
                assert.deepEqual((await channel.recv()).map((f) => dec.decode(f)), [`c-${i}`]);
              }
            },
          );
          assert.deepEqual(echoed.hexLines, range.map((i) => hex(`c-${i}`)));
        });
      }

      test(`zmq.Peer.connectPeer's id reaches a peer PEER before any handshake (${impl.name}, tcp, edgemq connects) [ZMTP-DRAFTPC-2]`, async () => {
        const peer = new Peer();
        const action = impl.peerRouting ? "echo" : "recv";
        const other = await withPeer(impl, peer, false, "PEER", action, async (_, url) => {
          const id = await peer.connectPeer(url);
          for (const i of range) await peer.sendTo(id, `p-${i}`); // queued: not connected yet
          if (!impl.peerRouting) return; // zeromq.js cannot answer a PEER
          for (const i of range) {
            const { routingId, data } = await peer.recvFrom();
            assert.equal(routingId, id, "the answer comes back under connectPeer's id");
            assert.equal(dec.decode(data), `p-${i}`);
          }
        });
        assert.deepEqual(other.hexLines, range.map((i) => hex(`p-${i}`)));
      });

      if (impl.peerRouting) {
        test(`a peer PEER's connectPeer reaches zmq.Peer, which answers by routing id (${impl.name}, tcp, edgemq binds) [ZMTP-DRAFTPC-3]`, async () => {
          const peer = new Peer();
          const other = await withPeer(impl, peer, true, "PEER", "ask", async () => {
            let first: number | undefined;
            for (const i of range) {
              const { routingId, data } = await peer.recvFrom();
              first ??= routingId;
              assert.equal(routingId, first, "one peer, one routing id");
              assert.equal(dec.decode(data), `msg-${i}`);
              await peer.sendTo(routingId, `re: msg-${i}`);
            }
          });
          assert.deepEqual(other.hexLines, range.map((i) => hex(`re: msg-${i}`)));
        });
      }
    },
  );
}
