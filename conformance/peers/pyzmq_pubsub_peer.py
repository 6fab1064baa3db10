#!/usr/bin/env python3
"""A pyzmq (libzmq) publish-subscribe peer for edgemq's interop tests.

usage: pyzmq_pubsub_peer.py <SUB|XSUB|PUB|XPUB> <bind|connect> <endpoint> [topic-hex] [count]

- SUB:  subscribes to the topic (setsockopt SUBSCRIBE), receives `count` messages.
- XSUB: subscribes by sending b"\\x01" + topic, receives `count` messages (no local filtering, so
        what it prints is exactly what the publisher let through).
- PUB:  every 20 ms publishes [b"other", b"<i>"] then [topic, b"<i>"] until stdin closes.
- XPUB: receives `count` messages (subscriptions arrive as b"\\x01topic" / b"\\x00topic").
Received messages are printed one per line as hex frames joined by "|".
When binding tcp port 0, the real endpoint is printed first as "ENDPOINT <url>".
Prints "READY" once bound/connected; exits 0 when done, 2 after a 10 s receive timeout.
"""
import select
import sys

import zmq


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 64
    kind, mode, endpoint = sys.argv[1].upper(), sys.argv[2], sys.argv[3]
    topic = bytes.fromhex(sys.argv[4]) if len(sys.argv) > 4 else b""
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    ctx = zmq.Context()
    sock = ctx.socket(getattr(zmq, kind))
    sock.setsockopt(zmq.LINGER, 1000)
    sock.setsockopt(zmq.RCVTIMEO, 10000)
    if kind == "SUB":
        sock.setsockopt(zmq.SUBSCRIBE, topic)
    if mode == "bind":
        sock.bind(endpoint)
        print("ENDPOINT", sock.getsockopt(zmq.LAST_ENDPOINT).decode(), flush=True)
    else:
        sock.connect(endpoint)
    if kind == "XSUB":
        sock.send(b"\x01" + topic)
    print("READY", flush=True)
    try:
        if kind == "PUB":
            i = 0
            # libzmq applies subscriptions only while the application calls into the socket
            while not select.select([sys.stdin], [], [], 0.02)[0]:
                sock.send_multipart([b"other", str(i).encode()])
                sock.send_multipart([topic, str(i).encode()])
                i += 1
        else:
            for _ in range(count):
                frames = sock.recv_multipart()
                print("|".join(f.hex() for f in frames), flush=True)
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
