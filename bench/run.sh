#!/usr/bin/env bash
# bench/run.sh - edgemq's throughput and latency (SP sockets via bench/perf.ts,
# ZMTP sockets via bench/zmq_perf.ts) beside libzmq (C), NNG (C) and
# zeromq.js (Node), all measured in this one invocation.
#
# The peers' programs are in bench/peers/ (libzmq and NNG in C, zeromq.js on
# Node, each printing one THR/LAT line per run). It runs every peer, ours
# included, from one driver, so that all cells share the rounds and the
# machine state:
#   thr  PUSH -> PULL, N messages of S bytes; the receiver listens, the sender
#        dials, both start at once; the receiver times first..last message:
#        msgs/s = (N-1)/t, MB/s = msgs/s * S / 1e6 (payload only).
#   lat  REQ <-> REP, warm-up min(1000, R/10) round trips, then R timed round
#        trips at the REQ side: mean / p50 / p99 round-trip time in us.
#   tcp:// and ipc:// = two processes; inproc:// = one process (C: two
#   threads; JS: one event loop).  Each cell runs RUNS times, in rounds
#   (round 1 of every cell, then round 2, ...); tables show median [min-max].
# The peers' programs are used as they are: C sources compiled into a
# temporary directory (nothing is written under the peers' tree except
# node/node_modules by `npm install`), zeromq.js by its own script.
#
# Usage: bench/run.sh         (from anywhere; about 7 minutes on the 2-vCPU VM)
# Env knobs:
#   RUNS=3  SIZES="64 1024 65536"  KINDS="thr lat"  SCALE=1 (count multiplier)
#   PEERS="zmq nng nng-inproc zmqjs-node edgemq-deno edgemq-bun edgemq-zmtp-deno
#          edgemq-zmtp-bun edgemq-deno-await1 edgemq-bun-await1
#          edgemq-zmtp-deno-await1 edgemq-zmtp-bun-await1"
#          (edgemq-{deno,bun}: SP sockets; edgemq-zmtp-*: ZMTP sockets; the
#          -await1 variants: thr with a sender that awaits every send instead
#          of every 256th, over tcp and ipc for SP, tcp only for ZMTP)
#   TRANSPORTS="tcp ipc inproc" (subset of each peer's own)
#   TIMEOUT=20 (s per process)  SPIN=1|0 (a nice-19 busy loop keeps the vCPUs
#   from halting; see the floor lines)  SANITY=1 (cross-wire checks at the end:
#   NNG C <-> edgemq SP and libzmq C <-> edgemq ZMTP, both directions, PUSH/PULL
#   and REQ/REP; each prints "pass <THR|LAT line>" or "FAIL <why>")
#   PEERS_DIR=bench/peers (the peers' programs: c/ and node/)  NODE=node  DENO=... BUN=...
#   OUTDIR=bench/results
#   EDGEMQ_DIR=<dir>  the edgemq tree to measure (default: the one holding this
#         script), e.g. a clean `git archive` snapshot of a commit while the
#         working tree is being edited; it needs bench/{perf,zmq_perf,_perf_common}.ts
#   EDGEMQ_LABEL=<text>  how the report names that tree (default: its git commit)
#   EDGEMQ_BASE=<dir>  a second edgemq tree measured in the same rounds (e.g. a `git archive`
#         snapshot of the commit before a change), as the peers base-edgemq-deno,
#         base-edgemq-bun, base-edgemq-zmtp-deno and base-edgemq-zmtp-bun (added to the default
#         PEERS when set), so that a change is compared with its parent under one machine state
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
EDGEMQ_DIR=$(cd "${EDGEMQ_DIR:-$ROOT}" && pwd)

RUNS=${RUNS:-3}
SIZES=${SIZES:-"64 1024 65536"}
KINDS=${KINDS:-"thr lat"}
SCALE=${SCALE:-1}
EDGEMQ_BASE=${EDGEMQ_BASE:+$(cd "$EDGEMQ_BASE" && pwd)}
DEFAULT_PEERS="zmq nng nng-inproc zmqjs-node edgemq-deno edgemq-bun edgemq-zmtp-deno edgemq-zmtp-bun edgemq-deno-await1 edgemq-bun-await1 edgemq-zmtp-deno-await1 edgemq-zmtp-bun-await1"
[ -n "$EDGEMQ_BASE" ] &&
  DEFAULT_PEERS="$DEFAULT_PEERS base-edgemq-deno base-edgemq-bun base-edgemq-zmtp-deno base-edgemq-zmtp-bun"
PEERS=${PEERS:-$DEFAULT_PEERS}
TRANSPORTS=${TRANSPORTS:-"tcp ipc inproc"}
TIMEOUT=${TIMEOUT:-20}
SPIN=${SPIN:-1}
SANITY=${SANITY:-1}
PEERS_DIR=${PEERS_DIR:-$HERE/peers}
NODE=${NODE:-node}
DENO=${DENO:-$ROOT/node_modules/.bin/deno}
BUN=${BUN:-$ROOT/node_modules/.bin/bun}
OUTDIR=${OUTDIR:-$HERE/results}
STAMP=$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUTDIR"
RAW="$OUTDIR/bench-$STAMP.tsv"
REPORT="$OUTDIR/bench-$STAMP.txt"
WORK=$(mktemp -d -t edgemq-bench.XXXXXX)
BUILD=$WORK/bin
SPIN_PID=""
trap '[ -n "$SPIN_PID" ] && kill "$SPIN_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
T_START=$(date +%s)

log() { echo "$@" | tee -a "$REPORT"; }
die() { echo "error: $*" >&2; exit 1; }

# ---------------------------------------------------------------- build ---
[ -f "$PEERS_DIR/c/common.h" ] || die "peers not found in $PEERS_DIR (set PEERS_DIR)"
mkdir -p "$BUILD"
for prog in zmq_perf:-lzmq nng_perf:-lnng pipe_floor:; do
  name=${prog%%:*} lib=${prog#*:}
  gcc -O2 -Wall -Wextra -o "$BUILD/$name" "$PEERS_DIR/c/$name.c" $lib -lpthread ||
    die "building $name failed (needs gcc, libzmq3-dev, libnng-dev)"
done
if [ ! -d "$PEERS_DIR/node/node_modules/zeromq" ]; then
  (cd "$PEERS_DIR/node" && npm install --no-audit --no-fund >/dev/null 2>&1) ||
    echo "warning: npm install in $PEERS_DIR/node failed; zmqjs-node will fail" >&2
fi
# compile our CLIs once so that no measured process pays for it
for tree in "$EDGEMQ_DIR" ${EDGEMQ_BASE:+"$EDGEMQ_BASE"}; do
  for cli in perf.ts zmq_perf.ts; do
    "$DENO" cache "$tree/bench/$cli" >/dev/null 2>&1 || die "deno cannot load $tree/bench/$cli"
  done
done

# ---------------------------------------------------------------- peers ---
# peer_def <peer> -> P_DIR P_CMD P_ENV P_TRANSPORTS P_KINDS
peer_def() {
  P_ENV="" P_KINDS="thr lat"
  case "$1" in
    zmq)         P_DIR=$BUILD; P_CMD="./zmq_perf"; P_TRANSPORTS="tcp ipc inproc" ;;
    nng)         P_DIR=$BUILD; P_CMD="./nng_perf"; P_TRANSPORTS="tcp ipc" ;;
    nng-inproc)  P_DIR=$BUILD; P_CMD="./nng_perf"; P_TRANSPORTS="inproc" ;;
    zmqjs-node)  P_DIR=$PEERS_DIR/node; P_CMD="$NODE zmqjs_perf.mjs"; P_TRANSPORTS="tcp ipc inproc" ;;
    edgemq-deno) P_DIR=$EDGEMQ_DIR; P_CMD="$DENO run -A bench/perf.ts"; P_TRANSPORTS="tcp ipc inproc" ;;
    edgemq-bun)  P_DIR=$EDGEMQ_DIR; P_CMD="$BUN bench/perf.ts"; P_TRANSPORTS="tcp ipc inproc" ;;
    edgemq-zmtp-deno) P_DIR=$EDGEMQ_DIR; P_CMD="$DENO run -A bench/zmq_perf.ts"; P_TRANSPORTS="tcp ipc inproc" ;;
    edgemq-zmtp-bun)  P_DIR=$EDGEMQ_DIR; P_CMD="$BUN bench/zmq_perf.ts"; P_TRANSPORTS="tcp ipc inproc" ;;
    base-edgemq-*)
      [ -n "$EDGEMQ_BASE" ] || { echo "peer $1 needs EDGEMQ_BASE=<dir>" >&2; return 1; }
      peer_def "${1#base-}"
      P_DIR=$EDGEMQ_BASE ;;
    edgemq-zmtp-*-await1)
      peer_def "${1%-await1}"
      P_ENV="EDGEMQ_PERF_WINDOW=1" P_KINDS="thr" P_TRANSPORTS="tcp" ;;
    edgemq-*-await1)
      peer_def "${1%-await1}"
      P_ENV="EDGEMQ_PERF_WINDOW=1" P_KINDS="thr" P_TRANSPORTS="tcp ipc" ;;
    *) echo "unknown peer $1" >&2; return 1 ;;
  esac
  local keep="" t
  for t in $P_TRANSPORTS; do case " $TRANSPORTS " in *" $t "*) keep="$keep $t" ;; esac; done
  P_TRANSPORTS=$keep
}

# Counts for ~0.5-1.5 s of measured time per run; the peers' counts are those
# of run-anchors.sh.  count_for <peer> <kind> <transport> <size>
count_for() {
  local n
  case "${1#base-}/$2/$3/$4" in
    zmq/thr/inproc/64)    n=6000000 ;;
    zmq/thr/inproc/1024)  n=2000000 ;;
    zmq/thr/inproc/65536) n=60000 ;;
    zmq/thr/*/64)         n=2500000 ;;
    zmq/thr/*/1024)       n=600000 ;;
    zmq/thr/*/65536)      n=20000 ;;
    zmq/lat/inproc/*)     n=15000 ;;
    zmq/lat/*/65536)      n=5000 ;;
    zmq/lat/*)            n=8000 ;;
    nng*/thr/*)           n=20000 ;;
    nng*/lat/*)           n=5000 ;;
    zmqjs*/thr/*/64)      n=250000 ;;
    zmqjs*/thr/*/1024)    n=200000 ;;
    zmqjs*/thr/inproc/65536) n=40000 ;;
    zmqjs*/thr/*/65536)   n=15000 ;;
    zmqjs*/lat/inproc/*)  n=20000 ;;
    zmqjs*/lat/*)         n=4000 ;;
    edgemq*await1/thr/*/65536) n=15000 ;;
    edgemq*await1/thr/*)  n=250000 ;;
    edgemq*/thr/inproc/*) n=3000000 ;; # inproc hands the message object over: size does not matter
    edgemq-zmtp*/thr/*/64)   n=1000000 ;; # ZMTP over tcp/ipc is slower than SP (see README)
    edgemq-zmtp*/thr/*/1024) n=500000 ;;
    edgemq*/thr/*/64)     n=2000000 ;;
    edgemq*/thr/*/1024)   n=800000 ;;
    edgemq*/thr/*/65536)  n=15000 ;;
    edgemq*/lat/inproc/65536) n=30000 ;;
    edgemq*/lat/inproc/*) n=100000 ;;
    edgemq*/lat/*/65536)  n=4000 ;;
    edgemq*/lat/*)        n=8000 ;;
    *)                    n=10000 ;;
  esac
  awk -v n="$n" -v s="$SCALE" 'BEGIN { printf "%d", (n * s < 100 ? 100 : n * s) }'
}

# ----------------------------------------------------------- endpoints ---
PORT=$((20000 + RANDOM % 30000))
next_endpoint() { # <transport>
  PORT=$((PORT + 1))
  case "$1" in
    tcp)
      while [ -n "$(ss -Htln "sport = :$PORT" 2>/dev/null)" ]; do PORT=$((PORT + 1)); done
      echo "tcp://127.0.0.1:$PORT" ;;
    ipc) echo "ipc://$WORK/s$PORT.ipc" ;;
    inproc) echo "inproc://bench$PORT" ;;
  esac
}

# ----------------------------------------------------------- one run ---
# run_once <dir> <env> <cmd> <kind> <transport> <size> <count>
# prints the THR/LAT line of the measuring side, or FAIL <reason>
run_once() {
  local dir=$1 envs=$2 cmd=$3 kind=$4 tr=$5 size=$6 count=$7
  local ep; ep=$(next_endpoint "$tr")
  if [ "$tr" = inproc ]; then
    (cd "$dir" && exec env $envs timeout "$TIMEOUT" $cmd "$kind" "$ep" "$size" "$count") \
      >"$WORK/m.out" 2>"$WORK/m.err"
    local rc=$? line
    line=$(grep -E '^(THR|LAT) ' "$WORK/m.out" | tail -1)
    if [ -n "$line" ]; then echo "$line"
    else echo "FAIL rc=$rc $(head -c 120 "$WORK/m.err" | tr '\n' ' ')"; fi
    return
  fi
  local srv_mode=lat-rep cli_mode=lat-req
  [ "$kind" = thr ] && { srv_mode=thr-recv; cli_mode=thr-send; }
  (cd "$dir" && exec env $envs timeout "$TIMEOUT" $cmd "$srv_mode" "$ep" "$size" "$count") \
    >"$WORK/s.out" 2>"$WORK/s.err" &
  local spid=$!
  (cd "$dir" && exec env $envs timeout "$TIMEOUT" $cmd "$cli_mode" "$ep" "$size" "$count") \
    >"$WORK/c.out" 2>"$WORK/c.err" &
  local cpid=$!
  local mpid=$cpid opid=$spid mout=$WORK/c.out
  [ "$kind" = thr ] && { mpid=$spid; opid=$cpid; mout=$WORK/s.out; }
  wait "$mpid"; local rc=$?
  # the other end gets up to 1 s to finish on its own, then it is ended
  local i=0
  while kill -0 "$opid" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.05; i=$((i + 1)); done
  kill "$opid" 2>/dev/null; wait "$opid" 2>/dev/null
  local line; line=$(grep -E '^(THR|LAT) ' "$mout" | tail -1)
  if [ -n "$line" ]; then echo "$line"; return; fi
  local why
  why=$(cat "$WORK/s.err" "$WORK/c.err" 2>/dev/null | grep -m1 -iE 'panic|error|fail' | head -c 120)
  [ $rc -eq 124 ] && why="timeout(hang) $why"
  echo "FAIL rc=$rc $why"
}

# ------------------------------------------------------------- stats ---
stats() { # <values...> -> "median min max"
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- - -"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    print m, v[1], v[NR] }'
}
human() { # 3 significant digits with a k/M suffix
  awk -v x="$1" 'BEGIN {
    if (x == "-") { print "-"; exit }
    if (x >= 1e6) printf "%.3gM", x / 1e6; else if (x >= 1e4) printf "%.3gk", x / 1e3;
    else printf "%.0f", x }'
}
fmt1() { awk -v x="$1" 'BEGIN { if (x == "-") print "-"; else if (x >= 100) printf "%.0f", x; else printf "%.1f", x }'; }

THR_ROWS=()
LAT_ROWS=()
NOTES=()
declare -A VA VB VC FAILED MED

one_run() { # <cell> <round>
  local key=$1 round=$2 peer kind tr size
  read -r peer kind tr size <<<"$key"
  peer_def "$peer"
  local count; count=$(count_for "$peer" "$kind" "$tr" "$size")
  local line; line=$(run_once "$P_DIR" "$P_ENV" "$P_CMD" "$kind" "$tr" "$size" "$count")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$peer" "$kind" "$tr" "$size" "$count" "$round" "$line" >>"$RAW"
  set -- $line
  case "$1" in
    THR) VA[$key]+="$2 "; VB[$key]+="$3 " ;;
    LAT) VA[$key]+="$2 "; VB[$key]+="$3 "; VC[$key]+="$4 " ;;
    *) FAILED[$key]="$line" ;;
  esac
  echo "  r$round $peer $kind $tr $size: $line" >&2
}

cell_row() { # <cell>: appends the summary row to THR_ROWS or LAT_ROWS
  local peer kind tr size
  read -r peer kind tr size <<<"$1"
  local label; label=$(printf '%-*s %-6s %6s' "$PEER_W" "$peer" "$tr" "$size")
  local a=(${VA[$1]:-}) b=(${VB[$1]:-}) c=(${VC[$1]:-}) why=${FAILED[$1]:-} row
  if [ ${#a[@]} -eq 0 ]; then
    row=$(printf '%s  %s' "$label" "${why:0:90}")
  elif [ "$kind" = thr ]; then
    local s1 s2; s1=($(stats "${a[@]}")); s2=($(stats "${b[@]}"))
    MED[$1]=${s1[0]}
    row=$(printf '%s %8s %-15s %7s %-13s' "$label" \
      "$(human "${s1[0]}")" "[$(human "${s1[1]}")-$(human "${s1[2]}")]" \
      "$(fmt1 "${s2[0]}")" "[$(fmt1 "${s2[1]}")-$(fmt1 "${s2[2]}")]")
  else
    local s1 s2 s3; s1=($(stats "${a[@]}")); s2=($(stats "${b[@]}")); s3=($(stats "${c[@]}"))
    MED[$1]=${s1[0]}
    row=$(printf '%s %6s %-12s %6s %-12s %6s %-12s' "$label" \
      "$(fmt1 "${s1[0]}")" "[$(fmt1 "${s1[1]}")-$(fmt1 "${s1[2]}")]" \
      "$(fmt1 "${s2[0]}")" "[$(fmt1 "${s2[1]}")-$(fmt1 "${s2[2]}")]" \
      "$(fmt1 "${s3[0]}")" "[$(fmt1 "${s3[1]}")-$(fmt1 "${s3[2]}")]")
  fi
  if [ ${#a[@]} -gt 0 ] && [ -n "$why" ]; then row="$row (only ${#a[@]} runs; then ${why:0:50})"; fi
  if [ "$kind" = thr ]; then THR_ROWS+=("$row"); else LAT_ROWS+=("$row"); fi
}

# ------------------------------------------------------------ header ---
{
  echo "# edgemq bench $STAMP (method of peers/run-anchors.sh; all peers in this run)"
  echo "# host: $(nproc) cpu ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), kernel $(uname -r)"
  echo "# libzmq $(dpkg-query -W -f='${Version}' libzmq5 2>/dev/null), nng $(dpkg-query -W -f='${Version}' libnng1 2>/dev/null), zeromq.js $(sed -n 's/^ *"version": "\(.*\)",/\1/p' "$PEERS_DIR/node/node_modules/zeromq/package.json" 2>/dev/null) (bundled libzmq $(cd "$PEERS_DIR/node" && $NODE -e 'console.log(require("zeromq").version)' 2>/dev/null))"
  if [ -z "${EDGEMQ_LABEL:-}" ]; then
    EDGEMQ_LABEL="$EDGEMQ_DIR at $(git -C "$EDGEMQ_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')"
    git -C "$EDGEMQ_DIR" diff --quiet HEAD -- protocols transports mod.ts 2>/dev/null ||
      EDGEMQ_LABEL="$EDGEMQ_LABEL + uncommitted changes"
  fi
  echo "# node $($NODE --version 2>/dev/null), deno $("$DENO" --version 2>/dev/null | head -1 | cut -d' ' -f2), bun $("$BUN" --version 2>/dev/null); edgemq: $EDGEMQ_LABEL"
  [ -n "$EDGEMQ_BASE" ] &&
    echo "# base-edgemq-*: $EDGEMQ_BASE ($(cat "$EDGEMQ_BASE/.bench-label" 2>/dev/null || echo 'label unknown'))"
  echo "# loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg); RUNS=$RUNS SCALE=$SCALE SPIN=$SPIN"
} | tee "$REPORT"
printf 'peer\tkind\ttransport\tsize\tcount\trun\tresult\n' >"$RAW"

# machine floor: 1-byte pipe ping-pong between two processes, unpinned and
# both pinned to one CPU (the gap is the cost of cross-CPU wake-ups)
FL=(); FP=()
for ((r = 1; r <= RUNS; r++)); do
  FL+=("$("$BUILD/pipe_floor" 10000 | awk '{print $2}')")
  FP+=("$(taskset -c 0 "$BUILD/pipe_floor" 10000 2>/dev/null | awk '{print $2}')")
done
fl=($(stats "${FL[@]}")); fp=($(stats "${FP[@]}"))
log "# floor: pipe ping-pong RTT between 2 processes: $(fmt1 "${fl[0]}") us [$(fmt1 "${fl[1]}")-$(fmt1 "${fl[2]}")] unpinned, $(fmt1 "${fp[0]}") us [$(fmt1 "${fp[1]}")-$(fmt1 "${fp[2]}")] both on cpu0"
if [ "$SPIN" = 1 ]; then
  nice -n 19 sh -c 'while :; do :; done' &
  SPIN_PID=$!
  sleep 0.2
  FS=()
  for ((r = 1; r <= RUNS; r++)); do FS+=("$("$BUILD/pipe_floor" 10000 | awk '{print $2}')"); done
  fs=($(stats "${FS[@]}"))
  log "# floor with SPIN=1: $(fmt1 "${fs[0]}") us [$(fmt1 "${fs[1]}")-$(fmt1 "${fs[2]}")] unpinned"
fi

# ------------------------------------------------------------- cells ---
CELLS=()
PEER_W=11
for peer in $PEERS; do [ ${#peer} -gt $PEER_W ] && PEER_W=${#peer}; done
for peer in $PEERS; do
  peer_def "$peer" || continue
  for kind in $KINDS; do
    case " $P_KINDS " in *" $kind "*) ;; *) continue ;; esac
    for tr in $P_TRANSPORTS; do
      for size in $SIZES; do CELLS+=("$peer $kind $tr $size"); done
    done
  done
done
for ((round = 1; round <= RUNS; round++)); do
  for cell in "${CELLS[@]}"; do
    [ -n "${FAILED[$cell]:-}" ] && continue # a failed cell is not retried
    one_run "$cell" "$round"
  done
done
for kind in $KINDS; do
  for peer in $PEERS; do
    peer_def "$peer" 2>/dev/null || continue
    case " $P_KINDS " in *" $kind "*) ;; *) continue ;; esac
    for tr in $P_TRANSPORTS; do
      for size in $SIZES; do cell_row "$peer $kind $tr $size"; done
    done
  done
done

# ------------------------------------------------- ratios to the peers ---
# median of edgemq / median of the peer: msgs/s (above 1 = edgemq faster) and
# mean RTT (below 1 = edgemq faster)
ratio() { # <ours cell> <their cell>
  local a=${MED[$1]:-} b=${MED[$2]:-}
  if [ -z "$a" ] || [ -z "$b" ]; then echo "-"; return; fi
  awk -v a="$a" -v b="$b" 'BEGIN { r = a / b; if (r >= 10) printf "%.0f", r; else if (r >= 1) printf "%.2g", r; else printf "%.2f", r }'
}
RATIO_ROWS=()
for kind in $KINDS; do
  for ours in $PEERS; do
    case $ours in edgemq-*) ;; *) continue ;; esac
    peer_def "$ours"
    case " $P_KINDS " in *" $kind "*) ;; *) continue ;; esac
    for tr in $P_TRANSPORTS; do
      for size in $SIZES; do
        nng=nng; [ "$tr" = inproc ] && nng=nng-inproc
        # the ZMTP rows also compare with edgemq's SP sockets on the same runtime
        sp=-; case $ours in edgemq-zmtp-*) sp=edgemq-${ours#edgemq-zmtp-} ;; esac
        RATIO_ROWS+=("$(printf '%-4s %-*s %-6s %6s %11s %8s %8s %10s' "$kind" "$PEER_W" "$ours" "$tr" "$size" \
          "$(ratio "$ours $kind $tr $size" "zmqjs-node $kind $tr $size")" \
          "$(ratio "$ours $kind $tr $size" "$nng $kind $tr $size")" \
          "$(ratio "$ours $kind $tr $size" "zmq $kind $tr $size")" \
          "$(ratio "$ours $kind $tr $size" "$sp $kind $tr $size")")")
      done
    done
  done
done

# ------------------------------------------------- cross-peer sanity ---
# Each check puts an edgemq CLI against a C peer over the wire and prints
# "pass <the measuring side's THR/LAT line>" or "FAIL <why>".
# xwire_thr <transport> <count> <recv dir> <recv cmd> <send dir> <send cmd>
xwire_thr() {
  local ep; ep=$(next_endpoint "$1")
  (cd "$3" && exec timeout 20 $4 thr-recv "$ep" 64 "$2") >"$WORK/x.out" 2>&1 &
  local xp=$!
  (cd "$5" && exec timeout 20 $6 thr-send "$ep" 64 "$2") >"$WORK/x2.out" 2>&1
  local src=$?
  wait $xp
  local rrc=$? line; line=$(grep '^THR' "$WORK/x.out")
  if [ -n "$line" ] && [ $src -eq 0 ]; then echo "pass $line"
  else echo "FAIL recv rc=$rrc send rc=$src $(cat "$WORK/x.out" "$WORK/x2.out" | head -c 100 | tr '\n' ' ')"; fi
}
# xwire_lat <transport> <count> <rep dir> <rep cmd> <req dir> <req cmd>
xwire_lat() {
  local ep; ep=$(next_endpoint "$1")
  (cd "$3" && exec timeout 20 $4 lat-rep "$ep" 64 "$2") >"$WORK/x2.out" 2>&1 &
  local xp=$!
  (cd "$5" && exec timeout 20 $6 lat-req "$ep" 64 "$2") >"$WORK/x.out" 2>&1
  local rrc=$? line; line=$(grep '^LAT' "$WORK/x.out")
  kill $xp 2>/dev/null; wait $xp 2>/dev/null
  if [ -n "$line" ]; then echo "pass $line"
  else echo "FAIL req rc=$rrc $(cat "$WORK/x.out" "$WORK/x2.out" | head -c 100 | tr '\n' ' ')"; fi
}
if [ "$SANITY" = 1 ]; then
  SP_DENO="$DENO run -A bench/perf.ts" SP_BUN="$BUN bench/perf.ts"
  ZM_DENO="$DENO run -A bench/zmq_perf.ts" ZM_BUN="$BUN bench/zmq_perf.ts"
  NOTES+=("sanity NNG C PUSH -> edgemq-deno PULL, tcp 64B x20000:        $(xwire_thr tcp 20000 "$EDGEMQ_DIR" "$SP_DENO" "$BUILD" ./nng_perf)")
  NOTES+=("sanity edgemq-bun PUSH -> NNG C PULL, ipc 64B x20000:         $(xwire_thr ipc 20000 "$BUILD" ./nng_perf "$EDGEMQ_DIR" "$SP_BUN")")
  NOTES+=("sanity NNG C REQ -> edgemq-bun REP, tcp 64B x2000:            $(xwire_lat tcp 2000 "$EDGEMQ_DIR" "$SP_BUN" "$BUILD" ./nng_perf)")
  NOTES+=("sanity edgemq-deno REQ -> NNG C REP, tcp 64B x2000:           $(xwire_lat tcp 2000 "$BUILD" ./nng_perf "$EDGEMQ_DIR" "$SP_DENO")")
  NOTES+=("sanity libzmq C PUSH -> edgemq-zmtp-deno PULL, tcp 64B x200000: $(xwire_thr tcp 200000 "$EDGEMQ_DIR" "$ZM_DENO" "$BUILD" ./zmq_perf)")
  NOTES+=("sanity edgemq-zmtp-bun PUSH -> libzmq C PULL, ipc 64B x200000:  $(xwire_thr ipc 200000 "$BUILD" ./zmq_perf "$EDGEMQ_DIR" "$ZM_BUN")")
  NOTES+=("sanity libzmq C REQ -> edgemq-zmtp-bun REP, tcp 64B x2000:      $(xwire_lat tcp 2000 "$EDGEMQ_DIR" "$ZM_BUN" "$BUILD" ./zmq_perf)")
  NOTES+=("sanity edgemq-zmtp-deno REQ -> libzmq C REP, tcp 64B x2000:     $(xwire_lat tcp 2000 "$BUILD" ./zmq_perf "$EDGEMQ_DIR" "$ZM_DENO")")
fi

# ------------------------------------------------------------ report ---
{
  echo
  echo "== Throughput PUSH->PULL: msgs/s and MB/s (1e6 B), median of $RUNS [min-max]"
  printf '%-*s %-6s %6s %8s %-15s %7s %s\n' "$PEER_W" peer trans size msgs/s "[min-max]" MB/s "[min-max]"
  for row in "${THR_ROWS[@]}"; do echo "$row"; done
  echo
  echo "== Latency REQ<->REP round trip in us (one-way ~ RTT/2), median of $RUNS [min-max]"
  printf '%-*s %-6s %6s %6s %-12s %6s %-12s %6s %s\n' "$PEER_W" peer trans size mean "[min-max]" p50 "[min-max]" p99 "[min-max]"
  for row in "${LAT_ROWS[@]}"; do echo "$row"; done
  echo
  echo "== edgemq / peer, medians of this run (thr: msgs/s, >1 = edgemq faster; lat: mean RTT, <1 = edgemq faster)"
  printf '%-4s %-*s %-6s %6s %11s %8s %8s %10s\n' kind "$PEER_W" ours trans size /zmqjs-node /nng /libzmq /edgemq-sp
  for row in "${RATIO_ROWS[@]}"; do echo "$row"; done
  echo
  for n in "${NOTES[@]}"; do echo "# $n"; done
  echo "# loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg); total $(($(date +%s) - T_START)) s"
  echo "# raw runs: $RAW"
} | tee -a "$REPORT"
