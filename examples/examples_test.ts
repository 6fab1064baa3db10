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
];

for (const [file, expected] of EXAMPLES) {
  test(`${file} runs to completion with its promised output [EX-1]`, async () => {
    const { code, out } = await run(file);
    assert.equal(code, 0, out);
    for (const pattern of expected) assert.match(out, pattern);
  });
}
