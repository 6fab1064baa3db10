#!/usr/bin/env python3
"""Captures ZMTP interop vectors: the raw bytes two real peers of one ZeroMQ implementation send
each other, recorded by a TCP relay between them.

usage: capture.py [impl ...]      (default: every implementation whose peer is available)

For each implementation and scenario, the "server" peer binds 127.0.0.1:<port>, this script
listens on another port and relays every connection to the server, and the "client" peer connects
to the relay. Each direction's bytes are appended to one buffer, so the stored vector does not
depend on how the bytes happened to be split into TCP segments (the read sizes are kept for
information only). An end of stream from one side is passed on as a half-close, so replies still
in flight are recorded. The result goes to <impl>-<scenario>.json beside this script, together
with what the peers were told to do (socket types, routing ids, messages, subscriptions); the
script decodes the bytes itself (a small independent ZMTP 2.0/3.x parser) and refuses to write a
vector whose content does not match the scenario.

Peers (see README.md): conformance/vectors/libzmq_peer.py under two pythons (Debian python3-zmq
= libzmq 4.3.4; a venv with pyzmq from PyPI = libzmq 4.3.5, $PYZMQ_VENV_PYTHON), the JeroMQ peer
(conformance/peers/jeromq06, compiled against 0.6.0 and against Debian's 0.3.6 jar) and the zmq.rs
peer (conformance/peers/zmqrs); build them first with conformance/peers/build.sh.
"""
import datetime
import json
import os
import selectors
import socket
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "..", "peers")
JEROMQ = os.path.join(PEERS, "jeromq06", "target")
VENV_PY = os.environ.get("PYZMQ_VENV_PYTHON", "/tmp/edgemq-pyzmq-venv/bin/python")


def pyzmq_versions(python):
    out = subprocess.run([python, "-c", "import zmq;print(zmq.zmq_version(), zmq.__version__)"],
                         capture_output=True, text=True, check=True).stdout.split()
    return out[0], f"pyzmq {out[1]}"


IMPLS = {
    "libzmq-4.3.4": {
        "implementation": "libzmq", "command": ["/usr/bin/python3", os.path.join(HERE, "libzmq_peer.py")],
        "identity": "py", "python": "/usr/bin/python3",
    },
    "libzmq-4.3.5": {
        "implementation": "libzmq", "command": [VENV_PY, os.path.join(HERE, "libzmq_peer.py")],
        "identity": "py", "python": VENV_PY,
    },
    "jeromq-0.6.0": {
        "implementation": "JeroMQ", "version": "0.6.0", "binding": "Maven org.zeromq:jeromq:0.6.0",
        "command": ["java", "-cp", f"{JEROMQ}/classes:{JEROMQ}/lib/*", "edgemq.JeromqPeer"],
        "identity": "jz",
    },
    "jeromq-0.3.6": {
        "implementation": "JeroMQ", "version": "0.3.6", "binding": "Debian libjeromq-java 0.3.6",
        "command": ["java", "-cp", f"{JEROMQ}/classes036:/usr/share/java/jeromq.jar",
                    "edgemq.JeromqPeer"],
        "identity": "jz",
    },
    "zmqrs-0.4.1": {
        "implementation": "zmq.rs", "version": "0.4.1", "binding": "crates.io zeromq 0.4.1",
        "command": [os.path.join(PEERS, "zmqrs", "target", "release", "zmqrs_peer")],
        "identity": "rs",
    },
}


def msg(*frames):
    return [f.encode().hex() for f in frames]


SCENARIOS = {
    "dealer-router": {
        "about": "DEALER (routing id set) connects, sends [msg,0]; ROUTER binds, echoes it back",
        "server": ("ROUTER", "echo", 1), "client": ("DEALER", "ask", 1),
        "c2s": {"messages": [msg("msg", "0")]}, "s2c": {"messages": [msg("msg", "0")]},
    },
    "push-pull": {
        "about": "PUSH connects and sends [msg,0] and [msg,1]; PULL binds and receives them",
        "server": ("PULL", "recv", 2), "client": ("PUSH", "send", 2),
        "c2s": {"messages": [msg("msg", "0"), msg("msg", "1")]}, "s2c": {"messages": []},
    },
    "req-rep": {
        "about": "REQ connects and sends [msg,0]; REP binds and replies [ok] (empty delimiter on the wire)",
        "server": ("REP", "recv", 1), "client": ("REQ", "send", 1),
        "c2s": {"messages": [msg("", "msg", "0")]}, "s2c": {"messages": [msg("", "ok")]},
    },
    "pub-sub": {
        "about": "SUB connects and subscribes to 'msg'; PUB binds, waits 500 ms, publishes [msg,0..2]",
        "server": ("PUB", "send", 3), "client": ("SUB", "recv", 3),
        "c2s": {"messages": [], "subscriptions": ["msg".encode().hex()]},
        "s2c": {"messages": [msg("msg", str(i)) for i in range(3)]},
    },
}

MIXED_SCENARIOS = ["dealer-router", "push-pull"]

# ---- an independent ZMTP parser, to check a capture before it is stored ----

def parse_stream(data, downgraded=False):
    """Returns (greeting dict, list of ("command", name, data) / ("message", [frames])).
    `downgraded`: a ZMTP 3 sender that met a ZMTP 2.0 peer (major byte 3, then 2.0 from byte 11)."""
    if len(data) < 12 or data[0] != 0xFF or not data[9] & 1:
        raise ValueError("no ZMTP 2.0+ signature")
    major = data[10]
    items = []
    if downgraded:
        greeting = {"version": 2, "major": major, "socketType": data[11]}
        pos, v2 = 12, True
    elif major >= 3:
        mech = data[12:32].rstrip(b"\0").decode()
        greeting = {"version": 3, "major": major, "minor": data[11], "mechanism": mech,
                    "asServer": data[32] != 0}
        pos, v2 = 64, False
    else:
        greeting = {"version": 2, "major": major, "socketType": data[11]}
        pos, v2 = 12, True
    frames = []
    while pos < len(data):
        flags = data[pos]
        if flags & 0x02:
            size = int.from_bytes(data[pos + 1:pos + 9], "big")
            pos += 9
        else:
            size = data[pos + 1]
            pos += 2
        body = data[pos:pos + size]
        if len(body) != size:
            raise ValueError("truncated frame")
        pos += size
        if not v2 and flags & 0x04:
            name = body[1:1 + body[0]].decode("latin1")
            items.append(("command", name, body[1 + body[0]:]))
            continue
        frames.append(body)
        if not flags & 0x01:
            items.append(("message", frames))
            frames = []
    return greeting, items


def parse_properties(data):
    props, pos = {}, 0
    while pos < len(data):
        n = data[pos]
        name = data[pos + 1:pos + 1 + n].decode("latin1")
        pos += 1 + n
        size = int.from_bytes(data[pos:pos + 4], "big")
        props[name] = data[pos + 4:pos + 4 + size].hex()
        pos += 4 + size
    return props


def describe(data, expect, socket_type, identity, downgraded=False):
    """Checks one direction against the scenario; returns what was seen (for the JSON)."""
    greeting, items = parse_stream(data, downgraded)
    seen = {"greeting": greeting}
    if downgraded:
        seen["downgradedTo2"] = True
    messages, subs, commands = [], [], []
    if greeting["version"] == 2:
        # ZMTP 2.0: the first message is the sender's identity (one frame)
        if items:
            kind, frames = items[0]
            seen["v2Identity"] = frames[0].hex()
            items = items[1:]
        else:
            seen["v2IdentityMissing"] = True  # JeroMQ 0.3.6 PULL facing a downgraded libzmq
    for item in items:
        if item[0] == "command":
            name, body = item[1], item[2]
            if name == "READY":
                seen["ready"] = parse_properties(body)
            elif name == "SUBSCRIBE":
                subs.append(body.hex())
            else:
                commands.append(name)
        else:
            frames = item[1]
            if socket_type == "SUB" and len(frames) == 1 and frames[0][:1] in (b"\x01", b"\x00"):
                if frames[0][0] == 1:
                    subs.append(frames[0][1:].hex())
                continue
            messages.append([f.hex() for f in frames])
    if commands:
        seen["otherCommands"] = commands
    if messages != expect["messages"]:
        raise ValueError(f"messages {messages} != expected {expect['messages']}")
    if subs != expect.get("subscriptions", []):
        raise ValueError(f"subscriptions {subs} != expected {expect.get('subscriptions')}")
    if greeting["version"] == 3:
        ready = seen.get("ready")
        if ready is None or bytes.fromhex(ready.get("Socket-Type", "")).decode() != socket_type:
            raise ValueError(f"READY {ready} does not name {socket_type}")
        if identity is not None and bytes.fromhex(ready.get("Identity", "")).decode() != identity:
            raise ValueError(f"READY {ready} lacks Identity {identity}")
    return seen

# ---- the relay ----

class Relay:
    """Accepts one client on `port`, connects it to `target`, records both directions."""

    def __init__(self, target_port):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.target = target_port
        self.c2s, self.s2c = bytearray(), bytearray()
        self.reads = {"c2s": [], "s2c": []}
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        self.listener.settimeout(20)
        client, _ = self.listener.accept()
        server = socket.create_connection(("127.0.0.1", self.target))
        sel = selectors.DefaultSelector()
        sel.register(client, selectors.EVENT_READ, (server, self.c2s, "c2s"))
        sel.register(server, selectors.EVENT_READ, (client, self.s2c, "s2c"))
        open_ends = 2
        while open_ends:
            for key, _ in sel.select(timeout=20):
                dst, buf, name = key.data
                chunk = key.fileobj.recv(65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    open_ends -= 1
                    try:
                        dst.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                buf += chunk
                self.reads[name].append(len(chunk))
                try:
                    dst.sendall(chunk)
                except OSError:
                    pass  # the other side is gone; keep recording what this side sends
        client.close()
        server.close()
        self.listener.close()


def free_port():
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


def start(cmd, args):
    return subprocess.Popen(cmd + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_line(proc, prefix):
    while True:
        line = proc.stdout.readline()
        if line == "":
            raise RuntimeError(f"peer ended before {prefix}: {proc.stderr.read()}")
        if line.startswith(prefix):
            return line.strip()


# Mixed pairs (server impl, client impl): a ZMTP 3 libzmq meeting a ZMTP 2.0 JeroMQ 0.3.6.
MIXED = {
    "libzmq-4.3.4+jeromq-0.3.6": ("libzmq-4.3.4", "jeromq-0.3.6"),
    "jeromq-0.3.6+libzmq-4.3.4": ("jeromq-0.3.6", "libzmq-4.3.4"),
}


def capture(impl_name, scenario_name):
    sc = SCENARIOS[scenario_name]
    server_impl, client_impl = MIXED.get(impl_name, (impl_name, impl_name))
    impl, cimpl = IMPLS[server_impl], IMPLS[client_impl]
    port = free_port()
    stype, saction, scount = sc["server"]
    ctype, caction, ccount = sc["client"]
    server = start(impl["command"], [stype, "bind", f"tcp://127.0.0.1:{port}", saction, str(scount)])
    try:
        wait_line(server, "READY")
        relay = Relay(port)
        client = start(cimpl["command"], [ctype, "connect", f"tcp://127.0.0.1:{relay.port}",
                                         caction, str(ccount)])
        cout, cerr = client.communicate(timeout=30)
        sout, serr = server.communicate(timeout=30)
        if client.returncode != 0 or server.returncode != 0:
            raise RuntimeError(f"peers failed: client {client.returncode} {cout} {cerr}; "
                               f"server {server.returncode} {sout} {serr}")
        relay.thread.join(timeout=20)
        if relay.thread.is_alive():
            raise RuntimeError("relay did not finish")
    finally:
        if server.poll() is None:
            server.kill()
    identity = cimpl["identity"] if ctype == "DEALER" else None
    c2s, s2c = bytes(relay.c2s), bytes(relay.s2c)

    def meta_of(i):
        m = {k: v for k, v in i.items() if k in ("implementation", "version", "binding")}
        if "python" in i:
            m["version"], m["binding"] = pyzmq_versions(i["python"])
        return m
    meta = meta_of(impl)
    if impl_name in MIXED:
        meta = {"implementation": "mixed", "version": impl_name, "serverImpl": meta_of(impl),
                "clientImpl": meta_of(cimpl)}
    # a ZMTP 3 side facing a 2.0 peer falls back to 2.0 after its major byte
    c_down = c2s[10] >= 3 and s2c[10] < 3
    s_down = s2c[10] >= 3 and c2s[10] < 3
    vector = {
        "id": f"{impl_name}-{scenario_name}",
        **meta,
        "scenario": scenario_name,
        "about": sc["about"],
        "captured": datetime.date.today().isoformat(),
        "transport": "tcp",
        "client": {"socketType": ctype, "role": "connect", "action": caction, "count": ccount,
                   **({"identity": identity} if identity else {})},
        "server": {"socketType": stype, "role": "bind", "action": saction, "count": scount},
        "expect": {"clientToServer": sc["c2s"], "serverToClient": sc["s2c"]},
        "observed": {
            "clientToServer": describe(c2s, sc["c2s"], ctype, identity, c_down),
            "serverToClient": describe(s2c, sc["s2c"], stype, None, s_down),
        },
        "reads": relay.reads,
        "clientToServer": c2s.hex(),
        "serverToClient": s2c.hex(),
    }
    path = os.path.join(HERE, f"{vector['id']}.json")
    with open(path, "w") as f:
        json.dump(vector, f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.relpath(path)} ({len(c2s)} + {len(s2c)} bytes)")


def main(names):
    failed = 0
    for impl_name in names or [*IMPLS, *MIXED]:
        for scenario_name in (SCENARIOS if impl_name not in MIXED else MIXED_SCENARIOS):
            try:
                capture(impl_name, scenario_name)
            except Exception as e:  # report and go on with the others
                failed += 1
                print(f"FAILED {impl_name} {scenario_name}: {e}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
