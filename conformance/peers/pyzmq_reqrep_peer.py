#!/usr/bin/env python3
"""A pyzmq (libzmq) request-reply peer for edgemq's interop tests.

usage: pyzmq_reqrep_peer.py <REQ|REP|DEALER|ROUTER> <bind|connect> <endpoint> <ask|answer>
                            [count] [routing-id]

- ask: `count` times, sends [b"q", b"<i>"], receives the reply and prints it as one line of hex
  frames joined by "|" (REQ adds and strips the empty delimiter itself; a DEALER does not).
- answer: `count` times, receives a message, prints it as one line of hex frames joined by "|"
  and sends it back unchanged (a ROUTER's first frame routes it back to the asker).
routing-id (DEALER, REQ, ROUTER): the ZMQ_ROUTING_ID to announce; omitted or "-" for none.
When binding, the real endpoint is printed first as "ENDPOINT <url>".
Prints "READY" once bound/connected; exits 0 when done, 2 after a 10 s receive timeout.
"""
import sys

import zmq


def line(frames):
    return "|".join(f.hex() for f in frames)


def main() -> int:
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 64
    kind, mode, endpoint, action = sys.argv[1:5]
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    routing_id = sys.argv[6] if len(sys.argv) > 6 else "-"
    ctx = zmq.Context()
    sock = ctx.socket(getattr(zmq, kind.upper()))
    sock.setsockopt(zmq.LINGER, 5000)
    sock.setsockopt(zmq.RCVTIMEO, 10000)
    if routing_id != "-":
        sock.setsockopt(zmq.ROUTING_ID, routing_id.encode())
    if mode == "bind":
        sock.bind(endpoint)
        print("ENDPOINT", sock.getsockopt(zmq.LAST_ENDPOINT).decode(), flush=True)
    else:
        sock.connect(endpoint)
    print("READY", flush=True)
    try:
        for i in range(count):
            if action == "ask":
                sock.send_multipart([b"q", str(i).encode()])
                print(line(sock.recv_multipart()), flush=True)
            elif action == "answer":
                frames = sock.recv_multipart()
                print(line(frames), flush=True)
                sock.send_multipart(frames)
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
