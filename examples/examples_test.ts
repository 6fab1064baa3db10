import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { within } from "../testing/async.ts";

// Each example is run as a user would, with the runtime running this test,
// and must finish by itself with the output it promises.
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";

function run(file: string): Promise<{ code: number | null; out: string }> {
  const args = isDeno ? ["run", "-A", file] : [file];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  child.stderr!.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  return within(
    30000,
    new Promise<{ code: number | null; out: string }>((resolve) =>
      child.on("close", (code) => resolve({ code, out }))
    ),
    `example ${file}`,
  ).finally(() => child.kill());
}

const EXAMPLES: [string, RegExp[]][] = [
  ["examples/reqrep.ts", [/client got "world" \(3\/3\)/]],
  ["examples/pubsub.ts", [/weather sub got "weather: rain"/, /everything sub got "sports: 2-1"/]],
  ["examples/zmq_hello.ts", [/client got "World" \(3\/3\)/]],
  ["examples/zmq_pipeline.ts", [/puller 0 got/, /puller 1 got/]],
  ["examples/zmq_queue.ts", [/client 2 job 1 done by worker/]],
  ["examples/zmq_streamer.ts", [/consumer got "item 4"/]],
  ["examples/zmq_pubsub.ts", [/publisher 0"/, /publisher 1"/]],
  ["examples/zmq_forwarder.ts", [/sub got "news: item \d+" through the forwarder/]],
  ["examples/zmq_late_pub.ts", [/publisher bound/, /sub got "hello \d+"/]],
  ["examples/workers.ts", [/job 7 -> done by w\d/, /all 8 jobs answered/]],
  ["examples/fanout.ts", [
    /subscriber "prices\/eur" got 1: prices\/eur 1.08/,
    /subscriber "" got 4/,
  ]],
  ["examples/survey.ts", [/deadline passed: 3 answers in time/, /late answers dropped: 2/]],
  ["examples/bus.ts", [/node 3 heard: hello from node 0, hello from node 1, hello from node 2/]],
  ["examples/bridge.ts", [/ipc side got "reading 2 from the tcp side"/]],
  ["examples/priorities.ts", [/local worker got "job 2"/, /remote worker got "job 3"/]],
  ["examples/broker.ts", [/client got "ping -> pong" through the broker/]],
  ["examples/reqrep_contexts.ts", [/7 squared is 49 \(worker \d\)/, /all 8 requests answered/]],
  ["examples/reqrep_failover.ts", [
    /crashes before answering/,
    /client got "answer from server \d"/,
  ]],
  ["examples/zmq_lazy_pirate.ts", [/attempt 1: no reply/, /client got "reply to attempt \d"/]],
  ["examples/pipeline.ts", [/sink got "task 9 done by worker \d"/]],
  ["examples/pair.ts", [/left got "ping"/, /right got "pong"/, /a third peer was refused/]],
  ["examples/pair_poly.ts", [/ann got "hello ann, you are pipe \d+"/, /cid got "hello cid/]],
  ["examples/zmq_router_dealer.ts", [/job 2 done for bob/, /to carol: EHOSTUNREACH/]],
  ["examples/zmq_xpub.ts", [/xpub saw: subscribe "prices\/eur"/, /sub got prices\/eur 1.08/]],
  ["examples/http_gateway.ts", [/200 of 200 HTTP requests answered correctly/]],
  ["examples/shared_req.ts", [
    /one shared REQ: .*ECANCELED/,
    /a context per handler: 20 answered$/m,
  ]],
];

for (const [file, expected] of EXAMPLES) {
  test(`${file} runs to completion with its promised output [EX-1]`, async () => {
    const { code, out } = await run(file);
    assert.equal(code, 0, out);
    for (const pattern of expected) assert.match(out, pattern);
  });
}
