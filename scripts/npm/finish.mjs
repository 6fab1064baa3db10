// Second half of scripts/build_npm.sh: turns tsc's output in npm/esm into an
// npm package. Run with plain Node (no TypeScript needed): node finish.mjs <out dir>
//
// 1. transports/_backend.js picks a runtime backend by dynamic import. Its
//    three imports become package "imports" (#runtime/deno, #runtime/bun,
//    #runtime/node), whose conditions give each runtime its own backend and
//    give browsers and workerd a stub, so that a bundler never follows
//    node:net or Bun's or Deno's globals there (Node's subpath imports:
//    https://nodejs.org/api/packages.html#subpath-imports).
// 2. tsc rewrites ".ts" to ".js" in JavaScript (rewriteRelativeImportExtensions)
//    but leaves ".ts" in declaration files; older TypeScript consumers cannot
//    resolve those, so they are rewritten to ".js" here too.
// 3. package.json for publishing, from the root one; LICENSE and README.md.
// 4. the edgecat command (`npx edgecat`, `bunx edgecat`): its Deno shebang becomes Node's (bunx
//    runs a Node shebang with Bun when given --bun, and with Node otherwise).
// Every rewrite must match what it expects, or the build fails.
import { chmodSync, copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];
if (!out) throw new Error("usage: node scripts/npm/finish.mjs <out dir>");
const root = new URL("../../", import.meta.url).pathname;
const esm = join(out, "esm");
const RUNTIMES = ["deno", "bun", "node"];
const stub = "./esm/transports/runtime/unavailable.js";

// 1. the backend loader
const loaderPath = join(esm, "transports", "_backend.js");
let loader = readFileSync(loaderPath, "utf8");
for (const name of RUNTIMES) {
  const from = `import("./runtime/${name}.js")`;
  if (loader.split(from).length !== 2) {
    throw new Error(`${loaderPath}: expected ${from} exactly once (did _backend.ts change?)`);
  }
  loader = loader.replace(from, `import("#runtime/${name}")`);
}
writeFileSync(loaderPath, loader);
copyFileSync(
  join(root, "scripts", "npm", "unavailable.js"),
  join(esm, "transports", "runtime", "unavailable.js"),
);

// 2. relative ".ts" specifiers left in .d.ts files; none may be left in .js files
const relativeTs = /(["'])(\.\.?\/[^"'\s]*?)\.ts\1/g;
for (const file of readdirSync(esm, { recursive: true })) {
  const path = join(esm, String(file));
  if (path.endsWith(".d.ts")) {
    writeFileSync(path, readFileSync(path, "utf8").replace(relativeTs, "$1$2.js$1"));
  } else if (path.endsWith(".js")) {
    const code = readFileSync(path, "utf8").split("\n").filter((l) => !/^\s*(\*|\/\/)/.test(l));
    const left = code.find((l) => /(?:from |import\()["']\.\.?\/[^"']*\.ts["']/.test(l));
    if (left) throw new Error(`${path}: import of a .ts file left in JavaScript: ${left}`);
  }
}

// 3. the package's manifest
const source = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const manifest = {
  name: source.name,
  version: source.version,
  description: source.description,
  license: source.license,
  type: "module",
  engines: { node: ">=20" },
  types: "./esm/mod.d.ts",
  exports: {
    ".": { types: "./esm/mod.d.ts", default: "./esm/mod.js" },
    "./package.json": "./package.json",
  },
  // Conditions are matched in order; the first that the runtime or bundler sets wins.
  imports: {
    "#runtime/deno": { deno: "./esm/transports/runtime/deno.js", default: stub },
    "#runtime/bun": { bun: "./esm/transports/runtime/bun.js", default: stub },
    "#runtime/node": {
      browser: stub,
      workerd: stub,
      default: "./esm/transports/runtime/node.js",
    },
  },
  bin: { edgecat: "./esm/cli/edgecat.js" },
  files: ["esm/", "LICENSE", "README.md"],
  keywords: ["zeromq", "zmq", "zmtp", "nanomsg", "nng", "sp", "messaging", "deno", "bun"],
};
writeFileSync(join(out, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
for (const file of ["LICENSE", "README.md"]) copyFileSync(join(root, file), join(out, file));

// 4. the edgecat command
const cat = join(esm, "cli", "edgecat.js");
const catSource = readFileSync(cat, "utf8");
const denoShebang = "#!/usr/bin/env -S deno run -A\n";
if (!catSource.startsWith(denoShebang)) throw new Error(`${cat}: expected the Deno shebang first`);
writeFileSync(cat, "#!/usr/bin/env node\n" + catSource.slice(denoShebang.length));
chmodSync(cat, 0o755);
