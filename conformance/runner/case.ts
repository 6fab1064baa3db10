/**
 * The case model: a named check of one or more catalogue rules, run against a
 * {@linkcode Target} from outside. A case's name carries its rule ids in brackets
 * (`"REP puts the envelope back on the reply [ZMTP-REP-3]"`): that is how the coverage check and
 * the report find them.
 *
 * @module
 */
import type { Link } from "./link.ts";
import type { Target } from "./target.ts";

/** What a case gets to work with. */
export interface CaseContext {
  /** The thing under test. */
  readonly target: Target;
  /** The deadline of each step (one expected answer), in milliseconds (`--timeout`). */
  readonly stepMs: number;
  /** How long "the target stays quiet" is watched, in milliseconds. */
  readonly quietMs: number;
  /** A new recorded connection to the target (dialed or accepted, as the target's role says). */
  open(): Promise<Link>;
  /** Adds a line to the case's result, pass or fail (what was seen that the reader should know). */
  note(text: string): void;
}

/** One conformance case. */
export interface Case {
  /** What is checked, in words, ending with its rule ids in brackets. */
  readonly name: string;
  /** The RFC section it belongs to, for grouping (`"RFC 37 §Greeting"`). */
  readonly section: string;
  /** Where known implementations legitimately differ from the rule, in words. */
  readonly differs?: string;
  /**
   * The case makes the target drop a connection for a protocol error, after which a dialing
   * target may stop reconnecting (libzmq does): run after the others when the target dials.
   */
  readonly disruptive?: boolean;
  /** Whether the case concerns this target at all (its wire, type, role). */
  appliesTo(target: Target): boolean;
  /** Runs the check: resolves on pass, throws `CaseFailure` or `NotApplicable` otherwise. */
  run(ctx: CaseContext): Promise<void>;
}

/** A rule id: upper-case words joined by dashes, ending in a number (as `ids_test.ts` reads them). */
const ID = /[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*-[0-9]+/g;
const ID_LIST =
  /^\s*[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*-[0-9]+(?:[\s,]+[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*-[0-9]+)*\s*$/;

/**
 * The rule ids a case name carries in brackets.
 *
 * @example
 * ```ts
 * import { idsOf } from "./case.ts";
 * console.log(idsOf("REP answers [ZMTP-REP-1, ZMTP-REP-3]")); // ["ZMTP-REP-1", "ZMTP-REP-3"]
 * ```
 */
export function idsOf(name: string): string[] {
  const ids: string[] = [];
  for (const m of name.matchAll(/\[([^[\]]*)\]/g)) {
    const inside = m[1] ?? "";
    if (ID_LIST.test(inside)) ids.push(...(inside.match(ID) ?? []));
  }
  return ids;
}
