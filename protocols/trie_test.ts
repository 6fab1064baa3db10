import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PrefixTrie } from "./_trie.ts";

/** The model: topic (one char per byte) → count; a match is any topic that is a prefix. */
class Model {
  readonly counts = new Map<string, number>();
  add(topic: string): number {
    const n = (this.counts.get(topic) ?? 0) + 1;
    this.counts.set(topic, n);
    return n;
  }
  remove(topic: string): number {
    const n = this.counts.get(topic);
    if (n === undefined) return -1;
    if (n === 1) this.counts.delete(topic);
    else this.counts.set(topic, n - 1);
    return n - 1;
  }
  matches(data: string): boolean {
    for (const topic of this.counts.keys()) if (data.startsWith(topic)) return true;
    return false;
  }
}

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);

type Op = { op: "add" | "remove" | "match" | "count"; s: string };

/** Strings over a few letters, so that topics share prefixes and split each other's labels. */
const small = fc.string({ unit: fc.constantFrom("a", "b", "c"), maxLength: 6 });
/** Strings over every byte value, so that nodes get wide (jump tables). */
const wide = fc.string({
  unit: fc.integer({ min: 0, max: 255 }).map((b) => String.fromCharCode(b)),
  maxLength: 3,
});

function ops(strings: fc.Arbitrary<string>, maxLength: number): fc.Arbitrary<Op[]> {
  const op = fc.record({
    op: fc.constantFrom<Op["op"]>("add", "add", "remove", "remove", "match", "count"),
    s: strings,
  });
  return fc.array(op, { maxLength, size: "max" });
}

/** Runs `ops` on a trie and the model side by side; checks every answer and the structure. */
function agree(list: Op[]): void {
  const trie = new PrefixTrie();
  const model = new Model();
  for (const { op, s } of list) {
    const b = bytes(s);
    const where = `${op} ${JSON.stringify(s)}`;
    if (op === "add") assert.equal(trie.add(b), model.add(s), where);
    if (op === "remove") assert.equal(trie.remove(b), model.remove(s), where);
    if (op === "count") assert.equal(trie.count(b), model.counts.get(s) ?? 0, where);
    if (op === "match") assert.equal(trie.matches(b), model.matches(s), where);
    assert.equal(trie.check(), undefined, `structure after ${where}`);
    assert.equal(trie.size, model.counts.size, `size after ${where}`);
  }
  // every prefix of every topic, and the topics themselves in byte order
  for (const topic of model.counts.keys()) {
    for (let i = 0; i <= topic.length + 1; i++) {
      const probe = bytes(topic.slice(0, i) + (i > topic.length ? "a" : ""));
      assert.equal(trie.matches(probe), model.matches(text(probe)), `match ${text(probe)}`);
    }
  }
  const sorted = [...model.counts.keys()].sort();
  assert.deepEqual([...trie.topics()].map(text), sorted, "topics()");
}

test("trie: agrees with a naive prefix filter (3 letters)", () => {
  fc.assert(fc.property(ops(small, 80), agree), { numRuns: 500 });
});

test("trie: agrees with a naive prefix filter (all bytes, wide nodes)", () => {
  fc.assert(fc.property(ops(wide, 300), agree), { numRuns: 200 });
});

test("trie: agrees after removing everything, in any order", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(small, { maxLength: 60, size: "max" }),
      fc.infiniteStream(fc.nat()),
      (ts, r) => {
        const order = [...ts];
        for (let i = order.length - 1; i > 0; i--) {
          const j = r.next().value % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        agree([
          ...ts.map((s): Op => ({ op: "add", s })),
          ...order.map((s): Op => ({ op: "remove", s })),
          ...ts.map((s): Op => ({ op: "match", s })),
        ]);
      },
    ),
    { numRuns: 300 },
  );
});

test("trie: agrees after mass removal (storage rebuilt)", () => {
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24; // a byte
  const topics = new Set<string>();
  for (let i = 0; i < 10000; i++) topics.add(`sensor/${i % 7}/${i * 7919}`);
  while (topics.size < 20000) {
    topics.add(String.fromCharCode(...Array.from({ length: 1 + random() % 8 }, random)));
  }
  const all = [...topics];
  const trie = new PrefixTrie();
  const model = new Model();
  for (const s of all) assert.equal(trie.add(bytes(s)), model.add(s), s);
  // removes nine in ten: the rebuilds run while the root is still wide
  all.forEach((s, i) => i % 10 !== 0 && assert.equal(trie.remove(bytes(s)), model.remove(s), s));
  assert.equal(trie.check(), undefined);
  assert.deepEqual([...trie.topics()].map(text), [...model.counts.keys()].sort());
  for (const s of all) {
    assert.equal(trie.count(bytes(s)), model.counts.get(s) ?? 0, s);
    // (the naive filter is too slow for 20 000 × 20 000: look up each prefix instead)
    const hit = [...s + "x"].some((_, i) => model.counts.has((s + "x").slice(0, i + 1)));
    assert.equal(trie.matches(bytes(s + "x")), hit, s);
  }
});

test("trie: the empty topic matches everything, counted like any other", () => {
  const trie = new PrefixTrie();
  assert.equal(trie.matches(new Uint8Array(0)), false);
  assert.equal(trie.add(new Uint8Array(0)), 1);
  assert.equal(trie.add(new Uint8Array(0)), 2);
  assert.ok(trie.matches(bytes("anything")));
  assert.ok(trie.matches(new Uint8Array(0)));
  assert.equal(trie.remove(new Uint8Array(0)), 1);
  assert.equal(trie.remove(new Uint8Array(0)), 0);
  assert.equal(trie.remove(new Uint8Array(0)), -1);
  assert.equal(trie.matches(bytes("anything")), false);
});
