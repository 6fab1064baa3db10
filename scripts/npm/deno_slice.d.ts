// The slice of Deno's runtime API that transports/runtime/deno.ts uses, so
// that tsc can compile it for npm without Deno's own type library (which
// needs Deno's "deno.net" lib and esnext, and would hide uses of APIs newer
// than ES2022 elsewhere). `deno check` still checks that file against Deno's
// real types; this file is used only by scripts/build_npm.sh.
// Shapes follow Deno's reference, https://docs.deno.com/api/deno/ (Deno.connect,
// Deno.listen, Deno.Listener.accept, Deno.Conn, Deno.Addr, Deno.remove, Deno.errors,
// Deno.permissions.querySync, Deno.env).

declare namespace Deno {
  interface NetAddr {
    transport: "tcp" | "udp";
    hostname: string;
    port: number;
  }
  interface UnixAddr {
    transport: "unix" | "unixpacket";
    path: string;
  }
  type Addr = NetAddr | UnixAddr;
  interface Conn {
    readonly remoteAddr: Addr;
    read(p: Uint8Array): Promise<number | null>;
    write(p: Uint8Array): Promise<number>;
    close(): void;
  }
  interface TcpConn extends Conn {
    setNoDelay(noDelay?: boolean): void;
  }
  interface Listener extends AsyncIterable<Conn> {
    readonly addr: Addr;
    accept(): Promise<Conn>;
    close(): void;
  }
  function connect(
    options: { hostname: string; port: number } | { transport: "unix"; path: string },
  ): Promise<Conn>;
  function listen(
    options: { hostname: string; port: number } | { transport: "unix"; path: string },
  ): Listener;
  function remove(path: string): Promise<void>;
  namespace errors {
    class NotFound extends Error {}
    class BadResource extends Error {}
  }
  const permissions: {
    querySync?(d: { name: "env"; variable: string }): { state: string };
  };
  const env: { get(key: string): string | undefined };
}
