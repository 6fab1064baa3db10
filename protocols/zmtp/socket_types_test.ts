import { test } from "../../testing/test.ts";
import assert from "node:assert/strict";
import {
  compatiblePeers,
  isCompatiblePeer,
  isSocketTypeName,
  SocketType,
  type SocketTypeName,
  socketTypeName,
} from "./socket_types.ts";

const ALL = Object.keys(SocketType) as SocketTypeName[];

test("SocketType numbers equal libzmq's ZMQ_* constants [ZMTP-SOCK-1]", () => {
  const expected = [
    "PAIR",
    "PUB",
    "SUB",
    "REQ",
    "REP",
    "DEALER",
    "ROUTER",
    "PULL",
    "PUSH",
    "XPUB",
    "XSUB",
    "STREAM",
    "SERVER",
    "CLIENT",
    "RADIO",
    "DISH",
    "GATHER",
    "SCATTER",
    "DGRAM",
    "PEER",
    "CHANNEL",
  ];
  assert.deepEqual(ALL.map((name) => [name, SocketType[name]]), expected.map((n, i) => [n, i]));
  for (const [i, name] of expected.entries()) assert.equal(socketTypeName(i), name);
});

test("socketTypeName gives undefined for numbers no socket type uses [ZMTP-SOCK-1]", () => {
  for (const n of [-1, 21, 255, 1.5, NaN]) assert.equal(socketTypeName(n), undefined);
});

test("the compatibility table allows exactly the pairs libzmq's check_socket_type allows [ZMTP-SOCK-2]", () => {
  const table: Record<SocketTypeName, string[]> = {
    REQ: ["REP", "ROUTER"],
    REP: ["REQ", "DEALER"],
    DEALER: ["REP", "DEALER", "ROUTER"],
    ROUTER: ["REQ", "DEALER", "ROUTER"],
    PUB: ["SUB", "XSUB"],
    XPUB: ["SUB", "XSUB"],
    SUB: ["PUB", "XPUB"],
    XSUB: ["PUB", "XPUB"],
    PUSH: ["PULL"],
    PULL: ["PUSH"],
    PAIR: ["PAIR"],
    SERVER: ["CLIENT"],
    CLIENT: ["SERVER"],
    RADIO: ["DISH"],
    DISH: ["RADIO"],
    SCATTER: ["GATHER"],
    GATHER: ["SCATTER"],
    DGRAM: ["DGRAM"],
    PEER: ["PEER"],
    CHANNEL: ["CHANNEL"],
    STREAM: [],
  };
  for (const local of ALL) {
    assert.deepEqual([...compatiblePeers(local)].sort(), table[local].sort(), local);
    for (const peer of ALL) {
      assert.equal(isCompatiblePeer(local, peer), table[local].includes(peer));
    }
  }
});

test("the compatibility table is symmetric [ZMTP-SOCK-2]", () => {
  for (const a of ALL) {
    for (const b of ALL) assert.equal(isCompatiblePeer(a, b), isCompatiblePeer(b, a));
  }
});

test("Socket-Type values are compared exactly, so lower case is refused [ZMTP-SOCK-3]", () => {
  assert.equal(isCompatiblePeer("PUB", "sub"), false);
  assert.equal(isCompatiblePeer("PUB", "SUB "), false);
  assert.equal(isSocketTypeName("sub"), false);
  assert.equal(isSocketTypeName("toString"), false);
  assert.equal(isSocketTypeName("XSUB"), true);
});
