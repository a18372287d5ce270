// The incident report: one self-contained HTML file (inline CSS, inline SVG, a small inline
// script, no external reference) a support engineer attaches to a ticket. The summary comes
// first, then the log map, each node's start-up, the findings, the ranking, a saved plan, and
// every node in full (collapsed). Built from templates (report/html/), every value escaped.
import type { ReportOutcome } from '../workflows/report.js';
import { REPORT_CSS, REPORT_SCRIPT } from './html/assets.js';
import { databaseDataSection } from './html/data.js';
import { inspectSection, notesSection, planSection } from './html/details.js';
import { html, raw, type SafeHtml } from './html/escape.js';
import { findingsSection, rankingSection, startupSection, summarySection } from './html/sections.js';
import { renderMapSvg } from './map-svg.js';

const LEGEND: readonly [string, string][] = [
  ['<rect width="22" height="12" fill="#4caf50"/>', 'loaded at start-up (closed segment)'],
  ['<rect width="22" height="12" fill="#26a6b8"/>', 'loaded (open segment)'],
  ['<rect width="22" height="12" fill="url(#p-off)" stroke="#aaa"/>', 'on disk, not loaded'],
  ['<rect width="22" height="12" fill="url(#p-aside)"/>', 'moved aside at start-up (entries dropped)'],
  ['<rect width="22" height="12" fill="#e57373"/>', 'the file start-up fails on'],
  ['<rect width="22" height="12" fill="url(#p-gap)" stroke="#b03090"/>', 'no file holds these indexes'],
  ['<rect width="22" height="12" fill="url(#p-dmg)"/>', 'damaged bytes'],
  ['<path d="M11 0 L17 6 L11 12 L5 6 Z" fill="#1f4fd1"/>', 'snapshot start-up uses (hollow: an older one)'],
  ['<path d="M11 0 L18 12 L4 12 Z" fill="#c62828"/>', 'start-up fails, hangs or crashes here'],
  [
    '<line x1="11" x2="11" y1="0" y2="12" stroke="#5e35b1" stroke-width="2" stroke-dasharray="3 2"/>',
    'the term changes',
  ],
  ['<text x="11" y="11" text-anchor="middle" font-size="14" fill="#b26a00">★</text>', 'the node to keep'],
];

function mapSection(r: ReportOutcome): SafeHtml {
  const legend = LEGEND.map(
    ([shape, words]) => html`<span><svg width="22" height="12" aria-hidden="true">${raw(shape)}</svg> ${words}</span>`,
  );
  return html`<section id="map"><h2>Log map</h2>
<p class="meta">One row per node over the same indexes (${String(r.map.axis.from)} to ${String(r.map.axis.to)}). Point at a mark for its file, index, term and byte offset; drag across the map, or give a range, to zoom.</p>
<div class="controls">indexes <input id="zoom-from" aria-label="from index"> to <input id="zoom-to" aria-label="to index"> <button id="zoom-apply" type="button">zoom</button> <button id="zoom-reset" type="button">whole log</button></div>
${renderMapSvg(r.map)}
<div class="legend">${legend}</div></section>`;
}

export function renderHtmlReport(r: ReportOutcome): string {
  const best = r.ranking.best?.name;
  const page = html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>raft-rescue report${best ? `: keep ${best}` : ''}</title>
<style>${raw(REPORT_CSS)}</style></head>
<body>
<header><h1>raft-rescue incident report</h1>
<p class="meta">${r.tool}${r.generatedAt ? `, made ${r.generatedAt}` : ''}; engine ${r.verdicts[0]?.engine.name ?? '-'}; inputs: ${r.inputs.map((p, i) => html`${i ? ', ' : ''}<code>${p}</code>`)}.${r.databaseData ? ' It holds values from the databases (asked for with --include-data): handle it as the data itself.' : ' No values from the databases are in this report.'}</p></header>
${summarySection(r)}
${mapSection(r)}
${startupSection(r)}
${findingsSection(r)}
${rankingSection(r)}
${planSection(r)}
${databaseDataSection(r)}
${inspectSection(r)}
${notesSection(r)}
<div id="tip" role="tooltip"></div>
<script>${raw(REPORT_SCRIPT)}</script>
</body></html>
`;
  return page.text;
}
