/**
 * Loaded before every test file when the suite runs on Node (scripts/test.sh
 * passes `--import ./testing/node20.ts` after tsx): gives Node 20 the one
 * built-in newer than it that test files use, `Promise.withResolvers`
 * (ES2024, Node 22; protocols/zmtp/engine_test.ts).
 *
 * Only tests see it: the library itself is compiled for npm against ES2022
 * and Node 20's types (scripts/npm/tsconfig.json), so a use of a newer
 * built-in there fails that build, and scripts/npm_smoke runs the built
 * package on Node 20 without this file.
 *
 * @module
 */

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const P = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
if (typeof P.withResolvers !== "function") {
  // As specified in ES2024, section 27.2.4.9 (Promise.withResolvers).
  P.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: Resolvers<T>["resolve"];
    let reject!: Resolvers<T>["reject"];
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
