/**
 * The SP (nanomsg / NNG / mangos) sockets. Each one `listen`s or `dial`s
 * `tcp://`, `ipc://` or `inproc://` URLs and talks to any SP implementation.
 *
 * @example Request/reply over tcp
 * ```ts
 * import { Rep, Req } from "./mod.ts";
 * await using rep = new Rep();
 * await using req = new Req();
 * const { url } = await rep.listen("tcp://127.0.0.1:0");
 * await req.dial(url);
 * await req.send("ping");
 * await rep.send(await rep.recv());
 * console.log(new TextDecoder().decode(await req.recv())); // ping
 * ```
 *
 * @module
 */
export { Push } from "./push.ts";
export { Pull } from "./pull.ts";
export { Pub } from "./pub.ts";
export { Sub } from "./sub.ts";
export { Req, type ReqOptions } from "./req.ts";
export { Rep, type RepOptions } from "./rep.ts";
export { Pair } from "./pair.ts";
export { Pair1, type Pair1Options, type PeerMessage } from "./pair1.ts";
export { Surveyor, type SurveyorOptions } from "./surveyor.ts";
export { Respondent, type RespondentOptions } from "./respondent.ts";
export { Bus } from "./bus.ts";
export {
  type SpEndpointOptions,
  type SpPeer,
  type SpProtocol,
  SpSocket,
  type SpSocketOptions,
} from "./socket.ts";
export { device } from "./device.ts";
export { Context } from "../context.ts";
