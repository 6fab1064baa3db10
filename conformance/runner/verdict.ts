/**
 * How a case ends other than by passing: a {@linkcode CaseFailure} when the target did not do
 * what the rule asks (the expectation in words, and what was observed), {@linkcode NotApplicable}
 * when the case turns out not to concern this target (a ZMTP 3.0 target and a 3.1 rule). Anything
 * else thrown by a case is an error of the runner or the environment, reported apart.
 *
 * @module
 */

/**
 * The target broke the rule: `expected` says what it should have done, `observed` what it did.
 *
 * @example
 * ```ts
 * import { CaseFailure } from "./verdict.ts";
 * const f = new CaseFailure("signature byte 0 is 0xff", "byte 0 was 0x47");
 * console.log(f.message); // "expected signature byte 0 is 0xff; observed byte 0 was 0x47"
 * ```
 */
export class CaseFailure extends Error {
  /** What the rule asks of the target. */
  readonly expected: string;
  /** What the target did instead. */
  readonly observed: string;

  constructor(expected: string, observed: string) {
    super(`expected ${expected}; observed ${observed}`);
    this.name = "CaseFailure";
    this.expected = expected;
    this.observed = observed;
  }
}

/**
 * The case does not concern this target; `reason` says why (shown in the report).
 *
 * @example
 * ```ts
 * import { NotApplicable } from "./verdict.ts";
 * console.log(new NotApplicable("the target speaks ZMTP 3.0").reason);
 * ```
 */
export class NotApplicable extends Error {
  /** Why the case does not apply. */
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = "NotApplicable";
    this.reason = reason;
  }
}

/**
 * Throws a {@linkcode CaseFailure} unless `condition` holds.
 *
 * @example
 * ```ts
 * import { expect } from "./verdict.ts";
 * expect(1 + 1 === 2, "arithmetic works", "it did not");
 * ```
 */
export function expect(condition: boolean, expected: string, observed: string): asserts condition {
  if (!condition) throw new CaseFailure(expected, observed);
}
