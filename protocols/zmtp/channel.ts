/**
 * CHANNEL (RFC 52, ZMTP `Socket-Type` "CHANNEL", a libzmq draft type): the thread-safe PAIR.
 * Exactly one CHANNEL peer, both ways; while one is connected another is dropped right after its
 * handshake. `send` waits while there is no peer or the peer is full. Single frames only: `send`
 * of more than one frame rejects with `EINVAL`, a multipart message from the peer is dropped.
 *
 * Unless `immediate: true` (libzmq's `ZMQ_IMMEDIATE`), each `connect()` gets a queue of its own at
 * once, as on DEALER: messages sent before the connection is made wait in it, up to `sendHwm`.
 *
 * @module
 */
import type { Pipe } from "../pipe.ts";
import { multipartError, SingleFramePattern } from "./client.ts";
import type { ImmediateOptions } from "./options.ts";
import { checkBoolean } from "../options.ts";
import { type Frames, ZmqSocket, type ZmtpPeer } from "./socket.ts";

class ChannelPattern extends SingleFramePattern {
  #peer: Pipe<Frames, ZmtpPeer> | undefined; // the one live peer

  override attach(pipe: Pipe<Frames, ZmtpPeer>): string | undefined {
    if (this.#peer !== undefined && !this.#peer.isClosed) {
      return "a CHANNEL socket already has a peer";
    }
    this.#peer = pipe;
    return super.attach(pipe);
  }
}

/**
 * A CHANNEL socket (libzmq's draft `ZMQ_CHANNEL`).
 *
 * @example Two channels talk both ways
 * ```ts
 * import { Channel } from "./channel.ts";
 * await using a = new Channel();
 * await using b = new Channel();
 * await a.bind("inproc://zmq-channel-doc");
 * await b.connect("inproc://zmq-channel-doc");
 * await b.send("hi");
 * await a.send((await a.recv())[0]!);
 * console.log(new TextDecoder().decode((await b.recv())[0])); // hi
 * ```
 */
export class Channel extends ZmqSocket {
  /** Creates a CHANNEL socket. */
  constructor(options: ImmediateOptions = {}) {
    const pattern = new ChannelPattern(!checkBoolean("immediate", options.immediate));
    super("CHANNEL", pattern, options, ["immediate"], (f) => multipartError(f, "zmq.Channel"));
  }

  /**
   * Send only over completed connections (see {@linkcode ImmediateOptions.immediate}). Set live:
   * applies to the connects made afterwards (libzmq's `ZMQ_IMMEDIATE` likewise).
   */
  get immediate(): boolean {
    return this.immediateOption;
  }
  set immediate(value: boolean) {
    this.immediateOption = value;
  }
}
