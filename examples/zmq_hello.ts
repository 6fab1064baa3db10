/**
 * ZeroMQ hello world: a REP server answers "World" to each "Hello" from a
 * REQ client (the zguide's first example), over tcp.
 *
 *   deno run -A examples/zmq_hello.ts      or      bun examples/zmq_hello.ts
 *
 * With a URL it only serves, so a libzmq client can ask it, e.g.
 *   deno run -A examples/zmq_hello.ts tcp://127.0.0.1:5555
 *   python3 -c 'import zmq; s=zmq.Context().socket(zmq.REQ); s.connect("tcp://127.0.0.1:5555"); s.send(b"Hello"); print(s.recv())'
 */
import { zmq } from "../mod.ts";

const decoder = new TextDecoder();
const fixedUrl = (globalThis as { Deno?: { args: string[] } }).Deno?.args[0] ??
  (globalThis as { process?: { argv: string[] } }).process?.argv[2];

const server = new zmq.Rep();
const { url } = await server.bind(fixedUrl ?? "tcp://127.0.0.1:0");
console.log(`server bound to ${url}`);
const serving = (async () => {
  for await (const [request] of server) {
    console.log(`server got "${decoder.decode(request)}"`);
    await server.send("World");
  }
})();

if (fixedUrl === undefined) {
  const client = new zmq.Req();
  await client.connect(url);
  for (let i = 1; i <= 3; i++) {
    await client.send("Hello");
    const [reply] = await client.recv();
    console.log(`client got "${decoder.decode(reply)}" (${i}/3)`);
  }
  await client.close();
  await server.close();
}
await serving;
