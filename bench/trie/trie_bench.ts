/**
 * Measures one subscription trie on the workload of `workload.ts`: subscribe every topic, match
 * every message (a warm-up pass, then `PASSES` timed passes), unsubscribe every topic. Prints one
 * line per measurement, tab-separated: `<impl> <runtime> <measure> <value> <unit>`.
 *
 * Memory is measured after a full garbage collection, before and after subscribing, and the
 * topics (as `Uint8Array`s) already exist before the first measurement: bytes per subscription
 * is what the trie adds. Two figures: the JS heap plus memory outside it (Deno: `heapUsed + external`,
 * where typed arrays' buffers are counted; Bun's `heapUsed` already counts them), and the resident set (`rss`), which also holds the
 * heap's free space.
 *
 * @example
 * ```sh
 * deno run -A --v8-flags=--expose-gc bench/trie/trie_bench.ts new bench/results/trie
 * bun bench/trie/trie_bench.ts old bench/results/trie
 * ```
 *
 * @module
 */
import process from "node:process";
import { readFileSync } from "node:fs";
import { PrefixTrie } from "../../protocols/_trie.ts";
import { PrefixTrie as OldTrie } from "./old_trie.ts";
import { removalIndex } from "./workload.ts";

interface Trie {
  add(topic: Uint8Array): number;
  remove(topic: Uint8Array): number;
  matches(data: Uint8Array): boolean;
  readonly size: number;
}

const PASSES = Number(process.env.PASSES ?? 2);
const [impl = "new", dir = "bench/results/trie"] = process.argv.slice(2);
const runtime = "Bun" in globalThis ? "bun" : "deno";

function collect(): void {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  for (let i = 0; i < 3; i++) {
    if (g.Bun !== undefined) g.Bun.gc(true);
    else if (g.gc !== undefined) g.gc();
    else throw new Error("run Deno with --v8-flags=--expose-gc");
  }
}

function memory(): { heap: number; rss: number } {
  collect();
  const m = process.memoryUsage();
  // Bun's heapUsed already includes what it also reports as external (typed arrays' buffers)
  return { heap: runtime === "bun" ? m.heapUsed : m.heapUsed + m.external, rss: m.rss };
}

function lines(file: string): Uint8Array[] {
  const encoder = new TextEncoder();
  const text = readFileSync(`${dir}/${file}`, "latin1");
  return text.split("\n").filter((s) => s.length > 0).map((s) => encoder.encode(s));
}

function print(measure: string, value: number, unit: string): void {
  const shown = value >= 100 ? Math.round(value).toString() : value.toFixed(1);
  console.log([`edgemq-${impl}`, runtime, measure, shown, unit].join("\t"));
}

const topics = lines("topics.txt");
const messages = lines("messages.txt");
const n = topics.length;
const trie: Trie | PrefixTrie = impl === "old" ? new OldTrie() : new PrefixTrie();

const before = memory();
let t = performance.now();
for (const topic of topics) trie.add(topic);
const subscribeMs = performance.now() - t;
const after = memory();
const own = trie instanceof PrefixTrie ? trie.byteLength : 0;
if (trie.size !== n) throw new Error(`size ${trie.size}, expected ${n}`);

let hits = 0;
for (const m of messages) if (trie.matches(m)) hits++; // warm-up
t = performance.now();
for (let p = 0; p < PASSES; p++) for (const m of messages) if (trie.matches(m)) hits++;
const matchMs = performance.now() - t;

t = performance.now();
for (let i = 0; i < n; i++) trie.remove(topics[removalIndex(i, n)]!);
const unsubscribeMs = performance.now() - t;
if (trie.size !== 0) throw new Error(`size ${trie.size} after unsubscribing all`);

print("subscriptions", n, "topics");
print("bytes/sub heap+external", (after.heap - before.heap) / n, "B");
print("bytes/sub rss", (after.rss - before.rss) / n, "B");
if (own > 0) print("bytes/sub in the trie's arrays", own / n, "B");
print("subscribe", n / subscribeMs * 1000, "/s");
print("match", messages.length * PASSES / matchMs * 1000, "/s");
print("matched", hits / (PASSES + 1), "messages of " + messages.length);
print("unsubscribe", n / unsubscribeMs * 1000, "/s");
if (trie instanceof PrefixTrie) {
  print("trie's arrays after unsubscribing all", trie.byteLength / 1024, "KiB");
}
