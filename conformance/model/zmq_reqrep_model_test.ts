/**
 * zmq.Req/zmq.Rep against a model: several Req clients connected to one Rep, driven by random
 * sequences of multipart requests, receives, replies and out-of-state calls. The model knows
 * which requests each client has out, which request the Rep holds, and so which reply each client
 * must read: the Rep's fair queue may serve the clients in any order, but each client's requests
 * arrive in the order sent, without the envelope, and each reply reaches its asker only.
 *
 * Three flavours: strict alternation (send/send and recv-before-send are `ESTATE`), `relaxed`
 * (a new send abandons the old request; the next reply from the Rep is taken for the new one, as
 * libzmq does without `ZMQ_REQ_CORRELATE`), and `relaxed` + `correlate` (only the reply to the
 * newest request is accepted).
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

interface Flavour {
  readonly relaxed: boolean;
  readonly correlate: boolean;
}

interface Request {
  readonly client: number;
  readonly seq: number;
  readonly frames: readonly string[];
}

interface Client {
  /** A request is out and `recv` is allowed. */
  asked: boolean;
  /** The seq of the newest request sent. */
  latest: number;
  /** The reply that reached the client and was not read yet. */
  reply: readonly string[] | undefined;
  /** Replies the client had to drop (`stats.dropped`). */
  dropped: number;
}

interface Model {
  readonly flavour: Flavour;
  nextSeq: number;
  readonly clients: Client[];
  /** Per client, requests on their way to (or queued in) the Rep, oldest first. */
  readonly inbox: Request[][];
  /** The request the Rep received and has not answered. */
  holding: Request | undefined;
}

interface Real {
  readonly rep: zmq.Rep;
  readonly reqs: readonly zmq.Req[];
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** Lets every in-flight inproc delivery finish. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Asserts that `sock` has nothing to receive once in-flight deliveries are done. */
async function nothingYet(sock: zmq.Req): Promise<void> {
  const stop = new AbortController();
  const quiet = new Error("quiet");
  const got = sock.recv({ signal: stop.signal });
  await settle();
  stop.abort(quiet);
  await assert.rejects(got, (e) => e === quiet);
}

class ReqSend implements Cmd {
  constructor(readonly client: number, readonly frames: readonly string[]) {}
  check(m: Readonly<Model>): boolean {
    const c = m.clients[this.client];
    return c !== undefined && (!c.asked || m.flavour.relaxed);
  }
  async run(m: Model, r: Real): Promise<void> {
    const seq = m.nextSeq++;
    const frames = [`q${seq}`, ...this.frames];
    await within(1000, r.reqs[this.client]!.send(frames), "req send");
    m.inbox[this.client]!.push({ client: this.client, seq, frames });
    const c = m.clients[this.client]!;
    c.asked = true;
    c.latest = seq;
    c.reply = undefined; // an unread reply to the older request is discarded
  }
  toString(): string {
    return `req${this.client}.send(${JSON.stringify(this.frames)})`;
  }
}

class ReqSendOutOfState implements Cmd {
  constructor(readonly client: number) {}
  check(m: Readonly<Model>): boolean {
    return m.clients[this.client]?.asked === true && !m.flavour.relaxed;
  }
  async run(_m: Model, r: Real): Promise<void> {
    await assert.rejects(r.reqs[this.client]!.send("again"), code("ESTATE"));
  }
  toString(): string {
    return `req${this.client}.send() while a reply is due → ESTATE`;
  }
}

class ReqRecv implements Cmd {
  constructor(readonly client: number) {}
  check(m: Readonly<Model>): boolean {
    return m.clients[this.client]?.reply !== undefined;
  }
  async run(m: Model, r: Real): Promise<void> {
    const c = m.clients[this.client]!;
    const got = await within(1000, r.reqs[this.client]!.recv(), "req recv");
    assert.deepEqual(text(got), c.reply, `client ${this.client} got the wrong reply`);
    c.reply = undefined;
    c.asked = false;
  }
  toString(): string {
    return `req${this.client}.recv()`;
  }
}

class ReqRecvOutOfState implements Cmd {
  constructor(readonly client: number) {}
  check(m: Readonly<Model>): boolean {
    return m.clients[this.client]?.asked === false;
  }
  async run(_m: Model, r: Real): Promise<void> {
    await assert.rejects(r.reqs[this.client]!.recv(), code("ESTATE"));
  }
  toString(): string {
    return `req${this.client}.recv() with no request out → ESTATE`;
  }
}

class ReqNothingYet implements Cmd {
  constructor(readonly client: number) {}
  check(m: Readonly<Model>): boolean {
    const c = m.clients[this.client];
    return c !== undefined && c.asked && c.reply === undefined;
  }
  async run(_m: Model, r: Real): Promise<void> {
    await nothingYet(r.reqs[this.client]!);
  }
  toString(): string {
    return `req${this.client}.recv() gets nothing yet`;
  }
}

class RepRecv implements Cmd {
  check(m: Readonly<Model>): boolean {
    return m.holding === undefined && m.inbox.some((q) => q.length > 0);
  }
  async run(m: Model, r: Real): Promise<void> {
    const got = text(await within(1000, r.rep.recv(), "rep recv"));
    // fair queuing may pick any client, but only that client's oldest request
    const queue = m.inbox.find((q) => q.length > 0 && q[0]!.frames[0] === got[0]);
    assert.ok(queue !== undefined, `rep received ${JSON.stringify(got)}, not a client's oldest`);
    const request = queue.shift()!;
    assert.deepEqual(got, request.frames, "the request arrives whole, without its envelope");
    m.holding = request;
  }
  toString(): string {
    return "rep.recv()";
  }
}

class RepRecvOutOfState implements Cmd {
  check(m: Readonly<Model>): boolean {
    return m.holding !== undefined;
  }
  async run(_m: Model, r: Real): Promise<void> {
    await assert.rejects(r.rep.recv(), code("ESTATE"));
  }
  toString(): string {
    return "rep.recv() while a reply is due → ESTATE";
  }
}

class RepReply implements Cmd {
  constructor(readonly frames: readonly string[]) {}
  check(m: Readonly<Model>): boolean {
    return m.holding !== undefined;
  }
  async run(m: Model, r: Real): Promise<void> {
    const request = m.holding!;
    const frames = [`a${request.seq}`, ...this.frames];
    await within(1000, r.rep.send(frames), "rep send");
    await settle();
    m.holding = undefined;
    const c = m.clients[request.client]!;
    const current = !m.flavour.correlate || request.seq === c.latest;
    if (c.asked && c.reply === undefined && current) c.reply = frames;
    else c.dropped++;
    r.reqs.forEach((req, i) => {
      assert.equal(req.stats.dropped, m.clients[i]!.dropped, `replies dropped by client ${i}`);
    });
  }
  toString(): string {
    return `rep.send(${JSON.stringify(this.frames)})`;
  }
}

class RepSendOutOfState implements Cmd {
  check(m: Readonly<Model>): boolean {
    return m.holding === undefined;
  }
  async run(_m: Model, r: Real): Promise<void> {
    await assert.rejects(r.rep.send("nobody asked"), code("ESTATE"));
  }
  toString(): string {
    return "rep.send() without a request → ESTATE";
  }
}

const MAX_CLIENTS = 3;
const body = fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 });

/** The commands for `count` clients (sends and receives weighted up). */
function commandsFor(count: number): fc.Arbitrary<Cmd>[] {
  const client = fc.nat({ max: count - 1 });
  return [
    fc.tuple(client, body).map(([c, b]) => new ReqSend(c, b)),
    fc.tuple(client, body).map(([c, b]) => new ReqSend(c, b)),
    client.map((c) => new ReqSendOutOfState(c)),
    client.map((c) => new ReqRecv(c)),
    client.map((c) => new ReqRecv(c)),
    client.map((c) => new ReqRecvOutOfState(c)),
    client.map((c) => new ReqNothingYet(c)),
    fc.constant(new RepRecv()),
    fc.constant(new RepRecv()),
    fc.constant(new RepRecvOutOfState()),
    body.map((b) => new RepReply(b)),
    body.map((b) => new RepReply(b)),
    fc.constant(new RepSendOutOfState()),
  ];
}

/** A number of clients and commands for them. */
function scenario(maxCommands: number): fc.Arbitrary<[number, Iterable<Cmd>]> {
  return fc.integer({ min: 1, max: MAX_CLIENTS }).chain((count) =>
    fc.tuple(
      fc.constant(count),
      fc.commands(commandsFor(count), { maxCommands, size: "max" }),
    )
  );
}

async function runModel(
  flavour: Flavour,
  scheme: "inproc" | "tcp",
  numRuns: number,
  maxCommands: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      scenario(maxCommands),
      async ([count, cmds]) => {
        const rep = new zmq.Rep();
        const reqs = Array.from({ length: count }, () => new zmq.Req(flavour));
        try {
          const at = scheme === "tcp" ? "tcp://127.0.0.1:0" : inprocUrl("zmq-model-reqrep");
          const { url } = await rep.bind(at);
          for (const req of reqs) await req.connect(url);
          await until(() => rep.stats.pipes === count, 3000, "every Req attached");
          await until(() => reqs.every((q) => q.stats.pipes === 1), 3000, "every Req connected");
          const model: Model = {
            flavour,
            nextSeq: 0,
            clients: reqs.map(() => ({ asked: false, latest: -1, reply: undefined, dropped: 0 })),
            inbox: reqs.map(() => []),
            holding: undefined,
          };
          await fc.asyncModelRun(() => ({ model, real: { rep, reqs } }), cmds);
        } finally {
          await Promise.all(reqs.map((q) => q.close()));
          await rep.close();
        }
      },
    ),
    { numRuns },
  );
}

test("zmq.Req clients and a zmq.Rep follow the strict request/reply model over inproc [ZMTP-MODEL-1]", async () => {
  await runModel({ relaxed: false, correlate: false }, "inproc", 40, 100);
});

test("zmq.Req with relaxed follows the model: a new send abandons the old request [ZMTP-MODEL-2]", async () => {
  await runModel({ relaxed: true, correlate: false }, "inproc", 40, 100);
});

test("zmq.Req with relaxed and correlate accepts only the newest request's reply (model) [ZMTP-MODEL-3]", async () => {
  await runModel({ relaxed: true, correlate: true }, "inproc", 40, 100);
});

test("zmq.Req clients and a zmq.Rep follow the strict request/reply model over tcp [ZMTP-MODEL-1]", async () => {
  await runModel({ relaxed: false, correlate: false }, "tcp", 8, 40);
});
