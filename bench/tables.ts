/**
 * Prints the markdown tables of bench/README.md from a report of bench/run.sh, so that the
 * figures quoted there are copied by a program, not by hand.
 *
 * usage: deno run -A bench/tables.ts bench/results/bench-<stamp>.txt
 *
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";

type Row = { peer: string; trans: string; size: number; cells: string[] };

/** Parses the rows of one "== ..." section: the median (first word) of each column. */
function section(lines: string[], heading: string): Row[] {
  const start = lines.findIndex((l) => l.startsWith(`== ${heading}`));
  if (start < 0) throw new Error(`no section "${heading}"`);
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === "" || line.startsWith("==") || line.startsWith("#")) break;
    const [peer, trans, size, ...rest] = line.trim().split(/\s+/);
    const cells = rest.filter((w) => !w.startsWith("[")); // drop the [min-max] ranges
    rows.push({ peer: peer!, trans: trans!, size: Number(size), cells });
  }
  return rows;
}

const TRANSPORTS = ["tcp", "ipc", "inproc"];
const SIZES = [64, 1024, 65536];

function table(
  rows: Row[],
  columns: Column[],
  cell: (r: Row) => string,
  transports = TRANSPORTS,
): string {
  const out = [
    `| transport |  size | ${columns.map((c) => c.title).join(" | ")} |`,
    `| --------- | ----: | ${columns.map(() => "---").join(" | ")} |`,
  ];
  for (const trans of transports) {
    for (const size of SIZES) {
      const values = columns.map((c) => {
        const peer = trans === "inproc" && c.inproc !== undefined ? c.inproc : c.peer;
        const r = rows.find((x) => x.peer === peer && x.trans === trans && x.size === size);
        return r === undefined ? "–" : cell(r);
      });
      out.push(`| ${trans} | ${size} | ${values.join(" | ")} |`);
    }
  }
  return out.join("\n");
}

// edgemq's inproc hands the message itself over: at 64 KiB its "MB/s" means nothing (README †)
const thrCell = (r: Row): string =>
  r.peer.startsWith("edgemq") && r.trans === "inproc" && r.size === 65536
    ? `${r.cells[0]} (†)`
    : `${r.cells[0]} (${r.cells[1]} MB/s)`;
const latCell = (r: Row): string => `${r.cells[0]} (${r.cells[1]} / ${r.cells[2]})`;

const file = process.argv[2];
if (file === undefined) {
  console.error("usage: deno run -A bench/tables.ts bench/results/bench-<stamp>.txt");
  process.exit(2);
}
const lines = readFileSync(file, "utf8").split("\n");
const thr = section(lines, "Throughput");
const lat = section(lines, "Latency");
type Column = { title: string; peer: string; inproc?: string };
const LIBZMQ: Column = { title: "libzmq C", peer: "zmq" };
const NNG: Column = { title: "NNG C", peer: "nng", inproc: "nng-inproc" };
const ZMQJS: Column = { title: "zeromq.js Node", peer: "zmqjs-node" };
const SP: Column[] = [
  { title: "**edgemq Deno**", peer: "edgemq-deno" },
  { title: "**edgemq Bun**", peer: "edgemq-bun" },
];
const SP_BESIDE: Column[] = [
  { title: "edgemq SP Deno", peer: "edgemq-deno" },
  { title: "edgemq SP Bun", peer: "edgemq-bun" },
];
const ZMTP: Column[] = [
  { title: "**edgemq ZMTP Deno**", peer: "edgemq-zmtp-deno" },
  { title: "**edgemq ZMTP Bun**", peer: "edgemq-zmtp-bun" },
];

const sections: [string, Row[], Column[], (r: Row) => string][] = [
  ["SP throughput PUSH → PULL: msgs/s (MB/s)", thr, [LIBZMQ, NNG, ZMQJS, ...SP, {
    title: "edgemq Deno, await each send",
    peer: "edgemq-deno-await1",
  }, { title: "edgemq Bun, await each send", peer: "edgemq-bun-await1" }], thrCell],
  ["SP latency REQ ↔ REP: mean RTT in µs (p50 / p99)", lat, [LIBZMQ, NNG, ZMQJS, ...SP], latCell],
  ["ZMTP throughput PUSH → PULL: msgs/s (MB/s)", thr, [LIBZMQ, ZMQJS, ...ZMTP, ...SP_BESIDE, {
    title: "ZMTP Deno, await each",
    peer: "edgemq-zmtp-deno-await1",
  }, { title: "ZMTP Bun, await each", peer: "edgemq-zmtp-bun-await1" }], thrCell],
  ["ZMTP latency REQ ↔ REP: mean RTT in µs (p50 / p99)", lat, [
    LIBZMQ,
    ZMQJS,
    ...ZMTP,
    ...SP_BESIDE,
  ], latCell],
];
console.log(
  sections.map(([title, rows, columns, cell]) => `### ${title}\n\n${table(rows, columns, cell)}`)
    .join("\n\n"),
);
