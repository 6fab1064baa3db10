#!/usr/bin/env bash
# Packs the npm package (scripts/build_npm.sh), installs the tarball in a fresh
# temporary project as a user would, then, from that install:
#  - smoke.mjs on Node and on Bun: REQ/REP both ways with pyzmq over tcp, SP over inproc
#    (and on Deno, through its npm support);
#  - tsc type-checks consumer.ts against the installed .d.ts files (nodenext, and with the
#    compilerOptions of a `bun init` project), and the repository's own sources type-check in
#    that project too (no Deno types needed);
#  - the edgecat command runs with npx (Node) and bunx (Bun), REQ against REP;
#  - esbuild bundles browser.mjs for the browser and for workerd, the bundles must not
#    mention node:net, and Node runs them.
# Needs python3 with pyzmq (Debian's python3-zmq). Fails loudly at the first problem.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
BIN=$REPO/node_modules/.bin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "!! npm smoke FAILED: $*" >&2; exit 1; }

# Debian's python first (a pyenv shim on PATH may lack zmq), as conformance/interop/_pyzmq.ts does
for candidate in "${PYTHON:-}" /usr/bin/python3 python3; do
  if [ -n "$candidate" ] && "$candidate" -c 'import zmq' 2>/dev/null; then export PYTHON=$candidate; break; fi
done
[ -n "${PYTHON:-}" ] || fail "no python3 can import zmq (apt-get install python3-zmq)"
echo "== pyzmq peer: $PYTHON, libzmq $("$PYTHON" -c 'import zmq; print(zmq.zmq_version())')"
bash scripts/build_npm.sh
(cd npm && npm pack --silent --pack-destination "$WORK" >/dev/null)
TARBALL=$(echo "$WORK"/edgemq-*.tgz)
[ -f "$TARBALL" ] || fail "npm pack made no tarball"
echo "== packed $(basename "$TARBALL"): $(tar -tzf "$TARBALL" | wc -l) files"
if tar -tzf "$TARBALL" | grep -E '_test\.|\.ts$' | grep -v '\.d\.ts$'; then
  fail "the tarball holds tests or TypeScript sources (above)"
fi

APP=$WORK/app
mkdir -p "$APP"
cp scripts/npm_smoke/smoke.mjs scripts/npm_smoke/pyzmq_peer.py scripts/npm_smoke/browser.mjs \
  scripts/npm_smoke/consumer.ts "$APP/"
cd "$APP"
echo '{ "name": "edgemq-smoke", "private": true, "type": "module" }' >package.json
npm install --no-audit --no-fund --silent "$TARBALL"
[ -f node_modules/edgemq/package.json ] || fail "npm install of the tarball installed nothing"

# Which backend each runtime's resolution of the package "imports" picks (a probe inside the
# package, since "#..." specifiers resolve only from there): its own, and the stub for the others.
cat >node_modules/edgemq/esm/_probe.mjs <<'JS'
const at = (s) => import.meta.resolve(s).replace(/.*\/runtime\//, "");
console.log(["deno", "bun", "node"].map((r) => `${r}=${at(`#runtime/${r}`)}`).join(" "));
JS
probe() { # <runtime> <expected> <command...>
  local runtime=$1 want=$2 got; shift 2
  got=$("$@" node_modules/edgemq/esm/_probe.mjs)
  [ "$got" = "$want" ] || fail "$runtime resolves the backends as \"$got\", want \"$want\""
  echo "$runtime backends: $got"
}
probe node "deno=unavailable.js bun=unavailable.js node=node.js" node
probe bun "deno=unavailable.js bun=bun.js node=node.js" "$BIN/bun"
probe deno "deno=deno.js bun=unavailable.js node=node.js" "$BIN/deno" run -A --node-modules-dir=manual
rm node_modules/edgemq/esm/_probe.mjs

echo "== node $(node --version)"
node smoke.mjs || fail "node"
echo "== bun $("$BIN/bun" --version)"
"$BIN/bun" smoke.mjs || fail "bun"
echo "== deno $("$BIN/deno" --version | head -1 | cut -d' ' -f2)"
"$BIN/deno" run -A --node-modules-dir=manual smoke.mjs || fail "deno"

echo "== tsc: consumer.ts against the installed .d.ts"
"$BIN/tsc" --noEmit --strict --noUncheckedIndexedAccess --exactOptionalPropertyTypes \
  --module nodenext --moduleResolution nodenext --target es2022 \
  --types node --typeRoots "$REPO/node_modules/@types" consumer.ts || fail "types"
# The compilerOptions that `bun init` (Bun 1.4.5) writes, noUncheckedIndexedAccess among them,
# with Node's types for Bun's (not installed here) and skipLibCheck off, so that the package's
# .d.ts files are checked too.
echo "== tsc: consumer.ts in a bun init project"
cat >tsconfig.json <<JSON
{
  "compilerOptions": {
    "lib": ["ESNext"], "target": "ESNext", "module": "Preserve", "moduleDetection": "force",
    "jsx": "react-jsx", "allowJs": true, "types": ["node"], "typeRoots": ["$REPO/node_modules/@types"],
    "moduleResolution": "bundler", "allowImportingTsExtensions": true,
    "verbatimModuleSyntax": true, "noEmit": true,
    "strict": true, "skipLibCheck": false, "noFallthroughCasesInSwitch": true,
    "noUncheckedIndexedAccess": true, "noImplicitOverride": true
  },
  "files": ["consumer.ts"]
}
JSON
"$BIN/tsc" -p tsconfig.json || fail "types in a bun init project"
# The same project importing the repository's TypeScript sources, as a Bun user of a git or
# path dependency does: no file may need Deno's types (transports/runtime/_deno_api.ts).
echo "== tsc: the sources (mod.ts) in a bun init project"
cat >source_consumer.ts <<TS
import { sp, zmq } from "$REPO/mod.ts";
const frames: zmq.Frames = await new zmq.Dealer().recv();
const first: Uint8Array | undefined = frames[0];
console.log(new sp.Req(), first);
TS
sed 's/"consumer.ts"/"source_consumer.ts"/' tsconfig.json >tsconfig.sources.json
"$BIN/tsc" -p tsconfig.sources.json || fail "the sources in a bun init project"

echo "== edgecat from the package: npx (Node) serves, bunx (Bun) asks"
PORT=$((20000 + RANDOM % 20000))
npx --no-install edgecat --rep0 --listen "tcp://127.0.0.1:$PORT" --data world --count 1 \
  --recv-timeout 20 &
REP_PID=$!
reply=$("$BIN/bunx" --bun edgecat --req0 --dial "tcp://127.0.0.1:$PORT" --data hello --quoted \
  --recv-timeout 10) || fail "bunx edgecat --req0"
wait "$REP_PID" || fail "npx edgecat --rep0"
[ "$reply" = '"world"' ] || fail "edgecat REQ got '$reply', want '\"world\"'"
echo "edgecat: bunx REQ got $reply from npx REP"
(mkdir -p "$WORK/empty" && cd "$WORK/empty" &&
  npx --yes --package "$TARBALL" edgecat --version) || fail "npx --package <tarball> edgecat"

for target in browser workerd; do
  echo "== esbuild bundle for $target"
  conditions=$target
  [ "$target" = workerd ] && conditions=workerd,worker,browser # as wrangler sets them
  platform=neutral; [ "$target" = browser ] && platform=browser
  "$BIN/esbuild" browser.mjs --bundle --format=esm --platform=$platform --main-fields=module,main \
    --conditions="$conditions" --log-level=warning --outfile="$target.bundle.mjs" || fail "$target bundle"
  if grep -nE 'node:(net|fs)' "$target.bundle.mjs"; then fail "the $target bundle pulls node:net or node:fs"; fi
  node "$target.bundle.mjs" || fail "$target bundle run"
done
echo "npm smoke: all passed"
