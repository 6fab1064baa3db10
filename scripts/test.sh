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
# npm 10 and 11 must both leave package-lock.json as committed (scripts/lock_portable.mjs says why)
step "package-lock.json portable" node scripts/lock_portable.mjs --check

TOTAL_PASS=0 TOTAL_FAIL=0 TOTAL_SKIP=0 SUMMARY=""
strip() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }

# count <label> <deno|bun> <log> <rc>: adds a run's closing counts to the totals
count() {
  local label=$1 kind=$2 log=$3 rc=$4 pass fail skip line
  if [ "$kind" = deno ]; then # "ok | 12 passed (3 steps) | 0 failed | 1 ignored"
    line=$(strip "$log" | grep -E '^(ok|FAILED) \|' | tail -1)
    pass=$(sed -nE 's/.*\| ([0-9]+) passed.*/\1/p' <<<"$line")
    fail=$(sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' <<<"$line")
    skip=$(sed -nE 's/.*\| ([0-9]+) ignored.*/\1/p' <<<"$line")
  else # " 12 pass" / " 0 fail" / " 1 skip"
    pass=$(strip "$log" | sed -nE 's/^ *([0-9]+) pass$/\1/p' | tail -1)
    fail=$(strip "$log" | sed -nE 's/^ *([0-9]+) fail$/\1/p' | tail -1)
    skip=$(strip "$log" | sed -nE 's/^ *([0-9]+) skip$/\1/p' | tail -1)
  fi
  pass=${pass:-0} fail=${fail:-0} skip=${skip:-0}
  if [ "$rc" -ne 0 ]; then
    status=1
    [ "$fail" -eq 0 ] && fail=1
  fi
  TOTAL_PASS=$((TOTAL_PASS + pass)) TOTAL_FAIL=$((TOTAL_FAIL + fail)) TOTAL_SKIP=$((TOTAL_SKIP + skip))
  SUMMARY="$SUMMARY$label: $pass passed, $fail failed, $skip skipped; "
}

run_deno() { # <label> <files...>
  local label=$1; shift
  echo "== deno test: $label (sanitizers on)"
  "$DENO" test -A --doc --sanitize-ops --sanitize-resources "$@" 2>&1 | tee "$LOG/run.txt"
  count "deno $label" deno "$LOG/run.txt" "${PIPESTATUS[0]}"
}

run_bun() { # <label> <files...>
  local label=$1; shift
  echo "== bun test: $label"
  # bun stops a test after 5 s by default; live peers (a JVM starting on a busy machine) need
  # longer, and every test bounds its own waits with within()
  "$BUN" test --timeout 60000 "$@" 2>&1 | tee "$LOG/run.txt"
  count "bun $label" bun "$LOG/run.txt" "${PIPESTATUS[0]}"
}

run_deno "all"
run_bun "all"

# The pyzmq tests run a second time against PyPI's pyzmq (libzmq 4.3.5), which
# conformance/peers/build.sh installs; in CI it must be there.
PYPI_PYTHON=conformance/peers/pyzmq-venv/bin/python
PYZMQ_TESTS=(conformance/interop/zmq_*pyzmq_test.ts)
if [ -x "$PYPI_PYTHON" ]; then
  export PYTHON=$PYPI_PYTHON
  run_deno "pyzmq from PyPI" "${PYZMQ_TESTS[@]}"
  run_bun "pyzmq from PyPI" "${PYZMQ_TESTS[@]}"
  unset PYTHON
elif [ "${CI:-}" = true ]; then
  echo "!! $PYPI_PYTHON is missing on CI (run conformance/peers/build.sh)"
  status=1 TOTAL_FAIL=$((TOTAL_FAIL + 1))
else
  echo "SKIPPED: the pyzmq tests against PyPI's libzmq 4.3.5 ($PYPI_PYTHON missing: bash conformance/peers/build.sh)"
  TOTAL_SKIP=$((TOTAL_SKIP + 1))
fi

[ "$status" -ne 0 ] && [ "$TOTAL_FAIL" -eq 0 ] && TOTAL_FAIL=1 # a static check failed

echo
echo "$SUMMARY"
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed, $TOTAL_SKIP skipped"
exit "$status"
