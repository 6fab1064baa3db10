/**
 * XSUB (RFC 29, ZMTP `Socket-Type` "XSUB"): the subscriber side without the convenience. The
 * application subscribes by sending a single-frame message `0x01` + topic and cancels with
 * `0x00` + topic; subscriptions are counted (two subscribes need two cancels before the cancel is
 * passed on) and go to every PUB/XPUB peer, including peers that attach later. Any other message
 * is sent upstream to every peer that can take it (peers at their high-water mark miss it).
 * Receives from all peers fair-queued, without filtering.
 *
 * @module
 */
import { FairQueue } from "../_fq.ts";
import { PrefixTrie } from "../_trie.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { LatestPerPipe } from "./_conflate.ts";
import { parseSubscription, subscriptionMessage, topicKey } from "./_topics.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";
import { subscriberHooks } from "./_subscription_hooks.ts";

type ZmtpPipe = Pipe<Frames, ZmtpPeer>;

/** @internal Subscriber side: counted subscriptions sent to every publisher (SUB and XSUB). */
export class XsubPattern implements Pattern<Frames, ZmtpPeer> {
  protected host!: PatternHost;
  /** Counted subscriptions, for matching. */
  readonly trie: PrefixTrie = new PrefixTrie();
  #topics = new Map<string, Uint8Array>(); // the distinct topics, replayed to new peers
  #pipes = new Set<ZmtpPipe>();
  #fq = new FairQueue<Frames>();
  #filter: boolean;
  #latest: LatestPerPipe | undefined; // set when conflating (SUB's `conflate`)

  /**
   * @param filter drop received messages that match no subscription (SUB does, XSUB does not)
   * @param conflate keep only the newest single-frame message of each publisher
   */
  constructor(filter: boolean, conflate = false) {
    this.#filter = filter;
    if (conflate) this.#latest = new LatestPerPipe();
  }

  bind(host: PatternHost): void {
    this.host = host;
  }

  attach(pipe: ZmtpPipe): undefined {
    this.#pipes.add(pipe);
    this.#fq.attach(pipe);
    // a new publisher learns every current subscription, once each
    for (const topic of this.#topics.values()) pipe.send(subscriptionMessage(true, topic));
  }

  detach(pipe: ZmtpPipe): void {
    this.#pipes.delete(pipe);
    this.#fq.detach(pipe);
  }

  admit(_pipe: ZmtpPipe, msg: Frames): boolean {
    // a publisher that does not filter (ZMTP 2.0/3.0 peers may not) sends everything
    if (!this.#filter || this.trie.matches(msg[0]!)) return true;
    this.host.stats.dropped++;
    return false;
  }

  readable(pipe: ZmtpPipe): void {
    if (this.#latest !== undefined) {
      if (this.#latest.drain(pipe, this.host)) this.host.wakeRecv();
      return;
    }
    this.#fq.activated(pipe);
    this.host.wakeRecv();
  }

  writable(): void {}

  /** Adds one reference to `topic` and tells every publisher (each subscribe is passed on). */
  subscribe(topic: Uint8Array): void {
    const copy = topic.slice();
    if (this.trie.add(copy) === 1) this.#topics.set(topicKey(copy), copy);
    this.#toAll(subscriptionMessage(true, copy));
  }

  /** Removes one reference; the cancel goes out when none is left. False if not subscribed. */
  unsubscribe(topic: Uint8Array): boolean {
    const left = this.trie.remove(topic);
    if (left < 0) return false;
    if (left === 0) {
      this.#topics.delete(topicKey(topic));
      this.#toAll(subscriptionMessage(false, topic));
    }
    return true;
  }

  // Subscriptions ignore the high-water mark: losing one would silently starve the subscriber
  // (libzmq drops it, libzmq/libzmq#4064).
  #toAll(msg: Frames): void {
    for (const pipe of this.#pipes) pipe.send(msg);
  }

  trySend(msg: Frames): boolean {
    const sub = parseSubscription(msg);
    if (sub !== undefined) {
      if (sub.subscribe) this.subscribe(sub.topic);
      else this.unsubscribe(sub.topic);
    } else {
      for (const pipe of this.#pipes) {
        if (pipe.writable) pipe.send(msg);
        else this.host.stats.dropped++;
      }
    }
    this.host.stats.txMsgs++;
    return true;
  }

  tryRecv(): Frames | undefined {
    while (true) {
      const msg = this.#latest !== undefined ? this.#latest.take() : this.#fq.recv();
      if (msg === undefined) return undefined;
      // filter again: an unsubscribe may have come after the message was queued
      if (this.#filter && !this.trie.matches(msg[0]!)) {
        this.host.stats.dropped++;
        continue;
      }
      this.host.stats.rxMsgs++;
      return msg;
    }
  }
}

/**
 * An XSUB socket (libzmq's `ZMQ_XSUB`).
 *
 * @example Subscribe by message, as a forwarder does
 * ```ts
 * import { Pub } from "./pub.ts";
 * import { XSub } from "./xsub.ts";
 * await using pub = new Pub();
 * await using xsub = new XSub();
 * await pub.bind("inproc://zmq-xsub-doc");
 * await xsub.connect("inproc://zmq-xsub-doc");
 * await xsub.send(new Uint8Array([1, ...new TextEncoder().encode("a")])); // subscribe to "a"
 * await new Promise((r) => setTimeout(r, 10)); // let the subscription arrive
 * await pub.send("a1");
 * console.log(new TextDecoder().decode((await xsub.recv())[0])); // a1
 * ```
 */
export class XSub extends ZmqSocket {
  /** Creates an XSUB socket. */
  constructor(options: ZmqSocketOptions = {}) {
    super("XSUB", new XsubPattern(false), options, [], undefined, subscriberHooks);
  }
}
