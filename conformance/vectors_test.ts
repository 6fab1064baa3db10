// Replays ZMTP bytes captured between real ZeroMQ peers (conformance/vectors/*.json, see the README
// there) through edgemq's codecs under random chunkings, and one side's bytes to live edgemq
// sockets from a raw TCP client.
import { describe, test } from "../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { until, within } from "../testing/async.ts";
import { GreetingReader, type PeerGreeting } from "../protocols/zmtp/greeting.ts";
import { FrameDecoder } from "../protocols/zmtp/frame.ts";
import {
  parseCommand,
  parseMetadata,
  parseSubscriptionMessage,
} from "../protocols/zmtp/command.ts";
import { Pull, Req, Router } from "../protocols/zmtp/mod.ts";
import type { ZmqSocket } from "../protocols/zmtp/socket.ts";
import type { Connection } from "../transports/transport.ts";
import { tcpTransport } from "../transports/tcp.ts";
import { parseEndpoint } from "../transports/url.ts";

/** What the capture script stored for one direction. */
interface Expected {
  readonly messages: string[][];
  readonly subscriptions?: string[];
}
interface Observed {
  readonly greeting: Record<string, string | number | boolean>;
  readonly ready?: Record<string, string>;
  readonly v2Identity?: string;
  /** A ZMTP 3 sender that met a 2.0 peer: major byte 3, then 2.0 from byte 11 on. */
  readonly downgradedTo2?: boolean;
}
interface Side {
  readonly socketType: string;
  readonly identity?: string;
}
interface Vector {
  readonly id: string;
  readonly implementation: string;
  readonly version: string;
  readonly client: Side;
  readonly server: Side;
  readonly expect: { readonly clientToServer: Expected; readonly serverToClient: Expected };
  readonly observed: { readonly clientToServer: Observed; readonly serverToClient: Observed };
  readonly clientToServer: string;
  readonly serverToClient: string;
}

const DIR = join(import.meta.dirname ?? "conformance", "vectors");
const VECTORS: Vector[] = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort().map((f) =>
  JSON.parse(readFileSync(join(DIR, f), "utf8")) as Vector
);

/** ZMTP 2.0 socket-type numbers (RFC 15), written out here independently of socket_types.ts. */
const V2_TYPES: Record<string, number> = {
  PAIR: 0,
  PUB: 1,
  SUB: 2,
  REQ: 3,
  REP: 4,
  DEALER: 5,
  ROUTER: 6,
  PULL: 7,
  PUSH: 8,
};

const fromHex = (h: string): Uint8Array =>
  Uint8Array.from({ length: h.length / 2 }, (_, i) => parseInt(h.slice(2 * i, 2 * i + 2), 16));
const toHex = (b: Uint8Array): string =>
  [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const utf8 = (s: string): string => new TextDecoder().decode(fromHex(s));

/** Everything decoded from one direction. */
interface Decoded {
  greeting: PeerGreeting;
  ready?: Record<string, string>;
  v2Identity?: string;
  messages: string[][];
  subscriptions: string[];
  otherCommands: string[];
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated by the caller or not). */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    if (p > at) out.push(bytes.slice(at, p));
    at = Math.max(at, p);
  }
  if (at < bytes.length) out.push(bytes.slice(at));
  return out;
}

/**
 * Feeds `chunks` through GreetingReader, then FrameDecoder, the way the engine does. A sender
 * that `downgraded` to ZMTP 2.0 is read the way an engine that saw the peer's 2.0 revision byte
 * reads it: 12 greeting bytes (checked here), then 2.0 framing.
 */
function decode(chunks: Uint8Array[], sender: string, downgraded = false): Decoded {
  const reader = new GreetingReader();
  let decoder: FrameDecoder | undefined;
  const frames: Uint8Array[][] = [];
  const commands: Uint8Array[] = [];
  if (downgraded) return decodeDowngraded(chunks, sender);
  for (const c of chunks) {
    let rest = c;
    if (decoder === undefined) {
      const used = reader.push(c);
      rest = c.subarray(used);
      const r = reader.result;
      if (r === undefined) {
        assert.equal(rest.length, 0, "the greeting reader took the whole chunk");
        continue;
      }
      assert.ok(r.ok, `greeting refused: ${JSON.stringify(r)}`);
      decoder = new FrameDecoder({
        v2: r.greeting.version === 2,
        onMessage: (m) => frames.push(m.map((f) => f.slice())),
        onCommand: (body) => commands.push(body.slice()),
        onError: (reason) => assert.fail(`frame decoder: ${reason}`),
      });
    }
    if (rest.length > 0) decoder.push(rest);
  }
  const r = reader.result;
  assert.ok(r !== undefined && r.ok, "a whole greeting was read");
  assert.ok(decoder !== undefined && decoder.idle, "the stream ends on a frame boundary");
  return sort(r.greeting, frames, commands, sender);
}

function decodeDowngraded(chunks: Uint8Array[], sender: string): Decoded {
  const frames: Uint8Array[][] = [];
  const decoder = new FrameDecoder({
    v2: true,
    onMessage: (m) => frames.push(m.map((f) => f.slice())),
    onError: (reason) => assert.fail(`frame decoder: ${reason}`),
  });
  const head = new Uint8Array(12);
  let have = 0;
  for (const c of chunks) {
    const take = Math.min(12 - have, c.length);
    head.set(c.subarray(0, take), have);
    have += take;
    if (take < c.length) decoder.push(c.subarray(take));
  }
  assert.equal(have, 12, "a whole downgraded greeting");
  assert.equal(head[0], 0xff, "signature start");
  assert.equal(head[9], 0x7f, "signature end");
  assert.ok(decoder.idle, "the stream ends on a frame boundary");
  const greeting: PeerGreeting = { version: 2, major: head[10]!, socketType: head[11]! };
  return sort(greeting, frames, [], sender);
}

/** Sorts what was decoded into the identity, READY, subscriptions and messages. */
function sort(
  greeting: PeerGreeting,
  frames: Uint8Array[][],
  commands: Uint8Array[],
  sender: string,
): Decoded {
  const out: Decoded = { greeting, messages: [], subscriptions: [], otherCommands: [] };
  if (greeting.version === 2) {
    // a 2.0 peer starts with its identity (JeroMQ 0.3.6's PULL left it out towards libzmq)
    const first = frames.shift();
    if (first !== undefined) {
      assert.equal(first.length, 1, "the ZMTP 2.0 identity is one frame");
      out.v2Identity = toHex(first[0]!);
    }
  }
  for (const body of commands) {
    const c = parseCommand(body);
    assert.ok(c.ok, `bad command ${toHex(body)}`);
    if (c.name === "READY") {
      const m = parseMetadata(c.data);
      assert.ok(m.ok, "READY metadata parses");
      out.ready = Object.fromEntries([...m.metadata].map(([k, v]) => [k, toHex(v)]));
    } else if (c.name === "SUBSCRIBE") out.subscriptions.push(toHex(c.data));
    else out.otherCommands.push(c.name);
  }
  for (const m of frames) {
    if (sender === "SUB" && m.length === 1) {
      const s = parseSubscriptionMessage(m[0]!);
      if (s.ok) {
        if (s.subscribe) out.subscriptions.push(toHex(s.topic));
        continue;
      }
    }
    out.messages.push(m.map(toHex));
  }
  return out;
}

/** Checks one decoded direction against the vector's metadata. */
function check(d: Decoded, side: Side, expected: Expected, observed: Observed): void {
  const g = d.greeting;
  assert.deepEqual({ ...g }, observed.greeting, "greeting fields");
  if (g.version === 3) {
    assert.ok(d.ready !== undefined, "a READY command");
    assert.deepEqual(d.ready, observed.ready, "READY properties");
    assert.equal(utf8(d.ready["Socket-Type"] ?? ""), side.socketType, "Socket-Type");
    if (side.identity !== undefined) {
      assert.equal(utf8(d.ready["Identity"] ?? ""), side.identity, "Identity");
    }
  } else {
    assert.equal(g.socketType, V2_TYPES[side.socketType], "ZMTP 2.0 socket type");
    assert.equal(d.v2Identity, observed.v2Identity, "ZMTP 2.0 identity");
    if (side.identity !== undefined) assert.equal(utf8(d.v2Identity ?? ""), side.identity);
  }
  assert.deepEqual(d.messages, expected.messages, "messages");
  assert.deepEqual(d.subscriptions, expected.subscriptions ?? [], "subscriptions");
}

describe("captured ZMTP vectors decode [ZMTP-VEC-1]", () => {
  test("the vector set covers every captured implementation [ZMTP-VEC-0]", () => {
    const impls = new Set(VECTORS.map((v) => `${v.implementation} ${v.version}`));
    for (const want of ["libzmq 4.3.4", "libzmq 4.3.5", "JeroMQ 0.6.0", "zmq.rs 0.4.1"]) {
      assert.ok(impls.has(want), `vectors of ${want}`);
    }
    assert.ok(
      VECTORS.some((v) => v.observed.clientToServer.greeting.version === 2),
      "a ZMTP 2.0 vector",
    );
  });
  for (const v of VECTORS) {
    for (const dir of ["clientToServer", "serverToClient"] as const) {
      const side = dir === "clientToServer" ? v.client : v.server;
      test(`${v.id} ${dir}: greeting, READY, messages under random chunkings [ZMTP-VEC-1]`, () => {
        const bytes = fromHex(v[dir]);
        const down = v.observed[dir].downgradedTo2 === true;
        check(decode([bytes], side.socketType, down), side, v.expect[dir], v.observed[dir]);
        fc.assert(
          fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
            check(
              decode(chunk(bytes, cuts), side.socketType, down),
              side,
              v.expect[dir],
              v.observed[dir],
            );
          }),
          { numRuns: 60 },
        );
      });
    }
  }
});

// ---- replay to live sockets ---------------------------------------------------

/**
 * Plays a captured client's bytes to a live edgemq socket bound on tcp: the greeting in libzmq's
 * stages (signature, then the major version once the other signature is in, then the rest once
 * that major is in; ZMTP 2.0: signature, then the rest), then everything after the greeting once
 * edgemq's whole greeting arrived.
 */
async function replay(sock: ZmqSocket, bytes: Uint8Array): Promise<void> {
  const { url } = await sock.bind("tcp://127.0.0.1:0");
  const ep = parseEndpoint(url, "dial");
  if (ep.scheme !== "tcp") throw new Error(`expected a tcp endpoint, got ${url}`);
  const conn = await tcpTransport().dial(ep);
  let got = 0;
  conn.onData = (c) => (got += c.length);
  conn.onClose = () => {};
  try {
    const v2 = bytes[10]! < 3;
    const greetingEnd = v2 ? 12 : 64;
    conn.write(bytes.slice(0, 10));
    await until(() => got >= 10, 2000, "edgemq's signature");
    if (!v2) {
      conn.write(bytes.slice(10, 11));
      await until(() => got >= 11, 2000, "edgemq's major version");
    }
    conn.write(bytes.slice(v2 ? 10 : 11, greetingEnd));
    await until(() => got >= greetingEnd, 2000, "edgemq's whole greeting");
    conn.write(bytes.slice(greetingEnd));
  } catch (e) {
    conn.close();
    await conn.closed;
    throw e;
  }
  // the caller receives, then closes the connection through `closeRaw`
  rawConns.push(conn);
}

const rawConns: { close(): void; readonly closed: Promise<void> }[] = [];

async function closeRaw(): Promise<void> {
  for (const c of rawConns.splice(0)) {
    c.close();
    await c.closed;
  }
}

const pick = (id: string): Vector | undefined => VECTORS.find((v) => v.id === id);
const text = (frames: Uint8Array[]): string[] => frames.map((f) => new TextDecoder().decode(f));

describe("captured client bytes drive live edgemq sockets [ZMTP-VEC-2]", () => {
  for (
    const id of [
      "libzmq-4.3.4-dealer-router",
      "libzmq-4.3.5-dealer-router",
      "zmqrs-0.4.1-dealer-router",
      "jeromq-0.6.0-dealer-router",
      "jeromq-0.3.6-dealer-router",
    ]
  ) {
    const v = pick(id);
    test(
      `${id}: an edgemq Router gets the captured DEALER's message with its routing id [ZMTP-VEC-2]`,
      {
        skip: v === undefined ? "vector missing" : false,
      },
      async () => {
        const router = new Router();
        try {
          await replay(router, fromHex(v!.clientToServer));
          const got = await within(3000, router.recv(), "the captured message");
          assert.deepEqual(text(got), [v!.client.identity, "msg", "0"]);
        } finally {
          await closeRaw();
          await router.close({ linger: 0 });
        }
      },
    );
  }
  for (
    const id of [
      "libzmq-4.3.4-push-pull",
      "libzmq-4.3.5-push-pull",
      "zmqrs-0.4.1-push-pull",
      "jeromq-0.6.0-push-pull",
      "jeromq-0.3.6-push-pull",
    ]
  ) {
    const v = pick(id);
    test(`${id}: an edgemq Pull gets the captured PUSH's two messages [ZMTP-VEC-2]`, {
      skip: v === undefined ? "vector missing" : false,
    }, async () => {
      const pull = new Pull();
      try {
        await replay(pull, fromHex(v!.clientToServer));
        assert.deepEqual(text(await within(3000, pull.recv(), "message 0")), ["msg", "0"]);
        assert.deepEqual(text(await within(3000, pull.recv(), "message 1")), ["msg", "1"]);
      } finally {
        await closeRaw();
        await pull.close({ linger: 0 });
      }
    });
  }
});

/**
 * Plays a captured ZMTP 3 REP's bytes to a live edgemq Req from a raw TCP listener: the greeting
 * in libzmq's stages, READY right after it, and the reply only once edgemq's request (a whole
 * message after its greeting and READY) has arrived.
 */
async function serveReply(req: Req, bytes: Uint8Array): Promise<string[]> {
  let conn: Connection | undefined;
  const seen = { bytes: 0, messages: 0 };
  const listenAt = parseEndpoint("tcp://127.0.0.1:0", "listen");
  if (listenAt.scheme !== "tcp") throw new Error("tcp expected");
  const listener = await tcpTransport().listen(listenAt, (c) => {
    conn = c;
    const reader = new GreetingReader();
    const decoder = new FrameDecoder({
      onMessage: () => seen.messages++,
      onError: (reason) => assert.fail(`edgemq sent bad frames: ${reason}`),
    });
    c.onData = (chunk) => {
      seen.bytes += chunk.length;
      const rest = reader.result === undefined ? chunk.subarray(reader.push(chunk)) : chunk;
      if (reader.result !== undefined && rest.length > 0) decoder.push(rest);
    };
    c.onClose = () => {};
  });
  try {
    await req.connect(listener.url);
    await until(() => conn !== undefined, 2000, "edgemq connecting");
    const c = conn!;
    const readyEnd = 64 + 2 + bytes[65]!; // READY is a short command frame in every capture
    assert.equal(bytes[64], 0x04, "READY follows the greeting");
    c.write(bytes.slice(0, 10));
    await until(() => seen.bytes >= 10, 2000, "edgemq's signature");
    c.write(bytes.slice(10, 11));
    await until(() => seen.bytes >= 11, 2000, "edgemq's major version");
    c.write(bytes.slice(11, readyEnd));
    const sent = req.send(["msg", "0"]);
    await until(() => seen.messages >= 1, 3000, "edgemq's request");
    await sent;
    c.write(bytes.slice(readyEnd));
    return text(await within(3000, req.recv(), "the captured reply"));
  } finally {
    conn?.close();
    await conn?.closed;
    await listener.close();
  }
}

describe("captured server bytes answer live edgemq sockets [ZMTP-VEC-2]", () => {
  for (
    const id of [
      "libzmq-4.3.4-req-rep",
      "libzmq-4.3.5-req-rep",
      "zmqrs-0.4.1-req-rep",
      "jeromq-0.6.0-req-rep",
    ]
  ) {
    const v = pick(id);
    test(`${id}: an edgemq Req gets the captured REP's answer [ZMTP-VEC-2]`, {
      skip: v === undefined ? "vector missing" : false,
    }, async () => {
      const req = new Req();
      try {
        assert.deepEqual(await serveReply(req, fromHex(v!.serverToClient)), ["ok"]);
      } finally {
        await req.close({ linger: 0 });
      }
    });
  }
});
