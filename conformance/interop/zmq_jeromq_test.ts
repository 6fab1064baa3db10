// Live interop with Debian's JeroMQ 0.3.6 (libjeromq-java), which speaks only ZMTP 2.0: edgemq's
// zmq sockets must downgrade (RFC 23 "Detecting ZMTP 2.0 peers") to talk to it. The peer is
// conformance/peers/jeromq/Peer.java, compiled with javac into a temporary directory when this
// file loads. tcp only (JeroMQ 0.3.6 has no ipc), edgemq binding and connecting.
import { after, describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { delay, until, within } from "../../testing/async.ts";
import { Dealer, Pub, Pull, Push, Router, Sub } from "../../protocols/zmtp/mod.ts";
import type { ZmqSocket } from "../../protocols/zmtp/socket.ts";
import { freePort, IN_CI, PeerProcess } from "./_peers.ts";

const JAR = process.env.JEROMQ_JAR ?? "/usr/share/java/jeromq.jar";
const SOURCE = join(
  import.meta.dirname ?? "conformance/interop",
  "..",
  "peers",
  "jeromq",
  "Peer.java",
);
const COUNT = 3;
const DEADLINE = 10_000;

/** Compiles the peer; returns its class directory, or why it cannot run here. */
function buildPeer(): { dir: string } | { missing: string } {
  if (!existsSync(JAR)) return { missing: `${JAR} not found (apt-get install libjeromq-java)` };
  for (const tool of ["java", "javac"]) {
    if (spawnSync(tool, ["-version"], { stdio: "ignore" }).status !== 0) {
      return { missing: `${tool} not found (apt-get install default-jdk-headless)` };
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "edgemq-jeromq-"));
  const r = spawnSync("javac", ["-cp", JAR, "-d", dir, SOURCE], { encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`javac failed on ${SOURCE}: ${r.stderr}`);
  }
  return { dir };
}

const build = buildPeer();
const missing = "missing" in build ? build.missing : undefined;
if (missing !== undefined) {
  console.warn(`SKIPPED: zmq JeroMQ interop: ${missing}${IN_CI ? " (CI=true: failing)" : ""}`);
}

/** Starts the Java peer with `args` (type, bind|connect, endpoint, action, count, identity). */
function startPeer(args: string[]): PeerProcess {
  if (!("dir" in build)) throw new Error(`no JeroMQ peer: ${build.missing}`);
  return new PeerProcess("java", ["-cp", `${JAR}:${build.dir}`, "Peer", ...args]);
}

/**
 * Connects `sock` with a JeroMQ peer (`type`, `action`, optional `identity`), edgemq binding or
 * connecting; runs `body`, waits for the peer to finish (unless it is `endless`: then it is just
 * killed), and closes everything. Returns the frame
 * lines the peer printed.
 */
async function withJeromq(
  sock: ZmqSocket,
  edgemqBinds: boolean,
  peerArgs: { type: string; action: string; identity?: string; endless?: boolean },
  body: (peer: PeerProcess) => Promise<void>,
): Promise<string[]> {
  const { type, action, identity, endless = false } = peerArgs;
  const extra = identity === undefined ? [] : [identity];
  let peer: PeerProcess | undefined;
  try {
    if (edgemqBinds) {
      const { url } = await sock.bind("tcp://127.0.0.1:0");
      peer = startPeer([type, "connect", url, action, String(COUNT), ...extra]);
    } else {
      const url = `tcp://127.0.0.1:${await freePort()}`;
      peer = startPeer([type, "bind", url, action, String(COUNT), ...extra]);
      await peer.waitFor((p) => p.lines.includes("READY"), DEADLINE, "JeroMQ bound");
      await sock.connect(url);
    }
    await peer.waitFor((p) => p.lines.includes("READY"), DEADLINE, "JeroMQ ready");
    await within(DEADLINE, body(peer), "exchange with JeroMQ");
    if (endless) return peer.lines.filter((l) => l !== "READY"); // killed below
    await peer.waitFor((p) => p.lines.includes("DONE"), DEADLINE, "JeroMQ done");
    const exit = await peer.waitForExit(DEADLINE);
    assert.equal(exit.code, 0, `JeroMQ peer failed: ${peer.stderr}`);
    return peer.lines.filter((l) => l !== "READY" && l !== "DONE");
  } finally {
    await peer?.kill();
    await sock.close({ linger: 0 });
  }
}

const enc = new TextEncoder();
const plain = (frames: Uint8Array[]): number[][] => frames.map((f) => [...f]);
const hex = (s: string | Uint8Array): string =>
  [...(typeof s === "string" ? enc.encode(s) : s)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");

describe(
  "zmq interop with JeroMQ 0.3.6 (ZMTP 2.0)",
  { skip: missing !== undefined && !IN_CI },
  () => {
    if (missing !== undefined) {
      test("JeroMQ and a JDK are installed when CI is true [ZMTP-V2-7]", () => {
        assert.fail(`JeroMQ peer missing on CI: ${missing}`);
      });
      return;
    }
    after(() => {
      if ("dir" in build) rmSync(build.dir, { recursive: true, force: true });
    });
    for (const edgemqBinds of [true, false]) {
      const where = `tcp, edgemq ${edgemqBinds ? "binds" : "connects"}`;

      test(`zmq.Push sends multipart messages to a JeroMQ PULL (${where}) [ZMTP-V2-7]`, async () => {
        const push = new Push();
        const lines = await withJeromq(
          push,
          edgemqBinds,
          { type: "PULL", action: "recv" },
          async () => {
            for (let i = 0; i < COUNT; i++) await push.send(["msg", String(i)]);
          },
        );
        assert.deepEqual(lines, [0, 1, 2].map((i) => `${hex("msg")}|${hex(String(i))}`));
      });

      test(`zmq.Pull receives a JeroMQ PUSH's messages (${where}) [ZMTP-V2-7]`, async () => {
        const pull = new Pull();
        await withJeromq(pull, edgemqBinds, { type: "PUSH", action: "send" }, async () => {
          for (let i = 0; i < COUNT; i++) {
            assert.deepEqual(
              plain(await pull.recv()),
              plain([enc.encode("msg"), enc.encode(`${i}`)]),
            );
          }
        });
      });

      test(`zmq.Dealer and a JeroMQ ROUTER echo; the ROUTER sees our routing id (${where}) [ZMTP-V2-7] [ZMTP-V2-3]`, async () => {
        const dealer = new Dealer({ routingId: "edge" });
        const long = new Uint8Array(1000).fill(9);
        const lines = await withJeromq(
          dealer,
          edgemqBinds,
          { type: "ROUTER", action: "echo" },
          async () => {
            for (let i = 0; i < COUNT; i++) {
              await dealer.send(["", String(i), long]);
              const frames = await dealer.recv();
              assert.deepEqual(
                plain(frames),
                plain([new Uint8Array(0), enc.encode(String(i)), long]),
              );
            }
          },
        );
        assert.deepEqual(
          lines,
          [0, 1, 2].map((i) => `${hex("edge")}||${hex(String(i))}|${hex(long)}`),
        );
      });

      test(`zmq.Router reads a JeroMQ DEALER's identity and echoes to it (${where}) [ZMTP-V2-7] [ZMTP-V2-3]`, async () => {
        const router = new Router();
        const lines = await withJeromq(router, edgemqBinds, {
          type: "DEALER",
          action: "echo",
          identity: "jid",
        }, async () => {
          // a ROUTER drops what it cannot route yet: wait until the peer's identity is known
          await until(() => router.stats.pipes > 0, DEADLINE, "the JeroMQ DEALER attached");
          for (let i = 0; i < COUNT; i++) {
            await router.send(["jid", "", `ping ${i}`]);
            const frames = await router.recv();
            assert.deepEqual(
              plain(frames),
              plain(["jid", "", `ping ${i}`].map((s) => enc.encode(s))),
            );
          }
        });
        assert.deepEqual(lines, [0, 1, 2].map((i) => `|${hex(`ping ${i}`)}`));
      });

      test(`zmq.Pub reaches a JeroMQ SUB, which gets only its topic (${where}) [ZMTP-V2-7] [ZMTP-V2-6]`, async () => {
        const pub = new Pub();
        const lines = await withJeromq(pub, edgemqBinds, {
          type: "SUB",
          action: "recv",
          identity: "news", // the topic the SUB subscribes to
        }, async (peer) => {
          // the SUB's subscription arrives some time after it connects: publish until it has all
          for (let i = 0; !peer.lines.includes("DONE") && i < 400; i++) {
            await pub.send(["ads", String(i)]);
            await pub.send(["news", String(i)]);
            await delay(20);
          }
        });
        assert.equal(lines.length, COUNT);
        for (const line of lines) assert.match(line, new RegExp(`^${hex("news")}\\|`));
      });

      test(`zmq.Sub subscribes to a JeroMQ PUB with a 0x01 message and gets only its topic (${where}) [ZMTP-V2-7] [ZMTP-V2-6]`, async () => {
        const sub = new Sub();
        sub.subscribe("news");
        await withJeromq(
          sub,
          edgemqBinds,
          { type: "PUB", action: "publish", endless: true },
          async () => {
            for (let i = 0; i < COUNT; i++) {
              const [topic] = await sub.recv();
              assert.equal(new TextDecoder().decode(topic), "news");
            }
          },
        );
      });
    }
  },
);
