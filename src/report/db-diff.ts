// Rendering of `db diff` (its document, workflows/documents/db-diff.ts): per pair of logs, per
// database, each table that differs with its counts and the first rows of each kind.
import type {
  DbDatabaseDiffDocument,
  DbDiffDocument,
  DbDiffPairDocument,
  DbSideDocument,
  DbTableDiffDocument,
} from '../workflows/documents/db-diff.js';
import { logWords, valueCell } from './db.js';
import { printable } from './printable.js';
import { chalkFor, indent, table, type RenderOptions } from './style.js';

function sideWords(s: DbSideDocument): string {
  return `${s.log.kind === 'repair' ? `repair of ${printable(s.log.node)}` : printable(s.log.node)}${s.index ? ` at ${s.index}` : ''}`;
}

function keyWords(t: DbTableDiffDocument): string {
  if (t.key.kind === 'rowid') return 'rowid';
  return `${t.key.kind === 'primary-key' ? 'primary key' : 'unique index'} ${t.key.columns.map(printable).join(', ')}`;
}

function tableBlock(t: DbTableDiffDocument, left: string, right: string, o: RenderOptions): string[] {
  const lines = [
    `table ${printable(t.table)} (rows matched by ${keyWords(t)}): ${t.onlyLeft.count} only in ${left}, ` +
      `${t.onlyRight.count} only in ${right}, ${t.changed.count} changed, ${t.same} the same`,
  ];
  const cols = t.columns.length ? [...t.columns] : ['rowid'];
  const sample = (what: string, s: DbTableDiffDocument['onlyLeft']) => {
    if (!s.rows.length) return;
    const more =
      BigInt(s.count) > BigInt(s.rows.length)
        ? ` (first ${s.rows.length} of ${s.count}; --limit or --json for more)`
        : '';
    lines.push(
      `  only in ${what}${more}:`,
      indent(
        table(
          cols,
          s.rows.map((r) => r.map(valueCell)),
          o,
        ),
        2,
      ),
    );
  };
  sample(left, t.onlyLeft);
  sample(right, t.onlyRight);
  if (t.changed.rows.length) {
    const more =
      BigInt(t.changed.count) > BigInt(t.changed.rows.length)
        ? ` (first ${t.changed.rows.length} of ${t.changed.count})`
        : '';
    const rows = t.changed.rows.flatMap((r) =>
      cols.flatMap((col, i) => {
        const [a, b] = [r.left[i] ?? null, r.right[i] ?? null];
        return JSON.stringify(a) === JSON.stringify(b)
          ? []
          : [[r.key.map(valueCell).join(', '), col, valueCell(a), valueCell(b)]];
      }),
    );
    lines.push(`  changed${more}:`, indent(table(['key', 'column', left, right], rows, o), 2));
  }
  if (t.columnsOnlyLeft.length || t.columnsOnlyRight.length) {
    lines.push(
      `  columns only in ${left}: ${t.columnsOnlyLeft.map(printable).join(', ') || 'none'}; ` +
        `only in ${right}: ${t.columnsOnlyRight.map(printable).join(', ') || 'none'}`,
    );
  }
  return lines;
}

function databaseBlock(d: DbDatabaseDiffDocument, left: string, right: string, o: RenderOptions): string[] {
  const head = `database ${printable(d.name)}${d.only ? ` (only in ${d.only === 'left' ? left : right})` : ''}:`;
  const lines = [head];
  if (d.error) lines.push(`  ${printable(d.error)}`);
  for (const t of d.tablesOnlyLeft) lines.push(`  table ${printable(t.name)} only in ${left} (${t.rows ?? '?'} rows)`);
  for (const t of d.tablesOnlyRight)
    lines.push(`  table ${printable(t.name)} only in ${right} (${t.rows ?? '?'} rows)`);
  for (const t of d.tables) lines.push(...tableBlock(t, left, right, o).map((l) => indent(l, 2)));
  for (const e of d.errors) lines.push(`  table ${printable(e.table)} not compared: ${printable(e.error)}`);
  if (d.tablesSame.length) lines.push(`  the same in both: ${d.tablesSame.map(printable).join(', ')}`);
  return lines;
}

function pairBlock(p: DbDiffPairDocument, o: RenderOptions): string {
  const c = chalkFor(o);
  const [left, right] = [sideWords(p.left), sideWords(p.right)];
  const head = c.bold(`${left} vs ${right}`);
  const about = [`  left: ${logWords(p.left.log)}`, `  right: ${logWords(p.right.log)}`];
  if (p.right.error) return [head, ...about, c.yellow(`  not compared: ${printable(p.right.error)}`)].join('\n');
  const body = p.databases.flatMap((d) => databaseBlock(d, left, right, o));
  const same = p.same.length ? [`identical: ${p.same.map(printable).join(', ')}`] : [];
  if (!body.length && !same.length) body.push('no database on either side');
  return [head, ...about, ...body.concat(same).map((l) => indent(l, 2))].join('\n');
}

export function renderDbDiff(doc: DbDiffDocument, o: RenderOptions): string {
  if (!doc.pairs.length) return 'Nothing to compare: one node only.\n';
  return `${doc.pairs.map((p) => pairBlock(p, o)).join('\n\n')}\n`;
}
