/**
 * The ZeroMQ-compatible sockets (ZMTP 3.x, NULL security). Each one `bind`s or `connect`s
 * `tcp://`, `ipc://` or `inproc://` URLs and talks to libzmq 4.x, pyzmq, JeroMQ and zeromq.js
 * peers. Messages are lists of frames.
 *
 * @example PUSH to PULL over tcp
 * ```ts
 * import { Pull, Push } from "./mod.ts";
 * await using pull = new Pull();
 * await using push = new Push();
 * const { url } = await pull.bind("tcp://127.0.0.1:0");
 * await push.connect(url);
 * await push.send(["topic", "body"]);
 * const [topic] = await pull.recv();
 * console.log(new TextDecoder().decode(topic)); // topic
 * ```
 *
 * @module
 */
export { Push, type PushOptions } from "./push.ts";
export { Pull, type PullOptions } from "./pull.ts";
export { Pair } from "./pair.ts";
export { Dealer, type DealerOptions } from "./dealer.ts";
export type { ConflateOptions, ImmediateOptions } from "./options.ts";
export {
  type Frames,
  type ZmqEndpointOptions,
  type ZmqMessage,
  ZmqSocket,
  type ZmqSocketOptions,
  type ZmtpPeer,
  type ZmtpVersion,
} from "./socket.ts";
export { Req, type ReqOptions } from "./req.ts";
export { Rep } from "./rep.ts";
export { Router, type RouterOptions } from "./router.ts";
export {
  proxy,
  type ProxyBackend,
  type ProxyFrontend,
  type ProxySocket,
  type ProxyState,
  SteerableProxy,
} from "./proxy.ts";
export { Pub } from "./pub.ts";
export { Sub, type SubOptions } from "./sub.ts";
export { XPub, type XPubOptions } from "./xpub.ts";
export { XSub } from "./xsub.ts";
export { Client } from "./client.ts";
export { type Addressed, AddressedSocket, Server } from "./server.ts";
export { Peer } from "./peer.ts";
export { GROUP_MAX_LENGTH, Radio } from "./radio.ts";
export { Dish } from "./dish.ts";
export { Scatter } from "./scatter.ts";
export { Gather } from "./gather.ts";
export { Channel } from "./channel.ts";
