// Live request-reply interop with libzmq 4.3.x through pyzmq (Debian's python3-zmq): edgemq's
// zmq.Req, zmq.Rep, zmq.Router and zmq.Dealer against conformance/peers/pyzmq_reqrep_peer.py,
// over tcp and ipc, edgemq binding and connecting.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import process from "node:process";
import { findPython, pyzmqLabel, PyzmqPeer } from "./_pyzmq.ts";
import { exchange, type ZmqScheme } from "./_zmq_exchange.ts";
import { Dealer } from "../../protocols/zmtp/dealer.ts";
import { Rep } from "../../protocols/zmtp/rep.ts";
import { Req } from "../../protocols/zmtp/req.ts";
import { Router } from "../../protocols/zmtp/router.ts";
import type { Frames, ZmqSocket } from "../../protocols/zmtp/socket.ts";

const PEER = join(
  import.meta.dirname ?? "conformance/interop",
  "..",
  "peers",
  "pyzmq_reqrep_peer.py",
);
const COUNT = 3;

const python = findPython();
const LIBZMQ = pyzmqLabel(python);
const ci = process.env.CI === "true";
if (python === undefined) {
  console.warn(
    "SKIPPED: zmq request-reply pyzmq interop: no python3 with the zmq module (apt install python3-zmq)",
  );
}

/** One running pyzmq peer (conformance/peers/pyzmq_reqrep_peer.py). */
class PyPeer extends PyzmqPeer {
  constructor(args: string[]) {
    super(python!, [PEER, ...args]);
  }

  /** The printed messages (lines of hex frames), decoded. */
  get messages(): string[][] {
    return this.lines.filter((l) => l.includes("|") || /^[0-9a-f]+$/.test(l)).map((l) =>
      l.split("|").map((h) => dec.decode(unhex(h)))
    );
  }

  /** The printed messages as raw frames. */
  get frames(): Uint8Array[][] {
    return this.lines.filter((l) => l.includes("|") || /^[0-9a-f]+$/.test(l)).map((l) =>
      l.split("|").map(unhex)
    );
  }
}

type Scheme = ZmqScheme;

/**
 * Connects `sock` with a pyzmq peer (type, action and the DEALER's routing id), edgemq binding
 * or connecting; runs `body`, then waits for the peer to finish and closes everything.
 */
function withPeer(
  sock: ZmqSocket,
  scheme: Scheme,
  edgemqBinds: boolean,
  pyArgs: [type: string, action: string, routingId?: string],
  body: () => Promise<void>,
): Promise<PyPeer> {
  const [pyType, pyAction, routingId = "-"] = pyArgs;
  const start = (mode: string, url: string) =>
    new PyPeer([pyType, mode, url, pyAction, String(COUNT), routingId]);
  return exchange({ sock, scheme, edgemqBinds, start, what: "pyzmq", ms: 10000 }, body);
}

const dec = new TextDecoder();
const text = (frames: Frames): string[] => frames.map((f) => dec.decode(f));
function unhex(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe(`zmq request-reply interop with pyzmq (${LIBZMQ})`, {
  skip: python === undefined && !ci,
}, () => {
  if (python === undefined) {
    test("pyzmq is installed when CI is true [ZMTP-INTEROP-0]", () => {
      assert.fail("python3-zmq is missing on CI");
    });
    return;
  }
  for (const scheme of ["tcp", "ipc"] as const) {
    for (const edgemqBinds of [true, false]) {
      const where = `${scheme}, edgemq ${edgemqBinds ? "binds" : "connects"}`;

      test(`zmq.Req asks a pyzmq REP (${where}) [ZMTP-INTEROP-5] [ZMTP-REQ-1]`, async () => {
        const req = new Req();
        const peer = await withPeer(req, scheme, edgemqBinds, ["REP", "answer"], async () => {
          for (let i = 0; i < COUNT; i++) {
            await req.send(["q", String(i)]);
            assert.deepEqual(text(await req.recv()), ["q", String(i)]);
          }
        });
        // the REP application sees the body only; the delimiter was its envelope
        assert.deepEqual(peer.messages, range(COUNT).map((i) => ["q", String(i)]));
      });

      test(`zmq.Rep answers a pyzmq REQ (${where}) [ZMTP-INTEROP-6] [ZMTP-REP-1]`, async () => {
        const rep = new Rep();
        const peer = await withPeer(rep, scheme, edgemqBinds, ["REQ", "ask"], async () => {
          for (let i = 0; i < COUNT; i++) {
            const request = await rep.recv();
            assert.deepEqual(text(request), ["q", String(i)]);
            await rep.send(["re", ...request]);
          }
        });
        assert.deepEqual(peer.messages, range(COUNT).map((i) => ["re", "q", String(i)]));
      });

      for (const named of [true, false]) {
        const who = named ? "a named" : "an anonymous";
        test(`zmq.Router routes ${who} pyzmq DEALER's requests back (${where}) [ZMTP-INTEROP-7] [ZMTP-ROUTER-1]`, async () => {
          const router = new Router();
          const ids: Uint8Array[] = [];
          const pyArgs: [string, string, string] = ["DEALER", "ask", named ? "py" : "-"];
          const peer = await withPeer(router, scheme, edgemqBinds, pyArgs, async () => {
            for (let i = 0; i < COUNT; i++) {
              const [id, ...body] = await router.recv();
              ids.push(id!);
              assert.deepEqual(text(body), ["q", String(i)]);
              await router.send([id!, "re", ...body]);
            }
          });
          for (const id of ids) {
            if (named) assert.equal(dec.decode(id), "py");
            else {
              assert.equal(id.length, 5);
              assert.equal(id[0], 0);
            }
            assert.deepEqual([...id], [...ids[0]!]);
          }
          assert.deepEqual(peer.messages, range(COUNT).map((i) => ["re", "q", String(i)]));
        });
      }

      test(`a pyzmq ROUTER sees zmq.Dealer's routing id and answers it (${where}) [ZMTP-INTEROP-8]`, async () => {
        const dealer = new Dealer({ routingId: "edge" });
        const peer = await withPeer(dealer, scheme, edgemqBinds, ["ROUTER", "answer"], async () => {
          for (let i = 0; i < COUNT; i++) {
            await dealer.send(["d", String(i)]);
            assert.deepEqual(text(await dealer.recv()), ["d", String(i)]);
          }
        });
        assert.deepEqual(peer.messages, range(COUNT).map((i) => ["edge", "d", String(i)]));
      });

      test(`a pyzmq ROUTER gives an anonymous zmq.Req a generated id and answers it (${where}) [ZMTP-INTEROP-9] [ZMTP-REQ-1]`, async () => {
        const req = new Req();
        const peer = await withPeer(req, scheme, edgemqBinds, ["ROUTER", "answer"], async () => {
          for (let i = 0; i < COUNT; i++) {
            await req.send(String(i));
            assert.deepEqual(text(await req.recv()), [String(i)]);
          }
        });
        const frames = peer.frames;
        assert.equal(frames.length, COUNT);
        for (const [i, msg] of frames.entries()) {
          assert.equal(msg.length, 3);
          assert.equal(msg[0]!.length, 5); // libzmq's generated id: 0x00 + 32-bit counter
          assert.equal(msg[0]![0], 0);
          assert.equal(msg[1]!.length, 0); // REQ's delimiter
          assert.equal(dec.decode(msg[2]), String(i));
        }
      });
    }
  }
});
