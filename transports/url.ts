/**
 * Endpoint URLs as NNG and libzmq users write them: `tcp://host:port`,
 * `tcp://*:port`, `tcp://[::1]:port`, `ipc:///abs/path`, `ipc://rel/path`,
 * `inproc://name`. Parsed by hand because WHATWG `URL` mangles ipc paths and
 * refuses some inproc names.
 *
 * @module
 */
import { invalid } from "../protocols/errors.ts";
import { resolveEndpoint } from "./registry.ts";

/** A parsed endpoint. */
export type EndpointAddress =
  | {
    readonly scheme: "tcp";
    /** Host name or address; `*` becomes "0.0.0.0" (listen only). IPv6 without brackets. */
    readonly hostname: string;
    readonly port: number;
    /**
     * Dial only: the local interface to connect from, as given before a `;` — an address, or an
     * interface name such as `eth0` or `lo` (nanomsg's `tcp://eth0;10.0.0.1:5555`).
     */
    readonly local?: string;
    /** The URL as given. */
    readonly url: string;
  }
  | { readonly scheme: "ipc"; readonly path: string; readonly url: string }
  | { readonly scheme: "inproc"; readonly name: string; readonly url: string };

/** The schemes built in; others can be added with `registerTransport`. */
export const SCHEMES = ["tcp", "ipc", "inproc"] as const;

/**
 * Parses an endpoint URL of a built-in scheme with its registered transport, throwing an `EINVAL`
 * `MqError` that names what is wrong.
 *
 * @example Parse a tcp endpoint
 * ```ts
 * import { parseEndpoint } from "./url.ts";
 * const ep = parseEndpoint("tcp://127.0.0.1:5555", "dial");
 * console.log(ep.scheme === "tcp" && ep.port); // 5555
 * ```
 */
export function parseEndpoint(url: string, mode: "dial" | "listen"): EndpointAddress {
  return resolveEndpoint(url, mode).endpoint as EndpointAddress;
}

/**
 * Parses what follows "tcp://": `host:port`, or on a dial `local;host:port` (the local interface
 * to connect from, as nanomsg writes it); throws `EINVAL`.
 */
export function parseTcp(
  rest: string,
  url: string,
  mode: "dial" | "listen",
): Extract<EndpointAddress, { scheme: "tcp" }> {
  const semicolon = rest.indexOf(";");
  if (semicolon < 0) return { scheme: "tcp", ...parseHostPort(url, rest, mode), url };
  if (mode === "listen") {
    throw invalid(`tcp URL "${url}": a local interface (before ";") is for dialing only`);
  }
  const local = rest.slice(0, semicolon);
  const bare = local.startsWith("[") && local.endsWith("]") ? local.slice(1, -1) : local;
  if (bare === "" || !/^[A-Za-z0-9._:%-]+$/.test(bare)) {
    throw invalid(`tcp URL "${url}" has an invalid local interface "${local}"`);
  }
  return {
    scheme: "tcp",
    ...parseHostPort(url, rest.slice(semicolon + 1), mode),
    local: bare,
    url,
  };
}

/** Parses what follows "ipc://"; throws `EINVAL`. */
export function parseIpc(rest: string, url: string): Extract<EndpointAddress, { scheme: "ipc" }> {
  if (rest === "") throw invalid(`ipc URL "${url}" has no path`);
  if (rest.includes("\0")) throw invalid(`ipc URL "${url}" contains a NUL byte`);
  return { scheme: "ipc", path: rest, url };
}

/** Parses what follows "inproc://"; throws `EINVAL`. */
export function parseInproc(
  rest: string,
  url: string,
): Extract<EndpointAddress, { scheme: "inproc" }> {
  if (rest === "") throw invalid(`inproc URL "${url}" has no name`);
  return { scheme: "inproc", name: rest, url };
}

function parseHostPort(
  url: string,
  rest: string,
  mode: "dial" | "listen",
): { hostname: string; port: number } {
  let host: string;
  let portText: string;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0 || rest[close + 1] !== ":") {
      throw invalid(`tcp URL "${url}" has a malformed IPv6 address`);
    }
    host = rest.slice(1, close);
    portText = rest.slice(close + 2);
  } else {
    const colon = rest.lastIndexOf(":");
    if (colon < 0) throw invalid(`tcp URL "${url}" has no port`);
    host = rest.slice(0, colon);
    portText = rest.slice(colon + 1);
    if (host.includes(":")) throw invalid(`tcp URL "${url}": put an IPv6 address in brackets`);
  }
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw invalid(`tcp URL "${url}" has an invalid port "${portText}"`);
  }
  const port = Number(portText);
  if (mode === "dial") {
    if (host === "" || host === "*") throw invalid(`tcp URL "${url}": cannot dial a wildcard host`);
    if (port === 0) throw invalid(`tcp URL "${url}": cannot dial port 0`);
  }
  if (host === "" || host === "*") host = "0.0.0.0";
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) {
    throw invalid(`tcp URL "${url}" has an invalid host "${host}"`);
  }
  return { hostname: host, port };
}

/** Formats a tcp endpoint URL, bracketing IPv6 addresses. */
export function tcpUrl(hostname: string, port: number): string {
  return hostname.includes(":") ? `tcp://[${hostname}]:${port}` : `tcp://${hostname}:${port}`;
}
