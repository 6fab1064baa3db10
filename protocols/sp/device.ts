/**
 * Devices (NNG's `nng_device`, nanomsg's `nn_device`): forward every message between two raw
 * sockets of peer protocols — a raw REP facing clients and a raw REQ facing servers, a raw PULL
 * and a PUSH, a SUB and a PUB — or, given one socket of a protocol that is its own peer (PAIR),
 * reflect what it receives back to it. Raw sockets carry the SP header untouched, so replies find
 * their way back through any number of devices; each raw REP adds a hop to a request's backtrace
 * and drops requests with more than its `maxTtl` hops, so a loop of devices cannot go on for ever.
 *
 * @module
 */
import { invalid, MqError } from "../errors.ts";
import type { SpSocket } from "./socket.ts";

/** Protocols whose sockets only send (pub0, push0) and only receive (sub0, pull0). */
const SEND_ONLY = new Set([0x20, 0x50]);
const RECV_ONLY = new Set([0x21, 0x51]);

/**
 * Forwards messages between `a` and `b` (both raw, of peer protocols), or reflects them on `a`
 * alone, until either socket closes; then it resolves. Rejects with `EINVAL` at once for sockets
 * that are not raw or whose protocols are not peers.
 *
 * @example A broker between REQ clients and REP servers
 * ```ts
 * import { device, Rep, Req } from "./mod.ts";
 * const front = new Rep({ raw: true }), back = new Req({ raw: true });
 * await front.listen("inproc://clients");
 * await back.listen("inproc://servers");
 * const running = device(front, back);
 * await using server = new Rep();
 * await using client = new Req();
 * await server.dial("inproc://servers");
 * await client.dial("inproc://clients");
 * await client.send("ping");
 * await server.send(await server.recv()); // echo
 * console.log(new TextDecoder().decode(await client.recv())); // ping
 * await front.close();
 * await back.close();
 * await running;
 * ```
 */
export function device(a: SpSocket, b?: SpSocket): Promise<void> {
  try {
    check(a, b);
  } catch (e) {
    return Promise.reject(e);
  }
  const other = b ?? a;
  const stop = new AbortController();
  const directions: Promise<void>[] = [];
  if (canRecv(a) && canSend(other)) directions.push(forward(a, other, stop));
  if (b !== undefined && canRecv(b) && canSend(a)) directions.push(forward(b, a, stop));
  return Promise.all(directions).then(() => {});
}

function check(a: SpSocket, b: SpSocket | undefined): void {
  for (const s of b === undefined ? [a] : [a, b]) {
    if (!s.raw) throw invalid(`a device needs raw sockets: sp.${s.protocol.name} is cooked`);
  }
  const other = b ?? a;
  if (a.protocol.peerId !== other.protocol.id) {
    throw invalid(
      b === undefined
        ? `a device on one socket needs a protocol that is its own peer, not ${a.protocol.name}`
        : `a device needs peer protocols: ${a.protocol.name} talks to ${a.protocol.peerName}, ` +
          `not ${b.protocol.name}`,
    );
  }
}

const canRecv = (s: SpSocket): boolean => !SEND_ONLY.has(s.protocol.id);
const canSend = (s: SpSocket): boolean => !RECV_ONLY.has(s.protocol.id);

/** Moves messages from `from` to `to` until either closes; then stops the other direction. */
async function forward(from: SpSocket, to: SpSocket, stop: AbortController): Promise<void> {
  const { signal } = stop;
  try {
    while (!signal.aborted) {
      const msg = await from.recv({ signal });
      await to.send(msg, { signal });
    }
  } catch (e) {
    if (signal.aborted) return;
    if (!(e instanceof MqError && e.code === "ECLOSED")) throw e;
  } finally {
    stop.abort();
  }
}
