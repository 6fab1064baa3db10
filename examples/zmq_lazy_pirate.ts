/**
 * A ZeroMQ client that retries a request whose reply is late (the zguide's "lazy pirate", without
 * closing the socket): the server takes 600 ms over the first request; the client gives up after
 * 400 ms and asks again. A strict REQ would refuse that second `send` (ESTATE: a reply is due), so
 * this one is `relaxed`; and `correlate` tags each request with an id, so the late reply to the
 * first request is dropped instead of being taken for the second's.
 *
 *   deno run -A examples/zmq_lazy_pirate.ts      or      bun examples/zmq_lazy_pirate.ts
 */
import { MqError, zmq } from "../mod.ts";

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const server = new zmq.Rep();
const { url } = await server.bind("tcp://127.0.0.1:0");
const serving = (async () => {
  let slow = true;
  for await (const [request] of server) {
    if (slow) await sleep(600); // the first request is slow to answer
    slow = false;
    await server.send(`reply to ${text(request)}`);
  }
})();

await using client = new zmq.Req({ relaxed: true, correlate: true, recvTimeout: 400 });
await client.connect(url);
for (let attempt = 1; attempt <= 5; attempt++) {
  await client.send(`attempt ${attempt}`);
  try {
    const [reply] = await client.recv();
    console.log(`client got "${text(reply)}"`);
    break;
  } catch (e) {
    if (!(e instanceof MqError && e.code === "ETIMEDOUT")) throw e;
    console.log(`attempt ${attempt}: no reply within 400 ms, asking again`);
  }
}
// the late reply to attempt 1 came first, over the same connection, and was dropped
console.log(`late replies dropped: ${client.stats.dropped}`);
await server.close();
await serving;
