/**
 * A QUEUE broker: REQ clients connect to the broker's ROUTER, REP workers
 * connect to its DEALER, and zmq.proxy moves requests and replies between
 * them. Only the broker binds.
 *
 *   deno run -A examples/zmq_queue.ts      or      bun examples/zmq_queue.ts
 */
import { zmq } from "../mod.ts";

const decoder = new TextDecoder();
const frontend = new zmq.Router();
const backend = new zmq.Dealer();
const { url: clientsUrl } = await frontend.bind("tcp://127.0.0.1:0");
const { url: workersUrl } = await backend.bind("tcp://127.0.0.1:0");
const broker = zmq.proxy(frontend, backend);

const workers = [new zmq.Rep(), new zmq.Rep()];
workers.forEach(async (worker, i) => {
  await worker.connect(workersUrl);
  for await (const [request] of worker) {
    await worker.send(`${decoder.decode(request)} done by worker ${i}`);
  }
});

const clients = [new zmq.Req(), new zmq.Req(), new zmq.Req()];
await Promise.all(clients.map(async (client, i) => {
  await client.connect(clientsUrl);
  for (let k = 0; k < 2; k++) {
    await client.send(`client ${i} job ${k}`);
    const [reply] = await client.recv();
    console.log(decoder.decode(reply));
  }
}));

for (const s of [...clients, ...workers, frontend, backend]) await s.close();
await broker; // ends once its sockets are closed
