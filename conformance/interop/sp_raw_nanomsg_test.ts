/**
 * edgemq's raw SP sockets (REP, REQ, BUS, SURVEYOR, RESPONDENT; nanomsg has no pair1) against the
 * cooked ones of nanomsg 1.1.5 through `nanocat`, over tcp and ipc, edgemq listening and dialing
 * (the cases of `_sp_raw_ctx_suite.ts` that nanocat's command line can play). Without nanocat the
 * cases are SKIPPED (and fail when CI=true).
 *
 * @module
 */
import { NANOCAT } from "./_peers.ts";
import { describeRawAndContexts } from "./_sp_raw_ctx_suite.ts";

describeRawAndContexts("sp raw sockets against nanocat (nanomsg 1.1.5)", NANOCAT, {
  rawSockets: false,
  contexts: false,
});
