import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { MqError } from "../errors.ts";
import { within } from "../../testing/async.ts";
import { Pull, Rep, Req } from "./mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const code = (c: string) => (e: unknown): boolean => e instanceof MqError && e.code === c;

for (const transport of ["inproc", "tcp"] as const) {
  test(`${transport}: REQ contexts have requests outstanding at once, REP contexts answer them in any order, each reply to its own request [SP-CTX-1, SP-CTX-2]`, async () => {
    await using rep = new Rep();
    await using req = new Req();
    const at = transport === "inproc" ? "inproc://ctx-reqrep" : "tcp://127.0.0.1:0";
    const { url } = await rep.listen(at);
    await req.dial(url);
    const clients = Array.from({ length: 20 }, () => req.context());
    const workers = Array.from({ length: 20 }, () => rep.context());
    try {
      const replies = clients.map(async (c, i) => {
        await c.send(`q${i}`);
        return text(await c.recv());
      });
      // every worker takes one request before any is answered
      const requests = await within(
        3000,
        Promise.all(workers.map((w) => w.recv())),
        "20 requests",
      );
      assert.equal(new Set(requests.map(text)).size, 20);
      for (let i = workers.length - 1; i >= 0; i--) {
        await workers[i]!.send(`a${text(requests[i]!).slice(1)}`);
      }
      assert.deepEqual(
        await within(3000, Promise.all(replies), "20 replies"),
        clients.map((_, i) => `a${i}`),
      );
    } finally {
      for (const c of [...clients, ...workers]) c.close();
    }
  });
}

test("a new send on a REQ context abandons only that context's request [SP-CTX-1]", async () => {
  await using rep = new Rep();
  await using req = new Req();
  await rep.listen("inproc://ctx-abandon");
  await req.dial("inproc://ctx-abandon");
  await using a = req.context();
  await using b = req.context();
  await a.send("a1");
  await b.send("b1");
  const aWaiting = a.recv();
  await a.send("a2"); // abandons a1: a's waiting recv fails, b is untouched
  await assert.rejects(aWaiting, code("ECANCELED"));
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = text(await within(2000, rep.recv(), "request"));
    seen.push(r);
    await rep.send(r.toUpperCase());
  }
  assert.deepEqual(seen.sort(), ["a1", "a2", "b1"]);
  assert.equal(text(await within(2000, a.recv(), "a's reply")), "A2");
  assert.equal(text(await within(2000, b.recv(), "b's reply")), "B1");
  assert.equal(req.stats.dropped, 1); // the reply to a1 had nobody left to take it
});

test("contexts: closing one fails its waiting calls, later calls fail with ECLOSED; closing the socket closes them all; patterns without contexts refuse [SP-CTX-3]", async () => {
  const req = new Req();
  const a = req.context();
  const b = req.context();
  assert.notEqual(a.id, b.id);
  await a.send("x");
  const waiting = a.recv();
  a.close();
  await assert.rejects(waiting, code("ECLOSED"));
  await assert.rejects(a.send("y"), code("ECLOSED"));
  assert.equal(a.closed, true);
  assert.equal(b.closed, false);
  await b.send("z");
  const bWaiting = b.recv();
  await req.close();
  await assert.rejects(bWaiting, code("ECLOSED"));
  assert.equal(b.closed, true);
  assert.throws(() => req.context(), code("ECLOSED"));
  await using raw = new Req({ raw: true });
  assert.throws(() => raw.context(), code("ENOTSUP"));
  await using pull = new Pull();
  assert.equal("context" in pull, false);
});

test("a REP context's recv and send keep their own timeouts and signals [SP-CTX-3]", async () => {
  await using rep = new Rep({ recvTimeout: 50 });
  await using ctx = rep.context();
  await assert.rejects(ctx.recv(), code("ETIMEDOUT"));
  const stop = new AbortController();
  const waiting = ctx.recv({ signal: stop.signal });
  stop.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  assert.throws(() => ctx.trySend("no request"), code("ESTATE"));
  assert.equal(ctx.tryRecv(), undefined);
});
