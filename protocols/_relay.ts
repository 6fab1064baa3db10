/**
 * A message stream that outlives its connections: a dialer's pipe sits on one from `dial()` on,
 * and each connection the dialer makes is plugged into it in turn. Messages written while no
 * connection is plugged wait in it (the pipe's high-water mark bounds them) and go out, in order,
 * once one is. This is what libzmq does for connecting sockets unless `ZMQ_IMMEDIATE` is set.
 *
 * @module
 */
import type { MqError } from "./errors.ts";
import type { MessageStream } from "./pipe.ts";

/** @internal A stream that connections are plugged into and unplugged from. */
export class RelayStream<M> implements MessageStream<M> {
  onMessage: (msg: M) => void = () => {};
  onDrain: () => void = () => {};
  onClose: (reason?: MqError) => void = () => {};
  readonly closed: Promise<void>;

  #url: string;
  #real: MessageStream<M> | undefined;
  #waiting: M[] = [];
  #started = false;
  #paused = false;
  #isClosed = false;
  #settle!: () => void;
  #unplugged: (() => void) | undefined;
  #onUnplug: ((reason?: MqError) => void) | undefined;

  /** @param url the endpoint, reported as `remote` while nothing is plugged */
  constructor(url: string) {
    this.#url = url;
    this.closed = new Promise<void>((resolve) => (this.#settle = resolve));
  }

  get remote(): string {
    return this.#real?.remote ?? this.#url;
  }

  get buffered(): number {
    return this.#waiting.length + (this.#real?.buffered ?? 0);
  }

  /** True while a connection is plugged in. */
  get plugged(): boolean {
    return this.#real !== undefined;
  }

  start(): void {
    this.#started = true;
    this.#real?.start();
  }

  write(msg: M): void {
    if (this.#isClosed) return;
    if (this.#real !== undefined) this.#real.write(msg);
    else this.#waiting.push(msg);
  }

  pause(): void {
    this.#paused = true;
    this.#real?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#real?.resume();
  }

  /**
   * Plugs a connection in: what waits is written to it, then it carries the traffic. Resolves
   * once it is unplugged again: it closed (then `onUnplug` is called with why) or the relay did.
   */
  plug(real: MessageStream<M>, onUnplug: (reason?: MqError) => void): Promise<void> {
    if (this.#isClosed) {
      real.close();
      return Promise.resolve();
    }
    this.#real = real;
    real.onMessage = (msg) => this.onMessage(msg);
    real.onDrain = () => {
      if (this.#waiting.length === 0) this.onDrain();
    };
    let unplug!: () => void;
    const gone = new Promise<void>((resolve) => (unplug = resolve));
    this.#unplugged = unplug;
    this.#onUnplug = onUnplug;
    real.onClose = (reason) => {
      if (this.#real !== real) return; // the relay closed it
      // what the connection had not sent yet is lost with it, as in libzmq
      this.#real = undefined;
      this.#unplugged = undefined;
      onUnplug(reason);
      unplug();
    };
    if (this.#paused) real.pause();
    if (this.#started) real.start();
    for (const msg of this.#waiting.splice(0)) real.write(msg);
    // messages lost with an earlier connection may still count against the pipe's high-water
    // mark: a drain now resets that count
    if (real.buffered === 0) this.onDrain();
    return gone.then(() => real.closed);
  }

  close(reason?: MqError): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#waiting = [];
    const real = this.#real;
    this.#real = undefined;
    const unplugged = this.#unplugged;
    this.#unplugged = undefined;
    real?.close();
    if (real !== undefined) this.#onUnplug?.();
    unplugged?.();
    this.onClose(reason);
    void (real?.closed ?? Promise.resolve()).then(() => this.#settle());
  }
}
