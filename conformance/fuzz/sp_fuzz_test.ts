// fast-check properties for the SP decoders (connection header, tcp and ipc framing) under a
// time budget: never throw, refuse with the documented code or decode as the model says, the
// same for any chunking, memory bounded. The checks are the fuzz targets'.
import { describe, test } from "../../testing/test.ts";
import fc from "fast-check";
import { budget, spStream } from "./_arbitraries.ts";
import { Rng } from "./_rng.ts";
import { encodeHeader } from "../../protocols/sp/wire.ts";
import { checkSpHeader } from "./targets/sp_header.ts";
import { checkSpFrames } from "./targets/sp_frames.ts";

const MS = 1000;
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

const header = fc.oneof(
  fc.tuple(
    fc.integer({ min: 0, max: 0xffff }),
    fc.nat(8),
    fc.integer({ min: 0, max: 255 }),
    fc.uint8Array({ maxLength: 20 }),
  )
    .map(([id, at, value, rest]) => {
      const h = encodeHeader(id);
      if (at < 8) h[at] = value;
      return Uint8Array.of(...h, ...rest);
    }),
  fc.uint8Array({ maxLength: 24 }),
);

describe("fuzz properties: SP", () => {
  test("the SP header is accepted or refused with EPROTO as the mapping says, and the exchange hands back what follows [FUZZ-SP-1]", async () => {
    await fc.assert(
      fc.asyncProperty(header, seed, async (h, s) => void (await checkSpHeader(h, new Rng(s)))),
      budget(MS),
    );
  });

  for (const ipc of [false, true]) {
    test(`the SP ${ipc ? "ipc" : "tcp"} decoder agrees with the model, chunking and memory bounds [FUZZ-SP-2]`, () => {
      const max = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 700 }));
      fc.assert(
        fc.property(
          fc.oneof(spStream(ipc), fc.uint8Array({ maxLength: 40 })),
          max,
          seed,
          (bytes, m, s) => void checkSpFrames(bytes, new Rng(s), ipc, m),
        ),
        budget(MS),
      );
    });
  }
});
