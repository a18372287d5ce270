// The report's database section, only in a report made with --include-data: each database a
// repair from the recommended node would rebuild, its tables with row counts and first rows.
import { DATA_ROWS, type ReportDatabaseData, type ReportTableData } from '../../workflows/report-data.js';
import type { ReportOutcome } from '../../workflows/report.js';
import { html, type SafeHtml } from './escape.js';
import { table } from './details.js';

function tableBlock(t: ReportTableData): SafeHtml {
  const count = t.rows === undefined ? 'rows not counted' : `${t.rows} rows`;
  const cut = t.rows !== undefined && t.rows > BigInt(t.sample.length);
  const more = cut ? html`<p class="meta">The first ${t.sample.length} rows are shown.</p>` : '';
  const rows = t.columns.length ? table(t.columns, t.sample) : '';
  const body = t.error ? html`<p class="warn">Not readable: ${t.error}</p>` : rows;
  return html`<details><summary><code>${t.name}</code> (${count})</summary>${body}${more}</details>`;
}

export function databaseDataSection(r: ReportOutcome): SafeHtml | '' {
  const d = r.databaseData;
  if (!d) return '';
  const tables = (db: ReportDatabaseData) => (db.tables.length ? db.tables.map(tableBlock) : html`<p>No tables.</p>`);
  const databases = d.databases.length
    ? d.databases.map((db) => html`<h3>${db.database}</h3>${tables(db)}`)
    : html`<p>No database in this log.</p>`;
  const problems = d.problems.length
    ? html`<p class="warn">While rebuilding:</p><ul class="tight">${d.problems.map((p) => html`<li>${p}</li>`)}</ul>`
    : '';
  return html`<section id="data"><h2>Database contents</h2>
<p class="meta">Asked for with <code>--include-data</code>: the databases as ${d.log} rebuilds them
at index ${String(d.index)}, up to ${DATA_ROWS} rows per table.</p>
${problems}${databases}</section>`;
}
