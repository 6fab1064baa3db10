/**
 * `--only`: which implementations a run covers. A name picks that implementation; a name that is
 * the start of others up to a dash picks them all (`edgemq-deno` is `edgemq-deno-zmtp` and
 * `edgemq-deno-sp`, `libzmq` is both libzmq versions).
 *
 * @module
 */

/**
 * The implementations `only` (comma-separated names) picks, in their own order; all of them when
 * `only` is undefined.
 *
 * @throws {Error} when a name picks nothing.
 * @example
 * ```ts
 * import { selectImplementations } from "./select.ts";
 * const all = [{ name: "edgemq-deno-zmtp" }, { name: "edgemq-deno-sp" }, { name: "nngcat" }];
 * console.log(selectImplementations(all, "edgemq-deno").length); // 2
 * ```
 */
export function selectImplementations<T extends { readonly name: string }>(
  all: readonly T[],
  only: string | undefined,
): T[] {
  if (only === undefined) return [...all];
  const names = only.split(",").map((n) => n.trim()).filter((n) => n !== "");
  const picks = (impl: T, n: string): boolean => impl.name === n || impl.name.startsWith(`${n}-`);
  for (const n of names) {
    if (!all.some((impl) => picks(impl, n))) {
      throw new Error(`--only: no implementation "${n}" (${all.map((i) => i.name).join(", ")})`);
    }
  }
  return all.filter((impl) => names.some((n) => picks(impl, n)));
}
