/**
 * Live interop of edgemq's SP sockets with pynng 0.9.0 (PyPI; it bundles NNG 1.11.0), through our
 * peer program conformance/peers/pynng_peer.py run by the venv build.sh makes: the whole matrix
 * of `_sp_suite.ts` (every protocol, edgemq listening and dialing, tcp and ipc), then raw sockets
 * and contexts both ways (`_sp_raw_ctx_suite.ts`). Bytes are checked at both ends; requirement ids in
 * `rfc/sp-interop.md`. Without the venv's pynng the cases are SKIPPED (and fail when CI=true).
 *
 * @module
 */
import { PYNNG } from "./_peers.ts";
import { describeSpInterop } from "./_sp_suite.ts";
import { describeRawAndContexts } from "./_sp_raw_ctx_suite.ts";

describeSpInterop("sp interop with pynng 0.9.0 (NNG 1.11.0)", PYNNG, {
  pair1: true,
  burstFromPeer: true,
});
describeRawAndContexts("sp raw sockets and contexts with pynng 0.9.0 (NNG 1.11.0)", PYNNG, {
  pair1Hops: "on send",
  rawSockets: true,
  contexts: true,
});
