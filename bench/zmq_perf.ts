/**
 * edgemq's throughput and latency benchmark over the ZMTP (ZeroMQ) sockets:
 * the CLI, output and method of `perf.ts`, on `zmq.Push`/`zmq.Pull`/
 * `zmq.Req`/`zmq.Rep` (bind instead of listen, connect instead of dial). Each
 * message is one frame of <size> bytes, as the libzmq and zeromq.js programs
 * send, so any of them can be the other end:
 *
 *   deno run -A bench/zmq_perf.ts <mode> <endpoint> <size> <count>
 *   bun bench/zmq_perf.ts <mode> <endpoint> <size> <count>
 *
 * Modes: thr-recv (zmq.Pull binds), thr-send (zmq.Push connects), lat-rep
 * (zmq.Rep binds), lat-req (zmq.Req connects), thr and lat (both ends in this
 * process, for inproc://). Output, method and environment knobs: see
 * `_perf_common.ts`.
 *
 * @module
 */
import process from "node:process";
import { zmq } from "../mod.ts";
import { type Kit, perfMain, type Run } from "./_perf_common.ts";

type ZmqPerfSocket = zmq.Push | zmq.Pull | zmq.Req | zmq.Rep;

const kit: Kit<zmq.Frames, ZmqPerfSocket> = {
  name: "zmq_perf.ts",
  push: (run: Run) => new zmq.Push({ sendHwm: run.sendHwm }),
  pull: (run: Run) => new zmq.Pull({ recvHwm: run.recvHwm }),
  req: () => new zmq.Req(),
  rep: () => new zmq.Rep(),
  listen: async (socket, endpoint) => (await socket.bind(endpoint)).url,
  dial: async (socket, url) => {
    await socket.connect(url);
  },
  message: (payload) => [payload],
  sizeOf: (msg) => (msg.length === 1 ? msg[0]!.length : -1),
};

process.exitCode = await perfMain(kit, process.argv.slice(2));
