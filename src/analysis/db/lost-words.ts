// Lost data (lost-data.ts) in one sentence, as rank, check and repair's plan print it beside the
// index range: "37 transactions touching table instances (12 rows: 10 inserted, 2 updated) and
// operations (25 rows: 25 inserted) of database db.bin".
import type { DatabaseLoss, LostData, TableLoss } from './lost-data.js';

const plural = (n: number | bigint, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 || n === 1n ? one : many}`;

function range(r: { from: bigint; to: bigint | undefined }): string {
  if (r.to === undefined) return `${r.from} and after (a count never written)`;
  return r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`;
}

function tableWords(t: TableLoss): string {
  const parts = [
    [t.inserted, 'inserted'],
    [t.updated, 'updated'],
    [t.deleted, 'deleted'],
  ] as const;
  const kinds = parts
    .filter(([n]) => n > 0n)
    .map(([n, w]) => `${n} ${w}`)
    .join(', ');
  return `${t.table} (${plural(t.inserted + t.updated + t.deleted, 'row')}: ${kinds})`;
}

function list(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function databaseWords(d: DatabaseLoss, several: boolean): string {
  const tables = d.tables ?? [];
  const where = `database ${d.name}`;
  if (!tables.length) return several ? `${where} (no row differs)` : '';
  const t = `${tables.length === 1 ? 'table' : 'tables'} ${list(tables.map(tableWords))}`;
  return several ? `${where}: ${t}` : `${t} of ${where}`;
}

function comparedWords(d: LostData): string {
  const tx = plural(d.transactions, 'transaction');
  const changed = d.databases.filter((x) => x.tables?.length);
  if (!changed.length) {
    return d.transactions ? `${tx}, after which no row differs from the data kept` : 'no database transaction';
  }
  const several = changed.length > 1;
  const parts = changed.map((x) => databaseWords(x, several));
  return `${tx} touching ${several ? parts.join('; ') : parts[0]}`;
}

function readableWords(d: LostData): string {
  const readable = d.readable.map((r) => range({ from: r.from, to: r.to })).join(', ');
  const dbs = d.databases.filter((x) => x.transactions > 0 || x.pages > 0);
  const what = dbs.length
    ? `${plural(d.transactions, 'transaction')} writing ${list(dbs.map((x) => `${plural(x.pages, 'page')} of database ${x.name}`))}`
    : 'no database transaction';
  return `the entries that can be read (${readable}) are ${what}; their rows cannot be compared without the entries before them`;
}

/** The sentence for people. */
export function lostDataWords(d: LostData): string {
  const bad = d.undecodable ? ` (${plural(d.undecodable, 'entry', 'entries')} not decodable as dqlite commands)` : '';
  if (d.rows === 'compared') return `${comparedWords(d)}${bad}`;
  const parts: string[] = [];
  if (d.unreadable.length) {
    const one = d.unreadable.length === 1 && d.unreadable[0]!.from === d.unreadable[0]!.to;
    const what = `${one ? 'entry' : 'entries'} ${d.unreadable.map(range).join(', ')}`;
    parts.push(`the source's log does not hold ${what} readable, so what ${one ? 'it' : 'they'} changed is unknown`);
  }
  if (d.problem) parts.push(`the data could not be examined: ${d.problem}`);
  else if (d.readable.length) parts.push(`${readableWords(d)}${bad}`);
  return parts.join('; ');
}
