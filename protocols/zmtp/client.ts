/**
 * CLIENT (RFC 41, ZMTP `Socket-Type` "CLIENT", a libzmq draft type): the asking side of
 * CLIENT/SERVER. Sends round robin over its SERVER peers and waits while none can take a message;
 * receives from all of them fair-queued.
 *
 * CLIENT is one of libzmq's thread-safe socket types, and those carry single-frame messages only:
 * `send` of more than one frame rejects with `EINVAL`, and a multipart message that arrives from
 * the network is dropped (counted in `stats.dropped`), as libzmq drops it. `recv` returns a list
 * holding the one frame, like every edgemq ZeroMQ socket.
 *
 * Unless `immediate: true` (libzmq's `ZMQ_IMMEDIATE`), each `connect()` gets a queue of its own at
 * once, as on DEALER: messages sent before the connection is made wait in it, up to `sendHwm`.
 *
 * @module
 */
import { LbFqPattern } from "../_lb_fq.ts";
import { invalid, type MqError } from "../errors.ts";
import type { Pipe } from "../pipe.ts";
import type { ImmediateOptions } from "./options.ts";
import { checkBoolean } from "../options.ts";
import { type Frames, ZmqSocket, type ZmtpPeer } from "./socket.ts";

/**
 * @internal Checks that `msg` is one frame (thread-safe types have no multipart); returns the
 * `EINVAL` error to reject with, or undefined.
 */
export function multipartError(frames: Frames, who: string): MqError | undefined {
  if (frames.length === 1) return undefined;
  return invalid(
    `${who} sends single-frame messages only (a draft thread-safe type), got ${frames.length} frames`,
  );
}

/**
 * @internal Send load-balanced, receive fair-queued, single frames only: a multipart message from
 * a peer is dropped on arrival (CLIENT, SCATTER/GATHER and CHANNEL build on it).
 */
export class SingleFramePattern extends LbFqPattern<Frames, ZmtpPeer> {
  admit(_pipe: Pipe<Frames, ZmtpPeer>, msg: Frames): boolean {
    if (msg.length === 1) return true;
    this.host.stats.dropped++;
    return false;
  }
}

/**
 * A CLIENT socket (libzmq's draft `ZMQ_CLIENT`), the peer of {@linkcode Server}.
 *
 * @example Ask a SERVER
 * ```ts
 * import { Client } from "./client.ts";
 * import { Server } from "./server.ts";
 * await using server = new Server();
 * await using client = new Client();
 * await server.bind("inproc://zmq-client-doc");
 * await client.connect("inproc://zmq-client-doc");
 * await client.send("ping");
 * const [routingId, body] = await server.recv();
 * await server.send([routingId!, body!]);
 * console.log(new TextDecoder().decode((await client.recv())[0])); // ping
 * ```
 */
export class Client extends ZmqSocket {
  /** Creates a CLIENT socket. */
  constructor(options: ImmediateOptions = {}) {
    const pattern = new SingleFramePattern(!checkBoolean("immediate", options.immediate));
    super("CLIENT", pattern, options, ["immediate"], (f) => multipartError(f, "zmq.Client"));
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
