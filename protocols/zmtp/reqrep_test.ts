// zmq.Req, zmq.Rep and zmq.Router among edgemq sockets, over inproc and tcp.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { delay, until, within } from "../../testing/async.ts";
import { MqError } from "../errors.ts";
import { Dealer } from "./dealer.ts";
import { Rep } from "./rep.ts";
import { Req } from "./req.ts";
import { Router } from "./router.ts";
import type { Frames, ZmqSocket } from "./socket.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
// Frames as strings, so that Buffer views (Bun, Node) compare equal to Uint8Arrays.
const text = (frames: Frames): string[] => frames.map((f) => dec.decode(f));
const bytes = (f: Uint8Array): number[] => [...f];

let seq = 0;

type Scheme = "inproc" | "tcp";

/** Binds `a`, connects every other socket to it; returns once `a` accepted them all. */
async function link(scheme: Scheme, a: ZmqSocket, ...others: ZmqSocket[]): Promise<void> {
  const at = scheme === "tcp" ? "tcp://127.0.0.1:0" : `inproc://zmq-reqrep-${seq++}`;
  const { url } = await a.bind(at);
  for (const b of others) {
    const connected = b.monitor.next("connected");
    await b.connect(url);
    await within(5000, connected, "connected");
  }
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof MqError && e.code === code);
}

for (const scheme of ["inproc", "tcp"] as const) {
  describe(`zmq request-reply over ${scheme}`, () => {
    test(`a Req and a Rep exchange multipart requests and replies [ZMTP-REQ-1] [ZMTP-REP-1]`, async () => {
      await using rep = new Rep();
      await using req = new Req();
      await link(scheme, rep, req);
      for (let i = 0; i < 5; i++) {
        await req.send(["q", String(i)]);
        const request = await within(2000, rep.recv(), "request");
        assert.deepEqual(text(request), ["q", String(i)]);
        await rep.send(["a", String(i), new Uint8Array(300).fill(i)]);
        const reply = await within(2000, req.recv(), "reply");
        assert.deepEqual(text(reply.slice(0, 2)), ["a", String(i)]);
        assert.equal(reply[2]!.length, 300);
      }
      assert.equal(req.stats.txMsgs, 5);
      assert.equal(rep.stats.rxMsgs, 5);
    });

    test(`a Req alternates strictly: send/send and recv first reject ESTATE [ZMTP-REQ-2]`, async () => {
      await using rep = new Rep();
      await using req = new Req();
      await link(scheme, rep, req);
      await rejectsWith(req.recv(), "ESTATE");
      await req.send("one");
      await rejectsWith(req.send("two"), "ESTATE");
      await rep.send(await within(2000, rep.recv(), "request"));
      assert.deepEqual(text(await within(2000, req.recv(), "reply")), ["one"]);
      await rejectsWith(req.recv(), "ESTATE");
      await req.send("three"); // allowed again
    });

    test(`a relaxed Req may send again and gets the newer reply [ZMTP-REQ-3]`, async () => {
      await using router = new Router();
      await using req = new Req({ relaxed: true });
      await link(scheme, router, req);
      await req.send("first");
      await req.send("second");
      const a = await within(2000, router.recv(), "first");
      const b = await within(2000, router.recv(), "second");
      assert.deepEqual(text(a.slice(1)), ["", "first"]);
      assert.deepEqual(text(b.slice(1)), ["", "second"]);
      await router.send([b[0]!, "", "for second"]);
      assert.deepEqual(text(await within(2000, req.recv(), "reply")), ["for second"]);
    });

    test(`a Req drops replies without the empty delimiter [ZMTP-REQ-4]`, async () => {
      await using router = new Router();
      await using req = new Req();
      await link(scheme, router, req);
      await req.send("ask");
      const [id, delimiter, body] = await within(2000, router.recv(), "request");
      assert.equal(delimiter!.length, 0);
      assert.equal(dec.decode(body), "ask");
      await router.send([id!, "no delimiter"]);
      await router.send([id!, "", "good"]);
      assert.deepEqual(text(await within(2000, req.recv(), "reply")), ["good"]);
      assert.equal(req.stats.dropped, 1);
    });

    test(`a Req sends round robin and takes the reply only from the asked peer [ZMTP-REQ-5]`, async () => {
      await using req = new Req();
      await using r1 = new Router();
      await using r2 = new Router();
      const at = (n: number): string =>
        scheme === "tcp" ? "tcp://127.0.0.1:0" : `inproc://zmq-reqrep-${seq++}-${n}`;
      const u1 = (await r1.bind(at(1))).url;
      const u2 = (await r2.bind(at(2))).url;
      let connected = req.monitor.next("connected");
      await req.connect(u1);
      await within(5000, connected, "connected 1");
      connected = req.monitor.next("connected");
      await req.connect(u2);
      await within(5000, connected, "connected 2");
      const counts = [0, 0];
      for (let i = 0; i < 4; i++) {
        await req.send(String(i));
        const stop = new AbortController();
        const waits = [r1, r2].map((r, which) =>
          r.recv({ signal: stop.signal }).then((msg) => ({ which, msg }))
        );
        const { which, msg } = await within(2000, Promise.race(waits), "request");
        stop.abort();
        await Promise.allSettled(waits);
        counts[which]!++;
        await [r1, r2][which]!.send([msg[0]!, "", `reply ${i}`]);
        assert.deepEqual(text(await within(2000, req.recv(), "reply")), [`reply ${i}`]);
      }
      assert.deepEqual(counts, [2, 2]);
    });
  });

  describe(`zmq.Rep over ${scheme}`, () => {
    test(`a Rep alternates strictly: recv/recv and send first reject ESTATE [ZMTP-REP-2]`, async () => {
      await using rep = new Rep();
      await using req = new Req();
      await link(scheme, rep, req);
      await rejectsWith(rep.send("nothing asked"), "ESTATE");
      await req.send("q");
      await within(2000, rep.recv(), "request");
      await rejectsWith(rep.recv(), "ESTATE");
      await rep.send("a");
      await rejectsWith(rep.send("again"), "ESTATE");
      assert.deepEqual(text(await within(2000, req.recv(), "reply")), ["a"]);
    });

    test(`a Rep keeps the whole envelope and puts it back [ZMTP-REP-3]`, async () => {
      await using rep = new Rep();
      await using dealer = new Dealer();
      await link(scheme, rep, dealer);
      await dealer.send(["hop1", "hop2", "", "body"]);
      assert.deepEqual(text(await within(2000, rep.recv(), "request")), ["body"]);
      await rep.send(["answer", "2"]);
      assert.deepEqual(text(await within(2000, dealer.recv(), "reply")), [
        "hop1",
        "hop2",
        "",
        "answer",
        "2",
      ]);
    });

    test(`a Rep drops requests without a delimiter or a body [ZMTP-REP-4]`, async () => {
      await using rep = new Rep();
      await using dealer = new Dealer();
      await link(scheme, rep, dealer);
      await dealer.send(["no delimiter"]);
      await dealer.send(["x", ""]);
      await dealer.send(["", "ok"]);
      assert.deepEqual(text(await within(2000, rep.recv(), "request")), ["ok"]);
      assert.equal(rep.stats.dropped, 2);
    });

    test(`a Rep routes each reply to the peer that asked [ZMTP-REP-5]`, async () => {
      await using rep = new Rep();
      await using d1 = new Dealer();
      await using d2 = new Dealer();
      await link(scheme, rep, d1, d2);
      await d1.send(["", "from 1"]);
      await d2.send(["", "from 2"]);
      for (let i = 0; i < 2; i++) {
        const [body] = await within(2000, rep.recv(), "request");
        await rep.send(["re", body!]);
      }
      assert.deepEqual(text(await within(2000, d1.recv(), "reply 1")), ["", "re", "from 1"]);
      assert.deepEqual(text(await within(2000, d2.recv(), "reply 2")), ["", "re", "from 2"]);
    });
  });

  describe(`zmq.Router over ${scheme}`, () => {
    test(`a Router prefixes the peer's Identity or a generated 5-byte id [ZMTP-ROUTER-1]`, async () => {
      await using router = new Router();
      await using named = new Dealer({ routingId: "named" });
      await using anon1 = new Dealer();
      await using anon2 = new Dealer();
      await link(scheme, router, named, anon1, anon2);
      await named.send("n");
      await anon1.send("a1");
      await anon2.send("a2");
      const ids = new Map<string, Uint8Array>();
      for (let i = 0; i < 3; i++) {
        const [id, body] = await within(2000, router.recv(), "message");
        ids.set(dec.decode(body), id!);
      }
      assert.deepEqual(bytes(ids.get("n")!), bytes(enc.encode("named")));
      for (const key of ["a1", "a2"]) {
        const id = ids.get(key)!;
        assert.equal(id.length, 5);
        assert.equal(id[0], 0);
      }
      assert.notDeepEqual(bytes(ids.get("a1")!), bytes(ids.get("a2")!));
      // replies are routed by those ids
      for (const [key, id] of ids) await router.send([id, `re ${key}`]);
      assert.deepEqual(text(await within(2000, named.recv(), "n")), ["re n"]);
      assert.deepEqual(text(await within(2000, anon1.recv(), "a1")), ["re a1"]);
      assert.deepEqual(text(await within(2000, anon2.recv(), "a2")), ["re a2"]);
    });

    test(`a Router fair-queues its peers [ZMTP-ROUTER-2]`, async () => {
      await using router = new Router();
      await using d1 = new Dealer({ routingId: "d1" });
      await using d2 = new Dealer({ routingId: "d2" });
      await link(scheme, router, d1, d2);
      for (let i = 0; i < 10; i++) await d1.send(String(i));
      for (let i = 0; i < 10; i++) await d2.send(String(i));
      await delay(200); // both inboxes fill up
      const seen: string[][] = [];
      for (let i = 0; i < 20; i++) seen.push(text(await within(2000, router.recv(), "message")));
      for (let i = 1; i < 20; i++) assert.notEqual(seen[i]![0], seen[i - 1]![0], "alternates");
      for (const id of ["d1", "d2"]) {
        const bodies = seen.filter(([from]) => from === id).map(([, body]) => body);
        assert.deepEqual(bodies, Array.from({ length: 10 }, (_, i) => String(i)));
      }
    });

    test(`a Router drops messages for unknown ids; mandatory rejects EHOSTUNREACH [ZMTP-ROUTER-3]`, async () => {
      await using router = new Router();
      await using strict = new Router({ mandatory: true });
      await router.send(["nobody", "lost"]);
      assert.equal(router.stats.dropped, 1);
      await rejectsWith(strict.send(["nobody", "lost"]), "EHOSTUNREACH");
      await using dealer = new Dealer({ routingId: "d" });
      await link(scheme, strict, dealer);
      await dealer.send("hi");
      const [id] = await within(2000, strict.recv(), "hello");
      await strict.send([id!, "known"]);
      assert.deepEqual(text(await within(2000, dealer.recv(), "reply")), ["known"]);
    });

    test(`a Router keeps a second peer with a taken Identity anonymous [ZMTP-ROUTER-4]`, async () => {
      await using router = new Router();
      await using first = new Dealer({ routingId: "same" });
      await using second = new Dealer({ routingId: "same" });
      await link(scheme, router, first);
      await first.send("one");
      await within(2000, router.recv(), "first");
      await link(scheme, router, second);
      await second.send("ignored");
      await until(() => router.stats.dropped === 1, 2000, "the duplicate's message is dropped");
      await router.send([enc.encode("same"), "to first"]);
      assert.deepEqual(text(await within(2000, first.recv(), "first")), ["to first"]);
    });

    test(`a Router sees a Req's envelope and routes the reply [ZMTP-ROUTER-5]`, async () => {
      await using router = new Router();
      await using req = new Req({ routingId: "client" });
      await link(scheme, router, req);
      await req.send(["x", "y"]);
      const msg = await within(2000, router.recv(), "request");
      assert.deepEqual(text(msg), ["client", "", "x", "y"]);
      await router.send([msg[0]!, "", "done"]);
      assert.deepEqual(text(await within(2000, req.recv(), "reply")), ["done"]);
    });

    test(`two Routers address each other by Identity [ZMTP-ROUTER-6]`, async () => {
      await using a = new Router({ routingId: "A", mandatory: true });
      await using b = new Router({ routingId: "B" });
      await link(scheme, a, b);
      // b learns of a when its connection is up; retry until the route exists
      await until(
        () => {
          b.send(["A", "hello"]).catch(() => {});
          return b.stats.txMsgs > 0;
        },
        2000,
        "route to A",
      );
      const [from, body] = await within(2000, a.recv(), "hello");
      assert.deepEqual(text([from!, body!]), ["B", "hello"]);
      await a.send(["B", "back"]);
      assert.deepEqual(text(await within(2000, b.recv(), "back")), ["A", "back"]);
    });
  });
}

test("zmq.Req and zmq.Router check their boolean options [ZMTP-REQ-6] [ZMTP-ROUTER-7]", () => {
  assert.throws(
    () => new Req({ relaxed: "yes" as unknown as boolean }),
    (e: unknown) => e instanceof MqError && e.code === "EINVAL",
  );
  assert.throws(
    () => new Router({ mandatory: 1 as unknown as boolean }),
    (e: unknown) => e instanceof MqError && e.code === "EINVAL",
  );
  assert.throws(
    () => new Rep({ relaxed: true } as unknown as object),
    (e: unknown) => e instanceof MqError && e.code === "EINVAL",
  );
});
