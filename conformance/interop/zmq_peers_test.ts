// Live interop with three more ZeroMQ implementations: zmq.rs (crates.io `zeromq`), JeroMQ 0.6
// (Maven) and zeromq.js 6 (npm, libzmq 4.3.5 inside, run on Node). Their peers live in
// conformance/peers/{zmqrs,jeromq06,zeromqjs} and are built by conformance/peers/build.sh; they
// share pyzmq_peer.py's command line and output (ENDPOINT / READY / hex lines / DONE), plus a
// `publish` action (PUB repeating until stopped, for slow joiners) and a SUB topic argument.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { PeerProcess } from "./_peers.ts";
import { exchange, hex, type ZmqScheme } from "./_zmq_exchange.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { Dealer, Pair, Pub, Pull, Push, Rep, Req, Router, Sub } from "../../protocols/zmtp/mod.ts";
import type { ZmqSocket } from "../../protocols/zmtp/socket.ts";

const PEERS = join(import.meta.dirname ?? "conformance/interop", "..", "peers");
const COUNT = 3;
const ci = process.env.CI === "true";

/** One peer implementation: how to start it, whether it is built, what it supports. */
interface PeerKind {
  readonly name: string;
  readonly command: string[];
  readonly missing: string | undefined;
  readonly ipc: boolean;
  /** The routing id its DEALER announces. */
  readonly routingId: string;
  /** Whether it has a PAIR socket. */
  readonly pair: boolean;
}

function onPath(tool: string): boolean {
  return spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;
}

const ZMQRS_BIN = join(PEERS, "zmqrs", "target", "release", "zmqrs_peer");
const JEROMQ = join(PEERS, "jeromq06", "target");
const ZEROMQJS = join(PEERS, "zeromqjs");
const KINDS: PeerKind[] = [
  {
    name: "zmq.rs 0.4",
    command: [ZMQRS_BIN],
    missing: existsSync(ZMQRS_BIN) ? undefined : "zmq.rs peer not built",
    ipc: true,
    routingId: "rs",
    pair: false, // zmq.rs 0.4 has no PAIR socket
  },
  {
    name: "JeroMQ 0.6",
    command: ["java", "-cp", `${JEROMQ}/classes:${JEROMQ}/lib/*`, "edgemq.JeromqPeer"],
    missing: existsSync(join(JEROMQ, "classes", "edgemq", "JeromqPeer.class")) && onPath("java")
      ? undefined
      : "JeroMQ peer not built (or no java)",
    ipc: false, // JeroMQ's ipc:// is TCP on loopback, not a unix socket
    routingId: "jz",
    pair: true,
  },
  {
    name: "zeromq.js 6",
    command: ["node", join(ZEROMQJS, "peer.mjs")],
    missing: existsSync(join(ZEROMQJS, "node_modules", "zeromq", "package.json")) && onPath("node")
      ? undefined
      : "zeromq.js peer not installed (or no node)",
    ipc: true,
    routingId: "js",
    pair: true,
  },
];

/** One running peer program, read line by line. */
class Peer extends PeerProcess {
  constructor(kind: PeerKind, args: string[]) {
    const [cmd, ...pre] = kind.command;
    super(cmd!, [...pre, ...args]);
  }

  /** The first line starting with `prefix` (a JVM may take a while to start). */
  override line(prefix: string): Promise<string> {
    return super.line(prefix, 15000);
  }
}

type Scheme = ZmqScheme;

/** Extra settings of one exchange. */
interface Extra {
  /** The SUB's subscription / the PUB's topic (peer argument after the count). */
  topic?: string;
  /** The peer runs until stopped (a publisher): kill it after `body` instead of awaiting exit. */
  stop?: boolean;
}

/** Connects `sock` with a peer of `kind` running `peerType`/`action`; runs `body`; cleans up. */
function withPeer(
  kind: PeerKind,
  sock: ZmqSocket,
  scheme: Scheme,
  edgemqBinds: boolean,
  peerType: string,
  action: string,
  body: (peer: Peer) => Promise<void>,
  extra: Extra = {},
): Promise<Peer> {
  const args = [String(COUNT), ...(extra.topic === undefined ? [] : [extra.topic])];
  const start = (mode: string, url: string) =>
    new Peer(kind, [peerType, mode, url, action, ...args]);
  const what = kind.name;
  const stop = extra.stop === true;
  return exchange({ sock, scheme, edgemqBinds, start, what, ms: 15000, stop }, body);
}

const dec = new TextDecoder();
const text = (frames: Uint8Array[]): string[] => frames.map((f) => dec.decode(f));
const line = (...frames: string[]): string => frames.map(hex).join("|");
const range = [...Array(COUNT).keys()];

/** Checks `got` ([topic, index] messages) are COUNT messages of `topic` with rising indices. */
function assertPublished(got: string[][], topic: string): void {
  assert.equal(got.length, COUNT, `messages: ${JSON.stringify(got)}`);
  for (const [i, frames] of got.entries()) {
    assert.equal(frames.length, 2, `message ${i}: ${JSON.stringify(frames)}`);
    assert.equal(frames[0], topic, `message ${i} has a topic that was not subscribed`);
    if (i > 0) assert.ok(Number(frames[1]) > Number(got[i - 1]![1]), JSON.stringify(got));
  }
}

/** The peer's hex lines as text frames. */
const unhex = (l: string): string[] =>
  l.split("|").map((f) =>
    dec.decode(Uint8Array.from(f.match(/../g) ?? [], (b) => parseInt(b, 16)))
  );

for (const kind of KINDS) {
  if (kind.missing !== undefined) {
    console.warn(
      `SKIPPED: zmq interop with ${kind.name}: ${kind.missing} ` +
        "(run bash conformance/peers/build.sh; with CI=true this is a failure)",
    );
  }
  describe(`zmq interop with ${kind.name}`, { skip: kind.missing !== undefined && !ci }, () => {
    if (kind.missing !== undefined) {
      test(`${kind.name} peer is built when CI is true [ZMTP-PEERS-0]`, () => {
        assert.fail(`${kind.missing}: conformance/peers/build.sh did not run or failed`);
      });
      return;
    }
    const schemes: Scheme[] = kind.ipc ? ["tcp", "ipc"] : ["tcp"];
    for (const scheme of schemes) {
      for (const edgemqBinds of [true, false]) {
        const where = `${kind.name}, ${scheme}, edgemq ${edgemqBinds ? "binds" : "connects"}`;

        test(`zmq.Push → peer PULL (${where}) [ZMTP-PEERS-1]`, async () => {
          const push = new Push();
          const peer = await withPeer(kind, push, scheme, edgemqBinds, "PULL", "recv", async () => {
            for (const i of range) await push.send(["msg", String(i)]);
          });
          assert.deepEqual(peer.hexLines, range.map((i) => line("msg", String(i))));
        });

        test(`peer PUSH → zmq.Pull (${where}) [ZMTP-PEERS-2]`, async () => {
          const pull = new Pull();
          await withPeer(kind, pull, scheme, edgemqBinds, "PUSH", "send", async () => {
            for (const i of range) assert.deepEqual(text(await pull.recv()), ["msg", String(i)]);
          });
        });

        test(`zmq.Dealer → peer DEALER echo (${where}) [ZMTP-PEERS-3]`, async () => {
          const dealer = new Dealer();
          await withPeer(kind, dealer, scheme, edgemqBinds, "DEALER", "echo", async () => {
            for (const i of range) {
              await dealer.send(["hi", String(i)]);
              assert.deepEqual(text(await dealer.recv()), ["hi", String(i)]);
            }
          });
        });

        test(`peer DEALER → zmq.Dealer echo (${where}) [ZMTP-PEERS-3]`, async () => {
          const dealer = new Dealer();
          const peer = await withPeer(
            kind,
            dealer,
            scheme,
            edgemqBinds,
            "DEALER",
            "ask",
            async () => {
              for (const _ of range) await dealer.send(await dealer.recv());
            },
          );
          assert.deepEqual(peer.hexLines, range.map((i) => line("msg", String(i))));
        });

        test(`zmq.Req → peer REP (${where}) [ZMTP-PEERS-4]`, async () => {
          const req = new Req();
          const peer = await withPeer(kind, req, scheme, edgemqBinds, "REP", "recv", async () => {
            for (const i of range) {
              await req.send(["q", String(i)]);
              assert.deepEqual(text(await req.recv()), ["ok"]);
            }
          });
          assert.deepEqual(peer.hexLines, range.map((i) => line("q", String(i))));
        });

        test(`peer REQ → zmq.Rep (${where}) [ZMTP-PEERS-5]`, async () => {
          const rep = new Rep();
          const peer = await withPeer(kind, rep, scheme, edgemqBinds, "REQ", "send", async () => {
            for (const i of range) {
              assert.deepEqual(text(await rep.recv()), ["msg", String(i)]);
              await rep.send(["answer", String(i)]);
            }
          });
          assert.deepEqual(peer.hexLines, range.map((i) => line("answer", String(i))));
        });

        test(`zmq.Pub → peer SUB, topic filtered (${where}) [ZMTP-PEERS-6]`, async () => {
          const pub = new Pub();
          const peer = await withPeer(kind, pub, scheme, edgemqBinds, "SUB", "recv", async (p) => {
            // slow joiner: publish until the subscriber has COUNT messages (or gave up)
            for (
              let i = 0;
              i < 500 && p.hexLines.length < COUNT && !p.lines.includes("TIMEOUT");
              i++
            ) {
              await pub.send(["other", String(i)]);
              await pub.send(["news", String(i)]);
              await new Promise((r) => setTimeout(r, 20));
            }
          }, { topic: "news" });
          assertPublished(peer.hexLines.map(unhex), "news");
        });

        test(`peer PUB → zmq.Sub, topic filtered (${where}) [ZMTP-PEERS-7]`, async () => {
          const sub = new Sub();
          sub.subscribe("news");
          const got: string[][] = [];
          await withPeer(kind, sub, scheme, edgemqBinds, "PUB", "publish", async () => {
            for (const _ of range) got.push(text(await sub.recv()));
          }, { topic: "news", stop: true });
          assertPublished(got, "news");
        });

        test(`zmq.Router ↔ peer DEALER (${where}) [ZMTP-PEERS-8]`, async () => {
          const router = new Router();
          const peer = await withPeer(
            kind,
            router,
            scheme,
            edgemqBinds,
            "DEALER",
            "ask",
            async () => {
              for (const i of range) {
                const [id, ...rest] = await router.recv();
                assert.equal(dec.decode(id), kind.routingId);
                assert.deepEqual(text(rest), ["msg", String(i)]);
                await router.send([id!, "ack", String(i)]);
              }
            },
          );
          assert.deepEqual(peer.hexLines, range.map((i) => line("ack", String(i))));
        });

        test(`peer ROUTER ↔ zmq.Dealer (${where}) [ZMTP-PEERS-9]`, async () => {
          const dealer = new Dealer({ routingId: "edge" });
          const peer = await withPeer(
            kind,
            dealer,
            scheme,
            edgemqBinds,
            "ROUTER",
            "recv",
            async () => {
              for (const i of range) {
                await dealer.send(["q", String(i)]);
                assert.deepEqual(text(await dealer.recv()), ["ok"]);
              }
            },
          );
          assert.deepEqual(peer.hexLines, range.map((i) => line("edge", "q", String(i))));
        });

        if (kind.pair) {
          test(`zmq.Pair → peer PAIR echo (${where}) [ZMTP-PEERS-10]`, async () => {
            const pair = new Pair();
            await withPeer(kind, pair, scheme, edgemqBinds, "PAIR", "echo", async () => {
              for (const i of range) {
                await pair.send(["hi", String(i)]);
                assert.deepEqual(text(await pair.recv()), ["hi", String(i)]);
              }
            });
          });

          test(`peer PAIR → zmq.Pair echo (${where}) [ZMTP-PEERS-10]`, async () => {
            const pair = new Pair();
            const peer = await withPeer(
              kind,
              pair,
              scheme,
              edgemqBinds,
              "PAIR",
              "ask",
              async () => {
                for (const _ of range) await pair.send(await pair.recv());
              },
            );
            assert.deepEqual(peer.hexLines, range.map((i) => line("msg", String(i))));
          });
        }
      }
    }
  });
}
