/**
 * The Deno backend's local types fit Deno's own: checked by `deno check` (a type error here fails
 * the Deno run of the suite) and, under Deno, at run time.
 *
 * @module
 */
import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import { type DenoApi, denoApi } from "./_deno_api.ts";

// Resolves to `true` only if Deno's real namespace can stand where the slice is expected. Under
// Bun and Node the `Deno` types come from the same `deno check`ed source, so this is a no-op
// there; under `deno check` a drift makes `fits` a type error.
declare const realDeno: typeof globalThis extends { Deno: infer D } ? D : DenoApi;
type Fits = typeof realDeno extends DenoApi ? true : false;
const fits: Fits = true;

test("the Deno backend's API slice fits Deno's real API", () => {
  assert.equal(fits, true);
  const deno = (globalThis as { Deno?: unknown }).Deno;
  if (deno === undefined) return; // Bun, Node: nothing to look at at run time
  const api = denoApi();
  for (const name of ["connect", "listen", "remove"] as const) {
    assert.equal(typeof api[name], "function", name);
  }
  assert.equal(typeof api.errors.NotFound, "function");
  assert.equal(typeof api.errors.BadResource, "function");
});
