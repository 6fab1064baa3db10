/**
 * Fault: the REP server is killed (SIGKILL) and restarted at the same address a few times while
 * a client keeps asking. Every request and every reply is counted, and each reply must be its own
 * request's: the server echoes, and edgemq's child puts its incarnation in front.
 *
 * - SP: `sp.Req` resends by itself (at once when the pipe a request went on goes away, and every
 *   `resendTime`), so the client code just sends and receives; four contexts keep four requests
 *   in flight at once.
 * - ZMTP: a REQ does not resend (RFC 28, libzmq). The client does what the ZeroMQ guide's "lazy
 *   pirate" does, without closing the socket: `zmq.Req` with `relaxed` (send again while a reply
 *   is due) and `correlate` (only the reply to the latest try is taken), and a new try after a
 *   short wait.
 *
 * The server is edgemq on this runtime, and where installed pynng (NNG 1.11) for SP and pyzmq
 * (libzmq) for ZMTP.
 *
 * @module
 */
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../../mod.ts";
import { MqError } from "../../protocols/errors.ts";
import { until } from "../../testing/async.ts";
import {
  killRep,
  repCaseOptions,
  type RepKind,
  type RepServer,
  requestsSeen,
  startRep,
  text,
  wireOf,
  withDeadline,
} from "./_faults.ts";

/** ms edgemq's REP waits before each reply, so that a kill often lands between request and reply. */
const DELAY = 2;

/** What one run counted. */
interface Tally {
  /** Requests asked (each once by the client code). */
  asked: number;
  /** Replies received, by request. */
  replies: Map<string, string>;
  /** Tries after the first (ZMTP's client-side retries). */
  retries: number;
}

/** One request-reply client that survives its server's restarts. */
type Client = (tally: Tally, n: number) => Promise<void>;

/** SP: four contexts, each sending and receiving; `sp.Req` resends on its own. */
function spClient(url: string): { run: Client; close(): Promise<void> } {
  const req = new sp.Req({ resendTime: 1000, reconnectIvl: 20 });
  const dialing = req.dial(url);
  return {
    async run(tally, n) {
      await dialing;
      let next = 0;
      await Promise.all(Array.from({ length: 4 }, async () => {
        await using ctx = req.context();
        while (next < n) {
          const request = `request ${next++}`;
          tally.asked++;
          await ctx.send(request);
          const reply = await withDeadline(15_000, (signal) => ctx.recv({ signal }), request);
          tally.replies.set(request, text(reply));
        }
      }));
    },
    close: () => req.close(),
  };
}

/** ZMTP: one relaxed, correlating REQ that tries again after 300 ms without a reply. */
function zmqClient(url: string): { run: Client; close(): Promise<void> } {
  const req = new zmq.Req({ relaxed: true, correlate: true, reconnectIvl: 20 });
  const connecting = req.connect(url);
  return {
    async run(tally, n) {
      await connecting;
      for (let i = 0; i < n; i++) {
        const request = `request ${i}`;
        tally.asked++;
        const end = Date.now() + 15_000;
        for (let tries = 0;; tries++) {
          if (tries > 0) tally.retries++;
          await req.send(request);
          try {
            const reply = await withDeadline(300, (signal) => req.recv({ signal }));
            tally.replies.set(request, reply.map(text).join("|"));
            break;
          } catch (e) {
            if (e instanceof MqError || Date.now() > end) throw e;
          }
        }
      }
    },
    close: () => req.close(),
  };
}

/**
 * Runs `n` requests while the server is killed and restarted `kills` times, each time after
 * another share of the replies has come; returns the count and every incarnation of the server.
 */
async function askThroughRestarts(
  kind: RepKind,
  n: number,
  kills: number,
): Promise<{ tally: Tally; servers: RepServer[] }> {
  const servers = [await startRep(kind, "tcp://127.0.0.1:0", "0", DELAY)];
  const url = servers[0]!.url;
  const client = wireOf(kind) === "sp" ? spClient(url) : zmqClient(url);
  const tally: Tally = { asked: 0, replies: new Map(), retries: 0 };
  try {
    const asking = client.run(tally, n);
    let failed = false;
    asking.catch(() => (failed = true));
    for (let k = 1; k <= kills; k++) {
      const share = Math.floor((n * k) / (kills + 1));
      await until(() => tally.replies.size >= share || failed, 20_000, `${share} replies`);
      if (failed) break;
      await killRep(servers.at(-1)!);
      servers.push(await startRep(kind, url, String(k), DELAY));
    }
    await asking;
  } finally {
    await client.close();
    for (const server of servers) await killRep(server);
  }
  return { tally, servers };
}

/** Checks that every request got exactly its own reply, and from a server that was running. */
function checkReplies(tally: Tally, servers: RepServer[], n: number): void {
  assert.equal(tally.asked, n, "requests asked");
  assert.equal(tally.replies.size, n, "replies received");
  for (const [request, reply] of tally.replies) {
    const from = servers.find((s) => s.reply(request) === reply);
    assert.ok(from !== undefined, `reply ${JSON.stringify(reply)} to ${JSON.stringify(request)}`);
  }
}

const CASES: [RepKind, number, number][] = [
  ["edgemq-sp", 160, 3],
  ["edgemq-zmq", 120, 3],
  ["pynng", 90, 2],
  ["pyzmq", 90, 2],
];

describe("fault: a REP killed and restarted while requests flow", () => {
  for (const [kind, n, kills] of CASES) {
    const how = wireOf(kind) === "sp" ? "sp.Req resends" : "zmq.Req relaxed+correlate, retried";
    test(
      `${kind} killed ${kills} times: all ${n} requests answered, each with its own reply (${how}) [FAULT-RESTART-1]`,
      repCaseOptions(kind),
      async () => {
        const { tally, servers } = await askThroughRestarts(kind, n, kills);
        checkReplies(tally, servers, n);
        if (kind.startsWith("edgemq")) {
          // every incarnation answered, and printed each request it answered before answering it
          const seen = servers.map(requestsSeen);
          for (const [request, reply] of tally.replies) {
            const tag = Number(reply.slice(0, reply.indexOf(":")));
            assert.ok(
              seen[tag]!.includes(request),
              `${request} answered by ${tag}, not seen there`,
            );
          }
          const tags = new Set([...tally.replies.values()].map((r) => r.slice(0, r.indexOf(":"))));
          assert.equal(tags.size, kills + 1, `incarnations that answered: ${[...tags]}`);
          const received = seen.reduce((sum, s) => sum + s.length, 0);
          assert.ok(received >= n, `the servers received ${received} requests`);
          console.log(
            `FAULT restart ${kind}: ${n} requests, ${tally.replies.size} replies, ${kills} kills, ` +
              `${received} requests received by the servers, ${tally.retries} client retries`,
          );
        }
      },
    );
  }
});
