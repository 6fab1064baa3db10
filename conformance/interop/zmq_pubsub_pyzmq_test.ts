// Live publish-subscribe interop with libzmq 4.3.x through pyzmq (Debian's python3-zmq): edgemq's
// zmq.Pub, Sub and XPub against conformance/peers/pyzmq_pubsub_peer.py, over tcp and ipc, edgemq
// binding and connecting. Same SKIP policy as zmq_pyzmq_test.ts: loud skip without pyzmq, a
// failure when CI=true.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import process from "node:process";
import { delay, within } from "../../testing/async.ts";
import { findPython, pyzmqLabel, PyzmqPeer } from "./_pyzmq.ts";
import { exchange, hex, type ZmqScheme } from "./_zmq_exchange.ts";
import { Pub } from "../../protocols/zmtp/pub.ts";
import { Sub } from "../../protocols/zmtp/sub.ts";
import { XPub } from "../../protocols/zmtp/xpub.ts";
import type { ZmqSocket } from "../../protocols/zmtp/socket.ts";

const PEER = join(
  import.meta.dirname ?? "conformance/interop",
  "..",
  "peers",
  "pyzmq_pubsub_peer.py",
);
const COUNT = 3;
const TOPIC = "news";

const python = findPython();
const LIBZMQ = pyzmqLabel(python);
const ci = process.env.CI === "true";
if (python === undefined) {
  console.warn(
    "SKIPPED: zmq pub/sub pyzmq interop: no python3 with the zmq module (apt install python3-zmq)",
  );
}

const hexOf = (bytes: Uint8Array): string =>
  [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

/** One running pyzmq peer (conformance/peers/pyzmq_pubsub_peer.py); closing its stdin stops it. */
class PyPeer extends PyzmqPeer {
  constructor(args: string[]) {
    super(python!, [PEER, ...args], { stdin: true });
  }

  /** Waits until the peer printed `n` messages. */
  async received(n: number): Promise<void> {
    await this.waitFor(() => this.hexLines.length >= n, 10000, `pyzmq ${n} messages`);
  }

  /** Closes the peer's stdin (a PUB peer stops publishing). */
  stop(): void {
    this.closeStdin();
  }
}

type Scheme = ZmqScheme;

/**
 * Connects `sock` with a pyzmq PUB or SUB peer on TOPIC, edgemq binding or connecting; runs
 * `body`, then waits for the peer to finish and closes everything.
 */
function withPeer(
  sock: ZmqSocket,
  scheme: Scheme,
  edgemqBinds: boolean,
  pyType: string,
  body: (peer: PyPeer) => Promise<void>,
): Promise<PyPeer> {
  const start = (mode: string, url: string) =>
    new PyPeer([pyType, mode, url, hex(TOPIC), String(COUNT)]);
  return exchange({ sock, scheme, edgemqBinds, start, what: "pyzmq", ms: 10000 }, body);
}

/** Publishes an unwanted and a wanted message every 20 ms until the peer printed COUNT. */
async function publishUntilReceived(pub: ZmqSocket, peer: PyPeer): Promise<void> {
  for (let i = 0; i < 400 && peer.hexLines.length < COUNT; i++) {
    await pub.send(["other", String(i)]);
    await pub.send([TOPIC, String(i)]);
    await delay(20);
  }
  await peer.received(COUNT);
}

describe(
  `zmq publish-subscribe interop with pyzmq (${LIBZMQ})`,
  { skip: python === undefined && !ci },
  () => {
    if (python === undefined) {
      test("pyzmq is installed when CI is true [ZMTP-PS-INTEROP-0]", () => {
        assert.fail("python3-zmq is missing on CI");
      });
      return;
    }
    for (const scheme of ["tcp", "ipc"] as const) {
      for (const edgemqBinds of [true, false]) {
        const where = `${scheme}, edgemq ${edgemqBinds ? "binds" : "connects"}`;

        test(`zmq.Pub publishes to a pyzmq SUB's topic (${where}) [ZMTP-PS-INTEROP-1]`, async () => {
          const pub = new Pub();
          const peer = await withPeer(pub, scheme, edgemqBinds, "SUB", async (peer) => {
            await publishUntilReceived(pub, peer);
          });
          for (const line of peer.hexLines) assert.ok(line.startsWith(`${hex(TOPIC)}|`), line);
        });

        test(`zmq.Pub filters for a pyzmq XSUB: other topics never cross the wire (${where}) [ZMTP-PS-INTEROP-2]`, async () => {
          const pub = new Pub();
          const peer = await withPeer(pub, scheme, edgemqBinds, "XSUB", async (peer) => {
            await publishUntilReceived(pub, peer);
            assert.ok(pub.stats.txMsgs >= 2 * COUNT);
          });
          // an XSUB does not filter: anything but the topic would have been printed
          assert.equal(peer.hexLines.length, COUNT);
          for (const line of peer.hexLines) assert.ok(line.startsWith(`${hex(TOPIC)}|`), line);
        });

        test(`zmq.Sub receives a pyzmq PUB's topic only (${where}) [ZMTP-PS-INTEROP-3]`, async () => {
          const sub = new Sub();
          sub.subscribe(TOPIC);
          await withPeer(sub, scheme, edgemqBinds, "PUB", async (peer) => {
            for (let i = 0; i < COUNT; i++) {
              const [topic, n] = await within(5000, sub.recv(), "message");
              assert.equal(new TextDecoder().decode(topic), TOPIC);
              assert.ok(n !== undefined);
            }
            peer.stop();
          });
        });

        test(`zmq.XPub sees a pyzmq SUB's subscription and publishes to it (${where}) [ZMTP-PS-INTEROP-4]`, async () => {
          const xpub = new XPub();
          const peer = await withPeer(xpub, scheme, edgemqBinds, "SUB", async (peer) => {
            const [note] = await within(5000, xpub.recv(), "subscription");
            assert.equal(hexOf(note!), `01${hex(TOPIC)}`);
            await xpub.send(["other", "x"]);
            for (let i = 0; i < COUNT; i++) await xpub.send([TOPIC, String(i)]);
            await peer.received(COUNT);
          });
          assert.deepEqual(
            peer.hexLines,
            [0, 1, 2].map((i) => `${hex(TOPIC)}|${hex(String(i))}`),
          );
        });

        test(`a pyzmq XPUB sees zmq.Sub's subscribe and cancel (${where}) [ZMTP-PS-INTEROP-5]`, async () => {
          const sub = new Sub();
          // the peer expects COUNT messages: subscribe, cancel, and one more subscribe
          const peer = await withPeer(sub, scheme, edgemqBinds, "XPUB", async (peer) => {
            sub.subscribe(TOPIC);
            await peer.received(1);
            sub.unsubscribe(TOPIC);
            await peer.received(2);
            sub.subscribe("z");
            await peer.received(3);
          });
          assert.deepEqual(peer.hexLines, [`01${hex(TOPIC)}`, `00${hex(TOPIC)}`, `01${hex("z")}`]);
        });
      }
    }
  },
);
