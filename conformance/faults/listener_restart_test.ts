/**
 * Fault: a listener closed and opened again at the same address while a dialer sends. The PUSH
 * dialer sends a numbered message every 2 ms throughout; the PULL's listener is closed (its
 * endpoint alone, or the whole socket) and a listener is opened again at the same address (the
 * same tcp port: the port is free at once, though the closed connections wait in TIME_WAIT).
 *
 * What must hold: closing the listener drops the connections it accepted (as NNG's
 * `nng_listener_close` and libzmq's `zmq_unbind` do, so the dialer's peer is whoever listens
 * there next), the dialer reconnects by itself, and traffic resumes, in order. What was in
 * flight on the dropped connection may be lost (PUSH over a connection that goes away is at most
 * once, in NNG and libzmq alike); the number is printed.
 *
 * @module
 */
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { sp, zmq } from "../../mod.ts";
import { delay, until } from "../../testing/async.ts";
import { awaitEvent, recordEvents } from "./_faults.ts";
import type { MonitorEvent } from "../../protocols/monitor.ts";

type Wire = "sp" | "zmq";
type Scheme = "tcp" | "ipc" | "inproc";

/** A PULL of either wire, with its endpoints. */
interface Puller {
  listen(url: string): Promise<{ url: string; close(): Promise<void> }>;
  recv(): Uint8Array | undefined;
  readonly pipes: number;
  readonly events: MonitorEvent[];
  close(): Promise<void>;
}

function puller(wire: Wire): Puller {
  const pull = wire === "sp" ? new sp.Pull() : new zmq.Pull();
  const events = recordEvents(pull);
  return {
    listen: (url) => pull instanceof sp.Pull ? pull.listen(url) : pull.bind(url),
    recv: () => {
      const msg = pull.tryRecv();
      return msg === undefined ? undefined : msg instanceof Uint8Array ? msg : msg[0];
    },
    get pipes() {
      return pull.stats.pipes;
    },
    events,
    close: () => pull.close(),
  };
}

let counter = 0;

function address(scheme: Scheme): string {
  const name = `edgemq-restart-${process.pid}-${++counter}`;
  if (scheme === "tcp") return "tcp://127.0.0.1:0";
  if (scheme === "ipc") return `ipc://${tmpdir()}/${name}.ipc`;
  return `inproc://${name}`;
}

/** Sends a numbered message every 2 ms until stopped. */
function sender(wire: Wire, url: string): { sent: () => number; stop(): Promise<void> } {
  const push = wire === "sp"
    ? new sp.Push({ reconnectIvl: 20 })
    : new zmq.Push({ reconnectIvl: 20 });
  let running = true;
  let sent = 0;
  const loop = (async () => {
    await (push instanceof sp.Push ? push.dial(url) : push.connect(url));
    while (running) {
      const msg = new Uint8Array(8);
      new DataView(msg.buffer).setUint32(0, sent);
      if (push.trySend(msg)) sent++;
      await delay(2);
    }
  })();
  return {
    sent: () => sent,
    stop: async () => {
      running = false;
      await loop;
      await push.close({ linger: 0 });
    },
  };
}

/** Takes what the PULL has until it holds `n` more messages (or `ms` pass); returns their numbers. */
async function take(pull: Puller, n: number, ms: number, into: number[]): Promise<void> {
  const want = into.length + n;
  await until(
    () => {
      let msg: Uint8Array | undefined;
      while ((msg = pull.recv()) !== undefined) {
        into.push(new DataView(msg.buffer, msg.byteOffset).getUint32(0));
      }
      return into.length >= want;
    },
    ms,
    `${n} messages`,
  );
}

const CASES: [Wire, Scheme][] = [
  ["sp", "tcp"],
  ["sp", "ipc"],
  ["sp", "inproc"],
  ["zmq", "tcp"],
  ["zmq", "ipc"],
  ["zmq", "inproc"],
];

describe("fault: a listener closed and opened again at the same address", () => {
  for (const [wire, scheme] of CASES) {
    test(`${wire} ${scheme}: the listener's endpoint closed and reopened on the same socket; its peer is dropped, reconnects, traffic resumes in order [FAULT-RELISTEN-1, SP-SOCK-12, ZMTP-IMMEDIATE-8]`, async () => {
      const pull = puller(wire);
      let ep = await pull.listen(address(scheme));
      const url = ep.url;
      const push = sender(wire, url);
      try {
        const got: number[] = [];
        await take(pull, 20, 3000, got);
        await ep.close();
        // the connection it accepted goes with it (NNG, libzmq)
        await awaitEvent(pull.events, "disconnected", /.*/, 2000);
        assert.equal(pull.pipes, 0, "the accepted pipe was closed with its listener");
        if (scheme === "ipc") assert.equal(existsSync(url.slice(6)), false, "socket file removed");
        await take(pull, 0, 100, got); // what had arrived before
        const before = got.length;
        ep = await pull.listen(url);
        await take(pull, 20, 3000, got);
        assert.ok(got.every((s, i) => i === 0 || s > got[i - 1]!), "in order, none repeated");
        console.log(
          `FAULT relisten ${wire} ${scheme} (same socket): ${
            got[before]! - got[before - 1]! - 1
          } ` +
            `messages lost between the last before the restart and the first after`,
        );
      } finally {
        await push.stop();
        await ep.close();
        await pull.close();
      }
    });

    test(`${wire} ${scheme}: the listening socket closed and a new one opened at the same address; the dialer reconnects, traffic resumes in order [FAULT-RELISTEN-2]`, async () => {
      let pull = puller(wire);
      const { url } = await pull.listen(address(scheme));
      const push = sender(wire, url);
      try {
        const first: number[] = [];
        await take(pull, 20, 3000, first);
        await pull.close();
        pull = puller(wire);
        await pull.listen(url);
        const second: number[] = [];
        await take(pull, 20, 3000, second);
        assert.ok(second.every((s, i) => i === 0 || s > second[i - 1]!), "in order, none repeated");
        assert.ok(second[0]! > first.at(-1)!, "the new socket gets later messages");
        console.log(
          `FAULT relisten ${wire} ${scheme} (new socket): ${second[0]! - first.at(-1)! - 1} ` +
            `messages lost between the last the old socket read and the first the new one got`,
        );
      } finally {
        await push.stop();
        await pull.close();
      }
    });
  }
});
