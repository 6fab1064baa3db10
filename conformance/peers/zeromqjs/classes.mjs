// The zeromq.js socket class of each ZeroMQ socket type name, for peer.mjs and target.mjs.
import * as zmq from "zeromq";

export const CLASSES = {
  PAIR: zmq.Pair,
  PUB: zmq.Publisher,
  SUB: zmq.Subscriber,
  REQ: zmq.Request,
  REP: zmq.Reply,
  DEALER: zmq.Dealer,
  ROUTER: zmq.Router,
  PULL: zmq.Pull,
  PUSH: zmq.Push,
};
