#!/usr/bin/env bash
# Runs the whole suite: static checks, then every test on Deno (with the op
# and resource sanitizers), on Bun and on Node (through tsx), then prints one
# closing line with the totals. Exits non-zero if anything failed.
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
# with the type test: its @ts-expect-error lines are the refused send/recv calls (rfc/core.md CORE-DIR)
step "deno check" "$DENO" check mod.ts protocols/directions_test.ts
step "deno doc --lint" "$DENO" doc --lint mod.ts
# mod.ts must import by URL without our deno.json or node_modules (no bare or npm: specifiers)
step "import mod.ts without config" "$DENO" check --no-config --node-modules-dir=none mod.ts
# npm 10 and 11 must both leave package-lock.json as committed (scripts/lock_portable.mjs says why)
step "package-lock.json portable" node scripts/lock_portable.mjs --check

TOTAL_PASS=0 TOTAL_FAIL=0 TOTAL_SKIP=0 SUMMARY=""
strip() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }

# count <label> <deno|bun|node> <log> <rc>: adds a run's closing counts to the totals
count() {
  local label=$1 kind=$2 log=$3 rc=$4 pass fail skip line cancelled
  if [ "$kind" = deno ]; then # "ok | 12 passed (3 steps) | 0 failed | 1 ignored"
    line=$(strip "$log" | grep -E '^(ok|FAILED) \|' | tail -1)
    pass=$(sed -nE 's/.*\| ([0-9]+) passed.*/\1/p' <<<"$line")
    fail=$(sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' <<<"$line")
    skip=$(sed -nE 's/.*\| ([0-9]+) ignored.*/\1/p' <<<"$line")
  elif [ "$kind" = node ]; then # "ℹ pass 12" / "ℹ fail 0" / "ℹ cancelled 0", "﹣ name # SKIP"
    pass=$(strip "$log" | sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' | tail -1)
    fail=$(strip "$log" | sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' | tail -1)
    cancelled=$(strip "$log" | sed -nE 's/^ℹ cancelled ([0-9]+)$/\1/p' | tail -1)
    fail=$((${fail:-0} + ${cancelled:-0}))
    # Node 20's "ℹ skipped" leaves out skipped describe() groups; each skip is listed once
    skip=$(strip "$log" | grep -cE '^ *﹣ .* # SKIP')
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

# Node 20 cannot run .ts files: tsx (from npm) compiles them as they load, in the test files'
# processes and in the ones they spawn (the examples), hence NODE_OPTIONS. testing/node20.ts
# gives the tests Promise.withResolvers (Node 22). Files run one at a time, as on Deno and Bun.
run_node() { # <label> <files...>
  local label=$1; shift
  echo "== node test: $label ($(node --version))"
  NODE_OPTIONS="--import tsx --import ./testing/node20.ts${NODE_OPTIONS:+ $NODE_OPTIONS}" \
    node --test --test-concurrency=1 --test-reporter=spec "$@" 2>&1 | tee "$LOG/run.txt"
  count "node $label" node "$LOG/run.txt" "${PIPESTATUS[0]}"
}
# node --test takes files, not a directory, on Node 20: the files deno test and bun test find
mapfile -t TEST_FILES < <(find . \( -name node_modules -o -name target -o -name pyzmq-venv \
  -o -path ./.ci -o -path ./npm \) -prune -o -name '*_test.ts' -print | sort)

run_deno "all"
run_bun "all"
run_node "all" "${TEST_FILES[@]}"

# The pyzmq tests run a second time against PyPI's pyzmq (libzmq 4.3.5), which
# conformance/peers/build.sh installs; in CI it must be there.
PYPI_PYTHON=conformance/peers/pyzmq-venv/bin/python
PYZMQ_TESTS=(conformance/interop/zmq_*pyzmq_test.ts)
if [ -x "$PYPI_PYTHON" ]; then
  export PYTHON=$PYPI_PYTHON
  run_deno "pyzmq from PyPI" "${PYZMQ_TESTS[@]}"
  run_bun "pyzmq from PyPI" "${PYZMQ_TESTS[@]}"
  run_node "pyzmq from PyPI" "${PYZMQ_TESTS[@]}"
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
