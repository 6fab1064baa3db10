/**
 * A context of a socket (NNG's `nng_ctx`): its own `send` and `recv`, and its own protocol state,
 * so that one socket serves many conversations at once. A REQ context has its own request
 * outstanding; a REP context answers the request it received, along that request's backtrace.
 *
 * @module
 */
import type { CoreContext, RecvOptions, SendOptions, SocketCore } from "./socket.ts";

/**
 * One context of a socket; open it with the socket's `context()` (REQ and REP today).
 *
 * @example A client with two requests outstanding at once
 * ```ts
 * import { Rep, Req } from "./sp/mod.ts";
 * await using rep = new Rep();
 * await using req = new Req();
 * await rep.listen("inproc://ctx-doc");
 * await req.dial("inproc://ctx-doc");
 * await using a = req.context();
 * await using b = req.context();
 * await a.send("first");
 * await b.send("second");
 * for (let i = 0; i < 2; i++) await rep.send(await rep.recv()); // echo both
 * console.log(new TextDecoder().decode(await b.recv())); // second
 * console.log(new TextDecoder().decode(await a.recv())); // first
 * ```
 */
export class Context<M, In> implements AsyncDisposable {
  #core: SocketCore<M, unknown>;
  #ctx: CoreContext<M>;
  #encode: (msg: In) => M;

  /** @internal Use the socket's `context()`. */
  constructor(core: SocketCore<M, unknown>, ctx: CoreContext<M>, encode: (msg: In) => M) {
    this.#core = core;
    this.#ctx = ctx;
    this.#encode = encode;
  }

  /** This context's id within its socket (the socket's own `send`/`recv` use 0). */
  get id(): number {
    return this.#ctx.id;
  }

  /** True once the context or its socket is closed. */
  get closed(): boolean {
    return this.#ctx.closed || this.#core.isClosed;
  }

  /** Sends one message from this context (a REQ context: its request; a REP context: its reply). */
  send(msg: In, options?: SendOptions): Promise<void> {
    return encodeAndSend(this.#core, this.#encode, msg, options, this.#ctx);
  }

  /** Receives one message for this context. */
  recv(options?: RecvOptions): Promise<M> {
    return this.#core.recv(options, this.#ctx);
  }

  /** Sends only if that needs no waiting; see the socket's `trySend`. */
  trySend(msg: In): boolean {
    return this.#core.trySend(this.#encode(msg), this.#ctx);
  }

  /** A message for this context waiting now, or undefined; see the socket's `tryRecv`. */
  tryRecv(): M | undefined {
    return this.#core.tryRecv(this.#ctx);
  }

  /** Closes the context: its waiting calls fail with `ECLOSED`, its request is abandoned. */
  close(): void {
    this.#core.closeContext(this.#ctx);
  }

  /** Closes the context (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/**
 * @internal Encodes what `send` was given and sends it from `ctx` (default: the socket's own); an
 * encoding error rejects, as every failure of `send` does.
 */
export function encodeAndSend<M, In>(
  core: SocketCore<M, unknown>,
  encode: (msg: In) => M,
  msg: In,
  options: SendOptions | undefined,
  ctx?: CoreContext<M>,
): Promise<void> {
  let encoded: M;
  try {
    encoded = encode(msg);
  } catch (e) {
    return Promise.reject(e);
  }
  return core.send(encoded, options, ctx);
}
