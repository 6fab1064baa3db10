import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { type BackendName, runtimeName } from "./_backend.ts";
import { tcpTransport } from "./tcp.ts";
import { ipcTransport } from "./ipc.ts";
import { parseEndpoint } from "./url.ts";
import type { Connection } from "./transport.ts";
import { MqError } from "../protocols/errors.ts";
import { deferred, within } from "../testing/async.ts";

// Every runtime runs its own backend and node:net (the parity fallback).
const backends: BackendName[] = runtimeName() === "node" ? ["node"] : [runtimeName(), "node"];

function tcp(url: string) {
  const ep = parseEndpoint(url, url.includes("*") || url.endsWith(":0") ? "listen" : "dial");
  if (ep.scheme !== "tcp") throw new Error("not tcp");
  return ep;
}

/** Collects `total` bytes from a connection. */
function collect(conn: Connection, total: number): Promise<Uint8Array> {
  const out = new Uint8Array(total);
  let got = 0;
  const done = deferred<Uint8Array>();
  conn.onData = (chunk) => {
    out.set(chunk, got);
    got += chunk.length;
    if (got >= total) done.resolve(out);
  };
  return done.promise;
}

for (const name of backends) {
  const transport = tcpTransport(name);

  test(`tcp (${name}) carries 8 MiB both ways intact under backpressure [SP-TCP-1]`, async () => {
    const size = 8 * 1024 * 1024;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
    const accepted = deferred<Connection>();
    const listener = await transport.listen(tcp("tcp://127.0.0.1:0"), accepted.resolve);
    assert.match(listener.url, /^tcp:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    const client = await transport.dial(tcp(listener.url));
    const server = await accepted.promise;
    const serverGot = collect(server, size);
    // many small writes then one big one: coalesced and flushed in order
    for (let off = 0; off < size / 2; off += 1000) {
      client.write(data.subarray(off, Math.min(off + 1000, size / 2)));
    }
    client.write(data.subarray(size / 2));
    assert.deepEqual(await within(10000, serverGot, "8 MiB transfer"), data);
    // small writes in batches with event-loop turns between, to a reader that is paused at
    // first (the kernel's buffers fill and writes stay in flight): the coalescing buffers are
    // reused as flushes complete, and no byte may change on the wire because of it
    const back = new Uint8Array(24 * 1024 * 1024); // more than loopback's kernel buffers hold
    for (let i = 0; i < back.length; i++) back[i] = (i * 13 + (i >> 11)) & 0xff;
    const clientGot = collect(client, back.length);
    client.pause();
    for (let off = 0; off < back.length;) {
      for (let n = 0; n < 100 && off < back.length; n++, off += 700) {
        server.write(back.subarray(off, Math.min(off + 700, back.length)));
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (off > back.length * 0.75) client.resume();
    }
    assert.deepEqual(await within(10000, clientGot, "24 MiB in batches"), back);
    client.close();
    await within(2000, server.closed, "server side sees close");
    await client.closed;
    await listener.close();
  });

  test(`tcp (${name}) dial to a closed port fails with ECONNREFUSED [SP-TCP-2]`, async () => {
    const listener = await transport.listen(tcp("tcp://127.0.0.1:0"), (c) => c.close());
    const url = listener.url;
    await listener.close();
    await assert.rejects(
      transport.dial(tcp(url)),
      (e: unknown) => e instanceof MqError && e.code === "ECONNREFUSED",
    );
  });

  test(`tcp (${name}) a second listen on the same port fails with EADDRINUSE [SP-TCP-3]`, async () => {
    const listener = await transport.listen(tcp("tcp://127.0.0.1:0"), (c) => c.close());
    await assert.rejects(
      transport.listen(tcp(listener.url), (c) => c.close()),
      (e: unknown) => e instanceof MqError && e.code === "EADDRINUSE",
    );
    await listener.close();
  });

  test(`tcp (${name}) listens on a wildcard and on IPv6 loopback [SP-TCP-4]`, async () => {
    for (const url of ["tcp://*:0", "tcp://[::1]:0"]) {
      const accepted = deferred<Connection>();
      const listener = await transport.listen(tcp(url), accepted.resolve);
      const port = Number(listener.url.slice(listener.url.lastIndexOf(":") + 1));
      const dialUrl = url.includes("::1") ? `tcp://[::1]:${port}` : `tcp://localhost:${port}`;
      const client = await transport.dial(tcp(dialUrl));
      const server = await accepted.promise;
      const got = collect(server, 2);
      client.write(new Uint8Array([9, 8]));
      assert.deepEqual(await within(2000, got), new Uint8Array([9, 8]));
      client.close();
      await server.closed;
      await listener.close();
    }
  });

  test(`ipc (${name}) replaces a stale socket file and refuses a live one [SP-IPC-4]`, async () => {
    const ipc = ipcTransport(name);
    const path = `/tmp/edgemq-test-${name}-${Date.now()}.ipc`;
    const ep = { scheme: "ipc", path, url: `ipc://${path}` } as const;
    const first = await ipc.listen(ep, (c) => c.close());
    await assert.rejects(
      ipc.listen(ep, (c) => c.close()),
      (e: unknown) => e instanceof MqError && e.code === "EADDRINUSE",
    );
    await first.close();
    // leave a stale file behind: a listener of another backend closed without unlinking is simulated by a plain file
    const fs = await import("node:fs");
    fs.writeFileSync(path, "");
    const second = await ipc.listen(ep, (c) => c.close());
    await second.close();
    assert.equal(fs.existsSync(path), false);
  });
}
