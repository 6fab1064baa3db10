/**
 * The slice of Deno's runtime API that the Deno backend uses, as local types, so that a Node or
 * Bun project that type-checks edgemq's sources needs no `Deno` global (Deno's shapes, from its
 * reference: https://docs.deno.com/api/deno/). `deno_api_test.ts` checks that Deno's real
 * `typeof Deno` fits these types, so they cannot drift from it unnoticed.
 *
 * @module
 */

/** `Deno.NetAddr` | `Deno.UnixAddr`. */
export type DenoAddr =
  | { readonly transport: "tcp" | "udp"; readonly hostname: string; readonly port: number }
  | { readonly transport: "unix" | "unixpacket"; readonly path: string };

/** `Deno.Conn`, and the `setNoDelay` of `Deno.TcpConn`. */
export interface DenoConn {
  readonly remoteAddr: DenoAddr;
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
}

/** `Deno.TcpConn`. */
export interface DenoTcpConn extends DenoConn {
  setNoDelay(noDelay?: boolean): void;
}

/** `Deno.Listener`. */
export interface DenoListener {
  readonly addr: DenoAddr;
  accept(): Promise<DenoConn>;
  close(): void;
}

/** What `Deno.connect` and `Deno.listen` take here. */
export type DenoSocketOptions = { hostname: string; port: number } | {
  transport: "unix";
  path: string;
};

/** The part of the `Deno` namespace the backend calls. */
export interface DenoApi {
  connect(options: DenoSocketOptions): Promise<DenoConn>;
  listen(options: DenoSocketOptions): DenoListener;
  remove(path: string): Promise<void>;
  readonly errors: {
    readonly NotFound: abstract new (...args: never[]) => Error;
    readonly BadResource: abstract new (...args: never[]) => Error;
  };
}

/**
 * Deno's runtime API, typed by the slice above (call only under Deno).
 *
 * @example
 * ```ts
 * import { denoApi } from "./_deno_api.ts";
 * console.log(typeof denoApi().connect); // "function" under Deno
 * ```
 */
export function denoApi(): DenoApi {
  return (globalThis as unknown as { Deno: DenoApi }).Deno;
}
