/**
 * zmq.Dealer/zmq.Router against a model: several Dealers, some with a `routingId` and some
 * anonymous, connected to one Router, driven by random multipart sends each way. The model says:
 * the Router sees `[id, ...frames]` with the dealer's identity (its `routingId`, or for an
 * anonymous dealer one generated 5-byte id starting with a zero byte, the same for all its
 * messages and distinct from the others); each dealer's messages arrive whole and in order (the
 * fair queue may interleave dealers); a reply routed by id reaches exactly that dealer, in order;
 * a message for an unknown id is dropped (counted), or rejected with `EHOSTUNREACH` when the
 * Router is `mandatory`.
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { zmq } from "../../mod.ts";
import { until, within } from "../../testing/async.ts";
import { code, inprocUrl } from "../_raw_sp.ts";

const dec = new TextDecoder();
/** Frames as strings, so that Buffer views (Bun, Node) compare equal. */
const text = (frames: readonly Uint8Array[]): string[] => frames.map((f) => dec.decode(f));
const hex = (id: Uint8Array): string =>
  [...id].map((b) => b.toString(16).padStart(2, "0")).join("");

interface DealerModel {
  /** The `routingId` given, or undefined for an anonymous dealer. */
  readonly name: string | undefined;
  /** The id the Router uses for this dealer, once known (hex). */
  id: string | undefined;
  /** Messages on their way to the Router, oldest first. */
  readonly up: string[][];
  /** Messages routed to this dealer and not read yet, oldest first. */
  readonly down: string[][];
}

interface Model {
  readonly mandatory: boolean;
  nextSeq: number;
  readonly dealers: DealerModel[];
  /** Messages the Router dropped (`stats.dropped`). */
  dropped: number;
}

interface Real {
  readonly router: zmq.Router;
  readonly dealers: readonly zmq.Dealer[];
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** Lets every in-flight inproc delivery finish. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Asserts that `sock` has nothing to receive once in-flight deliveries are done. */
async function nothingYet(sock: zmq.ZmqSocket): Promise<void> {
  const stop = new AbortController();
  const quiet = new Error("quiet");
  const got = sock.recv({ signal: stop.signal });
  await settle();
  stop.abort(quiet);
  await assert.rejects(got, (e) => e === quiet);
}

class DealerSend implements Cmd {
  constructor(readonly dealer: number, readonly frames: readonly string[]) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const frames = [`d${this.dealer}-${m.nextSeq++}`, ...this.frames];
    await within(1000, r.dealers[this.dealer]!.send(frames), "dealer send");
    m.dealers[this.dealer]!.up.push(frames);
  }
  toString(): string {
    return `dealer${this.dealer}.send(${JSON.stringify(this.frames)})`;
  }
}

class RouterRecv implements Cmd {
  check(m: Readonly<Model>): boolean {
    return m.dealers.some((d) => d.up.length > 0);
  }
  async run(m: Model, r: Real): Promise<void> {
    const [id, ...body] = await within(1000, r.router.recv(), "router recv");
    const got = text(body);
    // fair queuing may pick any dealer, but only that dealer's oldest message, whole
    const from = m.dealers.find((d) => d.up.length > 0 && d.up[0]![0] === got[0]);
    assert.ok(from !== undefined, `router got ${JSON.stringify(got)}, not a dealer's oldest`);
    assert.deepEqual(got, from.up.shift(), "a multipart message arrives whole");
    if (from.name !== undefined) {
      assert.equal(dec.decode(id!), from.name, "the routing id is the dealer's Identity");
    } else {
      assert.equal(id!.length, 5, "a generated id has 5 bytes");
      assert.equal(id![0], 0, "a generated id starts with a zero byte");
    }
    if (from.id === undefined) {
      const taken = m.dealers.some((d) => d.id === hex(id!));
      assert.ok(!taken, "each dealer has its own routing id");
      from.id = hex(id!);
    }
    assert.equal(hex(id!), from.id, "a dealer keeps its routing id");
  }
  toString(): string {
    return "router.recv()";
  }
}

class RouterSend implements Cmd {
  constructor(readonly dealer: number, readonly frames: readonly string[]) {}
  check(m: Readonly<Model>): boolean {
    return m.dealers[this.dealer]!.id !== undefined;
  }
  async run(m: Model, r: Real): Promise<void> {
    const d = m.dealers[this.dealer]!;
    const frames = [`r${this.dealer}-${m.nextSeq++}`, ...this.frames];
    const id = Uint8Array.from(d.id!.match(/../g)!, (h) => parseInt(h, 16));
    await within(1000, r.router.send([id, ...frames]), "router send");
    d.down.push(frames);
  }
  toString(): string {
    return `router.send([id of dealer${this.dealer}, ...${JSON.stringify(this.frames)}])`;
  }
}

class RouterSendUnknown implements Cmd {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const send = r.router.send(["nobody", "lost"]);
    if (m.mandatory) {
      await assert.rejects(send, code("EHOSTUNREACH"));
    } else {
      await within(1000, send, "router send");
      m.dropped++;
    }
    assert.equal(r.router.stats.dropped, m.dropped, "router drops what it cannot route");
  }
  toString(): string {
    return "router.send([unknown id, ...])";
  }
}

class DealerRecv implements Cmd {
  constructor(readonly dealer: number) {}
  check(m: Readonly<Model>): boolean {
    return m.dealers[this.dealer]!.down.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const got = await within(1000, r.dealers[this.dealer]!.recv(), "dealer recv");
    assert.deepEqual(text(got), m.dealers[this.dealer]!.down.shift(), "in order, whole, to it");
  }
  toString(): string {
    return `dealer${this.dealer}.recv()`;
  }
}

class DealerNothing implements Cmd {
  constructor(readonly dealer: number) {}
  check(m: Readonly<Model>): boolean {
    return m.dealers[this.dealer]!.down.length === 0;
  }
  async run(_m: Model, r: Real): Promise<void> {
    await nothingYet(r.dealers[this.dealer]!);
  }
  toString(): string {
    return `dealer${this.dealer}.recv() gets nothing`;
  }
}

const MAX_DEALERS = 4;
const body = fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 });

/** The commands for `count` dealers. */
function commandsFor(count: number): fc.Arbitrary<Cmd>[] {
  const dealer = fc.nat({ max: count - 1 });
  return [
    fc.tuple(dealer, body).map(([d, b]) => new DealerSend(d, b)),
    fc.tuple(dealer, body).map(([d, b]) => new DealerSend(d, b)),
    fc.constant(new RouterRecv()),
    fc.constant(new RouterRecv()),
    fc.tuple(dealer, body).map(([d, b]) => new RouterSend(d, b)),
    fc.tuple(dealer, body).map(([d, b]) => new RouterSend(d, b)),
    fc.constant(new RouterSendUnknown()),
    dealer.map((d) => new DealerRecv(d)),
    dealer.map((d) => new DealerRecv(d)),
    dealer.map((d) => new DealerNothing(d)),
  ];
}

/** Which dealers are named, a `mandatory` flag, and commands. */
function scenario(maxCommands: number): fc.Arbitrary<[boolean[], boolean, Iterable<Cmd>]> {
  return fc.array(fc.boolean(), { minLength: 1, maxLength: MAX_DEALERS }).chain((named) =>
    fc.tuple(
      fc.constant(named),
      fc.boolean(),
      fc.commands(commandsFor(named.length), { maxCommands, size: "max" }),
    )
  );
}

async function runModel(scheme: "inproc" | "tcp", numRuns: number, maxCommands: number) {
  await fc.assert(
    fc.asyncProperty(scenario(maxCommands), async ([named, mandatory, cmds]) => {
      const router = new zmq.Router({ mandatory });
      const names = named.map((n, i) => n ? `dealer-${i}` : undefined);
      const dealers = names.map((name) =>
        new zmq.Dealer(name === undefined ? {} : { routingId: name })
      );
      try {
        const at = scheme === "tcp" ? "tcp://127.0.0.1:0" : inprocUrl("zmq-model-router");
        const { url } = await router.bind(at);
        for (const dealer of dealers) await dealer.connect(url);
        await until(() => router.stats.pipes === dealers.length, 3000, "every dealer attached");
        await until(() => dealers.every((d) => d.stats.pipes === 1), 3000, "dealers connected");
        const model: Model = {
          mandatory,
          nextSeq: 0,
          dealers: names.map((name) => ({
            name,
            // a named dealer can be addressed from the start
            id: name === undefined ? undefined : hex(new TextEncoder().encode(name)),
            up: [],
            down: [],
          })),
          dropped: 0,
        };
        await fc.asyncModelRun(() => ({ model, real: { router, dealers } }), cmds);
        // finally each dealer has exactly what was routed to it, and nothing else
        for (const [i, d] of model.dealers.entries()) {
          for (const expected of d.down.splice(0)) {
            const got = await within(1000, dealers[i]!.recv(), "dealer recv");
            assert.deepEqual(text(got), expected);
          }
          await nothingYet(dealers[i]!);
        }
      } finally {
        await Promise.all(dealers.map((d) => d.close()));
        await router.close();
      }
    }),
    { numRuns },
  );
}

test("zmq.Router and several zmq.Dealers (named and anonymous) follow the routing model over inproc [ZMTP-MODEL-4, ZMTP-MODEL-5, ZMTP-MODEL-6]", async () => {
  await runModel("inproc", 50, 100);
});

test("zmq.Router and several zmq.Dealers follow the routing model over tcp [ZMTP-MODEL-4, ZMTP-MODEL-5, ZMTP-MODEL-6]", async () => {
  await runModel("tcp", 6, 40);
});
