/**
 * An HTTP app in front of a REQ/REP service. The app opens one `sp.Req` when it starts and keeps
 * it; every HTTP request opens a context of its own (`req.context()`), so concurrent handlers never
 * cancel each other's requests. The handler is a plain `(Request) => Promise<Response>`: served by
 * `Deno.serve` on Deno, `Bun.serve` on Bun, `node:http` on Node. The program sends itself 200
 * HTTP requests, 20 at a time, then shuts down: the HTTP server first, then the socket.
 *
 *   deno run -A examples/http_gateway.ts      or      bun examples/http_gateway.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { MqError, sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

// The service behind the app (in real life another process, perhaps NNG's or pynng's): a REP
// socket answering eight requests at a time, one context each.
const service = new sp.Rep();
const { url } = await service.listen("tcp://127.0.0.1:0");
const answering = Array.from({ length: 8 }, async () => {
  const ctx = service.context();
  try {
    for (;;) await ctx.send(`hello ${text(await ctx.recv())}`);
  } catch (e) {
    if (!(e instanceof MqError && e.code === "ECLOSED")) throw e;
  }
});

// The app: one socket for its whole life, a context per HTTP request.
const backend = new sp.Req({ recvTimeout: 5000 });
await backend.dial(url);

async function handle(request: Request): Promise<Response> {
  const name = new URL(request.url).searchParams.get("name") ?? "world";
  await using ctx = backend.context(); // closed when the handler returns, whatever happens
  try {
    await ctx.send(name);
    return new Response(text(await ctx.recv()));
  } catch (e) {
    if (e instanceof MqError && e.code === "ETIMEDOUT") {
      return new Response("the service did not answer in time", { status: 504 });
    }
    throw e;
  }
}

/** A running HTTP server: its port, and a stop that waits for handlers in flight. */
interface HttpServer {
  readonly port: number;
  stop(): Promise<void>;
}

type Handler = (request: Request) => Promise<Response>;
interface DenoServe {
  serve(options: { port: number; hostname: string; onListen(): void }, handler: Handler): {
    addr: { port: number };
    shutdown(): Promise<void>;
  };
}
interface BunServe {
  serve(options: { port: number; hostname: string; fetch: Handler }): {
    port: number;
    stop(): Promise<void>;
  };
}

async function serve(handler: Handler): Promise<HttpServer> {
  const { Deno, Bun } = globalThis as { Deno?: DenoServe; Bun?: BunServe };
  if (Deno !== undefined) {
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
    return { port: server.addr.port, stop: () => server.shutdown() };
  }
  if (Bun !== undefined) {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: handler });
    return { port: server.port, stop: () => server.stop() };
  }
  const server = createServer(async (req, res) => {
    const response = await handler(new Request(`http://127.0.0.1${req.url ?? "/"}`));
    res.writeHead(response.status, { "content-type": "text/plain; charset=utf-8" });
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { port, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

const http = await serve(handle);
let correct = 0;
await Promise.all(Array.from({ length: 20 }, async (_, lane) => {
  for (let i = lane; i < 200; i += 20) {
    const response = await fetch(`http://127.0.0.1:${http.port}/?name=user${i}`);
    if (await response.text() === `hello user${i}`) correct++;
  }
}));
console.log(`${correct} of 200 HTTP requests answered correctly, 20 at a time`);

// Shutting down: stop taking HTTP requests (in-flight handlers finish), then close the socket.
await http.stop();
await backend.close();
await service.close();
await Promise.all(answering);
