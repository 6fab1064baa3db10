/**
 * A compact radix (Patricia) trie of subscriptions with reference counts: a message matches if
 * some subscribed topic is a prefix of it (the empty topic matches everything).
 *
 * Nodes are rows of typed-array columns, not objects: a node is an index, its edge label is a
 * run of bytes in one shared pool, its children are a linked list kept sorted by their first
 * byte, and a node with more than {@linkcode WIDE} children also gets a 256-entry jump table. A
 * node exists only where a topic ends or where topics branch, so there is no node per byte.
 * Splitting a label on insert moves no bytes (the two halves stay where they were); merging on
 * remove appends the joined label to the pool, and the pool and the columns are rebuilt when more
 * than half of them is garbage or free. Matching reads the columns only (it allocates nothing)
 * and compares each byte of the message at most once.
 *
 * Compare libzmq's `src/trie.cpp` (SUB) and `src/generic_mtrie_impl.hpp` (XPUB): one heap node
 * per byte, a child table spanning the bytes between the lowest and highest child.
 *
 * @module
 */

const NONE = -1;
/** A node with more children than this gets a jump table; it loses it at half as many. */
const WIDE = 12;
const TABLE = 256;

/**
 * Subscription prefixes with reference counts.
 *
 * @example
 * ```ts
 * import { PrefixTrie } from "./_trie.ts";
 * const t = new PrefixTrie();
 * const bytes = (s: string) => new TextEncoder().encode(s);
 * t.add(bytes("sensor/eu/"));
 * t.add(bytes("sensor/eu/")); // 2
 * console.log(t.matches(bytes("sensor/eu/7 21.5"))); // true
 * console.log(t.matches(bytes("sensor/us/7 18.0"))); // false
 * console.log(t.remove(bytes("sensor/eu/"))); // 1
 * ```
 *
 * @internal
 */
export class PrefixTrie {
  // node columns; node 0 is the root (empty label)
  #off = new Int32Array(16); // label start in #pool
  #len = new Int32Array(16); // label length (> 0 except at the root)
  #refs = new Int32Array(16); // subscriptions ending at this node
  #child = new Int32Array(16); // first child, or NONE
  #next = new Int32Array(16); // next sibling (larger first byte), or NONE; free list link
  #lead = new Uint8Array(16); // first byte of the label
  #fan = new Uint16Array(16); // number of children
  #table = new Int32Array(16).fill(NONE); // jump table, or NONE
  #nodes = 1; // rows in use, free ones included
  #free = NONE;
  #freeCount = 0;
  // label bytes
  #pool = new Uint8Array(64);
  #used = 0;
  #live = 0; // bytes that live labels use; the rest of #used is garbage
  // jump tables, TABLE entries each (a child, or NONE); a free table's entry 0 links the next
  #tables = new Int32Array(0);
  #tableCount = 0;
  #freeTable = NONE;
  #size = 0;
  #parent = NONE; // set by #find

  constructor() {
    this.#child[0] = NONE;
    this.#next[0] = NONE;
  }

  /** Number of distinct topics. */
  get size(): number {
    return this.#size;
  }

  /** Bytes of the arrays that hold the trie (their capacity, free rows and garbage included). */
  get byteLength(): number {
    const columns = [this.#off, this.#len, this.#refs, this.#child, this.#next, this.#table];
    return columns.reduce((sum, a) => sum + a.byteLength, 0) + this.#lead.byteLength +
      this.#fan.byteLength + this.#pool.byteLength + this.#tables.byteLength;
  }

  /** Adds one reference to `topic`; returns its new count. */
  add(topic: Uint8Array): number {
    let n = 0;
    let i = 0;
    while (i < topic.length) {
      const c = this.#childOf(n, topic[i]!);
      if (c === NONE) {
        const leaf = this.#newNode(topic, i);
        this.#link(n, leaf);
        n = leaf;
        break;
      }
      const off = this.#off[c]!;
      const len = this.#len[c]!;
      let k = 1;
      while (k < len && i + k < topic.length && this.#pool[off + k] === topic[i + k]) k++;
      if (k < len) this.#split(c, k);
      i += k;
      n = c;
    }
    if (this.#refs[n]++ === 0) this.#size++;
    return this.#refs[n]!;
  }

  /** Removes one reference to `topic`; returns the count left, or -1 if it was not there. */
  remove(topic: Uint8Array): number {
    let n = this.#find(topic);
    const parent = this.#parent;
    if (n === NONE || this.#refs[n] === 0) return -1;
    if (--this.#refs[n]! > 0) return this.#refs[n]!;
    this.#size--;
    if (n !== 0) {
      if (this.#fan[n] === 0) {
        this.#unlink(parent, n);
        this.#live -= this.#len[n]!;
        this.#release(n);
        n = parent; // it may be left a chain node
      }
      if (n !== 0 && this.#refs[n] === 0 && this.#fan[n] === 1) this.#merge(n);
    }
    if (this.#wasteful()) this.#rebuild();
    return 0;
  }

  /** How many references `topic` has. */
  count(topic: Uint8Array): number {
    const n = this.#find(topic);
    return n === NONE ? 0 : this.#refs[n]!;
  }

  /** True if some topic is a prefix of `data`. */
  matches(data: Uint8Array): boolean {
    const refs = this.#refs, lens = this.#len, offs = this.#off, pool = this.#pool;
    if (refs[0]! > 0) return true;
    let n = 0;
    let i = 0;
    const end = data.length;
    while (i < end) {
      const c = this.#childOf(n, data[i]!);
      if (c === NONE) return false;
      const len = lens[c]!;
      if (i + len > end) return false;
      const off = offs[c]! - i;
      for (let k = i + 1; k < i + len; k++) if (pool[off + k] !== data[k]) return false;
      if (refs[c]! > 0) return true;
      i += len;
      n = c;
    }
    return false;
  }

  /**
   * The distinct topics in byte order, each a fresh array. Adding or removing while iterating
   * is not allowed.
   */
  *topics(): Generator<Uint8Array, void, undefined> {
    let path = new Uint8Array(64);
    const stack = [0, 0]; // pairs: where the node's label starts in `path`, the node (on top)
    const kids: number[] = [];
    while (stack.length > 0) {
      const n = stack.pop()!;
      const depth = stack.pop()!;
      const off = this.#off[n]!;
      const end = depth + this.#len[n]!;
      if (end > path.length) {
        const bigger = new Uint8Array(Math.max(path.length * 2, end));
        bigger.set(path);
        path = bigger;
      }
      for (let k = depth; k < end; k++) path[k] = this.#pool[off + k - depth]!;
      if (this.#refs[n]! > 0) yield path.slice(0, end);
      for (let c = this.#child[n]!; c !== NONE; c = this.#next[c]!) kids.push(c);
      while (kids.length > 0) stack.push(end, kids.pop()!); // the smallest ends on top
    }
  }

  /**
   * Checks the structure; returns what is wrong, or undefined. For tests: every node but the
   * root has a non-empty label and is a topic or a branch (no empty leaf, no chain node),
   * children are sorted by distinct first bytes, counts and jump tables agree with the lists.
   */
  check(): string | undefined {
    let topics = 0;
    let live = 0;
    let seen = 1;
    const stack = [0];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (this.#refs[n]! > 0) topics++;
      live += this.#len[n]!;
      if (n !== 0) {
        if (this.#len[n]! <= 0) return `node ${n}: empty label`;
        if (this.#lead[n] !== this.#pool[this.#off[n]!]) return `node ${n}: wrong lead byte`;
        if (this.#refs[n] === 0 && this.#fan[n]! < 2) {
          return `node ${n}: neither a topic nor a branch (${this.#fan[n]} children)`;
        }
      }
      let fan = 0;
      let last = -1;
      for (let c = this.#child[n]!; c !== NONE; c = this.#next[c]!) {
        if (this.#lead[c]! <= last) return `node ${n}: children not sorted`;
        last = this.#lead[c]!;
        const t = this.#table[n]!;
        if (t !== NONE && this.#tables[t * TABLE + last] !== c) return `node ${n}: stale table`;
        fan++;
        seen++;
        stack.push(c);
      }
      if (fan !== this.#fan[n]) return `node ${n}: ${fan} children, counted ${this.#fan[n]}`;
      if (this.#table[n] === NONE && fan > WIDE) return `node ${n}: wide without a table`;
      if (this.#table[n] !== NONE && fan <= WIDE / 2) return `node ${n}: narrow with a table`;
    }
    if (topics !== this.#size) return `${topics} topics, size says ${this.#size}`;
    if (live !== this.#live) return `${live} live label bytes, counted ${this.#live}`;
    if (seen + this.#freeCount !== this.#nodes) {
      return `${seen} reachable + ${this.#freeCount} free nodes, ${this.#nodes} rows`;
    }
    return undefined;
  }

  /** The child of `n` whose label starts with `byte`, or NONE. */
  #childOf(n: number, byte: number): number {
    const t = this.#table[n]!;
    if (t !== NONE) return this.#tables[t * TABLE + byte]!;
    const lead = this.#lead, next = this.#next;
    for (let c = this.#child[n]!; c !== NONE; c = next[c]!) {
      const b = lead[c]!;
      if (b >= byte) return b === byte ? c : NONE;
    }
    return NONE;
  }

  /** The node where `topic` ends exactly, or NONE; its parent is left in #parent. */
  #find(topic: Uint8Array): number {
    let n = 0;
    let i = 0;
    this.#parent = NONE;
    while (i < topic.length) {
      const c = this.#childOf(n, topic[i]!);
      if (c === NONE) return NONE;
      const off = this.#off[c]!;
      const len = this.#len[c]!;
      if (i + len > topic.length) return NONE;
      for (let k = 1; k < len; k++) if (this.#pool[off + k] !== topic[i + k]) return NONE;
      this.#parent = n;
      i += len;
      n = c;
    }
    return n;
  }

  /** A new childless node labelled `topic[from..]`. */
  #newNode(topic: Uint8Array, from: number): number {
    const n = this.#allocNode();
    const len = topic.length - from;
    const off = this.#allocBytes(len);
    this.#pool.set(topic.subarray(from), off);
    this.#live += len;
    this.#off[n] = off;
    this.#len[n] = len;
    this.#lead[n] = topic[from]!;
    this.#refs[n] = 0;
    this.#child[n] = NONE;
    this.#next[n] = NONE;
    this.#fan[n] = 0;
    this.#table[n] = NONE;
    return n;
  }

  /** Cuts `c`'s label after `k` bytes: `c` keeps the head, a new only child takes the rest. */
  #split(c: number, k: number): void {
    const m = this.#allocNode();
    this.#off[m] = this.#off[c]! + k;
    this.#len[m] = this.#len[c]! - k;
    this.#lead[m] = this.#pool[this.#off[m]!]!;
    this.#refs[m] = this.#refs[c]!;
    this.#child[m] = this.#child[c]!;
    this.#next[m] = NONE;
    this.#fan[m] = this.#fan[c]!;
    this.#table[m] = this.#table[c]!;
    this.#len[c] = k;
    this.#refs[c] = 0;
    this.#child[c] = m;
    this.#fan[c] = 1;
    this.#table[c] = NONE;
  }

  /** Joins chain node `n` (no topic, one child) with its child. */
  #merge(n: number): void {
    const c = this.#child[n]!;
    const off = this.#off[n]!, len = this.#len[n]!;
    const coff = this.#off[c]!, clen = this.#len[c]!;
    if (off + len !== coff) {
      // not adjacent in the pool: write the joined label anew
      const at = this.#allocBytes(len + clen);
      this.#pool.copyWithin(at, off, off + len);
      this.#pool.copyWithin(at + len, coff, coff + clen);
      this.#off[n] = at;
    }
    this.#len[n] = len + clen;
    this.#refs[n] = this.#refs[c]!;
    this.#child[n] = this.#child[c]!;
    this.#fan[n] = this.#fan[c]!;
    this.#table[n] = this.#table[c]!;
    this.#release(c);
  }

  /** Inserts `c` among `n`'s children, in order. */
  #link(n: number, c: number): void {
    const byte = this.#lead[c]!;
    const t = this.#table[n]!;
    let prev = NONE;
    if (t !== NONE) {
      for (let b = byte - 1; b >= 0 && prev === NONE; b--) prev = this.#tables[t * TABLE + b]!;
      this.#tables[t * TABLE + byte] = c;
    } else {
      for (let s = this.#child[n]!; s !== NONE && this.#lead[s]! < byte; s = this.#next[s]!) {
        prev = s;
      }
    }
    if (prev === NONE) {
      this.#next[c] = this.#child[n]!;
      this.#child[n] = c;
    } else {
      this.#next[c] = this.#next[prev]!;
      this.#next[prev] = c;
    }
    if (++this.#fan[n]! > WIDE && t === NONE) this.#widen(n);
  }

  /** Takes `c` out of `n`'s children. */
  #unlink(n: number, c: number): void {
    let prev = NONE;
    for (let s = this.#child[n]!; s !== c; s = this.#next[s]!) prev = s;
    if (prev === NONE) this.#child[n] = this.#next[c]!;
    else this.#next[prev] = this.#next[c]!;
    const t = this.#table[n]!;
    if (t === NONE) {
      this.#fan[n]!--;
      return;
    }
    this.#tables[t * TABLE + this.#lead[c]!] = NONE;
    if (--this.#fan[n]! <= WIDE / 2) {
      this.#tables[t * TABLE] = this.#freeTable;
      this.#freeTable = t;
      this.#table[n] = NONE;
    }
  }

  /** Gives `n` a jump table. */
  #widen(n: number): void {
    let t = this.#freeTable;
    if (t !== NONE) {
      this.#freeTable = this.#tables[t * TABLE]!;
    } else {
      if ((this.#tableCount + 1) * TABLE > this.#tables.length) {
        const bigger = new Int32Array(Math.max(4, this.#tableCount * 2) * TABLE);
        bigger.set(this.#tables);
        this.#tables = bigger;
      }
      t = this.#tableCount++;
    }
    this.#tables.fill(NONE, t * TABLE, (t + 1) * TABLE);
    for (let c = this.#child[n]!; c !== NONE; c = this.#next[c]!) {
      this.#tables[t * TABLE + this.#lead[c]!] = c;
    }
    this.#table[n] = t;
  }

  #allocNode(): number {
    const n = this.#free;
    if (n !== NONE) {
      this.#free = this.#next[n]!;
      this.#freeCount--;
      return n;
    }
    if (this.#nodes === this.#off.length) this.#resize(this.#nodes + (this.#nodes >> 1));
    return this.#nodes++;
  }

  /** Puts `n` on the free list (its label bytes are counted out by the caller). */
  #release(n: number): void {
    this.#len[n] = 0;
    this.#next[n] = this.#free;
    this.#free = n;
    this.#freeCount++;
  }

  #allocBytes(len: number): number {
    if (this.#used + len > this.#pool.length) {
      const bigger = new Uint8Array(Math.max(this.#used + len, this.#pool.length * 1.5) | 0);
      bigger.set(this.#pool.subarray(0, this.#used));
      this.#pool = bigger;
    }
    const at = this.#used;
    this.#used += len;
    return at;
  }

  #resize(rows: number): void {
    const grow = <T extends Int32Array | Uint8Array | Uint16Array>(
      a: T,
      make: (n: number) => T,
    ) => {
      const b = make(rows);
      b.set(a.subarray(0, Math.min(a.length, rows)));
      return b;
    };
    this.#off = grow(this.#off, (n) => new Int32Array(n));
    this.#len = grow(this.#len, (n) => new Int32Array(n));
    this.#refs = grow(this.#refs, (n) => new Int32Array(n));
    this.#child = grow(this.#child, (n) => new Int32Array(n));
    this.#next = grow(this.#next, (n) => new Int32Array(n));
    this.#lead = grow(this.#lead, (n) => new Uint8Array(n));
    this.#fan = grow(this.#fan, (n) => new Uint16Array(n));
    this.#table = grow(this.#table, (n) => new Int32Array(n));
  }

  /** True when most rows are free or most of the pool is garbage. */
  #wasteful(): boolean {
    const rows = this.#off.length;
    return (rows > 1024 && this.#freeCount > rows >> 1) ||
      (this.#used > 4096 && this.#used - this.#live > this.#live);
  }

  /** Copies the live nodes and labels into fresh, fitting arrays (depth first). */
  #rebuild(): void {
    const old = {
      off: this.#off,
      len: this.#len,
      refs: this.#refs,
      child: this.#child,
      next: this.#next,
      lead: this.#lead,
      pool: this.#pool,
    };
    const rows = Math.max(16, Math.ceil((this.#nodes - this.#freeCount) * 1.5));
    this.#off = new Int32Array(rows);
    this.#len = new Int32Array(rows);
    this.#refs = new Int32Array(rows);
    this.#child = new Int32Array(rows);
    this.#next = new Int32Array(rows);
    this.#lead = new Uint8Array(rows);
    this.#fan = new Uint16Array(rows);
    this.#table = new Int32Array(rows).fill(NONE);
    this.#pool = new Uint8Array(Math.max(64, Math.ceil(this.#live * 1.5)));
    this.#tables = new Int32Array(0);
    this.#tableCount = 0;
    this.#freeTable = NONE;
    this.#free = NONE;
    this.#freeCount = 0;
    this.#nodes = 1;
    this.#used = 0;
    this.#refs[0] = old.refs[0]!;
    this.#child[0] = NONE;
    this.#next[0] = NONE;
    const stack = [0, 0]; // pairs: old node, new node
    while (stack.length > 0) {
      const to = stack.pop()!;
      const from = stack.pop()!;
      let prev = NONE;
      for (let c = old.child[from]!; c !== NONE; c = old.next[c]!) {
        const d = this.#nodes++;
        const len = old.len[c]!;
        const at = this.#used;
        this.#pool.set(old.pool.subarray(old.off[c]!, old.off[c]! + len), at);
        this.#used += len;
        this.#off[d] = at;
        this.#len[d] = len;
        this.#lead[d] = old.lead[c]!;
        this.#refs[d] = old.refs[c]!;
        this.#child[d] = NONE;
        this.#next[d] = NONE;
        if (prev === NONE) this.#child[to] = d;
        else this.#next[prev] = d;
        prev = d;
        this.#fan[to]!++;
        stack.push(c, d);
      }
      if (this.#fan[to]! > WIDE) this.#widen(to);
    }
  }
}
