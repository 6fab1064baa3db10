// The mutation fuzzer, bounded: about a second per decoder, seeded from the captured vectors. A
// finding fails the test with the seed and input that replay it (`conformance/fuzz/run.ts` runs
// the same loop for millions of inputs; docs/RELIABILITY.md). Set FUZZ_SEED to replay a run.
import { describe, test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import process from "node:process";
import { fuzz } from "./_fuzz.ts";
import { Finding, type Target } from "./_target.ts";
import { TARGETS } from "./targets/mod.ts";
import { zmtpFramesV3Target } from "./targets/zmtp_frames.ts";

const MS = 1000;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

describe("mutation fuzzer", () => {
  for (const target of TARGETS) {
    test(`${target.name}: no finding in a bounded mutation run [FUZZ-MUT-1]`, async () => {
      const report = await fuzz(target, { inputs: 1_000_000, seed: SEED, ms: MS });
      assert.ok(report.inputs >= target.seeds.length, "every seed ran");
      assert.deepEqual(
        report.findings.map((f) =>
          `${f.what} (runSeed ${f.runSeed}, input ${f.input.slice(0, 400)})`
        ),
        [],
        `FUZZ_SEED=${SEED}, ${report.inputs} inputs`,
      );
    });
  }

  test("finds and shrinks a planted defect that needs a length-field edit of a captured vector [FUZZ-MUT-2]", async () => {
    // an off-by-one "bug" that only a short frame announcing the largest 1-byte size (255)
    // triggers; no captured frame is that large, so the mutator must edit a size field to get there
    const planted: Target = {
      ...zmtpFramesV3Target,
      name: "planted",
      run: (input, rng) => {
        for (const [at, width] of zmtpFramesV3Target.lengthFields!(input)) {
          if (width === 1 && input[at] === 255) {
            throw new Finding("planted", "a short frame of 255 bytes", input);
          }
        }
        return zmtpFramesV3Target.run(input, rng);
      },
    };
    assert.equal(
      zmtpFramesV3Target.seeds.filter((s) =>
        planted.lengthFields!(s).some(([at, w]) => w === 1 && s[at] === 255)
      ).length,
      0,
    );
    const report = await fuzz(planted, { inputs: 2_000_000, seed: SEED, ms: 20_000, stopAfter: 1 });
    assert.equal(
      report.findings.length,
      1,
      `FUZZ_SEED=${SEED}: ${report.inputs} inputs found nothing`,
    );
    console.log(`planted defect found after ${report.inputs} inputs (${report.ms} ms)`);
    const shrunk = report.findings[0]!.input;
    // the shrinker halves, then tries every suffix and prefix: it gets to the 2-byte frame (00 ff)
    // from the captured frames it started from (hundreds of bytes); seed 305242 once stopped at
    // 87 bytes when it only halved
    assert.ok(
      shrunk.length / 2 <= 8,
      `FUZZ_SEED=${SEED}: the finding was shrunk to ${shrunk.length / 2} bytes only: ${shrunk}`,
    );
  });
});
