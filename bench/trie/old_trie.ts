/**
 * The trie that `protocols/_trie.ts` replaced (commit a1e5db6), kept unchanged for
 * `bench/trie/`: one node object and one Map per byte.
 *
 * A byte-prefix trie of subscriptions with reference counts: a message
 * matches if some subscribed topic is a prefix of it. Matching walks at most
 * the message's length, whatever the number of topics.
 *
 * @module
 */

interface TrieNode {
  count: number; // subscriptions ending here
  children: Map<number, TrieNode> | undefined;
}

function node(): TrieNode {
  return { count: 0, children: undefined };
}

/** @internal Subscription prefixes. */
export class PrefixTrie {
  #root: TrieNode = node();
  #size = 0;

  /** Number of distinct topics. */
  get size(): number {
    return this.#size;
  }

  /** Adds one reference to `topic`; returns its new count. */
  add(topic: Uint8Array): number {
    let n = this.#root;
    for (const byte of topic) {
      n.children ??= new Map();
      let next = n.children.get(byte);
      if (next === undefined) n.children.set(byte, next = node());
      n = next;
    }
    if (n.count++ === 0) this.#size++;
    return n.count;
  }

  /** Removes one reference to `topic`; returns the count left, or -1 if it was not there. */
  remove(topic: Uint8Array): number {
    const path: TrieNode[] = [];
    let n: TrieNode | undefined = this.#root;
    for (const byte of topic) {
      path.push(n);
      n = n.children?.get(byte);
      if (n === undefined) return -1;
    }
    if (n.count === 0) return -1;
    if (--n.count > 0) return n.count;
    this.#size--;
    // prune empty branches bottom-up
    for (let i = topic.length - 1; i >= 0; i--) {
      const child = path[i + 1] ?? n;
      if (child.count > 0 || (child.children?.size ?? 0) > 0) break;
      path[i]!.children!.delete(topic[i]!);
    }
    return 0;
  }

  /** How many references `topic` has. */
  count(topic: Uint8Array): number {
    let n: TrieNode | undefined = this.#root;
    for (const byte of topic) {
      n = n.children?.get(byte);
      if (n === undefined) return 0;
    }
    return n.count;
  }

  /** True if some topic is a prefix of `data`. */
  matches(data: Uint8Array): boolean {
    let n: TrieNode | undefined = this.#root;
    if (n.count > 0) return true;
    for (let i = 0; i < data.length; i++) {
      n = n.children?.get(data[i]!);
      if (n === undefined) return false;
      if (n.count > 0) return true;
    }
    return false;
  }
}
