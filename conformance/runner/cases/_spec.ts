/**
 * How a case is declared, for either wire: its section, its name (with the ids it checks in
 * brackets), the socket types and runner role it needs, and its check.
 *
 * @module
 */
import type { Case, CaseContext } from "../case.ts";
import type { Role, Target, Wire } from "../target.ts";

/** How a case is declared. */
export interface CaseSpec {
  /** The RFC section. */
  readonly section: string;
  /** Name with ids in brackets. */
  readonly name: string;
  /** Socket types (ZMTP) or protocols (SP) it concerns (all if undefined). */
  readonly types?: readonly string[];
  /** The runner's role it needs (either if undefined). */
  readonly role?: Role;
  /** Only over ipc. */
  readonly ipcOnly?: boolean;
  /** How known implementations differ. */
  readonly differs?: string;
  /** The target is to drop the connection for a protocol error (see `Case.disruptive`). */
  readonly disruptive?: boolean;
  /** The check. */
  run(ctx: CaseContext): Promise<void>;
}

/**
 * A case of `wire` from its spec.
 *
 * @example
 * ```ts
 * import { wireCase } from "./_spec.ts";
 * const c = wireCase("sp", { section: "x", name: "y [SP-REP-1]", types: ["rep0"], run: async () => {} });
 * console.log(c.appliesTo({ wire: "sp", type: "rep0", url: "tcp://h:1", role: "dial" })); // true
 * ```
 */
export function wireCase(wire: Wire, spec: CaseSpec): Case {
  return {
    section: spec.section,
    name: spec.name,
    ...(spec.differs === undefined ? {} : { differs: spec.differs }),
    ...(spec.disruptive === true ? { disruptive: true } : {}),
    appliesTo: (t: Target) =>
      t.wire === wire && (spec.types === undefined || spec.types.includes(t.type)) &&
      (spec.role === undefined || spec.role === t.role) &&
      (spec.ipcOnly !== true || t.url.startsWith("ipc://")),
    run: spec.run,
  };
}
