/**
 * Live interop of edgemq's SP sockets with mangos v3.4.2 (go.nanomsg.org/mangos/v3), through our
 * peer program conformance/peers/mangos (built by conformance/peers/build.sh): the whole matrix
 * of `_sp_suite.ts` (every protocol, edgemq listening and dialing, tcp and ipc), then raw sockets
 * and contexts both ways (`_sp_raw_ctx_suite.ts`). Bytes are checked at both ends; requirement ids in
 * `rfc/sp-interop.md`. Without the built peer the cases are SKIPPED (and fail when CI=true).
 *
 * @module
 */
import { MANGOS } from "./_peers.ts";
import { describeSpInterop } from "./_sp_suite.ts";
import { describeRawAndContexts } from "./_sp_raw_ctx_suite.ts";

describeSpInterop("sp interop with mangos v3.4.2", MANGOS, { pair1: true, burstFromPeer: true });
describeRawAndContexts("sp raw sockets and contexts with mangos v3.4.2", MANGOS, {
  pair1Hops: "on receive",
  rawSockets: true,
  contexts: true,
});
