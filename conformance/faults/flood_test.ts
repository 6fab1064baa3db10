/**
 * Fault: floods of connections while a good peer keeps its throughput. A PULL listener serves a
 * good PUSH; its rate is measured for a second alone, then for a
 * second and a half while this process opens 300 idle connections to the same listener and
 * holds them, and meanwhile keeps 10 malformed handshakes going at once (bad signatures, a
 * wrong protocol or mechanism, a lying length), one after another.
 *
 * The good peer offers a steady 20,000 messages a second. It must lose nothing (its messages
 * arrive in order), never stall for half a second, and keep at least half its rate (the attack
 * runs in the same process, on a shared machine); every malformed connection is closed by edgemq
 * and counted by its monitor;
 * the idle ones are kept until their handshake times out (10 s by default, longer than the
 * test). Single bad peers, each kind with its reason, are `conformance/bad_input_test.ts`; peers
 * that try to make edgemq hold memory, `conformance/zmtp_hostile_test.ts`.
 *
 * @module
 */
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { sp, zmq } from "../../mod.ts";
import { delay, until, within } from "../../testing/async.ts";
import { eventsOf, recordEvents } from "./_faults.ts";

/** The bad first bytes a flood sends, per wire (each one refused on a different check). */
const MALFORMED: Record<"sp" | "zmq", Uint8Array[]> = {
  sp: [
    new Uint8Array([0, 0x53, 0x51, 0, 0, 0x50, 0, 0]), // bad signature
    new Uint8Array([0, 0x53, 0x50, 0, 0, 0x51, 0, 0]), // pull0 talking to a pull0
    // a push0 header, then a length of 2^62
    new Uint8Array([0, 0x53, 0x50, 0, 0, 0x50, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0]),
  ],
  zmq: [
    new Uint8Array([0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f]), // bad signature
    zmtpGreeting("CURVE"), // a mechanism we do not offer
    // a NULL handshake whose READY names a PULL: a PULL cannot talk to a PULL
    new Uint8Array([...zmtpGreeting("NULL"), ...zmtpReady("PULL")]),
  ],
};

/** A READY command announcing `socketType`. */
function zmtpReady(socketType: string): Uint8Array {
  const ascii = (t: string): number[] => [...t].map((c) => c.charCodeAt(0));
  const property = [11, ...ascii("Socket-Type"), 0, 0, 0, socketType.length, ...ascii(socketType)];
  const body = [5, ...ascii("READY"), ...property];
  return new Uint8Array([0x04, body.length, ...body]);
}

/** A ZMTP 3.1 greeting naming `mechanism`. */
function zmtpGreeting(mechanism: string): Uint8Array {
  const g = new Uint8Array(64);
  g.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1]);
  g.set(new TextEncoder().encode(mechanism), 12);
  return g;
}

/** A listening PULL and a connected PUSH of one wire. */
interface GoodPair {
  readonly url: string;
  readonly pull: { recv(options: { signal: AbortSignal }): Promise<Uint8Array> };
  readonly push: { send(msg: Uint8Array): Promise<void> };
  readonly monitor: sp.Pull["monitor"];
  close(): Promise<void>;
}

async function goodPair(wire: "sp" | "zmq"): Promise<GoodPair> {
  if (wire === "sp") {
    const pull = new sp.Pull();
    const push = new sp.Push();
    const { url } = await pull.listen("tcp://127.0.0.1:0");
    await push.dial(url, { wait: true });
    return {
      url,
      pull,
      push,
      monitor: pull.monitor,
      close: async () => {
        await push.close({ linger: 0 });
        await pull.close();
      },
    };
  }
  const pull = new zmq.Pull();
  const push = new zmq.Push();
  const { url } = await pull.bind("tcp://127.0.0.1:0");
  await push.connect(url);
  return {
    url,
    pull: { recv: async (options) => (await pull.recv(options))[0]! },
    push,
    monitor: pull.monitor,
    close: async () => {
      await push.close({ linger: 0 });
      await pull.close();
    },
  };
}

/** Opens a tcp connection to the port; resolves once connected. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

/** Destroys the socket and waits until it is closed. */
function destroy(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (s.closed) return resolve();
    s.once("close", () => resolve());
    s.destroy();
  });
}

/** One malformed handshake: sends `bytes`, waits (at most 3 s) for edgemq to close. */
async function malformed(port: number, bytes: Uint8Array): Promise<boolean> {
  const s = await open(port);
  s.on("error", () => {}); // a reset is a close too
  s.resume(); // read (and ignore) what edgemq says
  const closed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 3000);
    s.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  s.write(bytes);
  const byEdgemq = await closed;
  await destroy(s);
  return byEdgemq;
}

/** Messages per second the good peer offers (the runs used 50k/s on a quiet machine). */
const RATE = 20_000;

/**
 * The good peer: sends `RATE` numbered messages a second (a batch every 5 ms, as many as are
 * due), receives and checks them, counts them and the longest silence between two.
 */
class GoodTraffic {
  received = 0;
  longestGap = 0;
  #last = Date.now();
  #sent = 0;
  #running = true;
  #stopConsumer = new AbortController();
  #producing: Promise<void>;
  #consuming: Promise<void>;

  constructor(pair: GoodPair) {
    this.#producing = (async () => {
      const msg = new Uint8Array(64);
      const view = new DataView(msg.buffer);
      const start = Date.now();
      while (this.#running) {
        const due = Math.floor(((Date.now() - start) * RATE) / 1000);
        while (this.#sent < due) {
          view.setUint32(0, this.#sent);
          await pair.push.send(msg.slice());
          this.#sent++;
        }
        await delay(5);
      }
    })();
    this.#consuming = (async () => {
      const signal = this.#stopConsumer.signal;
      while (!signal.aborted) {
        const msg = await pair.pull.recv({ signal }).catch((e) => {
          if (signal.aborted) return undefined;
          throw e;
        });
        if (msg === undefined) return;
        const seq = new DataView(msg.buffer, msg.byteOffset).getUint32(0);
        if (seq !== this.received) throw new Error(`message ${seq} came as ${this.received}`);
        this.received++;
        const now = Date.now();
        this.longestGap = Math.max(this.longestGap, now - this.#last);
        this.#last = now;
      }
    })();
    this.#consuming.catch(() => {}); // read by stop()
  }

  /** Clears the longest gap (a new phase starts). */
  resetGap(): void {
    this.longestGap = 0;
    this.#last = Date.now();
  }

  /** Stops sending, waits until everything sent has been received, and stops receiving. */
  async stop(): Promise<void> {
    this.#running = false;
    try {
      await within(5000, this.#producing, "the good peer's last sends");
      await until(() => this.received >= this.#sent, 5000, `all ${this.#sent} good messages`);
    } finally {
      this.#stopConsumer.abort();
      await this.#consuming;
    }
  }
}

const IDLE = 300;
const AT_ONCE = 10;

describe("fault: floods of connections while a good peer keeps its throughput", () => {
  for (const wire of ["sp", "zmq"] as const) {
    test(`${wire}: ${IDLE} idle connections and a stream of malformed handshakes beside a good PUSH [FAULT-FLOOD-1]`, async () => {
      const pair = await goodPair(wire);
      const events = recordEvents({ monitor: pair.monitor });
      const port = Number(pair.url.slice(pair.url.lastIndexOf(":") + 1));
      const idle: Socket[] = [];
      const good = new GoodTraffic(pair);
      try {
        await delay(200); // warm up
        let start = good.received;
        await delay(1000);
        const alone = good.received - start;
        good.resetGap();
        start = good.received;
        const began = Date.now();
        let attacks = 0;
        let closedByEdgemq = 0;
        const attackers = Array.from({ length: AT_ONCE }, async (_, i) => {
          while (Date.now() - began < 1500) {
            const bytes = MALFORMED[wire][(attacks++ + i) % MALFORMED[wire].length]!;
            if (await malformed(port, bytes)) closedByEdgemq++;
          }
        });
        for (let i = 0; i < IDLE; i++) {
          const s = await open(port);
          s.on("error", () => {});
          idle.push(s);
        }
        await Promise.all(attackers);
        const during = (good.received - start) / ((Date.now() - began) / 1000);
        const longestGap = good.longestGap;
        await good.stop();
        assert.equal(closedByEdgemq, attacks, "every malformed connection was closed by edgemq");
        await until(
          () =>
            eventsOf(events, "handshake-failed").length +
                eventsOf(events, "protocol-error").length >= attacks,
          3000,
          `${attacks} handshake failures in the monitor`,
        );
        assert.equal(idle.filter((s) => s.closed).length, 0, "the idle connections are held");
        assert.ok(longestGap < 500, `the good peer stalled for ${longestGap} ms`);
        assert.ok(
          during >= alone / 2,
          `the good peer fell from ${alone} to ${during.toFixed(0)} messages/s`,
        );
        console.log(
          `FAULT flood ${wire}: good peer ${alone} msgs/s alone, ${during.toFixed(0)} msgs/s ` +
            `during ${IDLE} idle + ${attacks} malformed connections (longest gap ${longestGap} ms)`,
        );
      } finally {
        await good.stop().catch(() => {});
        await Promise.all(idle.map(destroy));
        await pair.close();
      }
    });
  }
});
