/**
 * edgemq's throughput and latency benchmark over the SP sockets, with the
 * command line and output of the peer harness (libzmq, NNG, zeromq.js) so that
 * `bench/run.sh` can put all of them in one table:
 *
 *   deno run -A bench/perf.ts <mode> <endpoint> <size> <count>
 *   bun bench/perf.ts <mode> <endpoint> <size> <count>
 *
 * Modes: thr-recv (sp.Pull listens), thr-send (sp.Push dials), lat-rep
 * (sp.Rep listens), lat-req (sp.Req dials), thr and lat (both ends in this
 * process, for inproc://). Output, method and environment knobs: see
 * `_perf_common.ts`; `zmq_perf.ts` is the same CLI over the ZMTP sockets.
 *
 * @module
 */
import process from "node:process";
import { sp } from "../mod.ts";
import { type Kit, perfMain, type Run } from "./_perf_common.ts";

type SpSocket = sp.Push | sp.Pull | sp.Req | sp.Rep;

const kit: Kit<Uint8Array, SpSocket> = {
  name: "perf.ts",
  push: (run: Run) => new sp.Push({ sendHwm: run.sendHwm }),
  pull: (run: Run) => new sp.Pull({ recvHwm: run.recvHwm }),
  req: () => new sp.Req(),
  rep: () => new sp.Rep(),
  listen: async (socket, endpoint) => (await socket.listen(endpoint)).url,
  dial: async (socket, url) => {
    await socket.dial(url);
  },
  message: (payload) => payload,
  sizeOf: (msg) => msg.length,
};

process.exitCode = await perfMain(kit, process.argv.slice(2));
