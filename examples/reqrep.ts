/**
 * REQ/REP hello world: a REP server answers "world" to every "hello" from a
 * REQ client, over tcp on an ephemeral port.
 *
 *   deno run -A examples/reqrep.ts      or      bun examples/reqrep.ts
 *
 * Point a real NNG client at it instead: run with a fixed URL, e.g.
 *   deno run -A examples/reqrep.ts tcp://127.0.0.1:5555
 *   nngcat --req0 --dial tcp://127.0.0.1:5555 --data hello -Q
 */
import { sp } from "../mod.ts";

const decoder = new TextDecoder();
const fixedUrl = (globalThis as { Deno?: { args: string[] } }).Deno?.args[0] ??
  (globalThis as { process?: { argv: string[] } }).process?.argv[2];

await using server = new sp.Rep();
const { url } = await server.listen(fixedUrl ?? "tcp://127.0.0.1:0");
console.log(`server listening on ${url}`);

const serving = (async () => {
  for await (const request of server) {
    console.log(`server got "${decoder.decode(request)}"`);
    await server.send("world");
  }
})();

if (fixedUrl === undefined) {
  await using client = new sp.Req();
  await client.dial(url);
  for (let i = 1; i <= 3; i++) {
    await client.send("hello");
    console.log(`client got "${decoder.decode(await client.recv())}" (${i}/3)`);
  }
  await server.close();
}
await serving;
