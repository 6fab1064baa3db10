#!/usr/bin/env bash
# bench/trie/run.sh - subscription tries at N subscriptions, in one run: libzmq's
# (a C program through a SUB and an XPUB, see zmq_trie.c), edgemq's radix trie
# (protocols/_trie.ts) and the byte trie it replaced (old_trie.ts), on Deno and
# on Bun. Every program reads the same workload files (workload.ts). Prints one
# line per measurement, tab-separated: <impl> <runtime> <measure> <value> <unit>,
# and keeps the report in bench/results/trie-<stamp>.txt.
#
# Usage: bash bench/trie/run.sh      (about 6 minutes at N = 10^6)
# Env:   N=1000000  PASSES=2 (timed match passes over the 2N messages)
#        IMPLS="c deno-new deno-old bun-new bun-old"  DENO=... BUN=...
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
N=${N:-1000000}
IMPLS=${IMPLS:-"c deno-new deno-old bun-new bun-old"}
DENO=${DENO:-node_modules/.bin/deno}
BUN=${BUN:-node_modules/.bin/bun}
export PASSES=${PASSES:-2}
DATA=bench/results/trie-$N
OUT=bench/results/trie-$(date +%Y%m%d-%H%M%S).txt
mkdir -p bench/results
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

[ -s "$DATA/messages.txt" ] || "$DENO" run -A bench/trie/workload.ts "$DATA" "$N"
gcc -O2 -o "$TMP/zmq_trie" bench/trie/zmq_trie.c -lzmq

{
  echo "# bench/trie/run.sh N=$N PASSES=$PASSES $(git rev-parse --short HEAD 2>/dev/null) $(date -Is)"
  echo "# $(uname -srm); $(nproc) vCPU; deno $("$DENO" --version | head -1 | cut -d' ' -f2); bun $("$BUN" --version); libzmq $(pkg-config --modversion libzmq 2>/dev/null || echo '?')"
  for impl in $IMPLS; do
    case $impl in
      c) "$TMP/zmq_trie" "$DATA" ;;
      deno-*) "$DENO" run -A --v8-flags=--expose-gc bench/trie/trie_bench.ts "${impl#deno-}" "$DATA" ;;
      bun-*) "$BUN" bench/trie/trie_bench.ts "${impl#bun-}" "$DATA" ;;
    esac
  done
} | tee "$OUT"
echo "# report: $OUT"
