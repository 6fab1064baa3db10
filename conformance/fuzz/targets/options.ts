/**
 * Fuzz target: socket and endpoint options (`resolveSocketOptions`, `resolveEndpointOptions`,
 * `checkInteger`). The input's bytes are a little program that builds an options value: its
 * shape, then (name, value) pairs drawn from the option names, near-misses and the names every
 * object inherits ("constructor", "toString", "__proto__"), and from values at and around each
 * range's edges, of every JavaScript type. Each call must return a valid result or throw an
 * `EINVAL` `MqError`, exactly as a model written here says.
 *
 * @module
 */
import {
  checkInteger,
  resolveEndpointOptions,
  resolveSocketOptions,
} from "../../../protocols/options.ts";
import { MqError } from "../../../protocols/errors.ts";
import { describeThrown, Finding, type Target } from "../_target.ts";

const NAME = "options";
const MAX = 2 ** 31 - 1;

/** Each common option's range (as documented on `SocketOptions`). */
const RANGES: Readonly<Record<string, readonly [number, number]>> = {
  sendTimeout: [-1, MAX],
  recvTimeout: [-1, MAX],
  sendHwm: [1, MAX],
  recvHwm: [1, MAX],
  linger: [0, MAX],
  reconnectIvl: [1, MAX],
  reconnectIvlMax: [0, MAX],
  handshakeTimeout: [1, MAX],
};
const ENDPOINT = ["reconnectIvl", "reconnectIvlMax", "handshakeTimeout"];
const EXTRA = ["recvMaxSize", "raw"];
const TRANSPORT = ["tlsKey"];

const NAMES = [
  ...Object.keys(RANGES),
  ...EXTRA,
  ...TRANSPORT,
  "maxMsgSize",
  "constructor",
  "toString",
  "__proto__",
  "hasOwnProperty",
  "valueOf",
  "",
  "sendhwm",
  "0",
];
const VALUES: unknown[] = [
  undefined,
  null,
  0,
  1,
  -1,
  -2,
  0.5,
  MAX,
  MAX + 1,
  -MAX,
  NaN,
  Infinity,
  -Infinity,
  Number.MAX_SAFE_INTEGER,
  -0,
  "1",
  "",
  true,
  false,
  {},
  [],
  [1],
  10n,
  Symbol("s"),
  () => 1,
];

/** What a program built: the options value, and the range for `checkInteger`. */
interface Built {
  readonly value: unknown;
  readonly min: number;
  readonly max: number;
}

function int32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(at);
}

/**
 * Builds an options value from bytes: byte 0 picks the shape (object mostly; or null, a number, a
 * string, an array, undefined, a function), then each two bytes add a property (name, value; a
 * value byte of 200 or more takes the next 4 bytes as a 32-bit integer), set as own properties
 * even for "__proto__".
 *
 * @example
 * ```ts
 * import { buildOptions } from "./options.ts";
 * console.log(buildOptions(new Uint8Array([0, 2, 2])).value); // { sendHwm: 0 }
 * ```
 */
export function buildOptions(b: Uint8Array): Built {
  const shape = b[0] ?? 0;
  const min = b.length > 2 ? int32(new Uint8Array([b.at(-1)!, 0, 0, b.at(-2)!]), 0) >> 16 : -1;
  const max = min + (b.at(-3) ?? 0) * 1000;
  if (shape % 16 >= 10) {
    const other: unknown[] = [null, 5, "x", undefined, () => ({}), []];
    return { value: other[shape % 16 - 10], min, max };
  }
  const value: Record<string, unknown> = {};
  for (let i = 1; i + 1 < b.length && i < 64;) {
    const name = NAMES[b[i]! % NAMES.length]!;
    let v: unknown;
    if (b[i + 1]! >= 200 && i + 6 <= b.length) {
      v = int32(b, i + 2);
      i += 6;
    } else {
      v = VALUES[b[i + 1]! % VALUES.length];
      i += 2;
    }
    Object.defineProperty(value, name, {
      value: v,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return { value, min, max };
}

function isIntIn(v: unknown, min: number, max: number): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}

/** Whether `resolveSocketOptions(value, EXTRA)` must refuse. */
function socketRefuses(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return true;
  return Object.entries(value).some(([k, v]) =>
    v !== undefined &&
    (Object.hasOwn(RANGES, k) ? !isIntIn(v, ...RANGES[k]!) : !EXTRA.includes(k))
  );
}

/** Whether `resolveEndpointOptions(value, ...)` must refuse. */
function endpointRefuses(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== "object" || value === null) return true;
  return Object.entries(value).some(([k, v]) =>
    v !== undefined &&
    (ENDPOINT.includes(k)
      ? !isIntIn(v, ...RANGES[k]!)
      : !EXTRA.includes(k) && !TRANSPORT.includes(k))
  );
}

function call<T>(what: string, input: Uint8Array, fn: () => T): T | "EINVAL" {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MqError && e.code === "EINVAL") return "EINVAL";
    throw new Finding(NAME, `${what} threw ${describeThrown(e)}`, input, { cause: e });
  }
}

/**
 * Checks one program.
 *
 * @example
 * ```ts
 * import { checkOptions } from "./options.ts";
 * console.log(checkOptions(new Uint8Array([0, 2, 1]))); // "ok"
 * ```
 */
export function checkOptions(input: Uint8Array): string {
  const { value, min, max } = buildOptions(input);
  const fail = (what: string): never => {
    throw new Finding(NAME, what, input);
  };
  const socket = call(
    "resolveSocketOptions",
    input,
    () => resolveSocketOptions(value as object, EXTRA),
  );
  if ((socket === "EINVAL") !== socketRefuses(value)) {
    fail(
      `resolveSocketOptions ${socket === "EINVAL" ? "refused" : "accepted"} ${
        String(Object.keys(Object(value)))
      }`,
    );
  }
  if (socket !== "EINVAL") {
    for (const [k, range] of Object.entries(RANGES)) {
      const v = (socket as Record<string, unknown>)[k];
      if (!isIntIn(v, ...range)) fail(`resolved ${k} = ${String(v)}`);
    }
  }
  const base = resolveSocketOptions({});
  const ep = call(
    "resolveEndpointOptions",
    input,
    () => resolveEndpointOptions(value, base, EXTRA, TRANSPORT, "dial"),
  );
  if ((ep === "EINVAL") !== endpointRefuses(value)) {
    fail(
      `resolveEndpointOptions ${ep === "EINVAL" ? "refused" : "accepted"} ${
        String(Object.keys(Object(value)))
      }`,
    );
  }
  if (ep !== "EINVAL") {
    for (const k of ENDPOINT) {
      const v = (ep as unknown as Record<string, unknown>)[k];
      if (!isIntIn(v, ...RANGES[k]!)) fail(`resolved endpoint ${k} = ${String(v)}`);
    }
    for (const [k, v] of [...Object.entries(ep.family), ...Object.entries(ep.transport)]) {
      if (v === undefined || (!EXTRA.includes(k) && !TRANSPORT.includes(k))) fail(`passed on ${k}`);
    }
  }
  const probes = typeof value === "object" && value !== null ? Object.values(value) : [value];
  for (const v of probes) {
    const got = call("checkInteger", input, () => checkInteger("x", v, min, max));
    if ((got === "EINVAL") === isIntIn(v, min, max)) {
      fail(`checkInteger(${String(v)}, ${min}, ${max}) gave ${String(got)}`);
    }
    if (got !== "EINVAL" && !Object.is(got, v)) fail("checkInteger changed the value");
  }
  return `${socket === "EINVAL" ? "refused" : "ok"}${ep === "EINVAL" ? ":ep-refused" : ""}`;
}

/** The target. */
export const optionsTarget: Target = {
  name: NAME,
  seeds: [
    [0],
    [0, 2, 3, 4, 200, 0, 0, 3, 232],
    [0, 7, 5, 8, 1, 9, 2],
    [0, 8, 22, 11, 1],
    [0, 12, 1],
    [0, 14, 1],
    [12],
  ].map((b) => Uint8Array.from(b)),
  run: (input) => {
    try {
      return checkOptions(input);
    } catch (e) {
      if (e instanceof Finding) throw e;
      throw new Finding(NAME, `threw ${describeThrown(e)}`, input, { cause: e });
    }
  },
};
