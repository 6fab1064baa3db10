/**
 * Runs the cases against edgemq itself: starts an edgemq target (in this process or a child
 * runtime) for the runner's role, the runner's listener first when edgemq is to dial it.
 *
 * @module
 */
import { allCases } from "./cases/mod.ts";
import type { Case } from "./case.ts";
import { openEndpoint } from "./endpoint.ts";
import type { Report } from "./report.ts";
import { runCases, type RunOptions } from "./run.ts";
import type { Role, Wire } from "./target.ts";
import { type SelfRuntime, startEdgemq } from "./targets/edgemq.ts";

/** Which edgemq to check. */
export interface SelfOptions extends Omit<RunOptions, "endpoint"> {
  /** The wire. */
  readonly wire: Wire;
  /** ZMTP type or SP protocol. */
  readonly type: string;
  /** The runner's role. @default "dial" */
  readonly role?: Role;
  /** The URL the runner listens on (role `listen`) or edgemq listens on (role `dial`). */
  readonly url?: string;
  /** Where edgemq runs. @default "inproc" */
  readonly runtime?: SelfRuntime;
  /** The cases. @default every case */
  readonly cases?: readonly Case[];
}

/**
 * Starts edgemq as the target, runs the cases, stops it.
 *
 * @example
 * ```ts ignore
 * import { runSelf } from "./self.ts";
 * const report = await runSelf({ wire: "zmtp", type: "REP", runtime: "bun" });
 * console.log(report.summary.failed); // 0
 * ```
 */
export async function runSelf(options: SelfOptions): Promise<Report> {
  const role = options.role ?? "dial";
  const url = options.url ?? "tcp://127.0.0.1:0";
  const runtime = options.runtime ?? "inproc";
  const cases = options.cases ?? allCases();
  const implementation = options.implementation ?? `edgemq (${runtime})`;
  if (role === "dial") {
    const t = await startEdgemq({ wire: options.wire, type: options.type, role, url, runtime });
    try {
      return await runCases(t.target, cases, { ...options, implementation });
    } finally {
      await t.close();
    }
  }
  const endpoint = await openEndpoint({ wire: options.wire, type: options.type, url, role });
  let t;
  try {
    t = await startEdgemq({
      wire: options.wire,
      type: options.type,
      role,
      url: endpoint.url,
      runtime,
    });
  } catch (e) {
    await endpoint.close();
    throw e;
  }
  try {
    return await runCases(t.target, cases, { ...options, implementation, endpoint });
  } finally {
    await t.close();
  }
}
