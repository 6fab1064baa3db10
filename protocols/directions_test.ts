// The type checker refuses `send` on the sockets that only receive and `recv` on those that only
// send, while the proxy and the devices keep taking the sockets they need. The lines marked
// `@ts-expect-error` are checked by `deno check` (and `deno test`, which checks before it runs):
// were a refusal lost, the directive would be unused, an error. The last case runs the type
// checker on the same calls without the directives and reads its errors, on every runtime.
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Receiver, type Sender, sp, zmq } from "../mod.ts";
import { code } from "../conformance/_raw_sp.ts";
import { within } from "../testing/async.ts";

test("send does not compile on SP and ZeroMQ sockets that only receive, recv on those that only send; JavaScript gets ENOTSUP [CORE-DIR-1]", async () => {
  await using spSub = new sp.Sub();
  await using spPull = new sp.Pull();
  await using spPub = new sp.Pub();
  await using spPush = new sp.Push();
  await using sub = new zmq.Sub();
  await using pull = new zmq.Pull();
  await using dish = new zmq.Dish();
  await using gather = new zmq.Gather();
  await using pub = new zmq.Pub();
  await using push = new zmq.Push({ linger: 0 });
  await using radio = new zmq.Radio();
  await using scatter = new zmq.Scatter({ linger: 0 });
  // @ts-expect-error: sp.Sub only receives
  await assert.rejects(spSub.send("x"), code("ENOTSUP"));
  // @ts-expect-error: sp.Pull only receives
  assert.throws(() => spPull.trySend("x"), code("ENOTSUP"));
  // @ts-expect-error: sp.Pub only sends
  await assert.rejects(spPub.recv(), code("ENOTSUP"));
  // @ts-expect-error: sp.Push only sends
  assert.throws(() => spPush.tryRecv(), code("ENOTSUP"));
  // @ts-expect-error: zmq.Sub only receives
  await assert.rejects(sub.send("x"), code("ENOTSUP"));
  // @ts-expect-error: zmq.Pull only receives
  await assert.rejects(pull.send("x"), code("ENOTSUP"));
  // @ts-expect-error: zmq.Dish only receives
  await assert.rejects(dish.send(["group", "x"]), code("ENOTSUP"));
  // @ts-expect-error: zmq.Gather only receives
  assert.throws(() => gather.trySend("x"), code("ENOTSUP"));
  // @ts-expect-error: zmq.Pub only sends
  await assert.rejects(pub.recv(), code("ENOTSUP"));
  // @ts-expect-error: zmq.Push only sends
  await assert.rejects(push.recv(), code("ENOTSUP"));
  // @ts-expect-error: zmq.Radio only sends
  assert.throws(() => radio.tryRecv(), code("ENOTSUP"));
  // @ts-expect-error: zmq.Scatter only sends
  await assert.rejects(scatter.recv(), code("ENOTSUP"));
  // the other direction compiles, and so does either on the family's base class
  assert.equal(spSub.tryRecv(), undefined);
  assert.equal(spPub.trySend("x"), true);
  const general: zmq.ZmqSocket = pull;
  await assert.rejects(general.send("x"), code("ENOTSUP"));
});

test("Sender and Receiver take the sockets that can send and receive, and refuse the others [CORE-DIR-2]", async () => {
  await using zpush = new zmq.Push();
  await using dealer = new zmq.Dealer();
  await using zpull = new zmq.Pull();
  await using pull = new sp.Pull();
  await using rep = new sp.Rep();
  await using push = new sp.Push();
  const senders: Sender<Uint8Array[]>[] = [zpush, dealer];
  const receivers: Receiver<Uint8Array>[] = [pull, rep];
  // @ts-expect-error: zmq.Pull cannot send
  const notSender: Sender<Uint8Array[]> = zpull;
  // @ts-expect-error: sp.Push cannot receive
  const notReceiver: Receiver<Uint8Array> = push;
  // @ts-expect-error: an SP socket receives bodies, not frames
  const wrongShape: Receiver<Uint8Array[]> = pull;
  assert.equal([...senders, ...receivers, notSender, notReceiver, wrongShape].length, 7);
});

test("zmq.proxy takes a receiving frontend, a sending backend and a sending capture; the wrong way round does not compile [CORE-DIR-3]", async () => {
  const frontend = new zmq.Pull();
  const backend = new zmq.Push();
  await frontend.bind("inproc://dir-streamer-front");
  await backend.bind("inproc://dir-streamer-back");
  const running = zmq.proxy(frontend, backend); // STREAMER: PULL → PUSH
  try {
    await using producer = new zmq.Push();
    await using consumer = new zmq.Pull();
    await producer.connect("inproc://dir-streamer-front");
    await consumer.connect("inproc://dir-streamer-back");
    await producer.send("job");
    const [got] = await within(2000, consumer.recv(), "the streamed message");
    assert.equal(new TextDecoder().decode(got), "job");
  } finally {
    await frontend.close();
    await backend.close();
  }
  await within(2000, running, "the proxy to stop");
  // type-checked only (each would run until its sockets close)
  const typeOnly = (): Promise<void>[] => [
    zmq.proxy(new zmq.Router(), new zmq.Dealer(), new zmq.Pub()), // QUEUE with a capture
    zmq.proxy(new zmq.XSub(), new zmq.XPub()), // FORWARDER
    zmq.proxy(new sp.Pull(), new sp.Push()), // an SP STREAMER
    // @ts-expect-error: the frontend must receive; a PUSH only sends
    zmq.proxy(new zmq.Push(), new zmq.Pull()),
    // @ts-expect-error: the backend must send; a SUB only receives
    zmq.proxy(new zmq.XSub(), new zmq.Sub()),
    // @ts-expect-error: the capture must send; a PULL only receives
    zmq.proxy(new zmq.Router(), new zmq.Dealer(), new zmq.Pull()),
    new zmq.SteerableProxy(new zmq.Pull(), new zmq.Push()).done,
  ];
  assert.equal(typeof typeOnly, "function");
});

test("sp.device still forwards between raw receive-only and send-only sockets [CORE-DIR-3]", async () => {
  const pull = new sp.Pull({ raw: true }), push = new sp.Push({ raw: true });
  await pull.listen("inproc://dir-device-in");
  await push.listen("inproc://dir-device-out");
  const running = sp.device(pull, push);
  try {
    await using producer = new sp.Push();
    await using consumer = new sp.Pull();
    await producer.dial("inproc://dir-device-in");
    await consumer.dial("inproc://dir-device-out");
    await producer.send("through");
    assert.equal(new TextDecoder().decode(await within(2000, consumer.recv())), "through");
  } finally {
    await pull.close();
    await push.close();
  }
  await within(2000, running, "the device to stop");
});

test("without the directives, the type checker rejects each refused call and quotes why [CORE-DIR-1]", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const deno = join(root, "node_modules", ".bin", "deno");
  const dir = mkdtempSync(join(tmpdir(), "edgemq-directions-"));
  try {
    const file = join(dir, "refused.ts");
    writeFileSync(
      file,
      `import { sp, zmq } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
export function refused(): unknown[] {
  return [
    new sp.Sub().send("x"),
    new sp.Push().recv(),
    new zmq.Pull().trySend("x"),
    new zmq.Radio().tryRecv(),
    zmq.proxy(new zmq.Push(), new zmq.Pull()),
  ];
}
`,
    );
    const run = spawnSync(deno, ["check", "--no-config", "--node-modules-dir=none", file], {
      encoding: "utf8",
      timeout: 120_000,
    });
    // deno-lint-ignore no-control-regex -- the escape sequences of deno's coloured output
    const out = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
    assert.notEqual(run.status, 0, `deno check must fail:\n${out}`);
    for (
      const why of [
        "sp.Sub cannot send; use sp.Pub",
        "sp.Push cannot receive; use sp.Pull",
        "zmq.Pull cannot send; use zmq.Push",
        "zmq.Radio cannot receive; use zmq.Dish",
      ]
    ) {
      assert.ok(out.includes(why), `the error quotes "${why}":\n${out}`);
    }
    assert.equal(out.match(/TS2684/g)?.length, 4, `one 'this' error per refused call:\n${out}`);
    assert.match(out, /TS2345/, `the proxy's frontend is refused:\n${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
