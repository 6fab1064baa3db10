/**
 * Dialing from a chosen local interface, as nanomsg writes it: `tcp://<local>;<host>:<port>`,
 * where `<local>` is an address or an interface name [SP-TCP-LOCAL-1, SP-TCP-LOCAL-2].
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../mod.ts";
import { MqError } from "../protocols/errors.ts";
import { until, within } from "../testing/async.ts";
import { parseEndpoint } from "../transports/url.ts";

/** The remote address the listener sees for its one peer. */
async function remoteSeenBy(socket: { pipeStatistics(): { remote: string }[] }): Promise<string> {
  await until(() => socket.pipeStatistics().length === 1, 3000, "the peer's connection");
  return socket.pipeStatistics()[0]!.remote;
}

test("a dial from a local address binds the connection's local end to it [SP-TCP-LOCAL-1]", async () => {
  await using rep = new sp.Rep();
  const { url } = await rep.listen("tcp://127.0.0.1:0");
  await using req = new sp.Req();
  await req.dial(url.replace("tcp://", "tcp://127.0.0.2;")); // the loopback net is all of 127/8
  assert.match(await remoteSeenBy(rep), /^127\.0\.0\.2:\d+$/);
  await req.send("from 127.0.0.2");
  assert.equal(
    new TextDecoder().decode(await within(2000, rep.recv(), "request")),
    "from 127.0.0.2",
  );
});

test("a dial from an interface name uses that interface's address, on ZeroMQ sockets too [SP-TCP-LOCAL-1]", async () => {
  await using pull = new zmq.Pull();
  const { url } = await pull.bind("tcp://127.0.0.1:0");
  await using push = new zmq.Push();
  await push.connect(url.replace("tcp://", "tcp://lo;"));
  assert.match(await remoteSeenBy(pull), /^127\.0\.0\.1:\d+$/);
});

test("local interfaces: bad forms fail with EINVAL, an unknown name is reported by the monitor [SP-TCP-LOCAL-2]", async () => {
  const invalid = (pattern: RegExp) => (e: unknown): boolean =>
    e instanceof MqError && e.code === "EINVAL" && pattern.test(e.message);
  assert.throws(
    () => parseEndpoint("tcp://127.0.0.2;127.0.0.1:5555", "listen"),
    invalid(/for dialing only/),
  );
  assert.throws(() => parseEndpoint("tcp://;127.0.0.1:5555", "dial"), invalid(/local interface/));
  assert.throws(
    () => parseEndpoint("tcp://a b;127.0.0.1:5555", "dial"),
    invalid(/local interface/),
  );
  const ep = parseEndpoint("tcp://[::1];[::1]:5555", "dial");
  assert.ok(ep.scheme === "tcp" && ep.local === "::1" && ep.hostname === "::1");
  await using req = new sp.Req({ reconnectIvl: 5000 });
  const failed = req.monitor.next("connect-failed");
  await req.dial("tcp://nosuchif0;127.0.0.1:5555");
  const event = await within(3000, failed, "the failed connect");
  assert.match(event.reason, /no network interface named "nosuchif0"/);
});
