// Rendering of the `db` operations (their documents, workflows/db*.ts): the databases of a log
// at an index, a query's answer, what an export wrote. Values from the databases are user data:
// cells pass through printable() (in table()), long values are cut, blobs shown as X'…'.
import type {
  DbSourceDocument,
  DbProblemDocument,
  DbStartDocument,
  SqlValueDocument,
} from '../workflows/documents/db.js';
import type { DbExportDocument } from '../workflows/db-export.js';
import type { DbListDocument, DbQueryDocument } from '../workflows/db.js';
import { printable } from './printable.js';
import { chalkFor, formatBytes, summarizeRows, table, type RenderOptions } from './style.js';

const CELL_MAX = 80;

/** A SQL value for a table cell: NULL, numbers, text cut at 80 characters, blobs as X'hex'. */
export function valueCell(v: SqlValueDocument): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') return `X'${v.blob.length > 64 ? `${v.blob.slice(0, 64)}…` : v.blob}'`;
  return v.length > CELL_MAX ? `${v.slice(0, CELL_MAX - 1)}…` : v;
}

/** Which log, in words: "what repair leaves (the recommended source … )" or "node X's own log". */
export function logWords(log: DbSourceDocument): string {
  const engine = `engine ${log.engine.name}`;
  if (log.kind === 'node') return `${printable(log.node)}'s own log (${engine})`;
  const need =
    log.repair?.need === 'lossy'
      ? ', a repair that loses entries'
      : log.repair?.need === 'lossless'
        ? ', a repair that keeps every entry'
        : '';
  return `what a repair leaves: the recommended source ${printable(log.node)}${need} (${engine})`;
}

function startWords(start: DbStartDocument): string {
  return start.kind === 'snapshot'
    ? `snapshot ${printable(start.name)} (index ${start.index}) and the log after it`
    : 'the log from index 1 (no snapshot used)';
}

export function problemLines(problems: readonly DbProblemDocument[], omitted: number, o: RenderOptions): string[] {
  if (!problems.length) return [];
  const c = chalkFor(o);
  const shown = summarizeRows(
    problems.map((p) => `  - ${p.severity}: ${printable(p.message)}`),
    (n) => `  … ${n} more (--json lists them)`,
  );
  const more = omitted ? [`  … and ${omitted} more not kept`] : [];
  return ['', c.yellow('Problems while rebuilding:'), ...shown, ...more];
}

export function renderDbList(doc: DbListDocument, o: RenderOptions): string {
  const c = chalkFor(o);
  const lines = [`Databases at index ${doc.index} of ${logWords(doc.log)}, from ${startWords(doc.start)}.`];
  for (const l of doc.log.repair?.lost ?? []) {
    lines.push(
      c.yellow(`The repair loses entries ${l.from}-${l.to ?? '?'}${l.data ? `: ${printable(l.data.words)}` : ''}.`),
    );
  }
  if (!doc.databases.length) lines.push('No database: no FRAMES command up to this index.');
  else {
    const rows = doc.databases.map((d) => [
      printable(d.name),
      d.pageSize,
      d.pages,
      formatBytes(d.bytes),
      d.changedAt,
      d.error ? c.yellow('not opened') : d.integrity ? (d.integrity.ok ? 'ok' : c.red('FAILS')) : '-',
    ]);
    lines.push('', table(['database', 'page size', 'pages', 'size', 'changed at index', 'integrity_check'], rows, o));
    const tables = doc.databases.flatMap((d) =>
      (d.tables ?? []).map((t) => [
        printable(d.name),
        printable(t.name),
        t.rows ?? `? (${printable(t.error ?? 'unreadable')})`,
      ]),
    );
    if (tables.length)
      lines.push(
        '',
        table(
          ['database', 'table', 'rows'],
          summarizeRows(tables, (n) => ['…', `${n} more tables`, '']),
          o,
        ),
      );
    for (const d of doc.databases) {
      if (d.error) lines.push(`${printable(d.name)}: ${printable(d.error)}`);
      if (d.integrity && !d.integrity.ok)
        lines.push(
          c.red(`${printable(d.name)}: integrity_check: ${d.integrity.messages.slice(0, 5).map(printable).join('; ')}`),
        );
    }
  }
  lines.push(...problemLines(doc.problems, doc.problemsOmitted, o));
  return `${lines.join('\n')}\n`;
}

export function renderDbQuery(doc: DbQueryDocument, o: RenderOptions): string {
  const head = doc.columns.length ? [...doc.columns] : ['(no columns)'];
  const t = table(
    head,
    doc.rows.map((r) => r.map(valueCell)),
    o,
  );
  const where =
    `${doc.rows.length} row${doc.rows.length === 1 ? '' : 's'} from database ${printable(doc.database)} at index ${doc.index}` +
    ` (${doc.log === 'repair' ? `what a repair from ${printable(doc.node)} leaves` : `${printable(doc.node)}'s own log`})`;
  const more = doc.truncated ? '; more rows followed: raise --max-rows' : '';
  return `${t}\n${where}${more}.\n${problemLines(doc.problems, 0, o).join('\n')}${doc.problems.length ? '\n' : ''}`;
}

export function renderDbExport(doc: DbExportDocument, o: RenderOptions): string {
  const rows = doc.files.map((f) => [
    printable(f.path),
    printable(f.database),
    f.kind === 'database' ? 'SQLite database' : 'SQL dump',
    formatBytes(f.size),
  ]);
  const lines = [
    `Wrote ${printable(doc.out)}${doc.format === 'directory' ? '' : ` (${doc.format})`}: the databases at index ${doc.index} of ${logWords(doc.log)}.`,
    table(['file', 'database', 'what', 'size'], rows, o),
    'raft-rescue-export.json lists each file with its sha256.',
  ];
  if (doc.replaced) lines.push(`The previous ${printable(doc.out)} was moved to ${printable(doc.replaced)}.`);
  lines.push(...problemLines(doc.problems, 0, o));
  return `${lines.join('\n')}\n`;
}
