/**
 * RADIO (RFC 48, ZMTP `Socket-Type` "RADIO", a libzmq draft type): publishes to groups. Each
 * message belongs to one group and goes to every DISH peer that joined exactly that group (no
 * prefix matching, unlike PUB/SUB); a peer at its high-water mark misses it, so `send` never waits.
 *
 * A message is `[group, data]`: two frames, the group first (0 to 255 bytes, libzmq's
 * `ZMQ_GROUP_MAX_LENGTH`), as a DISH's `recv` returns it and as both travel on the wire (a group
 * frame with MORE set, then the data). Anything else given to `send` is `EINVAL`. A DISH joins and
 * leaves with JOIN/LEAVE commands; RADIO's traffic hook hands them to the pattern as one frame, `0x01`
 * (JOIN) or `0x00` (LEAVE) followed by the group, which is also how an inproc DISH sends them.
 * RADIO cannot receive.
 *
 * @module
 */
import { invalid, MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";
import { radioHooks } from "./_subscription_hooks.ts";
import { topicKey } from "./_topics.ts";
import { RECV_REFUSED } from "../directions.ts";

type ZmtpPipe = Pipe<Frames, ZmtpPeer>;

/** The longest group name, in bytes (libzmq's `ZMQ_GROUP_MAX_LENGTH`). */
export const GROUP_MAX_LENGTH = 255;

/** @internal Checks a `[group, data]` message; returns the `EINVAL` error, or undefined. */
export function groupMessageError(frames: Frames, who: string): MqError | undefined {
  if (frames.length !== 2) {
    return invalid(`${who} sends [group, data], two frames; got ${frames.length}`);
  }
  if (frames[0]!.length > GROUP_MAX_LENGTH) {
    return invalid(`${who}: a group is at most 255 bytes, got ${frames[0]!.length}`);
  }
  return undefined;
}

/** @internal Exact-match group fan-out (RADIO). Per pipe: group → number of JOINs. */
class RadioPattern implements Pattern<Frames, ZmtpPeer> {
  #host!: PatternHost;
  #pipes = new Map<ZmtpPipe, Map<string, number>>();

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: ZmtpPipe): undefined {
    this.#pipes.set(pipe, new Map());
  }

  detach(pipe: ZmtpPipe): void {
    this.#pipes.delete(pipe);
  }

  // JOIN/LEAVE change the pipe's groups and are never queued; anything else is dropped.
  admit(pipe: ZmtpPipe, msg: Frames): false {
    const groups = this.#pipes.get(pipe);
    const frame = msg[0]!;
    if (groups === undefined || msg.length !== 1 || frame.length === 0 || frame[0]! > 1) {
      this.#host.stats.dropped++;
      return false;
    }
    const key = topicKey(frame.subarray(1));
    const n = groups.get(key) ?? 0;
    // counted per pipe, as libzmq's multimap is: a LEAVE undoes one JOIN
    if (frame[0] === 1) groups.set(key, n + 1);
    else if (n > 1) groups.set(key, n - 1);
    else groups.delete(key);
    return false;
  }

  readable(): void {}

  writable(): void {}

  trySend(msg: Frames): true {
    const stats = this.#host.stats;
    stats.txMsgs++;
    const key = topicKey(msg[0]!);
    for (const [pipe, groups] of this.#pipes) {
      if (!groups.has(key)) continue;
      if (pipe.writable) pipe.send(msg);
      else stats.dropped++;
    }
    return true;
  }

  tryRecv(): never {
    throw new MqError("ENOTSUP", "zmq.Radio cannot receive; use zmq.Dish");
  }
}

/**
 * A RADIO socket (libzmq's draft `ZMQ_RADIO`), the peer of {@linkcode Dish}.
 *
 * @example Publish to a group
 * ```ts
 * import { Dish } from "./dish.ts";
 * import { Radio } from "./radio.ts";
 * await using radio = new Radio();
 * await using dish = new Dish();
 * dish.join("weather");
 * await radio.bind("inproc://zmq-radio-doc");
 * await dish.connect("inproc://zmq-radio-doc");
 * await new Promise((r) => setTimeout(r, 10)); // let the JOIN arrive
 * await radio.send(["sport", "not for this dish"]);
 * await radio.send(["weather", "rain"]);
 * const [group, data] = await dish.recv();
 * console.log(new TextDecoder().decode(data)); // rain
 * ```
 */
export class Radio extends ZmqSocket {
  /** A mark for the type checker only: this socket sends only, so `recv` does not compile. */
  declare readonly [RECV_REFUSED]: "zmq.Radio cannot receive; use zmq.Dish";

  /** Creates a RADIO socket. */
  constructor(options: ZmqSocketOptions = {}) {
    // send takes [group, data] (group 0 to 255 bytes); any other shape rejects with EINVAL
    super(
      "RADIO",
      new RadioPattern(),
      options,
      [],
      (f) => groupMessageError(f, "zmq.Radio"),
      radioHooks,
    );
  }
}
