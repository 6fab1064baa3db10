#!/usr/bin/env bash
# Runs the whole suite: static checks, then every test on Deno (with the op
# and resource sanitizers) and on Bun, then prints one closing line with the
# totals. Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
DENO=node_modules/.bin/deno
BUN=node_modules/.bin/bun
LOG=$(mktemp -d)
status=0

step() { # <name> <command...>
  local name=$1; shift
  echo "== $name"
  if ! "$@"; then echo "!! $name failed"; status=1; fi
}

step "deno fmt --check" "$DENO" fmt --check
step "deno lint" "$DENO" lint
step "deno check" "$DENO" check mod.ts
step "deno doc --lint" "$DENO" doc --lint mod.ts
# mod.ts must import by URL without our deno.json or node_modules (no bare or npm: specifiers)
step "import mod.ts without config" "$DENO" check --no-config --node-modules-dir=none mod.ts

echo "== deno test (sanitizers on)"
"$DENO" test -A --doc --sanitize-ops --sanitize-resources 2>&1 | tee "$LOG/deno.txt"
deno_rc=${PIPESTATUS[0]}
echo "== bun test"
# bun stops a test after 5 s by default; live peers (a JVM starting on a busy machine) need longer,
# and every test bounds its own waits with within()
"$BUN" test --timeout 60000 2>&1 | tee "$LOG/bun.txt"
bun_rc=${PIPESTATUS[0]}

strip() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }
# deno: "ok | 12 passed (3 steps) | 0 failed | 1 ignored"
d_pass=$(strip "$LOG/deno.txt" | grep -E '^(ok|FAILED) \|' | tail -1 | sed -nE 's/.*\| ([0-9]+) passed.*/\1/p')
d_fail=$(strip "$LOG/deno.txt" | grep -E '^(ok|FAILED) \|' | tail -1 | sed -nE 's/.*\| ([0-9]+) failed.*/\1/p')
d_skip=$(strip "$LOG/deno.txt" | grep -E '^(ok|FAILED) \|' | tail -1 | sed -nE 's/.*\| ([0-9]+) ignored.*/\1/p')
# bun: " 12 pass" / " 0 fail" / " 1 skip"
b_pass=$(strip "$LOG/bun.txt" | sed -nE 's/^ *([0-9]+) pass$/\1/p' | tail -1)
b_fail=$(strip "$LOG/bun.txt" | sed -nE 's/^ *([0-9]+) fail$/\1/p' | tail -1)
b_skip=$(strip "$LOG/bun.txt" | sed -nE 's/^ *([0-9]+) skip$/\1/p' | tail -1)
d_pass=${d_pass:-0}; d_fail=${d_fail:-0}; d_skip=${d_skip:-0}
b_pass=${b_pass:-0}; b_fail=${b_fail:-0}; b_skip=${b_skip:-0}
if [ "$deno_rc" -ne 0 ] && [ "$d_fail" -eq 0 ]; then d_fail=1; fi
if [ "$bun_rc" -ne 0 ] && [ "$b_fail" -eq 0 ]; then b_fail=1; fi
[ "$deno_rc" -ne 0 ] || [ "$bun_rc" -ne 0 ] && status=1
[ "$status" -ne 0 ] && [ $((d_fail + b_fail)) -eq 0 ] && d_fail=1 # a static check failed

echo
echo "deno: $d_pass passed, $d_fail failed, $d_skip skipped; bun: $b_pass passed, $b_fail failed, $b_skip skipped"
echo "$((d_pass + b_pass)) passed, $((d_fail + b_fail)) failed, $((d_skip + b_skip)) skipped"
exit "$status"
