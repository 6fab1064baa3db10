/**
 * The local end of a dial (`tcp://<local>;<host>:<port>`): an address as it is, or a network
 * interface's name turned into one of its addresses. Interface names are looked up with
 * `node:os` (Deno, Bun and Node all have it; Deno asks for `--allow-sys`), loaded only when a
 * name is used, so that a program that never names an interface never loads Node compatibility.
 *
 * @module
 */
import { MqError } from "../protocols/errors.ts";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
// Named through a constant so that bundlers for browsers and workers (which have no node:os) leave
// the import alone: it runs only when a dial names an interface, which they cannot do anyway.
const NODE_OS = "node:os";

/**
 * The address to connect from for `local` (an address, or an interface name), of the same family
 * as the remote `host`; rejects with `EADDRNOTAVAIL` naming the interfaces there are.
 *
 * @example
 * ```ts ignore
 * import { localAddressOf } from "./_interfaces.ts";
 * console.log(await localAddressOf("lo", "127.0.0.1")); // "127.0.0.1"
 * ```
 */
export async function localAddressOf(local: string, host: string): Promise<string> {
  if (IPV4.test(local) || local.includes(":")) return local;
  const { networkInterfaces } = (await import(NODE_OS)) as typeof import("node:os");
  const all = networkInterfaces();
  const addresses = all[local];
  if (addresses === undefined || addresses.length === 0) {
    throw new MqError(
      "EADDRNOTAVAIL",
      `no network interface named "${local}" (there are: ${Object.keys(all).join(", ")})`,
    );
  }
  const wantV6 = host.includes(":");
  const match = addresses.find((a) => (a.family === "IPv6") === wantV6);
  if (match === undefined) {
    throw new MqError(
      "EADDRNOTAVAIL",
      `network interface "${local}" has no ${wantV6 ? "IPv6" : "IPv4"} address`,
    );
  }
  return match.address;
}
