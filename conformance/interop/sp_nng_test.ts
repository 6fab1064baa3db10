/**
 * Live interop of edgemq's SP sockets with NNG 1.5.2 through `nngcat`: every
 * protocol (req, rep, push, pull, pub, sub, pair0, pair1), edgemq listening
 * and dialing, over tcp and ipc, checking the message bytes at both ends.
 * Requirement ids: `rfc/sp-interop.md`; the case bodies are in `_peers.ts`,
 * shared with the nanocat suite. Without nngcat the cases are SKIPPED (and
 * fail when CI=true).
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { foundOrFail, NNGCAT, skipReason } from "./_peers.ts";
import { describeSpInterop } from "./_sp_suite.ts";

test("a missing peer is SKIPPED outside CI and fails the cases in CI [SP-INTEROP-SKIP-1]", () => {
  assert.equal(skipReason("nngcat", "/usr/bin/nngcat", false), undefined);
  assert.equal(skipReason("nngcat", "/usr/bin/nngcat", true), undefined);
  assert.equal(skipReason("nngcat", undefined, false), "nngcat not installed — SKIPPED");
  // in CI the cases run, and each one fails when it asks for the binary
  assert.equal(skipReason("nanocat", undefined, true), undefined);
  assert.throws(() => foundOrFail("nanocat", undefined), /not installed but CI=true/);
  assert.equal(foundOrFail("nngcat", "/opt/bin/nngcat"), "/opt/bin/nngcat");
});

describeSpInterop("sp interop with nngcat (NNG 1.5.2)", NNGCAT, {
  pair1: true,
  burstFromPeer: true,
});
