/**
 * BUS (bus0): every message goes to every connected peer, and messages from all peers are
 * fair-queued; there is no header on the wire. A bus does not forward: a message reaches only
 * the sender's direct peers, so nodes are wired as a full mesh, or through a device. As in NNG,
 * delivery is best effort: `send` never waits, a peer whose queue is full misses the message,
 * and with no peer the message is lost (both counted in `stats.dropped`).
 *
 * A raw BUS (`{ raw: true }`, for devices) hands over each message as the 4-byte id of the pipe
 * it came from, then the body, and sends a message given that way to every peer except the pipe
 * it names (0 names none). So `sp.device(rawBus)` is a hub that passes each message on to every
 * other peer (NNG's `src/sp/protocol/bus0/bus.c` keeps the pipe id in the local header the same
 * way; it never goes on the wire).
 *
 * @module
 */
import { Distributor } from "../_dist.ts";
import { FairQueue } from "../_fq.ts";
import { MqError } from "../errors.ts";
import type { Pattern, PatternContext, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { readU32, withPipeId } from "./_backtrace.ts";
import { joinParts, type SpMessage } from "./wire.ts";
import { type SpPeer, SpSocket, type SpSocketOptions } from "./socket.ts";

/** bus0's wire id. */
export const BUS = 0x70;

type SpPipe = Pipe<SpMessage, SpPeer>;

class BusPattern implements Pattern<SpMessage, SpPeer> {
  #host!: PatternHost;
  #dist = new Distributor<SpMessage>();
  #fq = new FairQueue<SpMessage>();
  readonly #raw: boolean;

  constructor(raw: boolean) {
    this.#raw = raw;
  }

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: SpPipe): undefined {
    this.#dist.attach(pipe);
    this.#fq.attach(pipe);
  }

  detach(pipe: SpPipe): void {
    this.#dist.detach(pipe);
    this.#fq.detach(pipe);
  }

  readable(pipe: SpPipe): void {
    this.#fq.activated(pipe);
    this.#host.wakeRecv();
  }

  writable(): void {}

  trySend(msg: SpMessage, _ctx: PatternContext): true {
    const stats = this.#host.stats;
    stats.txMsgs++;
    if (!this.#raw) {
      stats.dropped += this.#dist.size === 0 ? 1 : this.#dist.send(msg);
      return true;
    }
    const bytes = joinParts(msg);
    if (bytes.length < 4) {
      throw new MqError("EINVAL", "a raw bus message must start with a 4-byte pipe id (0: none)");
    }
    const except = readU32(bytes, 0);
    const body = bytes.subarray(4);
    stats.dropped += this.#dist.send(body, (pipe) => pipe.id !== except);
    return true;
  }

  tryRecv(_ctx: PatternContext): Uint8Array | undefined {
    const msg = this.#fq.recv();
    if (msg === undefined) return undefined;
    this.#host.stats.rxMsgs++;
    if (!this.#raw) return joinParts(msg);
    return withPipeId(this.#fq.lastPipe.id, msg);
  }
}

/**
 * A BUS socket: many-to-many, each message to every direct peer.
 *
 * @example Three nodes in a mesh
 * ```ts
 * import { Bus } from "./mod.ts";
 * const [a, b, c] = [new Bus(), new Bus(), new Bus()];
 * await a.listen("inproc://bus-a");
 * await b.listen("inproc://bus-b");
 * await b.dial("inproc://bus-a");
 * await c.dial("inproc://bus-a");
 * await c.dial("inproc://bus-b");
 * await a.send("from a");
 * const got = [await b.recv(), await c.recv()];
 * console.log(got.map((m) => new TextDecoder().decode(m))); // [ "from a", "from a" ]
 * for (const s of [a, b, c]) await s.close();
 * ```
 */
export class Bus extends SpSocket {
  /** Creates a BUS socket. */
  constructor(options: SpSocketOptions = {}) {
    super(
      { id: BUS, name: "bus0", peerId: BUS, peerName: "bus0" },
      new BusPattern(options.raw === true),
      options,
    );
  }
}
