/**
 * How the socket types that subscribe or join carry that over the wire: the engine's
 * {@linkcode TrafficHooks} for SUB/XSUB, PUB/XPUB, DISH and RADIO. Inside edgemq (patterns, inproc)
 * a subscription or a join is one frame, `0x01` (subscribe, JOIN) or `0x00` (cancel, LEAVE)
 * followed by the topic or group; on the wire ZMTP 3.1 peers exchange SUBSCRIBE/CANCEL commands
 * (RFC 37 §The Publish-Subscribe Pattern) and a DISH sends JOIN/LEAVE commands (RFC 48), while
 * ZMTP 3.0 and 2.0 subscribers send the one-frame form as a message (RFC 23, RFC 15).
 *
 * @module
 */
import {
  encodeCancel,
  encodeCommand,
  encodeSubscribe,
  encodeSubscriptionMessage,
} from "./command.ts";
import type { TrafficHooks, TrafficHooksFor } from "./engine.ts";
import { parseSubscription as subscriptionOf } from "./_topics.ts";

// Subscriber to a ZMTP 3.1 peer: 0x01/0x00 + topic goes as SUBSCRIBE/CANCEL (libzmq ≥ 4.3.3).
const SUBSCRIBER_31: TrafficHooks = {
  outgoing: (msg) => {
    const sub = subscriptionOf(msg);
    if (sub === undefined) return undefined;
    return sub.subscribe ? encodeSubscribe(sub.topic) : encodeCancel(sub.topic);
  },
};

/**
 * SUB and XSUB: a one-frame message starting with `0x01` or `0x00` goes to a ZMTP 3.1 peer as a
 * SUBSCRIBE or CANCEL command; to a ZMTP 3.0 or 2.0 peer it goes as it is (no hooks).
 *
 * @example What `zmq.Sub` passes to the engine
 * ```ts ignore
 * import { subscriberHooks } from "./_subscription_hooks.ts";
 * const engine = { socketType: "SUB", maxMsgSize: -1, hooks: subscriberHooks } as const;
 * ```
 */
export const subscriberHooks: TrafficHooksFor = (peer) =>
  peer.version === "3.1" ? SUBSCRIBER_31 : undefined;

// Publisher: SUBSCRIBE/CANCEL reach the pattern in the 3.0 form, whatever the peer speaks.
const PUBLISHER: TrafficHooks = {
  command: (name, data) =>
    name === "SUBSCRIBE" || name === "CANCEL"
      ? [encodeSubscriptionMessage(name === "SUBSCRIBE", data)]
      : undefined,
};

/**
 * PUB and XPUB: a SUBSCRIBE or CANCEL command reaches the pattern as the one-frame message
 * `0x01`+topic or `0x00`+topic, the form ZMTP 3.0 and 2.0 subscribers send themselves.
 *
 * @example What `zmq.Pub` passes to the engine
 * ```ts ignore
 * import { publisherHooks } from "./_subscription_hooks.ts";
 * const engine = { socketType: "PUB", maxMsgSize: -1, hooks: publisherHooks } as const;
 * ```
 */
export const publisherHooks: TrafficHooksFor = () => PUBLISHER;

// DISH: a DISH sends nothing but its groups, always as commands (libzmq's dish session).
const DISH: TrafficHooks = {
  outgoing: (msg) => {
    const join = subscriptionOf(msg);
    if (join === undefined) return undefined;
    return encodeCommand(join.subscribe ? "JOIN" : "LEAVE", join.topic);
  },
};

/**
 * DISH: a join (`0x01` + group) or leave (`0x00` + group) goes as a JOIN or LEAVE command
 * (RFC 48).
 *
 * @example What `zmq.Dish` passes to the engine
 * ```ts ignore
 * import { dishHooks } from "./_subscription_hooks.ts";
 * const engine = { socketType: "DISH", maxMsgSize: -1, hooks: dishHooks } as const;
 * ```
 */
export const dishHooks: TrafficHooksFor = () => DISH;

// RADIO: JOIN/LEAVE become 0x01/0x00 + group; data from a DISH could pass for a join, so it is
// dropped (libzmq's radio session drops it too).
const RADIO: TrafficHooks = {
  command: (name, data) =>
    name === "JOIN" || name === "LEAVE"
      ? [encodeSubscriptionMessage(name === "JOIN", data)]
      : undefined,
  incoming: () => false,
};

/**
 * RADIO: a JOIN or LEAVE command reaches the pattern as one frame, `0x01` (JOIN) or `0x00`
 * (LEAVE) + group (RFC 48), and data messages from a DISH are dropped.
 *
 * @example What `zmq.Radio` passes to the engine
 * ```ts ignore
 * import { radioHooks } from "./_subscription_hooks.ts";
 * const engine = { socketType: "RADIO", maxMsgSize: -1, hooks: radioHooks } as const;
 * ```
 */
export const radioHooks: TrafficHooksFor = () => RADIO;
