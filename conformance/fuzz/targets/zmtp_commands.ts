/**
 * Fuzz target: the ZMTP command parsers (RFC 23 §Commands, RFC 37): `parseCommand` on the input,
 * then `parseMetadata`, `parsePing` and `parseError` on its data whatever the name, and
 * `parseSubscriptionMessage` on the input as a message frame. None may throw; each result must
 * have a documented reason or agree with a model written here; a well-formed result must encode
 * back to the same bytes with the matching encoder; the parsers return views and allocate no
 * buffers.
 *
 * @module
 */
import {
  encodeCommand,
  encodeMetadata,
  encodePing,
  parseCommand,
  parseError,
  parseMetadata,
  parsePing,
  parseSubscriptionMessage,
} from "../../../protocols/zmtp/command.ts";
import { countAllocations, describeThrown, digest, Finding, type Target } from "../_target.ts";
import { capturedCommands, commandLengthFields } from "../_vectors.ts";

const NAME = "zmtp-commands";
const enc = new TextEncoder();
const KNOWN = ["READY", "PING", "PONG", "ERROR", "SUBSCRIBE", "CANCEL", "HELLO", "WELCOME"];

/**
 * Metadata as RFC 23 lays it out, read off the whole input: properties of a 1-byte name length,
 * the name, a 4-byte big-endian value length and the value; truncation is the only error; the
 * first value of a repeated name is kept.
 *
 * @example
 * ```ts
 * import { metadataModel } from "./zmtp_commands.ts";
 * console.log(metadataModel(new Uint8Array([1, 65, 0, 0, 0, 1, 66]))); // [["A", "1:…"]]
 * ```
 */
export function metadataModel(b: Uint8Array): [string, string][] | "truncated-property" {
  const out = new Map<string, string>();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 0;
  while (p < b.length) {
    const nameEnd = p + 1 + b[p]!;
    if (nameEnd + 4 > b.length) return "truncated-property";
    const valueEnd = nameEnd + 4 + view.getUint32(nameEnd);
    if (valueEnd > b.length) return "truncated-property";
    const name = String.fromCharCode(...b.subarray(p + 1, nameEnd));
    if (!out.has(name)) out.set(name, digest(b.subarray(nameEnd + 4, valueEnd)));
    p = valueEnd;
  }
  return [...out];
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function check(input: Uint8Array): string {
  const fail = (what: string): never => {
    throw new Finding(NAME, what, input);
  };
  let outcome = "";
  const alloc = countAllocations(() => {
    const command = parseCommand(input);
    if (!command.ok) {
      const want = input.length === 0
        ? "empty-command"
        : input[0] === 0
        ? "bad-command-name"
        : "truncated-command-name";
      if (command.reason !== want) fail(`parseCommand: ${command.reason}, expected ${want}`);
      outcome = `error:${command.reason}`;
      return;
    }
    const size = input[0]!;
    if (command.name.length !== size || command.data.length !== input.length - 1 - size) {
      fail("parseCommand split name and data wrongly");
    }
    outcome = `ok:${KNOWN.includes(command.name) ? command.name : "other"}`;
    const data = command.data;

    const metadata = parseMetadata(data);
    const model = metadataModel(data);
    const got = metadata.ok
      ? [...metadata.metadata].map(([k, v]) => [k, digest(v)])
      : metadata.reason;
    if (JSON.stringify(got) !== JSON.stringify(model)) {
      fail(
        `parseMetadata gave ${JSON.stringify(got).slice(0, 200)}, the model ${
          JSON.stringify(model).slice(0, 200)
        }`,
      );
    }
    if (metadata.ok) outcome += ":metadata";

    const ping = parsePing(data);
    if (!ping.ok) {
      if (data.length >= 2 || ping.reason !== "truncated-ping") fail(`parsePing: ${ping.reason}`);
    } else {
      if (data.length < 2 || ping.ttl !== (data[0]! << 8 | data[1]!)) fail("parsePing: wrong TTL");
      if (!same(ping.context, data.subarray(2, 18))) fail("parsePing: wrong context");
    }

    const error = parseError(data);
    const errorOk = data.length > 0 && 1 + data[0]! <= data.length;
    if (error.ok !== errorOk) fail(`parseError ok=${error.ok}, expected ${errorOk}`);
    if (!error.ok && error.reason !== "truncated-error") fail(`parseError: ${error.reason}`);

    const sub = parseSubscriptionMessage(input);
    const subWant = input.length === 0
      ? "empty-message"
      : input[0]! > 1
      ? "not-a-subscription"
      : "ok";
    if ((sub.ok ? "ok" : sub.reason) !== subWant) {
      fail(`parseSubscriptionMessage: expected ${subWant}`);
    }
    if (sub.ok && (sub.subscribe !== (input[0] === 1) || !same(sub.topic, input.subarray(1)))) {
      fail("parseSubscriptionMessage: wrong topic or direction");
    }
  });
  if (alloc.total > 0) fail(`the parsers allocated ${alloc.total} bytes`);
  roundTrips(input, fail);
  return outcome;
}

// Well-formed commands, PINGs and metadata encode back to the bytes they were parsed from.
function roundTrips(input: Uint8Array, fail: (what: string) => never): void {
  const command = parseCommand(input);
  if (!command.ok || !/^[A-Za-z]+$/.test(command.name)) return;
  if (!same(encodeCommand(command.name, command.data), input)) {
    fail("encodeCommand(parseCommand(x)) != x");
  }
  if (command.name === "PING" && command.data.length <= 18) {
    const ping = parsePing(command.data);
    if (ping.ok && !same(encodePing(ping.ttl, ping.context), input)) {
      fail("PING does not round-trip");
    }
  }
  const metadata = parseMetadata(command.data);
  if (!metadata.ok) return;
  const names = [...metadata.metadata.keys()];
  const count = commandLengthFields(input).filter(([, w]) => w === 4).length;
  // only unrepeated names of the RFC's characters can be encoded back as they came
  // (and none that looks like an array index, which an object would move to the front)
  const encodable = (n: string): boolean =>
    /^[A-Za-z0-9\-_.+]{1,255}$/.test(n) && !/^(0|[1-9][0-9]*)$/.test(n);
  if (names.length !== count || !names.every(encodable)) return;
  if (!same(encodeMetadata(Object.fromEntries(metadata.metadata)), command.data)) {
    fail("encodeMetadata(parseMetadata(x)) != x");
  }
}

/**
 * Checks one command body.
 *
 * @example
 * ```ts
 * import { checkCommand } from "./zmtp_commands.ts";
 * console.log(checkCommand(new Uint8Array([4, 80, 73, 78, 71, 0, 1]))); // "ok:PING"
 * ```
 */
export function checkCommand(input: Uint8Array): string {
  try {
    return check(input);
  } catch (e) {
    if (e instanceof Finding) throw e;
    throw new Finding(NAME, `threw ${describeThrown(e)}`, input, { cause: e });
  }
}

/** The target. */
export const zmtpCommandsTarget: Target = {
  name: NAME,
  seeds: [
    ...capturedCommands(),
    encodePing(15, enc.encode("ctx")),
    encodeCommand("PONG", enc.encode("ctx")),
    encodeCommand("ERROR", new Uint8Array([3, 52, 48, 48])),
    encodeCommand("CANCEL", enc.encode("topic")),
    new Uint8Array([1, ...enc.encode("topic")]),
  ],
  lengthFields: commandLengthFields,
  run: (input) => checkCommand(input),
};
