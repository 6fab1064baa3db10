/**
 * XPUB (RFC 29, ZMTP `Socket-Type` "XPUB"): a PUB that lets the application see subscriptions.
 * Each message goes to every SUB/XSUB peer that subscribed to a prefix of its first frame
 * (filtering happens here, at the publisher); a peer at its high-water mark misses the message,
 * so publishing never waits. `recv` returns subscription messages: a single frame `0x01` + topic
 * for a subscribe and `0x00` + topic for a cancel (libzmq's form, whatever the peer put on the
 * wire), and any other message a peer sent upstream (from an XSUB).
 *
 * By default only the first subscription to a topic (over all peers) and the cancel that leaves
 * no peer on it are reported; `verbose` reports every subscribe. `manual` applies nothing on its
 * own: every subscription is reported and the application decides with `subscribe`/`unsubscribe`
 * for the peer of the subscription it received last (libzmq's `ZMQ_XPUB_MANUAL`).
 * `welcomeMessage` is sent to each new peer as it attaches. When a peer leaves, the cancels of its
 * topics that no other peer holds are reported.
 *
 * Subscriptions reach a pattern as single-frame messages (`0x01`/`0x00` + topic); the publisher's
 * traffic hook (`_subscription_hooks.ts`) turns ZMTP 3.1 SUBSCRIBE/CANCEL commands into that form, and over inproc they travel as they are.
 *
 * @module
 */
import { FairQueue } from "../_fq.ts";
import { Deque } from "../_deque.ts";
import { PrefixTrie } from "../_trie.ts";
import { invalid, MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { checkConflatable } from "./_conflate.ts";
import { checkBoolean, fixedOptions } from "../options.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";
import { publisherHooks } from "./_subscription_hooks.ts";
import { parseSubscription, subscriptionMessage, topicBytes, topicKey } from "./_topics.ts";

type ZmtpPipe = Pipe<Frames, ZmtpPeer>;

/** The topics one peer holds: a set (libzmq's publisher side does not count per peer). */
class TopicSet {
  readonly trie = new PrefixTrie();
  readonly topics = new Map<string, Uint8Array>();

  /** Adds `topic`; false if it was there. */
  add(topic: Uint8Array): boolean {
    const key = topicKey(topic);
    if (this.topics.has(key)) return false;
    this.topics.set(key, topic.slice());
    this.trie.add(topic);
    return true;
  }

  /** Removes `topic`; false if it was not there. */
  remove(topic: Uint8Array): boolean {
    if (!this.topics.delete(topicKey(topic))) return false;
    this.trie.remove(topic);
    return true;
  }
}

/** Per pipe: what it asked for and, in manual mode, what the application applied. */
interface PipeTopics {
  readonly requested: TopicSet;
  readonly applied: TopicSet; // the same object as `requested` unless manual
}

/** @internal What the XPUB pattern needs to know. */
export interface XpubConfig {
  /** Report subscriptions and deliver upstream messages (XPUB); PUB drops both. */
  readonly xpub: boolean;
  /** Read as each subscription arrives: settable live. */
  verbose: boolean;
  readonly manual: boolean;
  /** Read as each peer attaches: settable live. */
  welcome: Uint8Array | undefined;
  /** Keep only the newest message for a peer that cannot take it now (PUB's `conflate`). */
  readonly conflate?: boolean;
  /** "zmq.Pub" or "zmq.XPub", for error messages. */
  readonly name: string;
}

/** @internal Publisher-side filtering and subscription reporting (PUB and XPUB). */
export class XpubPattern implements Pattern<Frames, ZmtpPeer> {
  #host!: PatternHost;
  #config: XpubConfig;
  #pipes = new Map<ZmtpPipe, PipeTopics>();
  #holders = new Map<string, number>(); // topic → number of pipes that requested it
  #notes = new Deque<{ msg: Frames; pipe: ZmtpPipe }>();
  #fq = new FairQueue<Frames>(); // upstream messages (XPUB only)
  #last: ZmtpPipe | undefined; // the pipe of the last subscription the user received
  #newest = new Map<ZmtpPipe, Frames>(); // conflating: the message a full peer will get next

  constructor(config: XpubConfig) {
    this.#config = config;
  }

  /** The configuration, of which `verbose` and `welcome` may change while the socket runs. */
  get config(): XpubConfig {
    return this.#config;
  }

  /** A conflating PUB's pipes hold one message each (libzmq ignores the HWMs then). */
  get pinnedSendHwm(): number | undefined {
    return this.#config.conflate === true ? 1 : undefined;
  }

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: ZmtpPipe): undefined {
    const requested = new TopicSet();
    const applied = this.#config.manual ? new TopicSet() : requested;
    this.#pipes.set(pipe, { requested, applied });
    this.#fq.attach(pipe);
    if (this.#config.welcome !== undefined) pipe.send([this.#config.welcome]);
  }

  detach(pipe: ZmtpPipe): void {
    const topics = this.#pipes.get(pipe);
    this.#pipes.delete(pipe);
    this.#fq.detach(pipe);
    this.#newest.delete(pipe);
    if (this.#last === pipe) this.#last = undefined;
    if (topics === undefined) return;
    for (const topic of topics.requested.topics.values()) this.#released(topic, pipe);
  }

  admit(pipe: ZmtpPipe, msg: Frames): boolean {
    const sub = parseSubscription(msg);
    if (sub === undefined) {
      if (this.#config.xpub) return true; // upstream traffic from an XSUB: queued for recv
      this.#host.stats.dropped++;
      return false;
    }
    const topics = this.#pipes.get(pipe);
    if (topics === undefined) return false;
    if (sub.subscribe) this.#subscribed(pipe, topics, sub.topic);
    else this.#cancelled(pipe, topics, sub.topic);
    return false;
  }

  #subscribed(pipe: ZmtpPipe, topics: PipeTopics, topic: Uint8Array): void {
    const fresh = topics.requested.add(topic);
    let first = false;
    if (fresh) {
      const key = topicKey(topic);
      const n = (this.#holders.get(key) ?? 0) + 1;
      this.#holders.set(key, n);
      first = n === 1;
    }
    if (this.#config.manual || first || this.#config.verbose) this.#note(true, topic, pipe);
  }

  #cancelled(pipe: ZmtpPipe, topics: PipeTopics, topic: Uint8Array): void {
    if (topics.requested.remove(topic)) return this.#released(topic, pipe);
    // libzmq passes on a cancel it cannot match when no peer holds the topic
    if (this.#config.manual || !this.#holders.has(topicKey(topic))) {
      this.#note(false, topic, pipe);
    }
  }

  /** `pipe` no longer requests `topic` (cancel or disconnect). */
  #released(topic: Uint8Array, pipe: ZmtpPipe): void {
    const key = topicKey(topic);
    const n = (this.#holders.get(key) ?? 1) - 1;
    if (n > 0) this.#holders.set(key, n);
    else this.#holders.delete(key);
    if (this.#config.manual || n === 0) this.#note(false, topic, pipe);
  }

  #note(subscribe: boolean, topic: Uint8Array, pipe: ZmtpPipe): void {
    if (!this.#config.xpub) return;
    this.#notes.push({ msg: subscriptionMessage(subscribe, topic), pipe });
    this.#host.wakeRecv();
  }

  readable(pipe: ZmtpPipe): void {
    this.#fq.activated(pipe);
    this.#host.wakeRecv();
  }

  writable(pipe: ZmtpPipe): void {
    const waiting = this.#newest.get(pipe);
    if (waiting === undefined || !pipe.writable) return;
    this.#newest.delete(pipe);
    pipe.send(waiting);
  }

  trySend(msg: Frames): true {
    const stats = this.#host.stats;
    const conflate = this.#config.conflate === true;
    if (conflate) checkConflatable(msg, this.#config.name);
    stats.txMsgs++;
    const first = msg[0]!;
    for (const [pipe, topics] of this.#pipes) {
      if (!topics.applied.trie.matches(first)) continue;
      if (pipe.writable) {
        pipe.send(msg);
      } else if (conflate) {
        if (this.#newest.has(pipe)) stats.dropped++; // replaced by the newer one
        this.#newest.set(pipe, msg);
      } else {
        stats.dropped++;
      }
    }
    return true;
  }

  tryRecv(): Frames | undefined {
    if (!this.#config.xpub) {
      throw new MqError("ENOTSUP", `${this.#config.name} cannot receive; use zmq.Sub`);
    }
    const note = this.#notes.shift();
    if (note !== undefined) {
      this.#last = note.pipe;
      this.#host.stats.rxMsgs++;
      return note.msg;
    }
    const msg = this.#fq.recv();
    if (msg !== undefined) this.#host.stats.rxMsgs++;
    return msg;
  }

  /** Manual mode: applies (or removes) `topic` for the pipe of the last received subscription. */
  apply(subscribe: boolean, topic: Uint8Array): void {
    if (!this.#config.manual) {
      throw invalid("zmq.XPub: subscribe/unsubscribe need the manual option (as in libzmq)");
    }
    const pipe = this.#last;
    if (pipe === undefined) return; // like libzmq: nothing to apply it to
    const topics = this.#pipes.get(pipe);
    if (topics === undefined) return;
    if (subscribe) topics.applied.add(topic);
    else topics.applied.remove(topic);
  }
}

/** Options of an XPUB socket. */
export interface XPubOptions extends ZmqSocketOptions {
  /**
   * Report every subscribe, not only the first one to a topic (libzmq's `ZMQ_XPUB_VERBOSE`).
   * Cancels are still reported only when no peer holds the topic any more.
   * @default {false}
   */
  readonly verbose?: boolean;
  /**
   * Apply no subscription on its own: every subscribe and cancel is reported, and the application
   * applies it with `subscribe`/`unsubscribe` (libzmq's `ZMQ_XPUB_MANUAL`).
   * @default {false}
   */
  readonly manual?: boolean;
  /**
   * Sent to every new peer as it attaches (libzmq's `ZMQ_XPUB_WELCOME_MSG`); a SUB receives it
   * only if it subscribed to a prefix of it. Strings are UTF-8 encoded.
   * @default {undefined}
   */
  readonly welcomeMessage?: Uint8Array | string;
}

/** @internal Checks `welcomeMessage`. */
function checkWelcome(value: Uint8Array | string | undefined): Uint8Array | undefined {
  if (value === undefined) return undefined;
  return topicBytes(value, "option welcomeMessage").slice();
}

/**
 * An XPUB socket (libzmq's `ZMQ_XPUB`).
 *
 * @example See who subscribes
 * ```ts
 * import { Sub } from "./sub.ts";
 * import { XPub } from "./xpub.ts";
 * await using xpub = new XPub();
 * await using sub = new Sub();
 * await xpub.bind("inproc://zmq-xpub-doc");
 * await sub.connect("inproc://zmq-xpub-doc");
 * sub.subscribe("news");
 * const [note] = await xpub.recv();
 * console.log(note![0], new TextDecoder().decode(note!.subarray(1))); // 1 news
 * ```
 */
export class XPub extends ZmqSocket {
  #pattern: XpubPattern;

  /** Creates an XPUB socket. */
  constructor(options: XPubOptions = {}) {
    const pattern = new XpubPattern({
      xpub: true,
      verbose: checkBoolean("verbose", options.verbose),
      manual: checkBoolean("manual", options.manual),
      welcome: checkWelcome(options.welcomeMessage),
      name: "zmq.XPub",
    });
    super(
      "XPUB",
      pattern,
      options,
      ["verbose", "manual", "welcomeMessage"],
      undefined,
      publisherHooks,
    );
    this.#pattern = pattern;
  }

  static {
    fixedOptions(this.prototype, ["manual"]);
  }

  /**
   * Report every subscribe, not only the first to a topic (libzmq's `ZMQ_XPUB_VERBOSE`). Set
   * live: applies to the subscriptions that arrive afterwards (libzmq allows it at any time too).
   *
   * @example
   * ```ts
   * import { XPub } from "./xpub.ts";
   * await using xpub = new XPub();
   * xpub.verbose = true;
   * console.log(xpub.verbose); // true
   * ```
   */
  get verbose(): boolean {
    return this.#pattern.config.verbose;
  }
  set verbose(value: boolean) {
    this.#pattern.config.verbose = checkBoolean("verbose", value);
  }

  /**
   * Manual mode (see {@linkcode XPubOptions.manual}); fixed when the socket is created, as the
   * bookkeeping of each peer's subscriptions depends on it: assigning it throws `EREADONLY`.
   */
  get manual(): boolean {
    return this.#pattern.config.manual;
  }

  /**
   * Sent to every new peer as it attaches (libzmq's `ZMQ_XPUB_WELCOME_MSG`), or undefined. Set
   * live: applies to the peers that attach afterwards.
   *
   * @example
   * ```ts
   * import { XPub } from "./xpub.ts";
   * await using xpub = new XPub();
   * xpub.welcomeMessage = "hello";
   * console.log(xpub.welcomeMessage?.length); // 5
   * ```
   */
  get welcomeMessage(): Uint8Array | undefined {
    return this.#pattern.config.welcome;
  }
  set welcomeMessage(message: Uint8Array | string | undefined) {
    this.#pattern.config.welcome = checkWelcome(message);
  }

  /**
   * Manual mode: lets the peer of the last received subscription get messages starting with
   * `topic` (libzmq's `ZMQ_SUBSCRIBE` on an XPUB). Without `manual` it throws `EINVAL`.
   */
  subscribe(topic: Uint8Array | string): void {
    this.#pattern.apply(true, topicBytes(topic, "zmq.XPub.subscribe"));
  }

  /** Manual mode: stops `topic` for the peer of the last received subscription. */
  unsubscribe(topic: Uint8Array | string): void {
    this.#pattern.apply(false, topicBytes(topic, "zmq.XPub.unsubscribe"));
  }
}
