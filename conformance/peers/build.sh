#!/usr/bin/env bash
# Builds the live peers of conformance/interop, idempotently. ZeroMQ (zmq_peers_test.ts):
#   zmqrs/    zmq.rs (crates.io `zeromq` 0.4.1)  -> zmqrs/target/release/zmqrs_peer   (cargo)
#   jeromq06/ JeroMQ 0.6.0 (Maven Central)       -> jeromq06/target/{lib,classes}   (mvn + javac;
#             JeromqPeer, the draft PEER/CHANNEL peer JeromqDraftPeer, and JeromqTarget, the
#             conformance target of conformance/results.ts)
#             and, if Debian's libjeromq-java (0.3.6, ZMTP 2.0) is installed, target/classes036
#   zeromqjs/ zeromq.js 6.8.0 (npm, Node only)   -> zeromqjs/node_modules           (npm)
#   pyzmq-venv/ pyzmq 27.3.0 (PyPI)               -> a venv                          (pip)
# SP (sp_mangos_test.ts, sp_pynng_test.ts; nngcat and nanocat come from Debian):
#   mangos/   mangos v3.4.2 (Go module proxy)    -> mangos/target/mangos_peer       (go build)
#   pynng_peer.py: pynng 0.9.0 (PyPI, NNG 1.11.0) -> installed into pyzmq-venv/      (pip)
# Outputs live in target/ and node_modules/ (ignored by git); a peer whose output is newer than
# its sources is not rebuilt. Needs: cargo, java + javac (17), mvn, node + npm, go, python3.
# Any failure stops the script with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")"
step() { printf '[peers/build.sh] %s\n' "$*"; }
need() { command -v "$1" >/dev/null || { echo "[peers/build.sh] ERROR: $1 not found" >&2; exit 1; }; }

# zmq.rs: cargo tracks freshness itself
need cargo
step "zmq.rs peer: cargo build --release (zmqrs/)"
start=$SECONDS
(cd zmqrs && cargo build --release --locked --quiet 2>&1 || cargo build --release --quiet)
test -x zmqrs/target/release/zmqrs_peer
step "zmq.rs peer ready ($((SECONDS - start)) s)"

# JeroMQ: Maven fetches the jars, javac compiles the one source file
need mvn; need javac
src=jeromq06/src/main/java/edgemq/JeromqPeer.java
start=$SECONDS
if [ ! -f jeromq06/target/lib/jeromq-0.6.0.jar ]; then
  step "JeroMQ peer: mvn dependency:copy-dependencies (jeromq06/target/lib)"
  (cd jeromq06 && mvn -q -B dependency:copy-dependencies -DoutputDirectory=target/lib \
    -DincludeScope=runtime)
fi
test -f jeromq06/target/lib/jeromq-0.6.0.jar
if [ ! -f jeromq06/target/classes/edgemq/JeromqPeer.class ] ||
  [ "$src" -nt jeromq06/target/classes/edgemq/JeromqPeer.class ]; then
  step "JeroMQ peer: javac against JeroMQ 0.6.0"
  javac -nowarn -Xlint:-deprecation -d jeromq06/target/classes -cp "jeromq06/target/lib/*" "$src" 2>&1 |
    grep -v '^Note:' || true
fi
test -f jeromq06/target/classes/edgemq/JeromqPeer.class
draft=jeromq06/src/main/java/edgemq/JeromqDraftPeer.java
if [ ! -f jeromq06/target/classes/edgemq/JeromqDraftPeer.class ] ||
  [ "$draft" -nt jeromq06/target/classes/edgemq/JeromqDraftPeer.class ]; then
  step "JeroMQ draft (PEER/CHANNEL) peer: javac against JeroMQ 0.6.0"
  javac -nowarn -Xlint:-deprecation -d jeromq06/target/classes -cp "jeromq06/target/lib/*" "$draft" 2>&1 |
    grep -v '^Note:' || true
fi
test -f jeromq06/target/classes/edgemq/JeromqDraftPeer.class
target=jeromq06/src/main/java/edgemq/JeromqTarget.java
if [ ! -f jeromq06/target/classes/edgemq/JeromqTarget.class ] ||
  [ "$target" -nt jeromq06/target/classes/edgemq/JeromqTarget.class ]; then
  step "JeroMQ conformance target: javac against JeroMQ 0.6.0"
  javac -nowarn -d jeromq06/target/classes -cp "jeromq06/target/lib/*" "$target" 2>&1 |
    grep -v '^Note:' || true
fi
test -f jeromq06/target/classes/edgemq/JeromqTarget.class
if [ -f /usr/share/java/jeromq.jar ]; then
  if [ ! -f jeromq06/target/classes036/edgemq/JeromqPeer.class ] ||
    [ "$src" -nt jeromq06/target/classes036/edgemq/JeromqPeer.class ]; then
    step "JeroMQ peer: javac against Debian's JeroMQ 0.3.6 (for the vector capture)"
    javac -nowarn -d jeromq06/target/classes036 -cp /usr/share/java/jeromq.jar "$src" 2>&1 |
      grep -v '^Note:' || true
  fi
  if [ ! -f jeromq06/target/classes036/edgemq/JeromqTarget.class ] ||
    [ "$target" -nt jeromq06/target/classes036/edgemq/JeromqTarget.class ]; then
    step "JeroMQ conformance target: javac against Debian's JeroMQ 0.3.6 (conformance/results.ts)"
    javac -nowarn -d jeromq06/target/classes036 -cp /usr/share/java/jeromq.jar "$target" 2>&1 |
      grep -v '^Note:' || true
  fi
else
  step "JeroMQ 0.3.6 (apt-get install libjeromq-java) not installed: only needed to re-capture vectors"
fi
step "JeroMQ peer ready ($((SECONDS - start)) s)"

# zeromq.js: its npm package carries prebuilt addons (libzmq 4.3.5); no install script is needed
need node; need npm
start=$SECONDS
if [ ! -f zeromqjs/node_modules/zeromq/package.json ] ||
  [ zeromqjs/package.json -nt zeromqjs/node_modules/zeromq/package.json ]; then
  step "zeromq.js peer: npm install --ignore-scripts (zeromqjs/)"
  (cd zeromqjs && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
(cd zeromqjs && node -e 'import("zeromq").then((z) => console.log("[peers/build.sh] zeromq.js loads, libzmq " + z.version))')
step "zeromq.js peer ready ($((SECONDS - start)) s)"

# pyzmq from PyPI: its wheel bundles libzmq 4.3.5, the second libzmq the pyzmq tests run against
# (Debian's python3-zmq is the first, with libzmq 4.3.4)
start=$SECONDS
venv=pyzmq-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import zmq' 2>/dev/null; then
  need python3
  step "pyzmq (PyPI) peer: python3 -m venv $venv && pip install pyzmq==27.3.0"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pyzmq==27.3.0
fi
"$venv/bin/python" -c 'import zmq; print("[peers/build.sh] PyPI pyzmq", zmq.__version__, "libzmq", zmq.zmq_version())'
step "pyzmq (PyPI) peer ready ($((SECONDS - start)) s)"

# pynng from PyPI, into the same venv: its wheel bundles NNG 1.11.0, a third SP stack for the
# interop suite (next to Debian's NNG 1.5.2 in nngcat); pynng_peer.py runs on it
start=$SECONDS
if ! "$venv/bin/python" -c 'import pynng, sys; sys.exit(pynng.__version__ != "0.9.0")' 2>/dev/null; then
  step "pynng (PyPI) peer: pip install pynng==0.9.0 into $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pynng==0.9.0
fi
"$venv/bin/python" -c 'import pynng; from pynng._nng import ffi, lib; print("[peers/build.sh] PyPI pynng", pynng.__version__, "NNG", ffi.string(lib.nng_version()).decode())'
step "pynng (PyPI) peer ready ($((SECONDS - start)) s)"

# mangos v3 from the Go module proxy: go.mod and go.sum pin v3.4.2 and its dependencies
need go
start=$SECONDS
bin=mangos/target/mangos_peer
if [ ! -x "$bin" ] || [ mangos/main.go -nt "$bin" ] || [ mangos/go.mod -nt "$bin" ] ||
  [ mangos/go.sum -nt "$bin" ]; then
  step "mangos peer: go build (mangos/, go.nanomsg.org/mangos/v3 v3.4.2)"
  (cd mangos && go build -mod=readonly -trimpath -o target/mangos_peer .)
fi
test -x "$bin"
step "mangos peer ready ($((SECONDS - start)) s)"
