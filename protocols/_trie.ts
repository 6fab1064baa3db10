/**
 * A compact radix (Patricia) trie of subscriptions with reference counts: a message matches if
 * some subscribed topic is a prefix of it (the empty topic matches everything).
 *
 * Nodes are not objects but rows of one `Int32Array` (8 numbers, 32 bytes: two to a cache line):
 * a node is an index, its edge label is a run of bytes in one shared pool, its children are a
 * linked list kept sorted by their first byte, and a node with more than 12
 * children also gets a 256-entry jump table. A node exists only where a topic ends or where topics
 * branch, so there is no node per byte. Splitting a label on insert moves no bytes (the two halves
 * stay where they were); merging on remove appends the joined label to the pool, and the rows and
 * the pool are rebuilt when more than half of them is free or garbage. Matching reads the rows
 * only (it allocates nothing) and compares each byte of the message at most once.
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
// a node's row: label start in #pool, label length (> 0 except at the root), subscriptions
// ending here, first child or NONE, next sibling (larger first byte) or NONE (links the free
// list too), first byte of the label, number of children, jump table or NONE
const ROW = 8;
const OFF = 0, LEN = 1, REFS = 2, CHILD = 3, NEXT = 4, LEAD = 5, FAN = 6, TABLE_OF = 7;

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
  // nodes, ROW numbers each (a cache line holds two); node 0 is the root (empty label)
  #rows = new Int32Array(16 * ROW);
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
    this.#rows[CHILD] = NONE;
    this.#rows[NEXT] = NONE;
    this.#rows[TABLE_OF] = NONE;
  }

  /** Number of distinct topics. */
  get size(): number {
    return this.#size;
  }

  /** Bytes of the arrays that hold the trie (their capacity, free rows and garbage included). */
  get byteLength(): number {
    return this.#rows.byteLength + this.#pool.byteLength + this.#tables.byteLength;
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
      const off = this.#rows[c * ROW + OFF]!;
      const len = this.#rows[c * ROW + LEN]!;
      let k = 1;
      while (k < len && i + k < topic.length && this.#pool[off + k] === topic[i + k]) k++;
      if (k < len) this.#split(c, k);
      i += k;
      n = c;
    }
    if (this.#rows[n * ROW + REFS]!++ === 0) this.#size++;
    return this.#rows[n * ROW + REFS]!;
  }

  /** Removes one reference to `topic`; returns the count left, or -1 if it was not there. */
  remove(topic: Uint8Array): number {
    let n = this.#find(topic);
    const parent = this.#parent;
    if (n === NONE || this.#rows[n * ROW + REFS] === 0) return -1;
    if (--this.#rows[n * ROW + REFS]! > 0) return this.#rows[n * ROW + REFS]!;
    this.#size--;
    if (n !== 0) {
      if (this.#rows[n * ROW + FAN] === 0) {
        this.#unlink(parent, n);
        this.#live -= this.#rows[n * ROW + LEN]!;
        this.#release(n);
        n = parent; // it may be left a chain node
      }
      if (n !== 0 && this.#rows[n * ROW + REFS] === 0 && this.#rows[n * ROW + FAN] === 1) {
        this.#merge(n);
      }
    }
    if (this.#wasteful()) this.#rebuild();
    return 0;
  }

  /** How many references `topic` has. */
  count(topic: Uint8Array): number {
    const n = this.#find(topic);
    return n === NONE ? 0 : this.#rows[n * ROW + REFS]!;
  }

  /** True if some topic is a prefix of `data`. */
  matches(data: Uint8Array): boolean {
    const rows = this.#rows, pool = this.#pool;
    if (rows[REFS]! > 0) return true;
    let n = 0;
    let i = 0;
    const end = data.length;
    while (i < end) {
      const c = this.#childOf(n, data[i]!);
      if (c === NONE) return false;
      const len = rows[c * ROW + LEN]!;
      if (i + len > end) return false;
      const off = rows[c * ROW + OFF]! - i;
      for (let k = i + 1; k < i + len; k++) if (pool[off + k] !== data[k]) return false;
      if (rows[c * ROW + REFS]! > 0) return true;
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
      const off = this.#rows[n * ROW + OFF]!;
      const end = depth + this.#rows[n * ROW + LEN]!;
      if (end > path.length) {
        const bigger = new Uint8Array(Math.max(path.length * 2, end));
        bigger.set(path);
        path = bigger;
      }
      for (let k = depth; k < end; k++) path[k] = this.#pool[off + k - depth]!;
      if (this.#rows[n * ROW + REFS]! > 0) yield path.slice(0, end);
      for (let c = this.#rows[n * ROW + CHILD]!; c !== NONE; c = this.#rows[c * ROW + NEXT]!) {
        kids.push(c);
      }
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
      if (this.#rows[n * ROW + REFS]! > 0) topics++;
      live += this.#rows[n * ROW + LEN]!;
      if (n !== 0) {
        if (this.#rows[n * ROW + LEN]! <= 0) return `node ${n}: empty label`;
        if (this.#rows[n * ROW + LEAD] !== this.#pool[this.#rows[n * ROW + OFF]!]) {
          return `node ${n}: wrong lead byte`;
        }
        if (this.#rows[n * ROW + REFS] === 0 && this.#rows[n * ROW + FAN]! < 2) {
          return `node ${n}: neither a topic nor a branch (${this.#rows[n * ROW + FAN]} children)`;
        }
      }
      let fan = 0;
      let last = -1;
      for (let c = this.#rows[n * ROW + CHILD]!; c !== NONE; c = this.#rows[c * ROW + NEXT]!) {
        if (this.#rows[c * ROW + LEAD]! <= last) return `node ${n}: children not sorted`;
        last = this.#rows[c * ROW + LEAD]!;
        const t = this.#rows[n * ROW + TABLE_OF]!;
        if (t !== NONE && this.#tables[t * TABLE + last] !== c) return `node ${n}: stale table`;
        fan++;
        seen++;
        stack.push(c);
      }
      if (fan !== this.#rows[n * ROW + FAN]) {
        return `node ${n}: ${fan} children, counted ${this.#rows[n * ROW + FAN]}`;
      }
      if (this.#rows[n * ROW + TABLE_OF] === NONE && fan > WIDE) {
        return `node ${n}: wide without a table`;
      }
      if (this.#rows[n * ROW + TABLE_OF] !== NONE && fan <= WIDE / 2) {
        return `node ${n}: narrow with a table`;
      }
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
    const t = this.#rows[n * ROW + TABLE_OF]!;
    if (t !== NONE) return this.#tables[t * TABLE + byte]!;
    const rows = this.#rows;
    for (let c = rows[n * ROW + CHILD]!; c !== NONE; c = rows[c * ROW + NEXT]!) {
      const b = rows[c * ROW + LEAD]!;
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
      const off = this.#rows[c * ROW + OFF]!;
      const len = this.#rows[c * ROW + LEN]!;
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
    this.#rows[n * ROW + OFF] = off;
    this.#rows[n * ROW + LEN] = len;
    this.#rows[n * ROW + LEAD] = topic[from]!;
    this.#rows[n * ROW + REFS] = 0;
    this.#rows[n * ROW + CHILD] = NONE;
    this.#rows[n * ROW + NEXT] = NONE;
    this.#rows[n * ROW + FAN] = 0;
    this.#rows[n * ROW + TABLE_OF] = NONE;
    return n;
  }

  /** Cuts `c`'s label after `k` bytes: `c` keeps the head, a new only child takes the rest. */
  #split(c: number, k: number): void {
    const m = this.#allocNode();
    this.#rows[m * ROW + OFF] = this.#rows[c * ROW + OFF]! + k;
    this.#rows[m * ROW + LEN] = this.#rows[c * ROW + LEN]! - k;
    this.#rows[m * ROW + LEAD] = this.#pool[this.#rows[m * ROW + OFF]!]!;
    this.#rows[m * ROW + REFS] = this.#rows[c * ROW + REFS]!;
    this.#rows[m * ROW + CHILD] = this.#rows[c * ROW + CHILD]!;
    this.#rows[m * ROW + NEXT] = NONE;
    this.#rows[m * ROW + FAN] = this.#rows[c * ROW + FAN]!;
    this.#rows[m * ROW + TABLE_OF] = this.#rows[c * ROW + TABLE_OF]!;
    this.#rows[c * ROW + LEN] = k;
    this.#rows[c * ROW + REFS] = 0;
    this.#rows[c * ROW + CHILD] = m;
    this.#rows[c * ROW + FAN] = 1;
    this.#rows[c * ROW + TABLE_OF] = NONE;
  }

  /** Joins chain node `n` (no topic, one child) with its child. */
  #merge(n: number): void {
    const c = this.#rows[n * ROW + CHILD]!;
    const off = this.#rows[n * ROW + OFF]!, len = this.#rows[n * ROW + LEN]!;
    const coff = this.#rows[c * ROW + OFF]!, clen = this.#rows[c * ROW + LEN]!;
    if (off + len !== coff) {
      // not adjacent in the pool: write the joined label anew
      const at = this.#allocBytes(len + clen);
      this.#pool.copyWithin(at, off, off + len);
      this.#pool.copyWithin(at + len, coff, coff + clen);
      this.#rows[n * ROW + OFF] = at;
    }
    this.#rows[n * ROW + LEN] = len + clen;
    this.#rows[n * ROW + REFS] = this.#rows[c * ROW + REFS]!;
    this.#rows[n * ROW + CHILD] = this.#rows[c * ROW + CHILD]!;
    this.#rows[n * ROW + FAN] = this.#rows[c * ROW + FAN]!;
    this.#rows[n * ROW + TABLE_OF] = this.#rows[c * ROW + TABLE_OF]!;
    this.#release(c);
  }

  /** Inserts `c` among `n`'s children, in order. */
  #link(n: number, c: number): void {
    const byte = this.#rows[c * ROW + LEAD]!;
    const t = this.#rows[n * ROW + TABLE_OF]!;
    let prev = NONE;
    if (t !== NONE) {
      for (let b = byte - 1; b >= 0 && prev === NONE; b--) prev = this.#tables[t * TABLE + b]!;
      this.#tables[t * TABLE + byte] = c;
    } else {
      for (
        let s = this.#rows[n * ROW + CHILD]!;
        s !== NONE && this.#rows[s * ROW + LEAD]! < byte;
        s = this.#rows[s * ROW + NEXT]!
      ) {
        prev = s;
      }
    }
    if (prev === NONE) {
      this.#rows[c * ROW + NEXT] = this.#rows[n * ROW + CHILD]!;
      this.#rows[n * ROW + CHILD] = c;
    } else {
      this.#rows[c * ROW + NEXT] = this.#rows[prev * ROW + NEXT]!;
      this.#rows[prev * ROW + NEXT] = c;
    }
    if (++this.#rows[n * ROW + FAN]! > WIDE && t === NONE) this.#widen(n);
  }

  /** Takes `c` out of `n`'s children. */
  #unlink(n: number, c: number): void {
    let prev = NONE;
    for (let s = this.#rows[n * ROW + CHILD]!; s !== c; s = this.#rows[s * ROW + NEXT]!) prev = s;
    if (prev === NONE) this.#rows[n * ROW + CHILD] = this.#rows[c * ROW + NEXT]!;
    else this.#rows[prev * ROW + NEXT] = this.#rows[c * ROW + NEXT]!;
    const t = this.#rows[n * ROW + TABLE_OF]!;
    if (t === NONE) {
      this.#rows[n * ROW + FAN]!--;
      return;
    }
    this.#tables[t * TABLE + this.#rows[c * ROW + LEAD]!] = NONE;
    if (--this.#rows[n * ROW + FAN]! <= WIDE / 2) {
      this.#tables[t * TABLE] = this.#freeTable;
      this.#freeTable = t;
      this.#rows[n * ROW + TABLE_OF] = NONE;
    }
  }

  /** Gives `n` a jump table. */
  #widen(n: number): void {
    let t = this.#freeTable;
    if (t !== NONE) {
      this.#freeTable = this.#tables[t * TABLE]!;
    } else {
      if ((this.#tableCount + 1) * TABLE > this.#tables.length) {
        const bigger = new Int32Array(Math.max(4, Math.ceil(this.#tableCount * 1.5)) * TABLE);
        bigger.set(this.#tables);
        this.#tables = bigger;
      }
      t = this.#tableCount++;
    }
    this.#tables.fill(NONE, t * TABLE, (t + 1) * TABLE);
    for (let c = this.#rows[n * ROW + CHILD]!; c !== NONE; c = this.#rows[c * ROW + NEXT]!) {
      this.#tables[t * TABLE + this.#rows[c * ROW + LEAD]!] = c;
    }
    this.#rows[n * ROW + TABLE_OF] = t;
  }

  #allocNode(): number {
    const n = this.#free;
    if (n !== NONE) {
      this.#free = this.#rows[n * ROW + NEXT]!;
      this.#freeCount--;
      return n;
    }
    if (this.#nodes * ROW === this.#rows.length) this.#resize(this.#nodes + (this.#nodes >> 1));
    return this.#nodes++;
  }

  /** Puts `n` on the free list (its label bytes are counted out by the caller). */
  #release(n: number): void {
    this.#rows[n * ROW + LEN] = 0;
    this.#rows[n * ROW + NEXT] = this.#free;
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

  #resize(count: number): void {
    const bigger = new Int32Array(count * ROW);
    bigger.set(this.#rows);
    this.#rows = bigger;
  }

  /** True when most rows are free or most of the pool is garbage. */
  #wasteful(): boolean {
    const rows = this.#rows.length / ROW;
    return (rows > 1024 && this.#freeCount > rows >> 1) ||
      (this.#used > 4096 && this.#used - this.#live > this.#live);
  }

  /** Copies the live nodes and labels into fresh, fitting arrays (depth first). */
  #rebuild(): void {
    const old = { rows: this.#rows, pool: this.#pool };
    const rows = Math.max(16, Math.ceil((this.#nodes - this.#freeCount) * 1.5));
    this.#rows = new Int32Array(rows * ROW);
    this.#pool = new Uint8Array(Math.max(64, Math.ceil(this.#live * 1.5)));
    this.#tables = new Int32Array(0);
    this.#tableCount = 0;
    this.#freeTable = NONE;
    this.#free = NONE;
    this.#freeCount = 0;
    this.#nodes = 1;
    this.#used = 0;
    this.#rows[REFS] = old.rows[REFS]!;
    this.#rows[CHILD] = NONE;
    this.#rows[NEXT] = NONE;
    this.#rows[TABLE_OF] = NONE;
    const stack = [0, 0]; // pairs: old node, new node
    while (stack.length > 0) {
      const to = stack.pop()!;
      const from = stack.pop()!;
      let prev = NONE;
      for (let c = old.rows[from * ROW + CHILD]!; c !== NONE; c = old.rows[c * ROW + NEXT]!) {
        const d = this.#nodes++;
        const len = old.rows[c * ROW + LEN]!;
        const at = this.#used;
        this.#pool.set(
          old.pool.subarray(old.rows[c * ROW + OFF]!, old.rows[c * ROW + OFF]! + len),
          at,
        );
        this.#used += len;
        this.#rows[d * ROW + OFF] = at;
        this.#rows[d * ROW + LEN] = len;
        this.#rows[d * ROW + LEAD] = old.rows[c * ROW + LEAD]!;
        this.#rows[d * ROW + REFS] = old.rows[c * ROW + REFS]!;
        this.#rows[d * ROW + CHILD] = NONE;
        this.#rows[d * ROW + NEXT] = NONE;
        this.#rows[d * ROW + TABLE_OF] = NONE;
        if (prev === NONE) this.#rows[to * ROW + CHILD] = d;
        else this.#rows[prev * ROW + NEXT] = d;
        prev = d;
        this.#rows[to * ROW + FAN]!++;
        stack.push(c, d);
      }
      if (this.#rows[to * ROW + FAN]! > WIDE) this.#widen(to);
    }
  }
}
