// fast-check properties for what callers hand us: endpoint URLs and socket options must parse or
// fail with EINVAL, never anything else, exactly as the models in the fuzz targets say.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { budget } from "./_arbitraries.ts";
import { Rng } from "./_rng.ts";
import { checkUrl } from "./targets/url.ts";
import { checkOptions } from "./targets/options.ts";
import { MqError } from "../../protocols/errors.ts";
import { resolveEndpoint } from "../../transports/registry.ts";
import { resolveEndpointOptions, resolveSocketOptions } from "../../protocols/options.ts";

const MS = 1000;
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

// URLs put together from the pieces parsers trip on
const piece = fc.constantFrom(
  "tcp://",
  "ipc://",
  "inproc://",
  "toy://",
  "://",
  ":",
  "[",
  "]",
  "*",
  "0",
  "65535",
  "65536",
  "127.0.0.1",
  "::1",
  "%",
  "/",
  "\0",
  "",
  "a",
  "-",
  ".",
);
const host = fc.constantFrom("127.0.0.1", "localhost", "*", "", "[::1]", "::1", "[*]", "a b", "[]");
const port = fc.oneof(
  fc.constantFrom("0", "1", "65535", "65536", "00000", "123456", "", "-1"),
  fc.nat(70000).map(String),
);
const url = fc.oneof(
  fc.tuple(host, port).map(([h, p]) => `tcp://${h}:${p}`),
  fc.array(piece, { maxLength: 8 }).map((p) => p.join("")),
  fc.tuple(piece, fc.string({ maxLength: 20 })).map(([a, b]) => a + b),
  fc.string({ maxLength: 30 }),
);

const isEinval = (e: unknown): boolean => e instanceof MqError && e.code === "EINVAL";

describe("fuzz properties: URLs and options", () => {
  test("endpoint URLs parse as the model says or throw EINVAL [FUZZ-API-1]", () => {
    fc.assert(fc.property(url, seed, (u, s) => void checkUrl(latin1(u), new Rng(s))), budget(MS));
  });

  test("resolveEndpoint throws only EINVAL, whatever it is given [FUZZ-API-1]", () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.constantFrom("dial", "listen") as fc.Arbitrary<"dial" | "listen">,
        (v, mode) => {
          try {
            resolveEndpoint(v as string, mode);
          } catch (e) {
            assert.ok(isEinval(e), String(e));
          }
        },
      ),
      budget(MS / 2),
    );
  });

  test("option programs resolve or fail with EINVAL as the model says [FUZZ-API-2]", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => void checkOptions(b)),
      budget(MS),
    );
  });

  test("resolveSocketOptions and resolveEndpointOptions throw only EINVAL, whatever they are given [FUZZ-API-2]", () => {
    const base = resolveSocketOptions({});
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (v) => {
        for (
          const f of [
            () => resolveSocketOptions(v as object, ["raw"]),
            () => resolveEndpointOptions(v, base, ["recvMaxSize"], [], "dial"),
          ]
        ) {
          try {
            f();
          } catch (e) {
            assert.ok(isEinval(e), String(e));
          }
        }
      }),
      budget(MS / 2),
    );
  });
});
