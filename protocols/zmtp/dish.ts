/**
 * DISH (RFC 48, ZMTP `Socket-Type` "DISH", a libzmq draft type): receives the messages a RADIO
 * sends to the groups it joined. `join(group)` and `leave(group)` tell every RADIO peer (and each
 * one that attaches later) with a JOIN or LEAVE command; `recv` returns `[group, data]`. Joining a
 * group twice, or leaving one not joined, is `EINVAL` (as in libzmq), and so is a group longer
 * than 255 bytes. Groups match exactly; the DISH filters again on receipt, so a message of a group
 * it left is not delivered even if it was already under way.
 *
 * A RADIO's message arrives as two frames, the group (MORE set) and the data; a peer that sends
 * any other shape breaks RFC 48 and is disconnected (libzmq's dish session does the same). Over
 * inproc the DISH hands its joins to the RADIO as one frame, `0x01` + group (`0x00` to leave);
 * over the wire DISH's traffic hook turns that frame into the command. DISH cannot send.
 *
 * @module
 */
import { FairQueue } from "../_fq.ts";
import { invalid, MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";
import { dishHooks } from "./_subscription_hooks.ts";
import { subscriptionMessage, topicBytes, topicKey } from "./_topics.ts";
import { GROUP_MAX_LENGTH } from "./radio.ts";
import { SEND_REFUSED } from "../directions.ts";

type ZmtpPipe = Pipe<Frames, ZmtpPeer>;

/** @internal Joined groups sent to every RADIO peer; fair-queued, filtered receiving. */
class DishPattern implements Pattern<Frames, ZmtpPeer> {
  #host!: PatternHost;
  #groups = new Map<string, Uint8Array>();
  #pipes = new Set<ZmtpPipe>();
  #fq = new FairQueue<Frames>();

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: ZmtpPipe): undefined {
    this.#pipes.add(pipe);
    this.#fq.attach(pipe);
    for (const group of this.#groups.values()) pipe.send(subscriptionMessage(true, group));
  }

  detach(pipe: ZmtpPipe): void {
    this.#pipes.delete(pipe);
    this.#fq.detach(pipe);
  }

  admit(pipe: ZmtpPipe, msg: Frames): boolean {
    if (msg.length !== 2 || msg[0]!.length > GROUP_MAX_LENGTH) {
      pipe.close(
        new MqError(
          "EPROTO",
          `RADIO peer sent a ${msg.length}-frame message; RFC 48 wants [group ≤ 255 bytes, data]`,
        ),
      );
      return false;
    }
    if (this.#groups.has(topicKey(msg[0]!))) return true;
    this.#host.stats.dropped++;
    return false;
  }

  readable(pipe: ZmtpPipe): void {
    this.#fq.activated(pipe);
    this.#host.wakeRecv();
  }

  writable(): void {}

  trySend(): never {
    throw new MqError("ENOTSUP", "zmq.Dish cannot send; use join()/leave(), or zmq.Radio");
  }

  tryRecv(): Frames | undefined {
    while (true) {
      const msg = this.#fq.recv();
      if (msg === undefined) return undefined;
      if (!this.#groups.has(topicKey(msg[0]!))) {
        this.#host.stats.dropped++; // left after it was queued
        continue;
      }
      this.#host.stats.rxMsgs++;
      return msg;
    }
  }

  join(group: Uint8Array): void {
    const key = topicKey(group);
    if (this.#groups.has(key)) throw invalid("zmq.Dish.join: the group is already joined");
    const copy = group.slice();
    this.#groups.set(key, copy);
    this.#toAll(subscriptionMessage(true, copy));
  }

  leave(group: Uint8Array): void {
    const key = topicKey(group);
    const joined = this.#groups.get(key);
    if (joined === undefined) throw invalid("zmq.Dish.leave: the group is not joined");
    this.#groups.delete(key);
    this.#toAll(subscriptionMessage(false, joined));
  }

  // Like subscriptions, joins ignore the high-water mark: losing one would starve the DISH.
  #toAll(msg: Frames): void {
    for (const pipe of this.#pipes) pipe.send(msg);
  }
}

function groupBytes(group: Uint8Array | string, who: string): Uint8Array {
  const bytes = topicBytes(group, who);
  if (bytes.length > GROUP_MAX_LENGTH) {
    throw invalid(`${who}: a group is at most 255 bytes, got ${bytes.length}`);
  }
  return bytes;
}

/**
 * A DISH socket (libzmq's draft `ZMQ_DISH`), the peer of {@linkcode Radio}.
 *
 * @example Join a group and read its messages
 * ```ts
 * import { Dish } from "./dish.ts";
 * import { Radio } from "./radio.ts";
 * await using dish = new Dish();
 * await using radio = new Radio();
 * const { url } = await dish.bind("tcp://127.0.0.1:0");
 * dish.join("news");
 * const connected = dish.monitor.next("accepted");
 * await radio.connect(url);
 * await connected;
 * await new Promise((r) => setTimeout(r, 50)); // let the JOIN arrive
 * await radio.send(["news", "hello"]);
 * const [group, data] = await dish.recv();
 * console.log(new TextDecoder().decode(group), new TextDecoder().decode(data)); // news hello
 * ```
 */
export class Dish extends ZmqSocket {
  /** A mark for the type checker only: this socket receives only, so `send` does not compile. */
  declare readonly [SEND_REFUSED]: "zmq.Dish cannot send; use join()/leave(), or zmq.Radio";

  #pattern: DishPattern;

  /** Creates a DISH socket (it receives nothing until `join` is called). */
  constructor(options: ZmqSocketOptions = {}) {
    const pattern = new DishPattern();
    super("DISH", pattern, options, [], undefined, dishHooks);
    this.#pattern = pattern;
  }

  /** Joins `group` (0 to 255 bytes; strings are UTF-8 encoded). `EINVAL` if already joined. */
  join(group: Uint8Array | string): void {
    if (this.closed) throw new MqError("ECLOSED", "zmq.Dish is closed");
    this.#pattern.join(groupBytes(group, "zmq.Dish.join"));
  }

  /** Leaves `group`; `EINVAL` if it was not joined. */
  leave(group: Uint8Array | string): void {
    if (this.closed) throw new MqError("ECLOSED", "zmq.Dish is closed");
    this.#pattern.leave(groupBytes(group, "zmq.Dish.leave"));
  }
}
