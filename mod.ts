/**
 * edgemq: the SP (nanomsg / NNG / mangos) and ZMTP (ZeroMQ) messaging wires in
 * TypeScript, on each runtime's own sockets (Deno, Bun, Node).
 *
 * @example REQ/REP with an NNG-style socket
 * ```ts
 * import { sp } from "./mod.ts";
 * await using rep = new sp.Rep();
 * await using req = new sp.Req();
 * const { url } = await rep.listen("tcp://127.0.0.1:0");
 * await req.dial(url);
 * await req.send("hello");
 * await rep.send(await rep.recv());
 * console.log(new TextDecoder().decode(await req.recv())); // hello
 * ```
 *
 * @module
 */
export * as sp from "./protocols/sp/mod.ts";
export { type ErrorCode, MqError } from "./protocols/errors.ts";
export {
  Monitor,
  type MonitorEvent,
  type MonitorEventType,
  type SocketStats,
} from "./protocols/monitor.ts";
export type { EndpointOptions, SocketOptions } from "./protocols/options.ts";
export { Context } from "./protocols/context.ts";
export type { PipeStatistics, SocketStatistics } from "./protocols/statistics.ts";
export {
  type ConnectionTransport,
  type Endpoint,
  type LocalAcceptor,
  type LocalDialer,
  type LocalTransport,
  registeredSchemes,
  registerTransport,
  type Transport,
  type TransportEndpointOptions,
  type TransportOptions,
  type WireTraits,
} from "./transports/registry.ts";
export type {
  AcceptErrorHandler,
  AcceptHandler,
  Connection,
  Listener,
} from "./transports/transport.ts";
export type { MessageStream } from "./protocols/pipe.ts";
export type { RecvOptions, SendOptions, SocketEndpoint } from "./protocols/socket.ts";
export * as zmq from "./protocols/zmtp/mod.ts";
export { SocketBase } from "./protocols/socket_base.ts";
export {
  type MayRecv,
  type MaySend,
  type Receiver,
  RECV_REFUSED,
  SEND_REFUSED,
  type Sender,
} from "./protocols/directions.ts";
