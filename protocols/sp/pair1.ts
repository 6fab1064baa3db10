/**
 * PAIR1 (pair1, NNG and mangos only): like pair0, but every message carries a
 * 32-bit hop count in front. We send 1 (the first hop, as NNG does). On
 * receipt, a count above 255 is malformed and closes the pipe (NNG); a count
 * above `maxTtl` is dropped. Only monogamous mode is offered (NNG's
 * polyamorous mode is deprecated upstream).
 *
 * @module
 */
import { checkInteger } from "../options.ts";
import { MqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import { headerBytes, readU32, splitHeader } from "./_backtrace.ts";
import type { SpMessage } from "./wire.ts";
import { MonogamousPattern } from "./pair.ts";
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

class Pair1Pattern extends MonogamousPattern {
  #maxTtl: number;

  constructor(maxTtl: number) {
    super();
    this.#maxTtl = maxTtl;
  }

  override trySend(msg: SpMessage): boolean {
    return super.trySend({ head: ONE_HOP, body: msg as Uint8Array }); // no copy of the body
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

  override tryRecv(): Uint8Array | undefined {
    const msg = super.tryRecv();
    return msg === undefined ? undefined : splitHeader(msg, 4)[1]; // admit() checked the hops
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
      new Pair1Pattern(maxTtl),
      options,
      [
        "maxTtl",
      ],
    );
  }
}
