"""The other end of smoke.mjs's REQ/REP exchanges, on Debian's python3-zmq.

    python3 pyzmq_peer.py rep COUNT      binds a REP on 127.0.0.1, prints its port,
                                         answers COUNT requests with b"world " + request
    python3 pyzmq_peer.py req URL COUNT  sends COUNT requests to URL and checks each reply
Exits non-zero (with a message) on a wrong reply or after 10 s without one.
"""
import sys

import zmq

ctx = zmq.Context()
mode = sys.argv[1]
if mode == "rep":
    count = int(sys.argv[2])
    sock = ctx.socket(zmq.REP)
    sock.setsockopt(zmq.RCVTIMEO, 10000)
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    print(port, flush=True)
    for _ in range(count):
        sock.send(b"world " + sock.recv())
elif mode == "req":
    url, count = sys.argv[2], int(sys.argv[3])
    sock = ctx.socket(zmq.REQ)
    sock.setsockopt(zmq.RCVTIMEO, 10000)
    sock.connect(url)
    for i in range(count):
        sock.send(b"ping %d" % i)
        reply = sock.recv()
        if reply != b"pong ping %d" % i:
            sys.exit("pyzmq REQ got %r for request %d" % (reply, i))
else:
    sys.exit("usage: pyzmq_peer.py rep COUNT | req URL COUNT")
sock.close(linger=1000)
ctx.term()
