/**
 * The transports every socket has without registering anything: tcp, ipc and inproc.
 *
 * @module
 */
import type { Transport } from "./registry.ts";
import { tcp } from "./tcp.ts";
import { ipc } from "./ipc.ts";
import { inproc } from "./inproc.ts";

/** @internal tcp, ipc and inproc, for the registry's first use. */
export function builtinTransports(): readonly Transport[] {
  return [tcp, ipc, inproc];
}
