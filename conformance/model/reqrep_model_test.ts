/**
 * REQ/REP against a model: random sequences of sends, receives, replies,
 * cancelling sends and out-of-state calls on a real Req and Rep joined over
 * inproc, each step checked against what the model says must happen.
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { sp } from "../../mod.ts";
import { within } from "../../testing/async.ts";
import { code, inprocUrl, marry, text } from "../_raw_sp.ts";

interface Request {
  readonly seq: number;
  readonly body: string;
}

interface Model {
  nextSeq: number;
  /** The request the Req waits an answer for. */
  current: number | undefined;
  /** Requests on their way to the Rep, oldest first. */
  inbox: Request[];
  /** The request the Rep received and has not answered. */
  holding: Request | undefined;
  /** The answer to `current` that reached the Req and was not read yet. */
  reply: string | undefined;
  /** Answers to abandoned requests, which the Req must drop. */
  stale: number;
}

interface Real {
  readonly req: sp.Req;
  readonly rep: sp.Rep;
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** Lets every in-flight inproc delivery (microtasks) finish. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function newRequest(m: Model, body: string): void {
  const request = { seq: m.nextSeq++, body };
  m.inbox.push(request);
  m.current = request.seq;
  m.reply = undefined; // an unread answer to the old request is discarded
}

class ReqSend implements Cmd {
  constructor(readonly body: string) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    await within(500, r.req.send(this.body), "req send");
    newRequest(m, this.body);
  }
  toString(): string {
    return `req.send(${JSON.stringify(this.body)})`;
  }
}

class ReqSendCancels implements Cmd {
  constructor(readonly body: string) {}
  check(m: Readonly<Model>): boolean {
    return m.current !== undefined && m.reply === undefined;
  }
  async run(m: Model, r: Real): Promise<void> {
    const waiting = r.req.recv();
    const cancelled = assert.rejects(waiting, code("ECANCELED"));
    await r.req.send(this.body);
    await within(500, cancelled, "the waiting recv cancelled");
    newRequest(m, this.body);
  }
  toString(): string {
    return `req.recv() then req.send(${JSON.stringify(this.body)}) cancels it`;
  }
}

class RepRecv implements Cmd {
  check(m: Readonly<Model>): boolean {
    return m.inbox.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const expected = m.inbox.shift()!;
    assert.equal(text(await within(1000, r.rep.recv(), "rep recv")), expected.body);
    m.holding = expected; // any earlier unanswered request is abandoned
  }
  toString(): string {
    return "rep.recv()";
  }
}

class RepReply implements Cmd {
  constructor(readonly body: string) {}
  check(m: Readonly<Model>): boolean {
    return m.holding !== undefined;
  }
  async run(m: Model, r: Real): Promise<void> {
    await within(500, r.rep.send(this.body), "rep send");
    await settle();
    if (m.holding!.seq === m.current) m.reply = this.body;
    else m.stale++;
    m.holding = undefined;
    assert.equal(r.req.stats.dropped, m.stale, "stale replies dropped by the Req");
  }
  toString(): string {
    return `rep.send(${JSON.stringify(this.body)})`;
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

class ReqRecv implements Cmd {
  check(m: Readonly<Model>): boolean {
    return m.current !== undefined && m.reply !== undefined;
  }
  async run(m: Model, r: Real): Promise<void> {
    assert.equal(text(await within(1000, r.req.recv(), "req recv")), m.reply);
    m.current = undefined;
    m.reply = undefined;
  }
  toString(): string {
    return "req.recv()";
  }
}

class ReqRecvOutOfState implements Cmd {
  check(m: Readonly<Model>): boolean {
    return m.current === undefined;
  }
  async run(_m: Model, r: Real): Promise<void> {
    await assert.rejects(r.req.recv(), code("ESTATE"));
  }
  toString(): string {
    return "req.recv() without a request → ESTATE";
  }
}

class ReqNothingYet implements Cmd {
  check(m: Readonly<Model>): boolean {
    return m.current !== undefined && m.reply === undefined;
  }
  async run(_m: Model, r: Real): Promise<void> {
    const stop = new AbortController();
    const quiet = new Error("quiet");
    const got = r.req.recv({ signal: stop.signal });
    await settle();
    stop.abort(quiet);
    await assert.rejects(got, (e) => e === quiet);
  }
  toString(): string {
    return "req.recv() gets nothing yet (no stale reply leaks through)";
  }
}

const body = fc.string({ maxLength: 6 });
const allCommands = [
  body.map((b) => new ReqSend(b)),
  body.map((b) => new ReqSendCancels(b)),
  fc.constant(new RepRecv()),
  fc.constant(new RepRecv()),
  body.map((b) => new RepReply(b)),
  body.map((b) => new RepReply(b)),
  fc.constant(new RepSendOutOfState()),
  fc.constant(new ReqRecv()),
  fc.constant(new ReqRecv()),
  fc.constant(new ReqRecvOutOfState()),
  fc.constant(new ReqNothingYet()),
];

test("sp.Req and sp.Rep follow the request/reply model over inproc [SP-REQ-1, SP-REQ-3, SP-REQ-6, SP-REQ-7, SP-REP-1, SP-REP-4, SP-REP-5]", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.commands(allCommands, { maxCommands: 50, size: "medium" }),
      async (cmds) => {
        const req = new sp.Req();
        const rep = new sp.Rep();
        try {
          await marry(rep, req, inprocUrl("model-reqrep"));
          const model: Model = {
            nextSeq: 0,
            current: undefined,
            inbox: [],
            holding: undefined,
            reply: undefined,
            stale: 0,
          };
          await fc.asyncModelRun(() => ({ model, real: { req, rep } }), cmds);
        } finally {
          await req.close();
          await rep.close();
        }
      },
    ),
    { numRuns: 60 },
  );
});
