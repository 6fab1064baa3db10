/**
 * Live interop of edgemq's SP sockets with nanomsg 1.1.5 through `nanocat`:
 * every protocol it has (req, rep, push, pull, pub, sub, pair0; nanomsg has
 * no pair1), edgemq listening and dialing, over tcp and ipc, checking the
 * message bytes at both ends.
 * Requirement ids: `rfc/sp-interop.md`; the case bodies are in `_peers.ts`,
 * shared with the nngcat suite. Without nanocat the cases are SKIPPED (and
 * fail when CI=true).
 *
 * @module
 */
import { NANOCAT } from "./_peers.ts";
import { describeSpInterop } from "./_sp_suite.ts";

describeSpInterop("sp interop with nanocat (nanomsg 1.1.5)", NANOCAT, {
  pair1: false, // nanomsg has no pair1
  burstFromPeer: false, // nanocat has no "--count without --interval" mode
});
