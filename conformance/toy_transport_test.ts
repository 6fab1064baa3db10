/**
 * The transport seam, used as a stranger would: this file registers a transport of its own — an
 * in-memory byte pipe that splits every write into random pieces and delivers them late — and
 * runs SP and ZeroMQ sockets over it. Nothing in `protocols/` or `transports/` knows about it.
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { sp, zmq } from "../mod.ts";
import { MqError } from "../protocols/errors.ts";
import {
  type ConnectionTransport,
  type Endpoint,
  registerTransport,
} from "../transports/registry.ts";
import type { AcceptHandler, Connection, Listener } from "../transports/transport.ts";
import { within } from "../testing/async.ts";

/** A tiny seeded generator (mulberry32), so a failing split can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One end of an in-memory byte pipe that cuts writes into random pieces. */
class ToyEnd implements Connection {
  onDrain: () => void = () => {};
  onClose: (err?: Error) => void = () => {};
  readonly closed: Promise<void>;
  readonly remote: string;
  other!: ToyEnd;

  #onData: ((chunk: Uint8Array) => void) | undefined;
  #incoming: Uint8Array[] = []; // pieces the other end wrote, not yet delivered here
  #unread = 0; // bytes this end wrote that the other has not delivered yet
  #paused = false;
  #scheduled = false;
  #isClosed = false;
  #rand: () => number;
  #settle!: () => void;

  constructor(remote: string, rand: () => number) {
    this.remote = remote;
    this.#rand = rand;
    this.closed = new Promise((resolve) => (this.#settle = resolve));
  }

  get onData(): ((chunk: Uint8Array) => void) | undefined {
    return this.#onData;
  }

  set onData(handler: ((chunk: Uint8Array) => void) | undefined) {
    this.#onData = handler;
    this.#schedule();
  }

  get buffered(): number {
    return this.#unread;
  }

  unread(bytes: Uint8Array): void {
    if (this.#isClosed || bytes.length === 0) return;
    this.#incoming.unshift(bytes);
    this.other.#unread += bytes.length; // delivered again, so counted again
    this.#schedule();
  }

  write(bytes: Uint8Array): void {
    if (this.#isClosed || this.other.#isClosed || bytes.length === 0) return;
    const copy = bytes.slice(); // callers may reuse small buffers once write returns
    for (let at = 0; at < copy.length;) {
      const size = 1 + Math.floor(this.#rand() * Math.min(copy.length - at, 700));
      this.other.#incoming.push(copy.subarray(at, at + size));
      at += size;
    }
    this.#unread += copy.length;
    this.other.#schedule();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  close(): void {
    if (this.#isClosed) return;
    this.#end();
    this.other.#end();
  }

  #end(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#incoming = [];
    setTimeout(() => {
      this.onClose();
      this.#settle();
    }, 0);
  }

  #schedule(): void {
    if (this.#scheduled || this.#incoming.length === 0) return;
    this.#scheduled = true;
    setTimeout(() => this.#deliver(), 0); // a macrotask: later than any microtask
  }

  #deliver(): void {
    this.#scheduled = false;
    let delivered = 0;
    // a few pieces per turn, so that messages really arrive across many reads
    for (let n = 1 + Math.floor(this.#rand() * 4); n > 0; n--) {
      const handler = this.#onData;
      if (this.#isClosed || this.#paused || handler === undefined) break;
      const piece = this.#incoming.shift();
      if (piece === undefined) break;
      delivered += piece.length;
      handler(piece);
    }
    const writer = this.other;
    writer.#unread -= delivered;
    if (delivered > 0 && writer.#unread === 0) writer.onDrain();
    this.#schedule();
  }
}

interface ToyEndpoint extends Endpoint {
  readonly name: string;
}

/** The toy transport under scheme `scheme`; `seed` fixes how writes are cut. */
function toyTransport(scheme: string, seed: number): ConnectionTransport<ToyEndpoint> {
  const listeners = new Map<string, AcceptHandler>();
  const rand = random(seed);
  return {
    scheme,
    kind: "connection",
    traits: { framing: "stream" },
    parse(rest, url) {
      if (rest === "") throw new MqError("EINVAL", `${url} has no name`);
      return { scheme, url, name: rest };
    },
    dial(ep) {
      const accept = listeners.get(ep.name);
      if (accept === undefined) {
        return Promise.reject(new MqError("ECONNREFUSED", `nobody listens at ${ep.url}`));
      }
      const mine = new ToyEnd(ep.url, rand);
      const theirs = new ToyEnd(`${ep.url}#dialer`, rand);
      mine.other = theirs;
      theirs.other = mine;
      queueMicrotask(() => accept(theirs));
      return Promise.resolve(mine);
    },
    listen(ep, accept): Promise<Listener> {
      if (listeners.has(ep.name)) {
        return Promise.reject(new MqError("EADDRINUSE", `${ep.url} is taken`));
      }
      listeners.set(ep.name, accept);
      return Promise.resolve({
        url: ep.url,
        close: () => Promise.resolve(void listeners.delete(ep.name)),
      });
    },
  };
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A message of `size` bytes whose content depends on `tag`. */
function payload(size: number, tag: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + tag) & 0xff;
  return out;
}

test("a registered toy transport carries SP REQ/REP, whatever the cut of its writes [CORE-REG-1, CORE-REG-2]", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer(),
      fc.array(fc.integer({ min: 0, max: 20000 }), { minLength: 1, maxLength: 4 }),
      async (seed, sizes) => {
        const unregister = registerTransport(toyTransport("toy", seed));
        try {
          await using rep = new sp.Rep();
          await using req = new sp.Req();
          await rep.listen("toy://server");
          await req.dial("toy://server");
          for (const [i, size] of sizes.entries()) {
            const request = payload(size, i);
            await req.send(request);
            const got = await within(5000, rep.recv(), "request over toy");
            assert.deepEqual(got, request);
            await rep.send(got);
            assert.deepEqual(await within(5000, req.recv(), "reply over toy"), request);
          }
        } finally {
          unregister();
        }
      },
    ),
    { numRuns: 8 },
  );
});

test("a registered toy transport carries ZeroMQ DEALER/ROUTER and PUB/SUB [CORE-REG-1, CORE-REG-2]", async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer(), async (seed) => {
      const unregister = registerTransport(toyTransport("toyz", seed));
      try {
        await using router = new zmq.Router();
        await using dealer = new zmq.Dealer({ routingId: "d1" });
        await router.bind("toyz://broker");
        await dealer.connect("toyz://broker");
        const big = payload(3000, 7);
        await dealer.send(["hello", big]);
        const [who, hello, body] = await within(5000, router.recv(), "dealer message");
        assert.equal(text(who!), "d1");
        assert.equal(text(hello!), "hello");
        assert.deepEqual(body, big);
        await router.send([who!, "world"]);
        assert.deepEqual((await within(5000, dealer.recv(), "router reply")).map(text), ["world"]);

        await using pub = new zmq.Pub();
        await using sub = new zmq.Sub();
        sub.subscribe("news");
        await pub.bind("toyz://feed");
        await sub.connect("toyz://feed");
        // the subscription travels over the toy pipe too: publish until it has arrived
        const got = within(5000, sub.recv(), "a published message");
        const ticker = setInterval(() => {
          void pub.send(["weather", "rain"]);
          void pub.send(["news", "today"]);
        }, 5);
        try {
          assert.deepEqual((await got).map(text), ["news", "today"]);
        } finally {
          clearInterval(ticker);
        }
      } finally {
        unregister();
      }
    }),
    { numRuns: 4 },
  );
});

test("an unknown scheme fails with EINVAL naming the registered ones; a taken scheme cannot be registered [CORE-REG-2]", async () => {
  await using req = new sp.Req();
  await assert.rejects(req.dial("toy://nowhere"), (e: unknown) => {
    assert.ok(e instanceof MqError && e.code === "EINVAL");
    assert.match(e.message, /unsupported scheme "toy".*inproc, ipc, tcp/);
    return true;
  });
  assert.throws(
    () => registerTransport(toyTransport("tcp", 1)),
    (e: unknown) => e instanceof MqError && e.code === "EADDRINUSE",
  );
  const unregister = registerTransport(toyTransport("toy", 1));
  unregister();
  await assert.rejects(req.dial("toy://again"), /unsupported scheme/);
});

test("no module of protocols/ imports a particular transport [CORE-REG-1]", () => {
  const root = fileURLToPath(new URL("../protocols/", import.meta.url));
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        const source = readFileSync(path, "utf8");
        if (/from\s+"[./]*\/transports\/(tcp|ipc|inproc)\.ts"/.test(source)) offenders.push(path);
      }
    }
  };
  walk(root);
  assert.deepEqual(offenders, []);
});
