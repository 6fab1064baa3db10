/**
 * SUB (sub0, sp-pub-sub-01): receives what PUB peers publish, keeping only
 * messages that start with a subscribed topic. With no subscription it
 * receives nothing; the empty topic matches everything. Messages are read
 * from peers eagerly into one queue of `recvHwm` messages; when it is full
 * the oldest is dropped (NNG's default, "prefer new"), so a slow subscriber
 * never slows its publisher.
 *
 * @module
 */
import { Deque } from "../_deque.ts";
import { PrefixTrie } from "../_trie.ts";
import { MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { PUB, SUB } from "./pub.ts";
import { joinParts, type SpMessage } from "./wire.ts";
import { type SpPeer, SpSocket, type SpSocketOptions, toBytes } from "./socket.ts";
import { SEND_REFUSED } from "../directions.ts";

class SubPattern implements Pattern<SpMessage, SpPeer> {
  #host!: PatternHost;
  readonly topics = new PrefixTrie();
  #queue = new Deque<Uint8Array>();
  #limit: number; // the socket's recvHwm

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** A new `recvHwm`: a queue now over it drops its oldest messages at once. */
  setLimit(limit: number): void {
    this.#limit = limit;
    while (this.#queue.length > limit) {
      this.#queue.shift();
      this.#host.stats.dropped++;
    }
  }

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(): undefined {}

  detach(): void {}

  readable(pipe: Pipe<SpMessage, SpPeer>): void {
    const stats = this.#host.stats;
    let got: SpMessage | undefined;
    let added = false;
    while ((got = pipe.recv()) !== undefined) {
      const msg = joinParts(got); // always one array: a PUB sends no parts
      if (!this.topics.matches(msg)) {
        stats.dropped++;
        continue;
      }
      if (this.#queue.length >= this.#limit) {
        this.#queue.shift();
        stats.dropped++;
      }
      this.#queue.push(msg);
      added = true;
    }
    if (added) this.#host.wakeRecv();
  }

  writable(): void {}

  trySend(): never {
    throw new MqError("ENOTSUP", "sp.Sub cannot send; use sp.Pub");
  }

  tryRecv(): Uint8Array | undefined {
    const msg = this.#queue.shift();
    if (msg !== undefined) this.#host.stats.rxMsgs++;
    return msg;
  }

  /** Drops queued messages that no longer match (after an unsubscribe). */
  refilter(): void {
    const kept = this.#queue.drain().filter((m) => this.topics.matches(m));
    for (const m of kept) this.#queue.push(m);
  }
}

/**
 * A SUB socket: receives the published messages whose prefix it subscribed to.
 *
 * @example Subscribe to one topic
 * ```ts
 * import { Pub, Sub } from "./mod.ts";
 * await using pub = new Pub();
 * await using sub = new Sub();
 * sub.subscribe("weather");
 * await pub.listen("inproc://sub-doc");
 * const connected = sub.monitor.next("connected"); // listen for the event before it can happen
 * await sub.dial("inproc://sub-doc");
 * await connected;
 * await pub.send("sports: 1-0");
 * await pub.send("weather: rain");
 * console.log(new TextDecoder().decode(await sub.recv())); // weather: rain
 * ```
 */
export class Sub extends SpSocket {
  /** A mark for the type checker only: this socket receives only, so `send` does not compile. */
  declare readonly [SEND_REFUSED]: "sp.Sub cannot send; use sp.Pub";

  #pattern: SubPattern;

  /** Creates a SUB socket (with no subscription: call `subscribe`). */
  constructor(options: SpSocketOptions = {}) {
    const pattern = new SubPattern(options.recvHwm ?? 1000);
    super({ id: SUB, name: "sub0", peerId: PUB, peerName: "pub0" }, pattern, options);
    this.#pattern = pattern;
  }

  /**
   * The length of the socket's one queue (and of each pipe's); when it is full the oldest message
   * is dropped. Set live: applies at once (a queue over the new length drops its oldest).
   *
   * @example
   * ```ts
   * import { Sub } from "./mod.ts";
   * await using sub = new Sub();
   * sub.recvHwm = 16;
   * console.log(sub.recvHwm); // 16
   * ```
   */
  override get recvHwm(): number {
    return super.recvHwm;
  }
  override set recvHwm(messages: number) {
    super.recvHwm = messages;
    this.#pattern.setLimit(super.recvHwm);
  }

  /** Receives messages starting with `topic` ("" = everything). Subscribing twice is a no-op. */
  subscribe(topic: Uint8Array | string): void {
    const bytes = toBytes(topic);
    if (this.#pattern.topics.count(bytes) === 0) this.#pattern.topics.add(bytes);
  }

  /** Stops receiving `topic`; throws `ENOENT` if it was not subscribed. Queued messages are refiltered. */
  unsubscribe(topic: Uint8Array | string): void {
    if (this.#pattern.topics.remove(toBytes(topic)) < 0) {
      throw new MqError("ENOENT", `unsubscribe: topic "${String(topic)}" was not subscribed`);
    }
    this.#pattern.refilter();
  }
}
