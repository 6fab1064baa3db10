/**
 * REP (RFC 28, ZMTP `Socket-Type` "REP"): the server side of request-reply. Requests from all
 * REQ and DEALER peers are received fair-queued. `recv` strips the request's envelope (every
 * frame up to and including the first empty one) and keeps it; the next `send` puts it back in
 * front of the reply and sends that to the peer the request came from. A request without an
 * empty delimiter, or with nothing after it, is dropped.
 *
 * Receives and sends alternate strictly: `recv` while a reply is due, or `send` with no request
 * to answer, rejects with `ESTATE`. A reply whose asker has gone, or whose asker is at its
 * high-water mark, is dropped (as libzmq does).
 *
 * @module
 */
import { FairQueue } from "../_fq.ts";
import { MqError } from "../errors.ts";
import type { Pattern, PatternHost } from "../pattern.ts";
import type { Pipe } from "../pipe.ts";
import { type Frames, ZmqSocket, type ZmqSocketOptions, type ZmtpPeer } from "./socket.ts";

type ZmtpPipe = Pipe<Frames, ZmtpPeer>;

interface Asker {
  readonly pipe: ZmtpPipe;
  readonly envelope: Frames;
}

class RepPattern implements Pattern<Frames, ZmtpPeer> {
  #host!: PatternHost;
  #fq = new FairQueue<Frames>();
  #asker: Asker | undefined; // the request being answered

  bind(host: PatternHost): void {
    this.#host = host;
  }

  attach(pipe: ZmtpPipe): undefined {
    this.#fq.attach(pipe);
  }

  detach(pipe: ZmtpPipe): void {
    this.#fq.detach(pipe);
  }

  readable(pipe: ZmtpPipe): void {
    this.#fq.activated(pipe);
    this.#host.wakeRecv();
  }

  writable(): void {}

  trySend(frames: Frames): true {
    const asker = this.#asker;
    if (asker === undefined) {
      throw new MqError("ESTATE", "zmq.Rep: no request to answer; call recv() first");
    }
    this.#asker = undefined;
    if (asker.pipe.writable) {
      asker.pipe.send([...asker.envelope, ...frames]);
      this.#host.stats.txMsgs++;
    } else {
      this.#host.stats.dropped++; // the asker left or is full
    }
    return true;
  }

  tryRecv(): Frames | undefined {
    if (this.#asker !== undefined) {
      throw new MqError("ESTATE", "zmq.Rep: a reply is due; call send() before receiving again");
    }
    while (true) {
      const frames = this.#fq.recv();
      if (frames === undefined) return undefined;
      const pipe = this.#fq.lastPipe;
      const bottom = frames.findIndex((f) => f.length === 0);
      if (bottom < 0 || bottom === frames.length - 1) {
        this.#host.stats.dropped++; // no envelope delimiter, or no body
        continue;
      }
      this.#asker = { pipe: pipe as ZmtpPipe, envelope: frames.slice(0, bottom + 1) };
      this.#host.stats.rxMsgs++;
      return frames.slice(bottom + 1);
    }
  }
}

/**
 * A REP socket (libzmq's `ZMQ_REP`).
 *
 * @example An echo service
 * ```ts
 * import { Rep } from "./rep.ts";
 * import { Req } from "./req.ts";
 * await using rep = new Rep();
 * await using req = new Req();
 * await rep.bind("inproc://zmq-rep-doc");
 * await req.connect("inproc://zmq-rep-doc");
 * await req.send(["a", "b"]);
 * const request = await rep.recv();
 * await rep.send(request);
 * console.log((await req.recv()).length); // 2
 * ```
 */
export class Rep extends ZmqSocket {
  /** Creates a REP socket. */
  constructor(options: ZmqSocketOptions = {}) {
    super("REP", new RepPattern(), options);
  }
}
