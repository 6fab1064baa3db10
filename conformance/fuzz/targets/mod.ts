/**
 * Every fuzz target, by name.
 *
 * @module
 */
import type { Target } from "../_target.ts";
import { zmtpGreetingTarget } from "./zmtp_greeting.ts";
import { zmtpFramesV2Target, zmtpFramesV3Target } from "./zmtp_frames.ts";
import { zmtpCommandsTarget } from "./zmtp_commands.ts";
import { zmtpHandshakeTarget } from "./zmtp_handshake.ts";
import { spHeaderTarget } from "./sp_header.ts";
import { spFramesIpcTarget, spFramesTcpTarget } from "./sp_frames.ts";
import { urlTarget } from "./url.ts";
import { optionsTarget } from "./options.ts";

/**
 * The targets, in the order the runner takes them.
 *
 * @example
 * ```ts
 * import { TARGETS } from "./mod.ts";
 * console.log(TARGETS.map((t) => t.name).includes("sp-header")); // true
 * ```
 */
export const TARGETS: readonly Target[] = [
  zmtpGreetingTarget,
  zmtpFramesV3Target,
  zmtpFramesV2Target,
  zmtpCommandsTarget,
  zmtpHandshakeTarget,
  spHeaderTarget,
  spFramesTcpTarget,
  spFramesIpcTarget,
  urlTarget,
  optionsTarget,
];
