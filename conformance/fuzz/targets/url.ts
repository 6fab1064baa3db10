/**
 * Fuzz target: endpoint URLs (`parseEndpoint`, `resolveEndpoint`). The input's bytes are read as
 * a string (Latin-1 or UTF-8) and parsed for dialing or listening. Parsing must return an endpoint
 * or throw an `EINVAL` `MqError` (nothing else), accept exactly what a model written here
 * accepts, keep the URL as given, and give tcp endpoints whose host and port format back into a URL
 * that parses to the same host and port.
 *
 * @module
 */
import { type EndpointAddress, parseEndpoint, tcpUrl } from "../../../transports/url.ts";
import { registeredSchemes, resolveEndpoint } from "../../../transports/registry.ts";
import { MqError } from "../../../protocols/errors.ts";
import type { Rng } from "../_rng.ts";
import { describeThrown, Finding, type Target } from "../_target.ts";

const NAME = "url";
const latin1 = (b: Uint8Array): string => {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
};
const utf8 = new TextDecoder();

/**
 * Which URLs are accepted: a scheme before "://"; tcp: on a dial an optional local interface and
 * ";" first, then `host:port` or `[host]:port` with a port
 * of 1 to 5 digits up to 65535, a host of `A-Z a-z 0-9 . _ : % -` (`*` or empty: any, listen
 * only), no bare colon in a plain host, port 0 listen only; ipc: a non-empty path without NUL;
 * inproc: a non-empty name.
 *
 * @example
 * ```ts
 * import { urlModel } from "./url.ts";
 * console.log(urlModel("tcp://*:0", "listen"), urlModel("tcp://*:0", "dial")); // { hostname: "0.0.0.0", port: 0 } false
 * ```
 */
export function urlModel(
  url: string,
  mode: "dial" | "listen",
): boolean | { hostname: string; port: number } {
  const at = url.indexOf("://");
  if (at <= 0) return false;
  const scheme = url.slice(0, at);
  const rest = url.slice(at + 3);
  if (scheme === "ipc") return rest !== "" && !rest.includes("\0");
  if (scheme === "inproc") return rest !== "";
  if (scheme !== "tcp") return false;
  return tcpModel(rest, mode);
}

// tcp: an optional local interface before ";" (dial only: an address, maybe in brackets, or a
// name of `A-Z a-z 0-9 . _ : % -`), then `host:port`.
function tcpModel(
  rest: string,
  mode: "dial" | "listen",
): boolean | { hostname: string; port: number } {
  const semicolon = rest.indexOf(";");
  if (semicolon >= 0) {
    if (mode === "listen") return false;
    const local = rest.slice(0, semicolon);
    const bare = local.startsWith("[") && local.endsWith("]") ? local.slice(1, -1) : local;
    if (!/^[A-Za-z0-9._:%-]+$/.test(bare)) return false;
    rest = rest.slice(semicolon + 1);
  }
  const m = rest.startsWith("[")
    ? /^\[([^\]]*)\]:([0-9]{1,5})$/.exec(rest)
    : /^([^:]*):([0-9]{1,5})$/.exec(rest);
  if (m === null) return false;
  const port = Number(m[2]);
  let host = m[1]!;
  if (port > 65535) return false;
  const wildcard = host === "" || host === "*";
  if (mode === "dial" && (wildcard || port === 0)) return false;
  if (wildcard) host = "0.0.0.0";
  return /^[A-Za-z0-9._:%-]+$/.test(host) ? { hostname: host, port } : false;
}

function parse(
  url: string,
  mode: "dial" | "listen",
  input: Uint8Array,
): EndpointAddress | undefined {
  try {
    return parseEndpoint(url, mode);
  } catch (e) {
    if (e instanceof MqError && e.code === "EINVAL") return undefined;
    throw new Finding(
      NAME,
      `parseEndpoint(${JSON.stringify(url)}, ${mode}) threw ${describeThrown(e)}`,
      input,
    );
  }
}

/**
 * Checks one URL, given as bytes.
 *
 * @example
 * ```ts
 * import { Rng } from "../_rng.ts";
 * import { checkUrl } from "./url.ts";
 * console.log(checkUrl(new TextEncoder().encode("inproc://x"), new Rng(1))); // "ok:inproc"
 * ```
 */
export function checkUrl(input: Uint8Array, rng: Rng): string {
  const url = rng.chance(0.5) ? latin1(input) : utf8.decode(input);
  const mode = rng.chance(0.5) ? "dial" : "listen";
  const fail = (what: string): never => {
    throw new Finding(NAME, `${JSON.stringify(url)} (${mode}): ${what}`, input);
  };
  const ep = parse(url, mode, input);
  const scheme = url.slice(0, Math.max(0, url.indexOf("://")));
  const builtin = ["tcp", "ipc", "inproc"].includes(scheme);
  if (!builtin && registeredSchemes().includes(scheme)) return "other-scheme"; // a test's own
  const model = urlModel(url, mode);
  if ((ep !== undefined) !== (model !== false)) {
    fail(`parsed: ${ep !== undefined}, model: ${model !== false}`);
  }
  if (ep === undefined) return "refused";
  if (ep.url !== url || ep.scheme !== scheme) {
    fail("the endpoint does not keep the URL or its scheme");
  }
  const again = resolveEndpoint(url, mode).endpoint;
  if (JSON.stringify(again) !== JSON.stringify(ep)) {
    fail("resolveEndpoint and parseEndpoint disagree");
  }
  const rest = url.slice(scheme.length + 3);
  if (ep.scheme === "ipc" && ep.path !== rest) fail("ipc path is not the rest of the URL");
  if (ep.scheme === "inproc" && ep.name !== rest) fail("inproc name is not the rest of the URL");
  if (ep.scheme === "tcp") {
    if (typeof model !== "object" || ep.hostname !== model.hostname || ep.port !== model.port) {
      fail(`tcp host/port ${ep.hostname}:${ep.port}, model ${JSON.stringify(model)}`);
    }
    const back = parse(tcpUrl(ep.hostname, ep.port), "listen", input);
    if (back?.scheme !== "tcp" || back.hostname !== ep.hostname || back.port !== ep.port) {
      fail(`tcpUrl(${ep.hostname}, ${ep.port}) does not parse back`);
    }
  }
  return `ok:${ep.scheme}`;
}

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** The target. */
export const urlTarget: Target = {
  name: NAME,
  seeds: [
    "tcp://127.0.0.1:5555",
    "tcp://*:0",
    "tcp://[::1]:80",
    "tcp://localhost:65535",
    "tcp://[fe80::1%eth0]:1",
    "ipc:///tmp/edgemq.ipc",
    "ipc://rel/path",
    "inproc://name",
    "toy://x",
    "ws://h:1/p",
  ].map(enc),
  run: (input, rng) => {
    try {
      return checkUrl(input, rng);
    } catch (e) {
      if (e instanceof Finding) throw e;
      throw new Finding(NAME, `threw ${describeThrown(e)}`, input, { cause: e });
    }
  },
};
