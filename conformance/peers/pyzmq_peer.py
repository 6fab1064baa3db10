#!/usr/bin/env python3
"""A pyzmq (libzmq) peer for edgemq's interop tests.

usage: pyzmq_peer.py <socket-type> <bind|connect> <endpoint> <send|recv|echo> [count]

- send: sends `count` two-frame messages [b"msg", b"<i>"], then lingers until they left.
- recv: receives `count` messages and prints each as one line of hex frames joined by "|".
- echo: receives `count` messages and sends each back unchanged.
When binding tcp port 0, the real endpoint is printed first as "ENDPOINT <url>".
Prints "READY" once bound/connected; exits 0 when done, 2 after a 10 s receive timeout.
"""
import sys

import zmq


def main() -> int:
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 64
    kind, mode, endpoint, action = sys.argv[1:5]
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    ctx = zmq.Context()
    sock = ctx.socket(getattr(zmq, kind.upper()))
    sock.setsockopt(zmq.LINGER, 5000)
    sock.setsockopt(zmq.RCVTIMEO, 10000)
    if kind.upper() == "DEALER":
        sock.setsockopt(zmq.ROUTING_ID, b"py")
    if mode == "bind":
        sock.bind(endpoint)
        print("ENDPOINT", sock.getsockopt(zmq.LAST_ENDPOINT).decode(), flush=True)
    else:
        sock.connect(endpoint)
    print("READY", flush=True)
    try:
        for i in range(count):
            if action == "send":
                sock.send_multipart([b"msg", str(i).encode()])
            elif action == "recv":
                frames = sock.recv_multipart()
                print("|".join(f.hex() for f in frames), flush=True)
            elif action == "echo":
                sock.send_multipart(sock.recv_multipart())
            else:
                print(f"unknown action {action}", file=sys.stderr)
                return 64
    except zmq.Again:
        print("TIMEOUT", flush=True)
        return 2
    finally:
        sock.close()
        ctx.term()
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
