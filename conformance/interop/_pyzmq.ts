/**
 * Finding the pyzmq the live ZeroMQ tests run against. `PYTHON` picks one
 * (the suite runs the pyzmq files twice: Debian's python3-zmq with libzmq
 * 4.3.4, then PyPI's pyzmq with libzmq 4.3.5 from conformance/peers/pyzmq-venv);
 * otherwise the system python first, since a pyenv shim on PATH may lack zmq.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { PeerProcess } from "./_peers.ts";

/** A python that can import zmq, or undefined. */
export function findPython(): string | undefined {
  const candidates = process.env.PYTHON ? [process.env.PYTHON] : ["/usr/bin/python3", "python3"];
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", "import zmq"], { stdio: "ignore" });
    if (r.status === 0) return python;
  }
  return undefined;
}

/** "libzmq 4.3.4 (pyzmq 24.0.1)" for that python, for test names. */
export function pyzmqLabel(python: string | undefined): string {
  if (python === undefined) return "libzmq (pyzmq missing)";
  const r = spawnSync(python, ["-c", "import zmq; print(zmq.zmq_version(), zmq.__version__)"], {
    encoding: "utf8",
  });
  const [libzmq, pyzmq] = String(r.stdout ?? "").trim().split(" ");
  return `libzmq ${libzmq ?? "?"} (pyzmq ${pyzmq ?? "?"})`;
}

/** A pyzmq peer program: a {@linkcode PeerProcess} run by the chosen python. */
export class PyzmqPeer extends PeerProcess {}
