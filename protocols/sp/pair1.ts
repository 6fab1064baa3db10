/**
 * PAIR1 (pair1, NNG and mangos only): like pair0, but every message carries a
 * 32-bit hop count in front. We send 1 (the first hop, as NNG does). On
 * receipt, a count above 255 is malformed and closes the pipe (NNG); a count
 * above `maxTtl` is dropped. Only monogamous mode is offered (NNG's
 * polyamorous mode is deprecated upstream).
 *
 * A raw PAIR1 (`{ raw: true }`, NNG's `nng_pair1_open_raw`) hands over each message with its hop
 * count in front, and sends what it is given with that count raised by one (so devices count the
 * hops); a message it is given without a hop count below 255 fails with `EINVAL`. Cooked PAIR1 is
 * raw PAIR1 that adds and strips the count.
 *
 * @module
 */
import { checkInteger } from "../options.ts";
import { MqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { headerBytes, readU32, splitHeader, u32Bytes } from "./_backtrace.ts";
import { joinParts, type SpMessage } from "./wire.ts";
import { MonogamousPattern } from "../_monogamous.ts";
import { PAIR_TAKEN } from "./pair.ts";
import { type SpPeer, SpSocket, type SpSocketOptions } from "./socket.ts";

/** The hop count a PAIR1 message starts with as it leaves (never changed: shared). */
const ONE_HOP = new Uint8Array([0, 0, 0, 1]);

/** pair1's wire id. */
export const PAIR1 = 0x11;

/** Options of a PAIR1 socket. */
export interface Pair1Options extends SpSocketOptions {
  /**
   * Messages that crossed more than this many hops are dropped (1..15, as NNG).
   * @default {8}
   */
  readonly maxTtl?: number;
}

/** Raw PAIR1: the hop count is the user's, checked on the way in and raised on the way out. */
class RawPair1Pattern extends MonogamousPattern<SpMessage, SpPeer> {
  #maxTtl: number;

  constructor(maxTtl: number) {
    super(PAIR_TAKEN);
    this.#maxTtl = maxTtl;
  }

  admit(pipe: Pipe<SpMessage, SpPeer>, msg: SpMessage): boolean {
    const header = headerBytes(msg);
    const hops = header.length >= 4 ? readU32(header, 0) : -1;
    if (hops < 0 || hops > 0xff) {
      pipe.close(new MqError("EPROTO", "pair1 message without a valid hop count"));
      return false;
    }
    if (hops > this.#maxTtl) {
      this.host.stats.dropped++;
      return false;
    }
    return true;
  }

  override trySend(msg: SpMessage): boolean {
    const bytes = joinParts(msg);
    const hops = bytes.length >= 4 ? readU32(bytes, 0) : 0xff;
    if (hops >= 0xff) {
      throw new MqError("EINVAL", "a raw pair1 message must start with a hop count below 255");
    }
    return this.sendWithHops(u32Bytes(hops + 1), bytes.subarray(4));
  }

  override tryRecv(): Uint8Array | undefined {
    const msg = this.recvWithHops();
    return msg === undefined ? undefined : joinParts(msg);
  }

  /** Sends `body` behind the hop count `hops` (no copy of the body). */
  protected sendWithHops(hops: Uint8Array, body: Uint8Array): boolean {
    return super.trySend({ head: hops, body });
  }

  /** The next message, hop count included (admit() checked it). */
  protected recvWithHops(): SpMessage | undefined {
    return super.tryRecv();
  }
}

/** Cooked PAIR1: raw PAIR1 that puts the first hop on and takes the count off. */
class Pair1Pattern extends RawPair1Pattern {
  override trySend(msg: SpMessage): boolean {
    return this.sendWithHops(ONE_HOP, msg as Uint8Array);
  }

  override tryRecv(): Uint8Array | undefined {
    const msg = this.recvWithHops();
    return msg === undefined ? undefined : splitHeader(msg, 4)[1];
  }
}

/**
 * A PAIR1 socket (protocol pair1: NNG's default pair; nanomsg does not speak it).
 *
 * @example
 * ```ts
 * import { Pair1 } from "./mod.ts";
 * await using a = new Pair1();
 * await using b = new Pair1();
 * await a.listen("inproc://pair1-doc");
 * await b.dial("inproc://pair1-doc");
 * await a.send("ping");
 * console.log((await b.recv()).length); // 4
 * ```
 */
export class Pair1 extends SpSocket {
  /** Creates a pair1 socket. */
  constructor(options: Pair1Options = {}) {
    const maxTtl = checkInteger("maxTtl", options.maxTtl ?? 8, 1, 15);
    super(
      { id: PAIR1, name: "pair1", peerId: PAIR1, peerName: "pair1" },
      options.raw === true ? new RawPair1Pattern(maxTtl) : new Pair1Pattern(maxTtl),
      options,
      [
        "maxTtl",
      ],
    );
  }
}
