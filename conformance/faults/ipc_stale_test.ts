/**
 * Fault: ipc socket files left behind. A process killed with SIGKILL cannot remove its unix socket
 * file; the next listener at that path must not be stopped by it.
 *
 * edgemq does what NNG does (and what sp-ipc-mapping-01 suggests): a listener that finds a file
 * in its way connects to it; if nobody answers, the file is stale and is replaced; if a process
 * answers, the address is in use (`EADDRINUSE`) and the file is left alone. A listener removes its
 * file when it closes. (libzmq unlinks whatever is at the path before it binds, so it would take
 * the path from a live process too.)
 *
 * Checked here with edgemq's own REP in a child process, with the files a killed pyzmq (libzmq)
 * and a killed nngcat (NNG) leave, and the other way round: libzmq and NNG listen where a killed
 * edgemq left its file.
 *
 * @module
 */
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { existsSync, lstatSync } from "node:fs";
import { sp, zmq } from "../../mod.ts";
import { MqError } from "../../protocols/errors.ts";
import { until } from "../../testing/async.ts";
import { ipcPath, peerCaseOptions, removeFile, startPeer } from "../interop/_peers.ts";
import {
  killRep,
  repCaseOptions,
  type RepServer,
  startRep,
  text,
  withDeadline,
} from "./_faults.ts";

/** Asks one request of whatever listens at `url` (a fresh REQ); resolves with the reply. */
async function ask(wire: "sp" | "zmq", url: string, request: string): Promise<string> {
  if (wire === "sp") {
    await using req = new sp.Req({ reconnectIvl: 20 });
    await req.dial(url);
    await req.send(request);
    return text(await withDeadline(5000, (signal) => req.recv({ signal }), `reply from ${url}`));
  }
  await using req = new zmq.Req({ reconnectIvl: 20 });
  await req.connect(url);
  await req.send(request);
  const reply = await withDeadline(5000, (signal) => req.recv({ signal }), `reply from ${url}`);
  return reply.map(text).join("|");
}

/** Listens with an echoing REP of `wire` at `url`, answers one request, and closes it. */
async function serveOnce(wire: "sp" | "zmq", url: string): Promise<void> {
  const request = "over the stale file";
  if (wire === "sp") {
    await using rep = new sp.Rep();
    await rep.listen(url);
    const asked = ask(wire, url, request);
    await rep.send(await withDeadline(5000, (signal) => rep.recv({ signal })));
    assert.equal(await asked, request);
    return;
  }
  await using rep = new zmq.Rep();
  await rep.bind(url);
  const asked = ask(wire, url, request);
  await rep.send(await withDeadline(5000, (signal) => rep.recv({ signal })));
  assert.equal(await asked, request);
}

/** True if `path` is a unix socket file. */
function isSocketFile(path: string): boolean {
  return existsSync(path) && lstatSync(path).isSocket();
}

/** Kills `server` and checks that it left its socket file at `path`. */
async function killLeavingFile(server: RepServer, path: string): Promise<void> {
  await killRep(server);
  assert.ok(isSocketFile(path), `the killed process left no socket file at ${path}`);
}

describe("fault: ipc socket files left behind by a killed process", () => {
  for (const kind of ["edgemq-sp", "edgemq-zmq"] as const) {
    const wire = kind === "edgemq-sp" ? "sp" : "zmq";
    test(`${wire}: a live owner keeps its path (EADDRINUSE); once it is killed its file is replaced; a closed listener removes its file [FAULT-IPC-1]`, async () => {
      const path = ipcPath();
      const url = `ipc://${path}`;
      const server = await startRep(kind, url, "0");
      try {
        const rep = wire === "sp" ? new sp.Rep() : new zmq.Rep();
        try {
          const listening = rep instanceof sp.Rep ? rep.listen(url) : rep.bind(url);
          await assert.rejects(listening, (e) => e instanceof MqError && e.code === "EADDRINUSE");
        } finally {
          await rep.close();
        }
        assert.equal(await ask(wire, url, "still there"), "0:still there", "the owner serves on");
        await killLeavingFile(server, path);
        await serveOnce(wire, url);
        assert.equal(existsSync(path), false, "the closed listener removed its file");
      } finally {
        await killRep(server);
        removeFile(path);
      }
    });
  }

  test(
    "zmq: the file a killed libzmq (pyzmq) left is replaced; libzmq binds where a killed edgemq left one [FAULT-IPC-2]",
    repCaseOptions("pyzmq"),
    async () => {
      const path = ipcPath();
      const url = `ipc://${path}`;
      const servers: RepServer[] = [];
      try {
        servers.push(await startRep("pyzmq", url, "libzmq"));
        assert.equal(await ask("zmq", url, "hello"), "hello");
        await killLeavingFile(servers[0]!, path);
        await serveOnce("zmq", url);
        servers.push(await startRep("edgemq-zmq", url, "1"));
        await killLeavingFile(servers[1]!, path);
        servers.push(await startRep("pyzmq", url, "libzmq"));
        assert.equal(await ask("zmq", url, "again"), "again");
      } finally {
        for (const server of servers) await killRep(server);
        removeFile(path);
      }
    },
  );

  test(
    "sp: the file a killed NNG (nngcat) left is replaced; NNG listens where a killed edgemq left one [FAULT-IPC-3]",
    peerCaseOptions("nngcat"),
    async () => {
      const path = ipcPath();
      const url = `ipc://${path}`;
      const nng = () => startPeer("nngcat", ["--rep0", "--listen", url, "--data", "from nng"]);
      const started = [nng()];
      let edgemq: RepServer | undefined;
      try {
        await until(() => isSocketFile(path), 5000, "nngcat's socket file");
        assert.equal(await ask("sp", url, "hello"), "from nng");
        started[0]!.signal("SIGKILL");
        await started[0]!.exited;
        assert.ok(isSocketFile(path), "the killed nngcat left its socket file");
        await serveOnce("sp", url);
        edgemq = await startRep("edgemq-sp", url, "1");
        await killLeavingFile(edgemq, path);
        started.push(nng());
        assert.equal(await ask("sp", url, "again"), "from nng");
      } finally {
        for (const p of started) await p.kill();
        if (edgemq !== undefined) await killRep(edgemq);
        removeFile(path);
      }
    },
  );
});
