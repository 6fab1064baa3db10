/**
 * The soak's lanes: one messaging pattern of one family over one transport. A lane keeps its
 * server socket for the whole run and runs sessions one after another; each session opens fresh
 * client sockets (a peer that reconnects), exchanges self-checking messages, checks every count,
 * and closes them again. Every fourth session of a PUSH/PULL lane also restarts the server at the
 * same address, so the dialers' automatic reconnection is exercised too.
 *
 * @module
 */
import { within } from "../../testing/async.ts";
import { makePayload, pickSize, readPayload } from "./_payload.ts";
import { type Family, makeSocket, type SoakSocket } from "./_sockets.ts";

/** Bound on any single wait of a session: far above a healthy run's, low enough to end a hang. */
export const OP_MS = 20_000;

/** What a lane counted. */
export interface Tally {
  sessions: number;
  /** Client sockets opened (each a new connection to the server). */
  reconnects: number;
  /** Server restarts at the same address. */
  restarts: number;
  sent: number;
  received: number;
  requests: number;
  answered: number;
}

/** The patterns. */
export type Pattern = "reqrep" | "pushpull" | "pubsub" | "dealerrouter";
/** The transports. */
export type TransportName = "tcp" | "ipc" | "inproc";

/**
 * One lane. {@linkcode Lane.session} throws when a check fails.
 *
 * @example
 * ```ts ignore
 * const lane = new Lane("sp", "reqrep", "inproc", "x");
 * await lane.start();
 * await lane.session(Math.random);
 * await lane.stop();
 * ```
 */
export class Lane {
  readonly name: string;
  readonly tally: Tally = {
    sessions: 0,
    reconnects: 0,
    restarts: 0,
    sent: 0,
    received: 0,
    requests: 0,
    answered: 0,
  };
  readonly #family: Family;
  readonly #pattern: Pattern;
  readonly #listenAt: string;
  #url = "";
  #server: SoakSocket | undefined;
  #serverLoop: Promise<void> = Promise.resolve();
  #serverError: unknown;
  // PUSH/PULL: next sequence number expected from each sender
  readonly #expected = new Map<number, number>();
  #sender = 0;

  constructor(family: Family, pattern: Pattern, transport: TransportName, tag: string) {
    this.#family = family;
    this.#pattern = pattern;
    this.name = `${family} ${pattern} ${transport}`;
    const slug = `${family}-${pattern}-${tag}`;
    this.#listenAt = transport === "tcp"
      ? "tcp://127.0.0.1:0"
      : transport === "ipc"
      ? `ipc:///tmp/edgemq-soak-${slug}.ipc`
      : `inproc://soak-${slug}`;
  }

  /** Opens the server socket. */
  async start(): Promise<void> {
    const role = SERVER_ROLE[this.#pattern];
    const server = makeSocket(this.#family, role);
    this.#server = server;
    // a restart binds the very address the clients dial
    this.#url = await server.listen(this.#url === "" ? this.#listenAt : this.#url);
    if (role !== "pub") {
      this.#serverLoop = this.#serve(server).catch((e) => void (this.#serverError ??= e));
    }
  }

  /** Closes the server socket and waits for its loop to end. */
  async stop(): Promise<void> {
    await this.#server?.close();
    await within(OP_MS, this.#serverLoop, `${this.name}: server loop end`);
    if (this.#serverError !== undefined) throw this.#serverError;
  }

  /** One session: fresh clients, checked traffic, clients closed. */
  async session(random: () => number): Promise<void> {
    if (this.#serverError !== undefined) throw this.#serverError;
    switch (this.#pattern) {
      case "reqrep":
        await Promise.all([this.#reqrep(random), this.#reqrep(random)]);
        break;
      case "pushpull":
        await this.#pushpull(random);
        if ((this.tally.sessions + 1) % 4 === 0) await this.#restart();
        break;
      case "pubsub":
        await this.#pubsub(random);
        break;
      case "dealerrouter":
        await this.#dealer(random);
        break;
    }
    this.tally.sessions++;
    // inproc sessions can run on promises alone: let timers and socket I/O of other lanes in
    await sleep(0);
  }

  async #restart(): Promise<void> {
    await this.stop();
    await this.start();
    this.tally.restarts++;
  }

  async #serve(server: SoakSocket): Promise<void> {
    for (;;) {
      let msg: Uint8Array[];
      try {
        msg = await server.recv();
      } catch (e) {
        if (server.closed) return; // ECLOSED at stop()
        throw e;
      }
      if (server.role === "rep" || server.role === "router") {
        await server.send(msg).catch((e) => {
          if (!server.closed) throw e;
        });
      } else if (server.role === "pull") {
        this.#pulled(msg);
      }
    }
  }

  #pulled(msg: Uint8Array[]): void {
    const p = readPayload(msg[0]!);
    if (p === undefined) throw new Error(`${this.name}: corrupt message`);
    const want = this.#expected.get(p.sender) ?? 0;
    if (p.seq !== want) {
      throw new Error(`${this.name}: sender ${p.sender} seq ${p.seq}, expected ${want}`);
    }
    this.#expected.set(p.sender, want + 1);
    this.tally.received++;
  }

  #client(role: "req" | "push" | "sub" | "dealer"): Promise<SoakSocket> {
    const s = makeSocket(this.#family, role);
    this.tally.reconnects++;
    return s.dial(this.#url).then(() => s, async (e) => {
      await s.close();
      throw e;
    });
  }

  async #reqrep(random: () => number): Promise<void> {
    const req = await this.#client("req");
    const sender = ++this.#sender;
    try {
      const count = 20 + Math.floor(random() * 40);
      for (let seq = 0; seq < count; seq++) {
        const msg = makePayload(sender, seq, pickSize(random));
        this.tally.requests++;
        await within(OP_MS, req.send([msg]), `${this.name}: send request`);
        const reply = await within(OP_MS, req.recv(), `${this.name}: reply`);
        const p = readPayload(reply[0]!);
        if (reply.length !== 1 || p?.sender !== sender || p.seq !== seq) {
          throw new Error(`${this.name}: reply does not match request ${sender}/${seq}`);
        }
        this.tally.answered++;
        if (seq % 16 === 15) await sleep(0); // see session()
      }
    } finally {
      await req.close();
    }
  }

  async #pushpull(random: () => number): Promise<void> {
    const push = await this.#client("push");
    const sender = ++this.#sender;
    const count = 100 + Math.floor(random() * 200);
    try {
      for (let seq = 0; seq < count; seq++) {
        await within(OP_MS, push.send([makePayload(sender, seq, pickSize(random))]), "push");
        this.tally.sent++;
        if (seq % 16 === 15) await sleep(0); // see session()
      }
      await waitFor(() => (this.#expected.get(sender) ?? 0) === count, `${this.name}: all pulled`);
      this.#expected.delete(sender);
    } finally {
      await push.close();
    }
  }

  async #pubsub(random: () => number): Promise<void> {
    const pub = this.#server!;
    const sub = await this.#client("sub");
    const sender = ++this.#sender;
    const count = 100 + Math.floor(random() * 200);
    let got = -1; // -1: no probe seen yet
    const reading = (async () => {
      while (got < count) {
        const p = readPayload((await sub.recv())[0]!);
        if (p === undefined) throw new Error(`${this.name}: corrupt message`);
        if (p.sender === 0) { // a probe
          if (got < 0) got = 0;
          continue;
        }
        if (p.sender !== sender || p.seq !== got) {
          throw new Error(`${this.name}: got ${p.sender}/${p.seq}, expected ${sender}/${got}`);
        }
        got++;
        this.tally.received++;
      }
    })();
    reading.catch(() => {}); // awaited below
    try {
      // a subscriber misses what is published before its subscription arrives: probe until then
      const end = Date.now() + OP_MS;
      while (got < 0) {
        if (Date.now() > end) throw new Error(`${this.name}: subscriber never joined`);
        await pub.send([makePayload(0, 0, 0)]);
        await sleep(2);
      }
      for (let seq = 0; seq < count; seq++) {
        // PUB never waits and drops above the high-water mark: keep well below it
        if (seq - got > 300) await waitFor(() => seq - got <= 100, `${this.name}: sub catches up`);
        await pub.send([makePayload(sender, seq, pickSize(random))]);
        this.tally.sent++;
      }
      await within(OP_MS, reading, `${this.name}: all received`);
    } finally {
      await sub.close();
      await reading.catch(() => {});
    }
  }

  async #dealer(random: () => number): Promise<void> {
    const dealer = await this.#client("dealer");
    const sender = ++this.#sender;
    const count = 50 + Math.floor(random() * 100);
    try {
      for (let seq = 0; seq < count; seq += 5) {
        const batch = Math.min(5, count - seq);
        for (let i = 0; i < batch; i++) {
          this.tally.requests++;
          await within(
            OP_MS,
            dealer.send([makePayload(sender, seq + i, pickSize(random))]),
            "send",
          );
        }
        for (let i = 0; i < batch; i++) {
          const echo = await within(OP_MS, dealer.recv(), `${this.name}: echo`);
          const p = readPayload(echo[0]!);
          if (echo.length !== 1 || p?.sender !== sender || p.seq !== seq + i) {
            throw new Error(`${this.name}: echo does not match ${sender}/${seq + i}`);
          }
          this.tally.answered++;
        }
      }
    } finally {
      await dealer.close();
    }
  }
}

const SERVER_ROLE = {
  reqrep: "rep",
  pushpull: "pull",
  pubsub: "pub",
  dealerrouter: "router",
} as const;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + OP_MS;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${OP_MS} ms`);
    await sleep(1);
  }
}
