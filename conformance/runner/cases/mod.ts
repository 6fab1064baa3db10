/**
 * Every case of the runner, in report order: ZMTP greeting and handshake, version negotiation,
 * framing, heartbeats, patterns; SP header, framing, protocols; then the captured vectors.
 *
 * @module
 */
import type { Case } from "../case.ts";
import { greetingCases } from "./zmtp_greeting.ts";
import { versionCases } from "./zmtp_version.ts";
import { framingCases } from "./zmtp_framing.ts";
import { heartbeatCases } from "./zmtp_heartbeat.ts";
import { patternCases } from "./zmtp_patterns.ts";
import { spWireCases } from "./sp_wire.ts";
import { spPatternCases } from "./sp_patterns.ts";
import { vectorCases } from "./vectors.ts";

/**
 * All cases.
 *
 * @example
 * ```ts
 * import { allCases } from "./mod.ts";
 * console.log(allCases().length > 0); // true
 * ```
 */
export function allCases(): readonly Case[] {
  return [
    ...greetingCases,
    ...versionCases,
    ...framingCases,
    ...heartbeatCases,
    ...patternCases,
    ...spWireCases,
    ...spPatternCases,
    ...vectorCases(),
  ];
}
