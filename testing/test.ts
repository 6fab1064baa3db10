/**
 * The test API of the suite: `node:test`'s `test`/`describe`/`it` and hooks,
 * so the same files run under `deno test`, `bun test` and `node --test`.
 *
 * Why not import `node:test` directly: Deno runs `node:test` cases but does
 * not apply its op and resource sanitizers to them (checked on Deno 2.9.6: a
 * leaked listener and a pending timer both passed with --sanitize-ops
 * --sanitize-resources). Under Deno this module registers each case with
 * `Deno.test` instead, so leaks fail the test; elsewhere it re-exports
 * `node:test`.
 *
 * @module
 */
import * as nodeTest from "node:test";

/** Options of a test case (the subset of node:test's that the suite uses). */
export interface TestOptions {
  /** Skip the case; a string says why (printed). */
  skip?: boolean | string;
  /** The case is known to fail; a string says why. It runs but does not fail the suite. */
  todo?: boolean | string;
  /** Ignored under Deno (which has no per-test timeout). */
  timeout?: number;
}

type Body = () => void | Promise<void>;
type Hook = () => void | Promise<void>;

interface DenoStep {
  step(name: string, fn: (t: DenoStep) => Promise<void>): Promise<boolean>;
}
interface DenoTestApi {
  test(options: { name: string; ignore?: boolean; fn: (t: DenoStep) => Promise<void> }): void;
}

const deno = (globalThis as { Deno?: DenoTestApi }).Deno;

interface Group {
  name: string;
  cases: { name: string; options: TestOptions; fn: Body | Group }[];
  before: Hook[];
  after: Hook[];
  beforeEach: Hook[];
  afterEach: Hook[];
}

let current: Group | undefined; // the describe() being collected

function args(a: TestOptions | Body, b?: Body): [TestOptions, Body] {
  return typeof a === "function" ? [{}, a] : [a, b ?? (() => {})];
}

function skipReason(options: TestOptions): string | undefined {
  if (options.skip === undefined || options.skip === false) return undefined;
  return typeof options.skip === "string" ? options.skip : "skipped";
}

async function runCase(name: string, options: TestOptions, fn: Body): Promise<void> {
  if (options.todo !== undefined && options.todo !== false) {
    try {
      await fn();
    } catch (e) {
      console.warn(`TODO (known failure) ${name}: ${String(options.todo)}: ${String(e)}`);
    }
    return;
  }
  await fn();
}

async function runGroup(group: Group, t: DenoStep, parents: Hook[][]): Promise<void> {
  for (const hook of group.before) await hook();
  try {
    for (const c of group.cases) {
      const reason = skipReason(c.options);
      if (reason !== undefined) {
        console.warn(`SKIPPED: ${c.name}: ${reason}`);
        continue;
      }
      const fn = c.fn;
      if (typeof fn === "function") {
        await t.step(c.name, async () => {
          for (const hooks of [...parents, group.beforeEach]) for (const h of hooks) await h();
          try {
            await runCase(c.name, c.options, fn);
          } finally {
            for (const h of group.afterEach) await h();
          }
        });
      } else {
        await t.step(c.name, (inner) => runGroup(fn, inner, [...parents, group.beforeEach]));
      }
    }
  } finally {
    for (const hook of group.after) await hook();
  }
}

/**
 * Declares a test case.
 *
 * @example
 * ```ts ignore
 * import { test } from "./test.ts";
 * test("adds", () => {
 *   if (1 + 1 !== 2) throw new Error("math");
 * });
 * ```
 */
export function test(name: string, a: TestOptions | Body, b?: Body): void {
  const [options, fn] = args(a, b);
  if (deno === undefined) {
    nodeTest.test(name, options, fn);
    return;
  }
  if (current !== undefined) {
    current.cases.push({ name, options, fn });
    return;
  }
  const reason = skipReason(options);
  if (reason !== undefined) console.warn(`SKIPPED: ${name}: ${reason}`);
  deno.test({ name, ignore: reason !== undefined, fn: () => runCase(name, options, fn) });
}

/** Same as {@linkcode test}. */
export const it: typeof test = test;

/**
 * Groups test cases; under Deno the group is one test whose cases are steps,
 * so resources opened in `before` and closed in `after` are not leaks.
 */
export function describe(name: string, a: TestOptions | (() => void), b?: () => void): void {
  const [options, fn] = args(a as TestOptions | Body, b as Body | undefined);
  if (deno === undefined) {
    nodeTest.describe(name, options, fn as () => void);
    return;
  }
  const group: Group = { name, cases: [], before: [], after: [], beforeEach: [], afterEach: [] };
  const parent = current;
  current = group;
  try {
    fn();
  } finally {
    current = parent;
  }
  if (parent !== undefined) {
    parent.cases.push({ name, options, fn: group });
    return;
  }
  const reason = skipReason(options);
  if (reason !== undefined) console.warn(`SKIPPED: ${name}: ${reason}`);
  deno.test({ name, ignore: reason !== undefined, fn: (t) => runGroup(group, t, []) });
}

function hook(kind: "before" | "after" | "beforeEach" | "afterEach", fn: Hook): void {
  if (deno === undefined) {
    nodeTest[kind](fn);
    return;
  }
  if (current === undefined) {
    throw new Error(`${kind}() outside describe() is not supported under Deno`);
  }
  current[kind].push(fn);
}

/** Runs once before the group's cases. */
export function before(fn: Hook): void {
  hook("before", fn);
}
/** Runs once after the group's cases. */
export function after(fn: Hook): void {
  hook("after", fn);
}
/** Runs before each case of the group. */
export function beforeEach(fn: Hook): void {
  hook("beforeEach", fn);
}
/** Runs after each case of the group. */
export function afterEach(fn: Hook): void {
  hook("afterEach", fn);
}
