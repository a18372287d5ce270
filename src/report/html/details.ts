// The report's later sections: a saved repair plan (with --plan), the full inspect tables of each
// node (collapsed; long tables cut, the rest counted), and what the search of the inputs met.
import type { NodeReport } from '../../analysis/inspect-report.js';
import type { PlannedFile } from '../../repair/plan/types.js';
import type { ReportOutcome } from '../../workflows/report.js';
import { formatBytes, summarizeRows } from '../style.js';
import { html, join, type HtmlValue, type SafeHtml } from './escape.js';
import { repairLines } from './sections.js';
import { fileOriginWords } from '../repair.js';
import { snapshotCells } from '../inspect.js';

/** Rows of a long table shown (first and last half); the rest are counted. */
export const TABLE_ROWS = 200;

export function table(
  head: readonly string[],
  rows: readonly (readonly HtmlValue[])[],
  numeric: readonly number[] = [],
): SafeHtml {
  const cut = summarizeRows(
    rows,
    (n): HtmlValue[] => [html`<i>… ${n} more rows (see <code>raft-rescue inspect --json</code>)</i>`],
    TABLE_ROWS,
  );
  const cell = (v: HtmlValue, i: number) =>
    numeric.includes(i) ? html`<td class="num">${v}</td>` : html`<td>${v}</td>`;
  return html`<table><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${cut.map((r) => html`<tr>${r.map(cell)}</tr>`)}</tbody></table>`;
}

const str = (v: bigint | number | null | undefined) => (v === null || v === undefined ? '-' : String(v));

const origin = (f: PlannedFile): string => fileOriginWords(f, (key) => key);

export function planSection(r: ReportOutcome): SafeHtml | '' {
  const saved = r.savedPlan;
  if (!saved) return '';
  const p = saved.plan;
  const check = saved.applies
    ? html`<p class="ok"><b>It matches the inputs</b>: <code>raft-rescue repair --plan</code> would apply it as it is.</p>`
    : html`<p class="bad"><b>It would not be applied</b>: ${saved.why ?? ''}</p>`;
  const nodes = p.outputs.map(
    (
      n,
    ) => html`<details><summary>${n.address} (ID ${n.id}, ${n.roleName}${n.isSource ? ', source' : ''}): ${n.files.length} files</summary>
${table(
  ['file', 'size', 'from'],
  n.files.map((f) => [html`<code>${f.name}</code>`, formatBytes(f.size), origin(f)]),
  [1],
)}</details>`,
  );
  return html`<section id="plan"><h2>Repair plan (<code>${saved.file}</code>)</h2>${check}${repairLines(p)}
${p.warnings.length ? html`<p class="warn">Warnings:</p><ul class="tight">${p.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
${
  p.target
    ? table(
        ['ID', 'address', 'role', 'note'],
        p.target.members.map((m) => [
          m.id,
          m.address,
          m.roleName,
          m.isNew ? 'new ID' : m.previousAddress ? `was ${m.previousAddress}` : '',
        ]),
      )
    : ''
}
${nodes}</section>`;
}

function identity(n: NodeReport): SafeHtml {
  const rows: [string, HtmlValue][] = [
    ['path', html`<code>${n.path}</code>`],
    ['info.yaml', n.info ? `ID ${n.info.id}, address ${n.info.address}, role ${n.info.role}` : 'missing'],
    [
      'cluster.yaml',
      n.cluster
        ? join(
            n.cluster.map((m) => `${m.address} ID ${m.id} role ${m.role}`),
            '; ',
          )
        : 'missing',
    ],
    ...n.metadata.map((m): [string, HtmlValue] => [
      m.file,
      `version ${str(m.version)}, term ${str(m.term)}, voted for ${str(m.votedFor)}${m.problems.length ? `; ${m.problems.join('; ')}` : ''}`,
    ]),
    [
      'log',
      `first ${str(n.log.firstIndex)}, last ${str(n.log.lastIndex)}, last term ${str(n.log.lastTerm)} (${n.segmentTotals.entries} entries in segments, ${formatBytes(n.segmentTotals.bytes)})`,
    ],
    [
      'raft configuration',
      n.configurationSource
        ? `index ${n.configurationSource.index} from ${n.configurationSource.source} (${n.configurationSource.file})`
        : 'none found',
    ],
  ];
  return html`<table><tbody>${rows.map(([k, v]) => html`<tr><th style="width: 12em">${k}</th><td>${v}</td></tr>`)}</tbody></table>`;
}

function nodeDetails(n: NodeReport): SafeHtml {
  const snapshots = n.snapshots.length
    ? table(
        ['snapshot', 'term', 'index', 'size', 'lz4', 'conf index', 'members', 'meta crc'],
        n.snapshots.map((s) => [html`<code>${s.name}</code>`, ...snapshotCells(s)]),
        [1, 2, 5, 6],
      )
    : html`<p>Snapshots: none.</p>`;
  const segments = n.segments.length
    ? table(
        ['segment', 'kind', 'indexes', 'entries', 'terms', 'size', 'bad crc', 'reader stops'],
        n.segments.map((s) => [
          html`<code>${s.name}</code>`,
          s.kind,
          s.entries ? `${s.firstIndex}-${s.lastIndex}` : '-',
          s.entries,
          s.firstTerm === null ? '-' : s.firstTerm === s.lastTerm ? str(s.firstTerm) : `${s.firstTerm}-${s.lastTerm}`,
          formatBytes(s.size),
          s.badChecksumBatches,
          s.stop ?? (s.kind === 'open' ? '-' : 'end of file'),
        ]),
        [3, 6],
      )
    : html`<p>Segments: none.</p>`;
  const members = n.configuration.length
    ? table(
        ['ID', 'address', 'raft role'],
        n.configuration.map((m) => [str(m.id), m.address, m.role]),
      )
    : '';
  const issues = n.issues.length
    ? table(
        ['file', 'offset', 'issue'],
        n.issues.map((i) => [html`<code>${i.file}</code>`, i.offset, i.message]),
        [1],
      )
    : html`<p>No decode issues.</p>`;
  const others = n.otherFiles.length
    ? table(
        ['other file', 'kind', 'size'],
        n.otherFiles.map((f) => [html`<code>${f.name}</code>`, f.kind, formatBytes(f.size)]),
      )
    : '';
  return html`<details><summary>${n.name}</summary>${identity(n)}${snapshots}${segments}${members}${issues}${others}</details>`;
}

export function inspectSection(r: ReportOutcome): SafeHtml {
  return html`<section id="inspect"><h2>Every node in full</h2>
<p class="meta">What <code>raft-rescue inspect</code> shows: every file, decoded. Click a node to open it (printing opens them all).</p>
${r.nodes.map(nodeDetails)}</section>`;
}

export function notesSection(r: ReportOutcome): SafeHtml | '' {
  const n = r.notes;
  const items: HtmlValue[] = [
    ...n.incomplete.map(
      (s) =>
        html`<li class="warn">not searched (accepted with --accept-partial-scan): <code>${s.path}</code>: ${s.reason}</li>`,
    ),
    ...n.duplicates.map(
      (d) =>
        html`<li><code>${d.archive}</code> holds ${d.copies} copies of <code>${d.member}</code> (the last was read)</li>`,
    ),
    ...n.archives.map(
      (a) =>
        html`<li>archive inside the inputs: <code>${a.path}</code>: ${a.opened ? 'opened' : (a.reason ?? 'not opened')}</li>`,
    ),
    ...n.warnings.map((w) => html`<li>${w}</li>`),
    ...n.skipped.map((s) => html`<li>skipped <code>${s.path}</code>: ${s.reason}</li>`),
  ];
  if (!items.length) return '';
  const shown = summarizeRows(items, (k) => html`<li>… ${k} more (see <code>--json</code>)</li>`, 100);
  return html`<section id="notes"><h2>About the inputs</h2><ul class="tight">${shown}</ul></section>`;
}
