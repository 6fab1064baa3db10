// Live interop with libzmq 4.3.x through pyzmq (Debian's python3-zmq): edgemq's zmq sockets
// against conformance/peers/pyzmq_peer.py, over tcp and ipc, edgemq binding and connecting.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import process from "node:process";
import { findPython, pyzmqLabel, PyzmqPeer } from "./_pyzmq.ts";
import { exchange, hex, type ZmqScheme } from "./_zmq_exchange.ts";
import { Dealer, Pair, Pull, Push } from "../../protocols/zmtp/mod.ts";
import type { ZmqSocket } from "../../protocols/zmtp/socket.ts";

const PEER = join(import.meta.dirname ?? "conformance/interop", "..", "peers", "pyzmq_peer.py");
const COUNT = 3;

const python = findPython();
const LIBZMQ = pyzmqLabel(python);
const ci = process.env.CI === "true";
if (python === undefined) {
  console.warn(
    "SKIPPED: zmq pyzmq interop: no python3 with the zmq module (apt install python3-zmq)",
  );
}

/** One running pyzmq peer (conformance/peers/pyzmq_peer.py). */
class PyPeer extends PyzmqPeer {
  constructor(args: string[]) {
    super(python!, [PEER, ...args]);
  }
}

type Scheme = ZmqScheme;

/**
 * Connects `sock` with a pyzmq peer running `pyType`/`pyAction`, edgemq binding or connecting;
 * runs `body`, then waits for the peer to finish and closes everything.
 */
function withPeer(
  sock: ZmqSocket,
  scheme: Scheme,
  edgemqBinds: boolean,
  pyType: string,
  pyAction: string,
  body: () => Promise<void>,
): Promise<PyPeer> {
  const start = (mode: string, url: string) =>
    new PyPeer([pyType, mode, url, pyAction, String(COUNT)]);
  return exchange({ sock, scheme, edgemqBinds, start, what: "pyzmq", ms: 10000 }, body);
}

const enc = new TextEncoder();
// Compares frames by content: on Bun (and Node) the transports hand out Buffer views today, and
// node:assert's deepEqual tells a Buffer from a Uint8Array (reported as a transport issue).
const plain = (frames: Uint8Array[]): number[][] => frames.map((f) => [...f]);

describe(`zmq interop with pyzmq (${LIBZMQ})`, { skip: python === undefined && !ci }, () => {
  if (python === undefined) {
    test("pyzmq is installed when CI is true [ZMTP-INTEROP-0]", () => {
      assert.fail("python3-zmq is missing on CI");
    });
    return;
  }
  for (const scheme of ["tcp", "ipc"] as const) {
    for (const edgemqBinds of [true, false]) {
      const where = `${scheme}, edgemq ${edgemqBinds ? "binds" : "connects"}`;

      test(`zmq.Push sends multipart messages to a pyzmq PULL (${where}) [ZMTP-INTEROP-1]`, async () => {
        const push = new Push();
        const peer = await withPeer(push, scheme, edgemqBinds, "PULL", "recv", async () => {
          for (let i = 0; i < COUNT; i++) await push.send(["msg", String(i)]);
        });
        const got = peer.lines.filter((l) => l.includes("|"));
        assert.deepEqual(got, [0, 1, 2].map((i) => `${hex("msg")}|${hex(String(i))}`));
      });

      test(`zmq.Pull receives a pyzmq PUSH's messages (${where}) [ZMTP-INTEROP-2]`, async () => {
        const pull = new Pull();
        await withPeer(pull, scheme, edgemqBinds, "PUSH", "send", async () => {
          for (let i = 0; i < COUNT; i++) {
            const frames = await pull.recv();
            assert.deepEqual(plain(frames), plain([enc.encode("msg"), enc.encode(String(i))]));
          }
        });
      });

      test(`zmq.Dealer and a pyzmq DEALER echo (${where}) [ZMTP-INTEROP-3]`, async () => {
        const dealer = new Dealer({ routingId: "edge" });
        await withPeer(dealer, scheme, edgemqBinds, "DEALER", "echo", async () => {
          const long = new Uint8Array(1000).fill(9);
          for (let i = 0; i < COUNT; i++) {
            await dealer.send(["", String(i), long]);
            const frames = await dealer.recv();
            assert.deepEqual(
              plain(frames),
              plain([new Uint8Array(0), enc.encode(String(i)), long]),
            );
          }
        });
      });

      test(`zmq.Pair and a pyzmq PAIR talk both ways (${where}) [ZMTP-INTEROP-4]`, async () => {
        const pair = new Pair();
        await withPeer(pair, scheme, edgemqBinds, "PAIR", "echo", async () => {
          for (let i = 0; i < COUNT; i++) {
            await pair.send(`pair ${i}`);
            assert.deepEqual(plain(await pair.recv()), plain([enc.encode(`pair ${i}`)]));
          }
        });
      });
    }
  }
});
