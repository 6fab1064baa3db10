import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { Rep, Req } from "./mod.ts";
import { delay, until, within } from "../../testing/async.ts";
import {
  code,
  expectQuiet,
  listenUrl,
  marry,
  RawPeer,
  spHeader,
  text,
  words,
} from "../../conformance/_raw_sp.ts";

const REQ = 0x30;
const REP = 0x31;

/** A Rep listening on tcp and a raw REQ connection to it. */
async function rawReq(options: ConstructorParameters<typeof Rep>[0] = {}) {
  const rep = new Rep(options);
  const accepted = rep.monitor.next("accepted");
  const { url } = await rep.listen("tcp://127.0.0.1:0");
  const peer = await RawPeer.dial(url, spHeader(REQ));
  await within(2000, accepted);
  return {
    rep,
    peer,
    url,
    async close() {
      await peer.close();
      await rep.close();
    },
  };
}

test("sp.Rep strips the backtrace and sends it back in front of the reply, byte for byte [SP-REP-1]", async () => {
  const t = await rawReq();
  try {
    assert.deepEqual(await t.peer.header(), spHeader(REP));
    const trace = [0x00000005, 0x7f000001, 0x8000abcd];
    t.peer.send(words(trace, "hi"));
    assert.equal(text(await within(2000, t.rep.recv())), "hi");
    await t.rep.send("yo");
    assert.deepEqual(await t.peer.recv(), words(trace, "yo"));
    // the plainest request: only the request id
    t.peer.send(words([0x80000001], ""));
    assert.equal((await within(2000, t.rep.recv())).length, 0);
    await t.rep.send("empty body answered");
    assert.deepEqual(await t.peer.recv(), words([0x80000001], "empty body answered"));
  } finally {
    await t.close();
  }
});

test("sp.Rep drops a request with more than maxTtl backtrace words and keeps the connection [SP-REP-2]", async () => {
  const t = await rawReq();
  try {
    const hops = (n: number) => [...Array.from({ length: n - 1 }, (_, i) => i + 1), 0x80000042];
    t.peer.send(words(hops(9), "nine"));
    t.peer.send(words(hops(8), "eight"));
    assert.equal(text(await within(2000, t.rep.recv())), "eight");
    assert.equal(t.rep.stats.dropped, 1);
    await t.rep.send("ok");
    assert.deepEqual(await t.peer.recv(), words(hops(8), "ok"));
    assert.equal(t.peer.isEnded, false);
  } finally {
    await t.close();
  }
});

test("sp.Rep honours a smaller maxTtl [SP-REP-2]", async () => {
  const t = await rawReq({ maxTtl: 2 });
  try {
    t.peer.send(words([1, 2, 0x80000001], "three"));
    t.peer.send(words([1, 0x80000002], "two"));
    assert.equal(text(await within(2000, t.rep.recv())), "two");
    assert.equal(t.rep.stats.dropped, 1);
  } finally {
    await t.close();
  }
});

for (
  const [what, body] of [
    ["no word with bit 31 set", words([1, 2, 3], "")],
    ["fewer than 4 bytes", new Uint8Array([0x80, 0, 1])],
    ["an empty message", new Uint8Array(0)],
  ] as const
) {
  test(`sp.Rep closes the pipe of a peer whose request has ${what} [SP-REP-3]`, async () => {
    const t = await rawReq();
    try {
      const error = t.rep.monitor.next("protocol-error");
      // checked on arrival, as NNG does: no receive is waiting when the pipe closes
      t.peer.send(body);
      await t.peer.closedByPeer();
      const quiet = expectQuiet(t.rep, 150); // and nothing reaches the user
      assert.match((await within(2000, error)).reason, /request id/);
      assert.equal(t.rep.stats.protocolErrors, 1);
      await quiet;
    } finally {
      await t.close();
    }
  });
}

test("sp.Rep send without an unanswered request fails with ESTATE [SP-REP-4]", async () => {
  const rep = new Rep();
  const req = new Req();
  try {
    await assert.rejects(rep.send("too early"), code("ESTATE"));
    await marry(rep, req, listenUrl("inproc", "rep-estate"));
    await req.send("q");
    await within(1000, rep.recv());
    await rep.send("a");
    await assert.rejects(rep.send("twice"), code("ESTATE"));
    assert.equal(text(await within(1000, req.recv())), "a");
  } finally {
    await req.close();
    await rep.close();
  }
});

test("sp.Rep: a new recv abandons the unanswered request [SP-REP-5]", async () => {
  const rep = new Rep();
  const first = new Req();
  const second = new Req();
  try {
    const url = await marry(rep, first, listenUrl("inproc", "rep-abandon"));
    const connected = second.monitor.next("connected");
    await second.dial(url);
    await within(1000, connected);
    await first.send("from first");
    await delay(5);
    await second.send("from second");
    assert.equal(text(await within(1000, rep.recv())), "from first");
    assert.equal(text(await within(1000, rep.recv())), "from second");
    await rep.send("answer");
    assert.equal(text(await within(1000, second.recv())), "answer");
    await expectQuiet(first, 30);
    await assert.rejects(rep.send("again"), code("ESTATE"));
  } finally {
    await first.close();
    await second.close();
    await rep.close();
  }
});

test("sp.Rep: a reply to a peer that has gone succeeds and is discarded [SP-REP-6]", async () => {
  const t = await rawReq();
  try {
    t.peer.send(words([0x80000007], "q"));
    await within(2000, t.rep.recv());
    const gone = t.rep.monitor.next("disconnected");
    await t.peer.close();
    await within(2000, gone);
    await within(500, t.rep.send("nobody listens"));
    assert.equal(t.rep.stats.dropped, 1);
  } finally {
    await t.close();
  }
});

for (const transport of ["inproc", "tcp"] as const) {
  test(`sp.Rep fair-queues requests and answers each peer (${transport}) [SP-REP-7]`, async () => {
    const rep = new Rep();
    const reqs = [new Req(), new Req(), new Req()];
    try {
      const url = await marry(rep, reqs[0]!, listenUrl(transport, "rep-fq"));
      for (const req of reqs.slice(1)) {
        const connected = req.monitor.next("connected");
        await req.dial(url);
        await within(2000, connected);
      }
      for (let round = 0; round < 3; round++) {
        await Promise.all(reqs.map((r, i) => r.send(`${i}:${round}`)));
        const seen = new Set<string>();
        for (let k = 0; k < reqs.length; k++) {
          const msg = text(await within(2000, rep.recv()));
          seen.add(msg.split(":")[0]!);
          await rep.send(`re ${msg}`);
        }
        assert.equal(seen.size, 3, "one request from each peer per round");
        const answers = await Promise.all(reqs.map((r) => within(2000, r.recv())));
        answers.forEach((a, i) => assert.equal(text(a), `re ${i}:${round}`));
      }
    } finally {
      await Promise.all(reqs.map((r) => r.close()));
      await rep.close();
    }
  });
}

test("sp.Rep keeps serving other peers while one floods it [SP-REP-7]", async () => {
  const t = await rawReq();
  const req = new Req();
  try {
    const connected = req.monitor.next("connected");
    await req.dial(t.url);
    await within(2000, connected);
    for (let i = 0; i < 50; i++) t.peer.send(words([0x80000000 + i], `flood ${i}`));
    await delay(20);
    await req.send("polite");
    await delay(20); // let it arrive: the loop below never waits for I/O
    let served = false;
    for (let i = 0; i < 51 && !served; i++) {
      const msg = text(await within(2000, t.rep.recv()));
      await t.rep.send("ok");
      if (msg === "polite") {
        served = true;
        assert.ok(i < 5, `the polite request waited behind ${i} flood requests`);
      }
    }
    assert.ok(served);
    assert.equal(text(await within(2000, req.recv())), "ok");
    await until(() => t.peer.pending > 0, 2000, "flooder answered too");
  } finally {
    await req.close();
    await t.close();
  }
});
