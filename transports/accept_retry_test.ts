import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import {
  ACCEPT_RETRY_FIRST_MS,
  ACCEPT_RETRY_MAX_MS,
  AcceptBackoff,
  acceptFailure,
} from "./_accept_retry.ts";
import { MqError } from "../protocols/errors.ts";

test("accept back-off doubles from 10 ms to 500 ms and starts again after a success [SP-ACCEPT-2]", () => {
  assert.equal(ACCEPT_RETRY_FIRST_MS, 10);
  assert.equal(ACCEPT_RETRY_MAX_MS, 500);
  const backoff = new AcceptBackoff();
  const waits = Array.from({ length: 9 }, () => backoff.failed());
  assert.deepEqual(waits, [10, 20, 40, 80, 160, 320, 500, 500, 500]);
  backoff.succeeded();
  assert.equal(backoff.failed(), 10);
});

test("a failed accept is reported with its system code and the wait [SP-ACCEPT-2]", () => {
  const raw = Object.assign(new Error("Too many open files (os error 24)"), { code: "EMFILE" });
  const err = acceptFailure(raw, "tcp://127.0.0.1:5555", 20);
  assert.ok(err instanceof MqError);
  assert.equal(
    err.message,
    "accept on tcp://127.0.0.1:5555: Too many open files (os error 24) (EMFILE); retrying in 20 ms",
  );
  assert.equal(err.cause, raw);
  const own = acceptFailure(Object.assign(new Error("accept EMFILE"), { code: "EMFILE" }), "x");
  assert.equal(own.message, "accept on x: accept EMFILE; the runtime retries");
});
