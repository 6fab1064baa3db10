#!/usr/bin/env python3
"""A pyzmq (libzmq) peer for capturing ZMTP vectors: the CLI and output protocol of
conformance/peers/pyzmq_peer.py, plus what the capture scenarios need (the same as the zmq.rs,
JeroMQ and zeromq.js peers do): PUB waits 500 ms before sending, SUB subscribes to "msg", REQ
reads (and prints) the reply after each request, REP answers each request with ["ok"]; the action
"ask" is "send" that reads (and prints) a reply after each message, whatever the socket type.

usage: libzmq_peer.py <socket-type> <bind|connect> <endpoint> <send|ask|recv|echo> [count]
"""
import sys
import time

import zmq


def line(frames):
    return "|".join(f.hex() for f in frames)


def main() -> int:
    kind, mode, endpoint, action = sys.argv[1:5]
    kind = kind.upper()
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    ctx = zmq.Context()
    sock = ctx.socket(getattr(zmq, kind))
    sock.setsockopt(zmq.LINGER, 5000)
    sock.setsockopt(zmq.RCVTIMEO, 10000)
    if kind == "DEALER":
        sock.setsockopt(zmq.ROUTING_ID, b"py")
    if kind == "SUB":
        sock.setsockopt(zmq.SUBSCRIBE, b"msg")
    if mode == "bind":
        sock.bind(endpoint)
        print("ENDPOINT", sock.getsockopt(zmq.LAST_ENDPOINT).decode(), flush=True)
    else:
        sock.connect(endpoint)
    print("READY", flush=True)
    if kind == "PUB":
        time.sleep(0.5)
    try:
        for i in range(count):
            if action in ("send", "ask"):
                sock.send_multipart([b"msg", str(i).encode()])
                if kind == "REQ" or action == "ask":
                    print(line(sock.recv_multipart()), flush=True)
            elif action == "recv":
                print(line(sock.recv_multipart()), flush=True)
                if kind == "REP":
                    sock.send_multipart([b"ok"])
            elif action == "echo":
                sock.send_multipart(sock.recv_multipart())
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
