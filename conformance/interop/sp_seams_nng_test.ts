/**
 * Contexts, raw sockets and devices against NNG (nngcat 1.5.2): a REQ with 100 contexts
 * outstanding against one nngcat REP, a REP with 8 contexts serving 8 nngcat REQs at once, and
 * REQ → device → device → REP with NNG at either end. Deno and Bun.
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { sp } from "../../mod.ts";
import { within } from "../../testing/async.ts";
import {
  DEADLINE,
  peerCaseOptions,
  PeerProcess,
  printedMessages,
  requirePeer,
  text,
  uniqueTag,
} from "./_peers.ts";

const OPTIONS = peerCaseOptions("nngcat");

/** A port nobody listens on now (asked of the OS, then let go). */
async function freePort(): Promise<number> {
  await using probe = new sp.Pull();
  const { url } = await probe.listen("tcp://127.0.0.1:0");
  return Number(url.slice(url.lastIndexOf(":") + 1));
}

/** Runs `body` with nngcat processes started from `argv`, killing them all afterwards. */
async function withNngcats<T>(
  argv: readonly (readonly string[])[],
  body: (peers: PeerProcess[]) => Promise<T>,
): Promise<T> {
  const peers = argv.map((args) => new PeerProcess(requirePeer("nngcat"), args));
  try {
    return await body(peers);
  } finally {
    await Promise.all(peers.map((p) => p.kill()));
  }
}

test(
  "a REQ with 100 contexts has 100 requests outstanding against nngcat --rep0, each context gets its reply [SP-CTX-1]",
  OPTIONS,
  async () => {
    const tag = uniqueTag();
    await using req = new sp.Req({ reconnectIvl: 20 });
    // nngcat listens and we dial it: its REP answers each request with --data, one after another
    const url = `tcp://127.0.0.1:${await freePort()}`;
    await withNngcats(
      [["--rep0", "--listen", url, "--data", `pong ${tag}`, "--quoted"]],
      async ([rep]) => {
        await req.dial(url);
        const contexts = Array.from({ length: 100 }, () => req.context());
        try {
          // every request is sent (and so outstanding) before the first reply can be read
          await Promise.all(contexts.map((c, i) => c.send(`ping ${tag} ${i}`)));
          const replies = await within(
            4 * DEADLINE,
            Promise.all(contexts.map((c) => c.recv())),
            "100 replies",
          );
          assert.deepEqual(replies.map(text), contexts.map(() => `pong ${tag}`));
          await rep!.waitForLines(100, DEADLINE, "nngcat printing 100 requests");
          const asked = printedMessages(rep!).map(text);
          assert.deepEqual(
            [...asked].sort(),
            contexts.map((_, i) => `ping ${tag} ${i}`).sort(),
            "each context's request reached NNG once",
          );
          assert.equal(req.stats.dropped, 0, "no reply was left unmatched");
        } finally {
          for (const c of contexts) c.close();
        }
      },
    );
  },
);

test(
  "a REP with 8 contexts answers 8 concurrent nngcat --req0 clients, each with its own reply [SP-CTX-2]",
  OPTIONS,
  async () => {
    const tag = uniqueTag();
    await using rep = new sp.Rep();
    const { url } = await rep.listen("tcp://127.0.0.1:0");
    const workers = Array.from({ length: 8 }, () => rep.context());
    const argv = workers.map((_, i) => [
      "--req0",
      "--dial",
      url,
      "--data",
      `${tag} client ${i}`,
      "--quoted",
    ]);
    try {
      await withNngcats(argv, async (clients) => {
        // all eight requests are taken before any is answered; answers go in reverse order
        const requests = await within(
          2 * DEADLINE,
          Promise.all(workers.map((w) => w.recv())),
          "8 requests",
        );
        for (let i = workers.length - 1; i >= 0; i--) {
          await workers[i]!.send(`answer to ${text(requests[i]!)}`);
        }
        for (const [i, client] of clients.entries()) {
          await client.waitForLines(1, DEADLINE, `client ${i} printing its answer`);
          assert.deepEqual(printedMessages(client).map(text), [`answer to ${tag} client ${i}`]);
        }
      });
    } finally {
      for (const w of workers) w.close();
    }
  },
);

/** Two devices in a row: clients dial `front`, servers dial `back`. */
async function twoDevices(): Promise<{
  front: string;
  back: string;
  close(): Promise<void>;
}> {
  const sockets = [
    new sp.Rep({ raw: true }),
    new sp.Req({ raw: true }),
    new sp.Rep({ raw: true }),
    new sp.Req({ raw: true }),
  ];
  const [front1, back1, front2, back2] = sockets as [sp.Rep, sp.Req, sp.Rep, sp.Req];
  const front = (await front1.listen("tcp://127.0.0.1:0")).url;
  const middle = (await front2.listen("tcp://127.0.0.1:0")).url;
  const back = (await back2.listen("tcp://127.0.0.1:0")).url;
  await back1.dial(middle);
  const running = [sp.device(front1, back1), sp.device(front2, back2)];
  return {
    front,
    back,
    async close() {
      for (const s of sockets) await s.close({ linger: 0 });
      await Promise.all(running);
    },
  };
}

test("nngcat REQ → device → device → nngcat REP [SP-DEV-1, SP-DEV-2]", OPTIONS, async () => {
  const tag = uniqueTag();
  const devices = await twoDevices();
  try {
    await withNngcats([
      ["--rep0", "--dial", devices.back, "--data", `pong ${tag}`, "--quoted"],
      ["--req0", "--dial", devices.front, "--data", `ping ${tag}`, "--quoted"],
    ], async ([rep, req]) => {
      await req!.waitForLines(1, 2 * DEADLINE, "the NNG client printing its reply");
      assert.deepEqual(printedMessages(req!).map(text), [`pong ${tag}`]);
      assert.deepEqual(printedMessages(rep!).map(text), [`ping ${tag}`]);
    });
  } finally {
    await devices.close();
  }
});

test(
  "edgemq REQ → device → device → nngcat REP, and nngcat REQ → device → device → edgemq REP [SP-DEV-1, SP-DEV-2]",
  OPTIONS,
  async () => {
    const tag = uniqueTag();
    const devices = await twoDevices();
    try {
      await withNngcats(
        [["--rep0", "--dial", devices.back, "--data", `pong ${tag}`, "--quoted"]],
        async () => {
          await using req = new sp.Req({ reconnectIvl: 20 });
          await req.dial(devices.front);
          await req.send(`ping ${tag}`);
          assert.equal(
            text(await within(2 * DEADLINE, req.recv(), "reply via NNG")),
            `pong ${tag}`,
          );
        },
      );
      await using rep = new sp.Rep({ reconnectIvl: 20 });
      await rep.dial(devices.back);
      await withNngcats(
        [["--req0", "--dial", devices.front, "--data", `ask ${tag}`, "--quoted"]],
        async ([req]) => {
          assert.equal(text(await within(2 * DEADLINE, rep.recv(), "NNG's request")), `ask ${tag}`);
          await rep.send(`answer ${tag}`);
          await req!.waitForLines(1, DEADLINE, "the NNG client printing its reply");
          assert.deepEqual(printedMessages(req!).map(text), [`answer ${tag}`]);
        },
      );
    } finally {
      await devices.close();
    }
  },
);

test(
  "a polyamorous PAIR1 serves two nngcat --pair1 peers, answering each by its pipe id [SP-PAIR1-5]",
  OPTIONS,
  async () => {
    const tag = uniqueTag();
    await using hub = new sp.Pair1({ polyamorous: true });
    const { url } = await hub.listen("tcp://127.0.0.1:0");
    const argv = [0, 1].map((i) => [
      "--pair1",
      "--dial",
      url,
      "--data",
      `${tag} peer ${i}`,
      "--quoted",
      "--interval",
      "1",
    ]);
    await withNngcats(argv, async (peers) => {
      const pipes = new Map<string, number>();
      while (pipes.size < 2) {
        const { pipe, data } = await within(2 * DEADLINE, hub.recvFrom(), "a peer's message");
        pipes.set(text(data), pipe);
      }
      for (const [i, peer] of peers.entries()) {
        await hub.sendTo(pipes.get(`${tag} peer ${i}`)!, `answer to ${i}`);
        await peer.waitForLines(1, DEADLINE, `peer ${i} printing its answer`);
        assert.deepEqual(printedMessages(peer).map(text), [`answer to ${i}`]);
      }
    });
  },
);
