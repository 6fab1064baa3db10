/**
 * The subscription workload of `bench/trie/`, written to files so that the TypeScript and the C
 * programs read exactly the same bytes. Deterministic (a seeded generator), ASCII, one per line:
 *
 * - `topics.txt`: N distinct topics in subscription order, 3/4 of them `sensor/<region>/<id>`
 *   (40 regions, ids below 10^6, so ids share prefixes and some ids are prefixes of others) and
 *   1/4 random strings of 8 to 24 base64url characters.
 * - `messages.txt`: 2N messages `<topic> <payload>`: half start with a subscribed topic, a quarter
 *   are `sensor/<region>/<random id>` (which match only if a subscribed id is a prefix), a quarter
 *   random strings; shuffled.
 *
 * Unsubscribing goes in the order `i * 7919 mod N` (7919 is prime to N = 10^6), not in the
 * subscription order.
 *
 * @example
 * ```sh
 * deno run -A bench/trie/workload.ts bench/results/trie 1000000
 * ```
 *
 * @module
 */

/** mulberry32: a small seeded generator of 32-bit values. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const AREAS = [
  "eu-west",
  "eu-central",
  "us-east",
  "us-west",
  "ap-south",
  "ap-northeast",
  "sa-east",
];
const REGIONS = [...AREAS, "af-south"].flatMap((a) => [1, 2, 3, 4, 5].map((k) => `${a}-${k}`));

/** The workload for `n` subscriptions. */
export function workload(n: number): { topics: string[]; messages: string[] } {
  const next = generator(0x5eed);
  const below = (k: number) => next() % k;
  const randomText = () => {
    let s = "";
    for (let i = 8 + below(17); i > 0; i--) s += ALPHABET[below(64)];
    return s;
  };
  const seen = new Set<string>();
  const topics: string[] = [];
  const add = (t: string) => !seen.has(t) && (seen.add(t), topics.push(t));
  while (topics.length < Math.floor(n * 3 / 4)) {
    add(`sensor/${REGIONS[below(REGIONS.length)]}/${below(1_000_000)}`);
  }
  while (topics.length < n) add(randomText());
  shuffle(topics, below);
  const messages: string[] = [];
  for (let i = 0; i < 2 * n; i++) {
    const kind = below(4);
    const payload = ` ${below(1000) / 10}`;
    if (kind < 2) messages.push(topics[below(n)] + payload);
    else if (kind === 2) {
      messages.push(`sensor/${REGIONS[below(REGIONS.length)]}/${below(1_000_000)}${payload}`);
    } else messages.push(randomText() + payload);
  }
  shuffle(messages, below);
  return { topics, messages };
}

function shuffle<T>(a: T[], below: (k: number) => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = below(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}

/** The position of the i-th unsubscribe among `n` topics. */
export function removalIndex(i: number, n: number): number {
  return (i * 7919) % n;
}

if (import.meta.main) {
  const process = (await import("node:process")).default;
  const [dir = "bench/results/trie", count = "1000000"] = process.argv.slice(2);
  const n = Number(count);
  if (n % 7919 === 0) throw new Error("the count must not be a multiple of 7919");
  const { topics, messages } = workload(n);
  const fs = await import("node:fs");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(`${dir}/topics.txt`, topics.join("\n") + "\n");
  fs.writeFileSync(`${dir}/messages.txt`, messages.join("\n") + "\n");
}
