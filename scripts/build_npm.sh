#!/usr/bin/env bash
# Builds the npm package into npm/ (git-ignored): JavaScript and .d.ts files
# emitted by tsc from the same TypeScript sources that Deno and Bun run, then
# the package's own package.json (scripts/npm/finish.mjs says what it
# rewrites). `cd npm && npm pack` makes the tarball; scripts/npm_smoke/run.sh
# installs and tries it.
#
# tsc also type-checks the library against ES2022 and Node 20's types, so a
# use of a newer built-in (Promise.withResolvers, ...) fails the build
# instead of failing on Node 20 at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=npm
rm -rf "$OUT"
node_modules/.bin/tsc -p scripts/npm/tsconfig.json
node scripts/npm/finish.mjs "$OUT"
echo "built $OUT/: $(find "$OUT/esm" -name '*.js' | wc -l) modules, $(find "$OUT/esm" -name '*.d.ts' | wc -l) declaration files"
