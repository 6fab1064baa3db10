#!/usr/bin/env python3
"""A libzmq target for the conformance runner (conformance/runner/README.md, "the contract").

usage: pyzmq_target.py <TYPE> <bind|connect> <url>

Serves one pyzmq socket of TYPE (REP, REQ, DEALER, ROUTER, PUB, SUB, PUSH, PULL, PAIR, XPUB,
XSUB) on url: echoers (REP, DEALER, ROUTER, PAIR) send back what they get, PUB/XPUB publish
"alpha <n>" and "beta <n>" in turn every 50 ms, PUSH sends "push <n>" every 50 ms, REQ (relaxed)
sends "request <n>" and a new one after each reply or 200 ms, SUB subscribes to "alpha", XSUB
sends the subscription for "alpha", PULL takes what comes. Prints "ready <url>" once bound or
connected (the real port when binding port 0) and serves until its standard input closes or it
is killed. Runs on any pyzmq: Debian's python3 (libzmq 4.3.4) or the PyPI venv (libzmq 4.3.5).
"""
import sys
import threading
import time

import zmq

PERIOD = 0.05


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 64
    kind, mode, url = sys.argv[1].upper(), sys.argv[2], sys.argv[3]
    ctx = zmq.Context()
    sock = ctx.socket(getattr(zmq, kind))
    sock.setsockopt(zmq.LINGER, 0)
    if kind == "REQ":
        sock.setsockopt(zmq.REQ_RELAXED, 1)
    if kind == "SUB":
        sock.setsockopt(zmq.SUBSCRIBE, b"alpha")
    if mode == "bind":
        sock.bind(url)
        url = sock.getsockopt(zmq.LAST_ENDPOINT).decode()
    else:
        sock.connect(url)
    if kind == "XSUB":
        sock.send(b"\x01alpha")
    stopped = threading.Event()

    def watch_stdin() -> None:
        sys.stdin.buffer.read()
        stopped.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    print("ready", url, flush=True)
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    n = 0
    while not stopped.is_set():
        if kind in ("REP", "DEALER", "ROUTER", "PAIR"):
            if poller.poll(100):
                msg = sock.recv_multipart()
                try:
                    sock.send_multipart(msg, zmq.NOBLOCK)
                except zmq.Again:
                    pass
        elif kind in ("PUB", "XPUB", "PUSH"):
            body = f"push {n}" if kind == "PUSH" else f"{'alpha' if n % 2 == 0 else 'beta'} {n}"
            try:
                sock.send(body.encode(), zmq.NOBLOCK)
            except zmq.Again:
                pass
            if kind == "XPUB":
                while poller.poll(0):
                    sock.recv_multipart()  # subscriptions
            n += 1
            time.sleep(PERIOD)
        elif kind == "REQ":
            try:
                sock.send(f"request {n}".encode(), zmq.NOBLOCK)
                n += 1
                if poller.poll(200):
                    sock.recv_multipart()
            except zmq.Again:
                pass
            time.sleep(PERIOD)
        else:  # SUB, XSUB, PULL
            if poller.poll(100):
                sock.recv_multipart()
    sock.close(0)
    ctx.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
