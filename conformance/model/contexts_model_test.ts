/**
 * Contexts against a model: random sends, receives and replies on three REQ contexts and three
 * REP contexts of one REQ and one REP joined over inproc, and surveys, answers and collections on
 * two SURVEYOR contexts and a RESPONDENT. Each step is checked against what the model says must
 * happen: every context keeps its own request (or survey) and gets its own answers, a new request
 * abandons only its own context's old one, and answers to abandoned requests are dropped.
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { type Context, sp } from "../../mod.ts";
import { within } from "../../testing/async.ts";
import { inprocUrl, marry, text } from "../_raw_sp.ts";

type Ctx = Context<Uint8Array, Uint8Array | string>;

/** Lets every in-flight inproc delivery (microtasks) finish. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Nothing is waiting for `ctx` now (without waiting: a stale answer must not leak through). */
async function quiet(ctx: Ctx): Promise<void> {
  await settle();
  assert.equal(ctx.tryRecv(), undefined);
}

// ---- REQ/REP contexts ----------------------------------------------------------------------

interface Request {
  readonly seq: number;
  readonly client: number;
  readonly body: string;
}

interface ReqRepModel {
  nextSeq: number;
  /** Per client context: the request it waits an answer for, and the answer if it came. */
  clients: { current: number | undefined; reply: string | undefined }[];
  /** Requests on their way to the REP, oldest first. */
  inbox: Request[];
  /** Per server context: the request it holds and has not answered. */
  servers: (Request | undefined)[];
}

interface ReqRepReal {
  readonly clients: Ctx[];
  readonly servers: Ctx[];
}

type ReqRepCmd = fc.AsyncCommand<ReqRepModel, ReqRepReal>;

class ClientSend implements ReqRepCmd {
  constructor(readonly client: number, readonly body: string) {}
  check(): boolean {
    return true;
  }
  async run(m: ReqRepModel, r: ReqRepReal): Promise<void> {
    await within(500, r.clients[this.client]!.send(this.body), "context send");
    const request = { seq: m.nextSeq++, client: this.client, body: this.body };
    m.inbox.push(request);
    m.clients[this.client] = { current: request.seq, reply: undefined };
  }
  toString(): string {
    return `client[${this.client}].send(${JSON.stringify(this.body)})`;
  }
}

class ServerRecv implements ReqRepCmd {
  constructor(readonly server: number) {}
  check(m: Readonly<ReqRepModel>): boolean {
    return m.inbox.length > 0;
  }
  async run(m: ReqRepModel, r: ReqRepReal): Promise<void> {
    const got = text(await within(500, r.servers[this.server]!.recv(), "context recv"));
    const request = m.inbox.shift()!;
    assert.equal(got, request.body);
    m.servers[this.server] = request; // an unanswered older one is abandoned
  }
  toString(): string {
    return `server[${this.server}].recv()`;
  }
}

class ServerReply implements ReqRepCmd {
  constructor(readonly server: number) {}
  check(m: Readonly<ReqRepModel>): boolean {
    return m.servers[this.server] !== undefined;
  }
  async run(m: ReqRepModel, r: ReqRepReal): Promise<void> {
    const request = m.servers[this.server]!;
    await within(500, r.servers[this.server]!.send(`re:${request.body}`), "context reply");
    m.servers[this.server] = undefined;
    const client = m.clients[request.client]!;
    if (client.current === request.seq) client.reply = `re:${request.body}`; // else dropped
    await settle();
  }
  toString(): string {
    return `server[${this.server}].send(reply)`;
  }
}

class ClientRecv implements ReqRepCmd {
  constructor(readonly client: number) {}
  check(m: Readonly<ReqRepModel>): boolean {
    return m.clients[this.client]!.current !== undefined;
  }
  async run(m: ReqRepModel, r: ReqRepReal): Promise<void> {
    const ctx = r.clients[this.client]!;
    const expected = m.clients[this.client]!.reply;
    if (expected === undefined) return quiet(ctx);
    assert.equal(text(await within(500, ctx.recv(), "the context's reply")), expected);
    m.clients[this.client] = { current: undefined, reply: undefined };
  }
  toString(): string {
    return `client[${this.client}].recv()`;
  }
}

const body = fc.string({ maxLength: 5 });
const index = fc.integer({ min: 0, max: 2 });
const reqRepCommands = [
  fc.tuple(index, body).map(([c, b]) => new ClientSend(c, b)),
  index.map((s) => new ServerRecv(s)),
  index.map((s) => new ServerReply(s)),
  index.map((c) => new ClientRecv(c)),
];

test("REQ and REP contexts follow the model: each context its own request, its own reply [SP-CTX-1, SP-CTX-2]", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.commands(reqRepCommands, { maxCommands: 60, size: "medium" }),
      async (cmds) => {
        const req = new sp.Req();
        const rep = new sp.Rep();
        const clients = [req.context(), req.context(), req.context()];
        const servers = [rep.context(), rep.context(), rep.context()];
        try {
          await marry(rep, req, inprocUrl("model-contexts"));
          const model: ReqRepModel = {
            nextSeq: 0,
            clients: clients.map(() => ({ current: undefined, reply: undefined })),
            inbox: [],
            servers: servers.map(() => undefined),
          };
          await fc.asyncModelRun(() => ({ model, real: { clients, servers } }), cmds);
        } finally {
          await req.close();
          await rep.close();
        }
      },
    ),
    { numRuns: 40 },
  );
});

// ---- SURVEYOR contexts ---------------------------------------------------------------------

interface Survey {
  readonly id: number;
  readonly ctx: number;
  readonly body: string;
}

interface SurveyModel {
  nextId: number;
  /** Per surveyor context: its open survey, and the answers waiting to be read. */
  open: ({ id: number; answers: string[] } | undefined)[];
  /** Surveys on their way to the respondent, oldest first. */
  inbox: Survey[];
}

interface SurveyReal {
  readonly surveyors: Ctx[];
  readonly respondent: sp.Respondent;
}

type SurveyCmd = fc.AsyncCommand<SurveyModel, SurveyReal>;

class Ask implements SurveyCmd {
  constructor(readonly ctx: number, readonly body: string) {}
  check(): boolean {
    return true;
  }
  async run(m: SurveyModel, r: SurveyReal): Promise<void> {
    await within(500, r.surveyors[this.ctx]!.send(this.body), "survey");
    const id = m.nextId++;
    m.inbox.push({ id, ctx: this.ctx, body: this.body });
    m.open[this.ctx] = { id, answers: [] }; // the older survey of this context is cancelled
  }
  toString(): string {
    return `surveyor[${this.ctx}].send(${JSON.stringify(this.body)})`;
  }
}

class Answer implements SurveyCmd {
  check(m: Readonly<SurveyModel>): boolean {
    return m.inbox.length > 0;
  }
  async run(m: SurveyModel, r: SurveyReal): Promise<void> {
    const survey = m.inbox.shift()!;
    assert.equal(text(await within(500, r.respondent.recv(), "the survey")), survey.body);
    await r.respondent.send(`a:${survey.body}`);
    const open = m.open[survey.ctx];
    if (open?.id === survey.id) open.answers.push(`a:${survey.body}`); // else dropped
    await settle();
  }
  toString(): string {
    return "respondent answers the oldest survey";
  }
}

class Collect implements SurveyCmd {
  constructor(readonly ctx: number) {}
  check(m: Readonly<SurveyModel>): boolean {
    return m.open[this.ctx] !== undefined;
  }
  async run(m: SurveyModel, r: SurveyReal): Promise<void> {
    const ctx = r.surveyors[this.ctx]!;
    const open = m.open[this.ctx]!;
    const expected = open.answers.shift();
    if (expected === undefined) return quiet(ctx);
    assert.equal(text(await within(500, ctx.recv(), "an answer")), expected);
  }
  toString(): string {
    return `surveyor[${this.ctx}].recv()`;
  }
}

const ctxIndex = fc.integer({ min: 0, max: 1 });
const surveyCommands = [
  fc.tuple(ctxIndex, body).map(([c, b]) => new Ask(c, b)),
  fc.constant(new Answer()),
  fc.constant(new Answer()),
  ctxIndex.map((c) => new Collect(c)),
];

test("SURVEYOR contexts follow the model: a new survey cancels only its own context's, late answers drop [SP-SURV-3, SP-SURV-5]", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.commands(surveyCommands, { maxCommands: 50, size: "medium" }),
      async (cmds) => {
        const surveyor = new sp.Surveyor({ surveyTime: 60_000 }); // no deadline within a run
        const respondent = new sp.Respondent();
        const surveyors = [surveyor.context(), surveyor.context()];
        try {
          await marry(surveyor, respondent, inprocUrl("model-survey"));
          const model: SurveyModel = { nextId: 0, open: [undefined, undefined], inbox: [] };
          await fc.asyncModelRun(() => ({ model, real: { surveyors, respondent } }), cmds);
        } finally {
          await surveyor.close();
          await respondent.close();
        }
      },
    ),
    { numRuns: 40 },
  );
});
