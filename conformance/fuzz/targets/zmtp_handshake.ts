/**
 * Fuzz target: the ZMTP engine's NULL handshake (RFC 23/37 §The NULL Security Mechanism, RFC 15
 * for ZMTP 2.0 peers), driven through `zmtpHandshake` over an in-memory connection: the input is
 * everything the peer sends (greeting, READY or identity, then traffic). The engine must never
 * throw into the transport; the handshake must end ready, refused with an `EPROTO` `MqError`, or
 * (if the input stops early) refused once the peer hangs up; and the outcome (what we wrote, the
 * peer we saw, the messages delivered, the reason the stream closed) must not depend on how the
 * input was chunked. One input must not take seconds.
 *
 * @module
 */
import { zmtpHandshake, type ZmtpPeer, type ZmtpStream } from "../../../protocols/zmtp/engine.ts";
import { MqError } from "../../../protocols/errors.ts";
import {
  isCompatiblePeer,
  SocketType,
  type SocketTypeName,
} from "../../../protocols/zmtp/socket_types.ts";
import type { Connection } from "../../../transports/transport.ts";
import type { Rng } from "../_rng.ts";
import { describeThrown, digest, Finding, randomChunks, type Target } from "../_target.ts";
import { capturedStreams, frameLengthFields } from "../_vectors.ts";

const NAME = "zmtp-null-handshake";
const TYPES = Object.keys(SocketType) as SocketTypeName[];
/** Longer than this for one input is a finding (generous: a loaded machine, a GC pause). */
export const SLOW_MS = 2000;

/** A connection that records what is written and is fed by hand. */
class MemoryConnection implements Connection {
  written: Uint8Array[] = [];
  buffered = 0;
  isClosed = false;
  onData: ((chunk: Uint8Array) => void) | undefined;
  onDrain: () => void = () => {};
  onClose: (err?: Error) => void = () => {};
  readonly closed: Promise<void> = Promise.resolve();
  readonly remote = "memory";
  write(bytes: Uint8Array): void {
    if (!this.isClosed) this.written.push(bytes.slice());
  }
  pause(): void {}
  resume(): void {}
  unread(): void {}
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    queueMicrotask(() => this.onClose());
  }
  /** The peer hangs up. */
  hangUp(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClose();
  }
}

async function hops(n = 8): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

/** The local socket type: usually one that accepts the type the input announces. */
function localType(input: Uint8Array, rng: Rng): SocketTypeName {
  let peer: string | undefined;
  if (input.length >= 12 && input[10]! < 3) peer = TYPES[input[11]!];
  else {
    const text = new TextDecoder().decode(input.subarray(64, 512));
    peer = /Socket-Type[\s\S]{4}([A-Z]+)/.exec(text)?.[1];
  }
  const fits = TYPES.filter((t) => peer !== undefined && isCompatiblePeer(t, peer));
  return fits.length > 0 && rng.chance(0.85) ? rng.pick(fits) : rng.pick(TYPES);
}

async function once(
  input: Uint8Array,
  chunks: Uint8Array[],
  local: SocketTypeName,
  max: number,
): Promise<string> {
  const conn = new MemoryConnection();
  const box: { state: string } = { state: "pending" };
  const stateOf = (): string => box.state;
  let ready: { stream: ZmtpStream; peer: ZmtpPeer } | undefined;
  zmtpHandshake(conn, { socketType: local, maxMsgSize: max, routingId: new Uint8Array([7]) }).then(
    (r) => {
      ready = r;
      const p = r.peer;
      box.state = `ready:${p.socketType}:${
        digest(p.identity)
      }:${p.version}:${p.minor}:${p.metadata.size}`;
    },
    (e) => {
      box.state = e instanceof MqError && e.code === "EPROTO"
        ? `refused:${e.message}`
        : `bad-rejection:${describeThrown(e)}`;
    },
  );
  for (const c of chunks) {
    try {
      conn.onData?.(c);
    } catch (e) {
      throw new Finding(NAME, `onData threw ${describeThrown(e)}`, input, { cause: e });
    }
  }
  await hops();
  if (box.state.startsWith("bad-rejection")) throw new Finding(NAME, box.state, input);
  if (box.state === "pending") {
    conn.hangUp();
    await hops();
    if (stateOf() === "pending") {
      throw new Finding(NAME, "the handshake did not end when the peer hung up", input);
    }
    if (stateOf().startsWith("bad-rejection")) throw new Finding(NAME, box.state, input);
    box.state = `hung-up:${box.state}`;
  }
  const messages: string[] = [];
  let closeReason = "";
  if (ready !== undefined) {
    const stream = ready.stream;
    stream.onMessage = (m) => messages.push(m.map(digest).join(","));
    stream.onClose = (
      reason,
    ) => (closeReason = reason === undefined ? "none" : `${reason.code}:${reason.message}`);
    stream.start();
    await hops();
    conn.hangUp();
    await hops();
    if (closeReason === "") throw new Finding(NAME, "the stream did not report its close", input);
  }
  return `${box.state} | wrote ${digest(join(conn.written))} | ${
    messages.join(" ")
  } | closed ${closeReason}`;
}

/**
 * Checks one input: whole, then in random chunks, with the same local socket type and limit.
 *
 * @example
 * ```ts ignore
 * import { Rng } from "../_rng.ts";
 * import { checkHandshake } from "./zmtp_handshake.ts";
 * console.log(await checkHandshake(new Uint8Array([1]), new Rng(1))); // "refused"
 * ```
 */
export async function checkHandshake(input: Uint8Array, rng: Rng): Promise<string> {
  const local = localType(input, rng);
  const max = rng.pick([-1, -1, 1 + rng.int(300), 1 + rng.int(70000)]);
  const started = Date.now();
  let whole: string, chunked: string;
  try {
    whole = await once(input, [input], local, max);
    chunked = await once(input, randomChunks(input, rng), local, max);
  } catch (e) {
    if (e instanceof Finding) throw e;
    throw new Finding(NAME, `threw ${describeThrown(e)}`, input, { cause: e });
  }
  const ms = Date.now() - started;
  if (ms > SLOW_MS) throw new Finding(NAME, `took ${ms} ms for ${input.length} bytes`, input);
  if (whole !== chunked) {
    throw new Finding(
      NAME,
      `as ${local}, max ${max}: whole gave "${whole.slice(0, 300)}", chunked "${
        chunked.slice(0, 300)
      }"`,
      input,
    );
  }
  const kind = whole.slice(0, whole.indexOf(":"));
  return kind === "ready"
    ? `ready:${whole.includes("closed none") ? "clean" : "closed"}`
    : `${kind}:${whole.split(" | ")[0]!.replace(/"[^"]*"|[0-9]+|uses [^,]*/g, "#").slice(0, 60)}`;
}

/** The target. */
export const zmtpHandshakeTarget: Target = {
  name: NAME,
  seeds: capturedStreams().map((s) => s.bytes),
  lengthFields: (b) => frameLengthFields(b, b.length > 10 && b[10]! < 3 ? 12 : 64),
  run: checkHandshake,
};
