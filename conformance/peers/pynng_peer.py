"""pynng_peer: one SP socket of pynng (PyPI pynng 0.9.0, which bundles NNG 1.11.0), driven from
the command line the way nngcat is, so that edgemq's interop suite runs the same cases against it
as against nngcat. mangos/main.go takes the same command line; both are described in
conformance/peers/README-sp-peers.md.

A run opens one socket (--req0, --rep0, ..., or a raw one: --xreq0, --xrep0, ...), listens
(--listen URL) or dials (--dial URL, in the background, retrying), then plays its protocol's part:
senders send --data (or --file) once, --count times or every --interval seconds; receivers print
every message they get, one line each; REQ exits after its replies; the rest runs until killed.

Raw sockets are opened with NNG's nng_*_open_raw (pynng's Socket takes an `opener`); pynng has
no API for the SP header, so this program reads and writes it with NNG's nng_msg_header calls
through pynng's cffi binding. Each message a raw socket receives is printed as
"H:<header hex> <body>"; --header HEX goes on every message it sends; --echo-header makes a raw
REP or RESPONDENT answer with the request's header. --contexts N runs N contexts of a cooked
REQ/REP/SURVEYOR/RESPONDENT at once (pynng's Socket.new_context, nng_ctx). --device-listen URL
or --device-dial URL makes a raw socket one end of a device (NNG's nng_device, through the cffi
binding): its raw counterpart (xreq0 for xrep0, ...) is connected there.

Run it with the venv's python: conformance/peers/pyzmq-venv/bin/python pynng_peer.py ...
"""

import argparse
import os
import signal
import sys
import threading
import time

import pynng
from pynng._nng import ffi, lib

COOKED = {
    "req0": pynng.Req0,
    "rep0": pynng.Rep0,
    "push0": pynng.Push0,
    "pull0": pynng.Pull0,
    "pub0": pynng.Pub0,
    "sub0": pynng.Sub0,
    "pair0": pynng.Pair0,
    "pair1": pynng.Pair1,
    "surveyor0": pynng.Surveyor0,
    "respondent0": pynng.Respondent0,
    "bus0": pynng.Bus0,
}
# the raw sockets: pynng's Socket opened with NNG's raw opener (pynng's own Pair1 class would
# override the opener, so none of the cooked classes is used)
RAW = {
    "xreq0": lib.nng_req0_open_raw,
    "xrep0": lib.nng_rep0_open_raw,
    "xpair1": lib.nng_pair1_open_raw,
    "xsurveyor0": lib.nng_surveyor0_open_raw,
    "xrespondent0": lib.nng_respondent0_open_raw,
    "xbus0": lib.nng_bus0_open_raw,
}


# the other end of a device, for each raw protocol
COUNTERPARTS = {
    "xrep0": "xreq0",
    "xreq0": "xrep0",
    "xrespondent0": "xsurveyor0",
    "xsurveyor0": "xrespondent0",
    "xpair1": "xpair1",
    "xbus0": "xbus0",
}


class RawSocket(pynng.Socket):
    """A raw socket: the opener picks the protocol."""

print_lock = threading.Lock()


def fail(text):
    sys.stderr.write("pynng_peer: %s\n" % text)
    sys.stderr.flush()
    sys.exit(2)


def parse():
    p = argparse.ArgumentParser(prog="pynng_peer", allow_abbrev=False)
    protocol = p.add_mutually_exclusive_group(required=True)
    for name in list(COOKED) + list(RAW):
        protocol.add_argument("--" + name, dest="proto", action="store_const", const=name)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--listen")
    where.add_argument("--dial")
    p.add_argument("--data", default="")
    p.add_argument("--file")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--quoted", dest="format", action="store_const", const="quoted")
    out.add_argument("--hex", dest="format", action="store_const", const="hex")
    out.add_argument("--raw", dest="format", action="store_const", const="raw")
    p.add_argument("--interval", type=float, default=0.0)
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--subscribe", action="append", default=[])
    p.add_argument("--header", default="")
    p.add_argument("--echo-header", action="store_true")
    p.add_argument("--echo", action="store_true")
    p.add_argument("--contexts", type=int, default=0)
    p.add_argument("--survey-time", type=float, default=0.0)
    device = p.add_mutually_exclusive_group()
    device.add_argument("--device-listen")
    device.add_argument("--device-dial")
    a = p.parse_args()
    a.format = a.format or "quoted"
    a.data = a.data.encode()
    if a.file:
        with open(a.file, "rb") as f:
            a.data = f.read()
    a.header = bytes.fromhex(a.header)
    if a.survey_time <= 0:
        # each survey ends before the next one starts
        a.survey_time = a.interval if 0 < a.interval < 1 else 1.0
    return a


def render(data, fmt):
    """Bytes as nngcat prints them: --quoted keeps printable ASCII, --hex escapes every byte."""
    out = ['"']
    for c in data:
        if fmt == "hex":
            out.append("\\x%02x" % c)
        elif c in (0x22, 0x5C):
            out.append("\\" + chr(c))
        elif c == 0x0A:
            out.append("\\n")
        elif c == 0x0D:
            out.append("\\r")
        elif c == 0x09:
            out.append("\\t")
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    out.append('"')
    return "".join(out)


def header_of(msg):
    n = lib.nng_msg_header_len(msg._nng_msg)
    if n == 0:
        return b""
    return bytes(ffi.buffer(ffi.cast("char *", lib.nng_msg_header(msg._nng_msg)), n))


def show(a, msg, raw):
    body = msg.bytes
    with print_lock:
        if a.format == "raw" and not raw:
            sys.stdout.buffer.write(body)
            sys.stdout.buffer.flush()
            return
        line = render(body, a.format)
        if raw:
            line = "H:%s %s" % (header_of(msg).hex(), line)
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def message(header, body):
    """A pynng Message with an SP header of our choosing (nng_msg_header_append)."""
    msg = pynng.Message(body)
    if header:
        rv = lib.nng_msg_header_append(msg._nng_msg, header, len(header))
        if rv != 0:
            fail("nng_msg_header_append: %d" % rv)
    return msg


def answer(a, request):
    """A REP's or RESPONDENT's reply: --data, then the request's body with --echo."""
    return a.data + (request.bytes if a.echo else b"")


def repeat_send(a, send):
    """Sends once, --count times, or every --interval (up to --count)."""
    i = 0
    while a.count == 0 or i < a.count:
        send()
        i += 1
        if a.interval > 0:
            time.sleep(a.interval)
        elif a.count == 0:
            return


def print_all(a, recv, raw):
    while True:
        try:
            msg = recv()
        except pynng.NNGException:
            return
        show(a, msg, raw)


def run_req(a, sock):
    if a.contexts == 0:

        def exchange():
            sock.send(a.data)
            show(a, sock.recv_msg(), False)

        repeat_send(a, exchange)
        return

    def one(i, ctx):
        ctx.send(a.data + (" %d" % i).encode())
        show(a, ctx.recv_msg(), False)

    contexts = [sock.new_context() for _ in range(a.contexts)]
    threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(contexts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def serve(a, recv, send):
    """A REP or RESPONDENT (or one of its contexts): print each request, answer it."""
    while True:
        try:
            msg = recv()
            show(a, msg, False)
            send(answer(a, msg))
        except pynng.NNGException:
            return


def run_surveyor(a, sock):
    def survey():
        sock.send(a.data)
        while True:
            try:
                msg = sock.recv_msg()
            except pynng.NNGException:
                return  # the survey's deadline passed (NNG_ETIMEDOUT)
            show(a, msg, False)

    repeat_send(a, survey)


def connect(sock, listen, dial):
    """Listens on `listen`, or dials `dial` in the background (retrying until it connects)."""
    if listen:
        sock.listen(listen)
    else:
        sock.dial(dial, block=False)


def main():
    a = parse()
    # killed: leave at once; a normal exit would run NNG's teardown under threads still blocked in
    # nng_recvmsg, which NNG 1.11 answers with a panic
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    raw = a.proto in RAW
    options = {"reconnect_time_min": 20, "reconnect_time_max": 200}
    if raw:
        sock = RawSocket(opener=RAW[a.proto], **options)
    elif a.proto == "surveyor0":
        sock = pynng.Surveyor0(survey_time=int(a.survey_time * 1000), **options)
    else:
        sock = COOKED[a.proto](**options)
    if a.proto == "sub0":
        for topic in a.subscribe:
            sock.subscribe(topic)
    connect(sock, a.listen, a.dial)
    if a.device_listen or a.device_dial:
        if not raw:
            fail("--device-*: only with a raw protocol")
        other = RawSocket(opener=RAW[COUNTERPARTS[a.proto]], **options)
        connect(other, a.device_listen, a.device_dial)
        # nng_device blocks until a socket closes: it runs on a thread until we are killed
        threading.Thread(target=lib.nng_device, args=(sock.socket, other.socket), daemon=True).start()
        while True:
            time.sleep(3600)

    if a.proto == "req0":
        run_req(a, sock)
        sock.close()
        return  # the one peer that exits by itself, with status 0
    if a.proto in ("rep0", "respondent0"):
        if a.contexts == 0:
            threading.Thread(target=serve, args=(a, sock.recv_msg, sock.send), daemon=True).start()
        for _ in range(a.contexts):
            ctx = sock.new_context()
            threading.Thread(target=serve, args=(a, ctx.recv_msg, ctx.send), daemon=True).start()
    elif a.proto == "surveyor0":
        threading.Thread(target=run_surveyor, args=(a, sock), daemon=True).start()
    elif a.proto in ("xrep0", "xrespondent0"):

        def reflect():
            while True:
                msg = sock.recv_msg()
                show(a, msg, True)
                if a.echo_header:
                    sock.send_msg(message(header_of(msg), answer(a, msg)))

        threading.Thread(target=reflect, daemon=True).start()
    elif a.echo and a.proto in ("pair0", "pair1", "bus0"):
        # --echo on a pair or bus: answer each message as a REP would (--data, then the body)
        threading.Thread(target=serve, args=(a, sock.recv_msg, sock.send), daemon=True).start()
    else:
        # symmetric and one-way protocols: send if there is something to send, print what comes
        if a.data or a.header:

            def sender():
                repeat_send(a, lambda: sock.send_msg(message(a.header, a.data)))

            threading.Thread(target=sender, daemon=True).start()
        if a.proto not in ("push0", "pub0"):
            threading.Thread(target=print_all, args=(a, sock.recv_msg, raw), daemon=True).start()
    while True:  # until killed (SIGTERM: status 0)
        time.sleep(3600)


if __name__ == "__main__":
    main()
