/**
 * edgemq's raw SP sockets (REP, REQ, PAIR1, BUS, SURVEYOR, RESPONDENT) against the cooked ones
 * of NNG 1.5.2 through `nngcat`, over tcp and ipc, edgemq listening and dialing (the cases of
 * `_sp_raw_ctx_suite.ts` that need nothing of the peer beyond nngcat's command line: it has no
 * raw sockets and no contexts). Without nngcat the cases are SKIPPED (and fail when CI=true).
 *
 * @module
 */
import { NNGCAT } from "./_peers.ts";
import { describeRawAndContexts } from "./_sp_raw_ctx_suite.ts";

describeRawAndContexts("sp raw sockets against nngcat (NNG 1.5.2)", NNGCAT, {
  pair1Hops: "on send",
  rawSockets: false,
  contexts: false,
});
