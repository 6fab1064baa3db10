// Keeps package-lock.json the same under npm 10 (bundled with Node 20) and
// npm 11, so that `npm install` on a fresh clone leaves the tree clean with
// either (issue #10).
//
// The lock lists every platform's optional binary of deno, bun and esbuild
// (@deno/*, @oven/bun-*, @esbuild/*): npm records all of them so that one lock
// serves every platform, and a lock written without them (as the one before
// commit 310ad71 was, missing five @deno/* entries: 68 lines) is completed by
// the next fresh install. npm 11 also writes each entry's "libc" (glibc or
// musl) and npm 10 deletes those fields (18 lines here); npm 11 keeps a lock
// without them. So the committed lock has none.
// The price: without "libc", npm 11 on glibc Linux also fetches
// @oven/bun-linux-x64-musl, which bun's installer then leaves unused.
//
//   node scripts/lock_portable.mjs          rewrite the lock (after adding or updating a package)
//   node scripts/lock_portable.mjs --check  exit 1 if it needs rewriting
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const text = readFileSync(path, "utf8");
const lock = JSON.parse(text);
for (const entry of Object.values(lock.packages ?? {})) delete entry.libc;
const portable = JSON.stringify(lock, null, 2) + "\n"; // npm's own layout

if (process.argv.includes("--check")) {
  if (portable !== text) {
    console.error("package-lock.json has npm 11's libc fields: run node scripts/lock_portable.mjs");
    process.exit(1);
  }
} else if (portable !== text) {
  writeFileSync(path, portable);
  console.log("package-lock.json: libc fields removed");
}
