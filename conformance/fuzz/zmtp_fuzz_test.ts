// fast-check properties for the ZMTP decoders (greeting, frames 2.0 and 3.x, commands, the NULL
// handshake), each under a time budget: never throw, refuse with a documented reason or decode as
// the model says, the same for any chunking, memory bounded. The checks are the fuzz targets'.
import { describe, test } from "../../testing/test.ts";
import fc from "fast-check";
import { budget, zmtpCommandBody, zmtpFrameStream, zmtpPeerStream } from "./_arbitraries.ts";
import { Rng } from "./_rng.ts";
import { encodeGreeting } from "../../protocols/zmtp/greeting.ts";
import { checkGreeting } from "./targets/zmtp_greeting.ts";
import { checkFrames } from "./targets/zmtp_frames.ts";
import { checkCommand } from "./targets/zmtp_commands.ts";
import { checkHandshake } from "./targets/zmtp_handshake.ts";

const MS = 1000;
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

// greetings near the real one: ours with random changes, a 2.0 one, or random bytes
const greeting = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 255 }), fc.nat(70)).map(
    ([at, value, cut]) => {
      const g = encodeGreeting();
      g[at] = value;
      return g.subarray(0, cut);
    },
  ),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 1, maxLength: 60 })).map((
    [major, rest],
  ) => Uint8Array.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, major, ...rest)),
  fc.uint8Array({ maxLength: 80 }),
);

describe("fuzz properties: ZMTP", () => {
  test("the greeting reader agrees with the RFC's rules for any bytes in any chunks [FUZZ-ZMTP-1]", () => {
    fc.assert(fc.property(greeting, seed, (g, s) => void checkGreeting(g, new Rng(s))), budget(MS));
  });

  for (const v2 of [false, true]) {
    test(`the ZMTP ${v2 ? "2.0" : "3.x"} frame decoder agrees with the model, chunking and memory bounds [FUZZ-ZMTP-2]`, () => {
      const config = fc.record({
        v2: fc.constant(v2),
        max: fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: 700 })),
        acceptData: v2 ? fc.constant(true) : fc.boolean(),
      });
      fc.assert(
        fc.property(
          fc.oneof(zmtpFrameStream(v2), fc.uint8Array({ maxLength: 64 })),
          config,
          seed,
          (bytes, c, s) => void checkFrames(bytes, new Rng(s), v2, c),
        ),
        budget(MS),
      );
    });
  }

  test("the command parsers never throw, agree with the model and round-trip [FUZZ-ZMTP-3]", () => {
    fc.assert(fc.property(zmtpCommandBody(), (b) => void checkCommand(b)), budget(MS));
  });

  test("the NULL handshake ends ready or refused with EPROTO, the same for any chunking [FUZZ-ZMTP-4]", async () => {
    await fc.assert(
      fc.asyncProperty(
        zmtpPeerStream(),
        seed,
        async (b, s) => void (await checkHandshake(b, new Rng(s))),
      ),
      budget(MS),
    );
  });
});
