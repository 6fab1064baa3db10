/**
 * The NULL security mechanism (RFC 23 and RFC 37 §The NULL Security Mechanism): no
 * authentication, no encryption. Each side sends one READY command with its metadata as soon as
 * the greetings are exchanged, without waiting for the other's; the handshake is done when the
 * peer's READY arrives. Frames travel as they are (no wrap/unwrap), and a ZMTP 2.0 peer may be
 * answered in ZMTP 2.0 (RFC 23 §Backwards Interoperability allows that only under NULL).
 *
 * @module
 */
import { encodeReady, parseMetadata } from "../command.ts";
import {
  basicProperties,
  type HandshakeStep,
  type Mechanism,
  type MechanismFactory,
  type MechanismSetup,
} from "./mechanism.ts";

class NullMechanism implements Mechanism {
  readonly name = "NULL";
  readonly asServer = false;
  readonly zmtp2 = true;
  #setup: MechanismSetup;

  constructor(setup: MechanismSetup) {
    this.#setup = setup;
  }

  start(): void {
    this.#setup.send(encodeReady(basicProperties(this.#setup)));
  }

  command(name: string, data: Uint8Array): HandshakeStep {
    if (name !== "READY") {
      return { kind: "failed", reason: `peer sent ${name} where READY was expected` };
    }
    const parsed = parseMetadata(data);
    if (!parsed.ok) return { kind: "failed", reason: `peer READY is malformed (${parsed.reason})` };
    return { kind: "done", metadata: parsed.metadata };
  }
}

/**
 * The NULL mechanism, the engine's default.
 *
 * @example Handshaking with NULL explicitly
 * ```ts ignore
 * import { zmtpHandshake } from "../engine.ts";
 * import { NULL_MECHANISM } from "./null.ts";
 * const options = { socketType: "PUSH", maxMsgSize: -1, mechanism: NULL_MECHANISM } as const;
 * const { peer } = await zmtpHandshake(conn, options);
 * ```
 */
export const NULL_MECHANISM: MechanismFactory = {
  name: "NULL",
  create: (setup) => new NullMechanism(setup),
};
