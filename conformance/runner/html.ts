/**
 * The report as one self-contained HTML page (no scripts, no external files): a summary, then each
 * section as a table of cases, failures opened with their expectation and transcript.
 *
 * @module
 */
import type { CaseResult, Report } from "./report.ts";
import { transcriptLines } from "./text.ts";

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}
table{border-collapse:collapse;width:100%;margin-bottom:1.5em}td{border-top:1px solid #ddd;padding:.3em .5em;vertical-align:top}
.pass{color:#17702a}.fail{color:#b3261e;font-weight:bold}.skip{color:#777}.error{color:#a15c00;font-weight:bold}
pre{background:#f6f6f6;padding:.5em;overflow-x:auto;font-size:12px}code{font-size:12px}.sum span{margin-right:1.5em}`;

const LABEL = { pass: "PASS", fail: "FAIL", skip: "N/A", error: "ERROR" } as const;

function row(r: CaseResult): string {
  const detail: string[] = [];
  if (r.status === "fail") {
    detail.push(
      `<div>expected: ${esc(r.expected ?? "")}</div><div>observed: ${esc(r.observed ?? "")}</div>`,
    );
  }
  if (r.status === "error") detail.push(`<div>error: ${esc(r.error ?? "")}</div>`);
  if (r.status === "skip") detail.push(`<div>${esc(r.reason ?? "")}</div>`);
  if (r.differs !== undefined) detail.push(`<div><i>${esc(r.differs)}</i></div>`);
  for (const n of r.notes) detail.push(`<div>${esc(n)}</div>`);
  if (r.transcript.length > 0) {
    detail.push(
      `<details open><summary>bytes sent (&gt;) and seen (&lt;)</summary><pre>${
        esc(transcriptLines(r.transcript).join("\n"))
      }</pre></details>`,
    );
  }
  return `<tr><td class="${r.status}">${LABEL[r.status]}</td><td>${esc(r.name)}${
    detail.join("")
  }</td><td>${r.durationMs} ms</td></tr>`;
}

/**
 * The report as a self-contained HTML page.
 *
 * @example
 * ```ts ignore
 * import { reportHtml } from "./html.ts";
 * await Deno.writeTextFile("report.html", reportHtml(report));
 * ```
 */
export function reportHtml(report: Report): string {
  const s = report.summary;
  const t = report.target;
  const sections = new Map<string, CaseResult[]>();
  for (const r of report.results) sections.set(r.section, [...(sections.get(r.section) ?? []), r]);
  const body = [...sections].map(([name, rs]) =>
    `<h2>${esc(name)}</h2><table>${rs.map(row).join("\n")}</table>`
  ).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Conformance: ${esc(report.implementation)}</title><style>${STYLE}</style></head><body>
<h1>${esc(report.implementation)}</h1>
<p>${esc(t.wire)} ${esc(t.type)} at <code>${esc(t.url)}</code> (the runner ${esc(t.role)}s); ${
    esc(report.runner.runtime)
  }, ${esc(report.runner.startedAt)}, step deadline ${report.runner.stepMs} ms</p>
<p class="sum"><span class="pass">${s.passed} passed</span><span class="fail">${s.failed} failed</span><span class="skip">${s.skipped} not applicable</span><span class="error">${s.errors} errors</span><span>${s.total} cases</span></p>
${body}
</body></html>
`;
}
