// Row differences between two rebuilt databases (two nodes, or one node at two indexes): per table,
// rows only on one side and rows whose values differ, matched by a key. SQLite does the matching
// (the right image is ATTACHed to the left one's connection, read-only), so values compare by
// SQLite's rules and the key's collation; only counts and the first `limit` rows come back.
//
// The key: the primary key; else a UNIQUE index (not partial, on plain columns) whose columns hold
// no NULL on either side (dqlite-demo's `model` has UNIQUE(key) and no primary key: INSERT OR
// REPLACE gives a replaced row a new rowid, so rowids would show a change as a delete + insert);
// else the rowid. A value differs when `IS NOT` says so or its storage type differs (1 vs 1.0).
import { quoteIdentifier, type SqliteImage, type SqlValue } from './sqlite.js';

export type TableKey =
  | { readonly kind: 'primary-key' | 'unique-index'; readonly columns: readonly string[]; readonly index?: string }
  | { readonly kind: 'rowid'; readonly columns: readonly [] };

export interface RowSample {
  readonly count: bigint;
  /** The first rows, key order, all compared columns. */
  readonly rows: readonly (readonly SqlValue[])[];
}

export interface ChangedRow {
  readonly key: readonly SqlValue[];
  readonly left: readonly SqlValue[];
  readonly right: readonly SqlValue[];
}

export interface TableDiff {
  readonly table: string;
  readonly key: TableKey;
  /** Columns compared (those both sides have), in the left table's order. */
  readonly columns: readonly string[];
  /** Columns only one side has (their values are not compared). */
  readonly columnsOnlyLeft: readonly string[];
  readonly columnsOnlyRight: readonly string[];
  readonly onlyLeft: RowSample;
  readonly onlyRight: RowSample;
  /** Rows with the same key and other values: the key, then left's values, then right's. */
  readonly changed: { readonly count: bigint; readonly rows: readonly ChangedRow[] };
  readonly same: bigint;
}

export interface DatabaseDiff {
  readonly tables: readonly TableDiff[];
  readonly tablesOnlyLeft: readonly string[];
  readonly tablesOnlyRight: readonly string[];
  /** Tables that could not be compared (a virtual table, damage), with why. */
  readonly errors: readonly { readonly table: string; readonly error: string }[];
}

const RIGHT = 'rr_right';
const q = quoteIdentifier;

function tableNames(img: SqliteImage, schema: string): string[] {
  return img
    .all(
      `SELECT name FROM ${schema}.sqlite_schema WHERE type = 'table' ` +
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )
    .map((r) => String(r[0]));
}

function columnsOf(img: SqliteImage, schema: string, table: string): { name: string; pk: number }[] {
  return img
    .all('SELECT name, pk FROM pragma_table_info(?, ?)', [table, schema])
    .map((r) => ({ name: String(r[0]), pk: Number(r[1]) }));
}

function uniqueKeys(img: SqliteImage, table: string): { index: string; columns: string[] }[] {
  const sql = 'SELECT name FROM pragma_index_list(?, \'main\') WHERE "unique" = 1 AND partial = 0 ORDER BY seq DESC';
  const indexes = img.all(sql, [table]).map((r) => String(r[0]));
  return indexes.flatMap((index) => {
    const cols = img.all("SELECT cid, name FROM pragma_index_info(?, 'main') ORDER BY seqno", [index]);
    // cid is a column number (-2 for an expression, -1 for the rowid), never a raft u64.
    return cols.every((c) => Number(c[0]) >= 0) ? [{ index, columns: cols.map((c) => String(c[1])) }] : [];
  });
}

function hasNull(img: SqliteImage, schema: string, table: string, columns: readonly string[]): boolean {
  const where = columns.map((c) => `${q(c)} IS NULL`).join(' OR ');
  return img.all(`SELECT 1 FROM ${schema}.${q(table)} WHERE ${where} LIMIT 1`).length > 0;
}

type Column = { name: string; pk: number };

function chooseKey(img: SqliteImage, table: string, left: readonly Column[], rightNames: Set<string>): TableKey {
  const pk = left
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
  if (pk.length && pk.every((c) => rightNames.has(c))) return { kind: 'primary-key', columns: pk };
  for (const u of uniqueKeys(img, table)) {
    if (!u.columns.every((c) => rightNames.has(c))) continue;
    if (hasNull(img, 'main', table, u.columns) || hasNull(img, RIGHT, table, u.columns)) continue;
    return { kind: 'unique-index', columns: u.columns, index: u.index };
  }
  return { kind: 'rowid', columns: [] };
}

function differs(columns: readonly string[]): string {
  if (!columns.length) return '0';
  return columns.map((c) => `(a.${q(c)} IS NOT b.${q(c)} OR typeof(a.${q(c)}) <> typeof(b.${q(c)}))`).join(' OR ');
}

function sample(img: SqliteImage, sql: string, limit: number): RowSample {
  const count = img.all(`SELECT count(*) FROM (${sql})`)[0]![0] as bigint;
  const rows = limit <= 0 ? [] : img.all(Number.isFinite(limit) ? `${sql} LIMIT ${limit}` : sql);
  return { count: BigInt(count), rows };
}

/** `right` is attached to `left`'s connection under RR_RIGHT while it runs. */
function diffTable(left: SqliteImage, table: string, limit: number): TableDiff {
  const lcols = columnsOf(left, 'main', table);
  const rcols = columnsOf(left, RIGHT, table);
  const rnames = new Set(rcols.map((c) => c.name));
  const lnames = new Set(lcols.map((c) => c.name));
  const columns = lcols.map((c) => c.name).filter((c) => rnames.has(c));
  const key = chooseKey(left, table, lcols, rnames);
  const keyCols = key.kind === 'rowid' ? ['rowid'] : [...key.columns];
  const on = keyCols.map((c) => (key.kind === 'rowid' ? `b.rowid = a.rowid` : `b.${q(c)} IS a.${q(c)}`)).join(' AND ');
  const order = keyCols.map((c) => (key.kind === 'rowid' ? 'a.rowid' : `a.${q(c)}`)).join(', ');
  const pick = (alias: string) => columns.map((c) => `${alias}.${q(c)}`).join(', ') || `${alias}.rowid`;
  const L = `main.${q(table)}`;
  const R = `${RIGHT}.${q(table)}`;
  const missing = (from: string, other: string): string =>
    `SELECT ${pick('a')} FROM ${from} a WHERE NOT EXISTS (SELECT 1 FROM ${other} b WHERE ${on}) ORDER BY ${order}`;
  const onlyLeft = sample(left, missing(L, R), limit);
  const onlyRight = sample(left, missing(R, L), limit);
  const keyPick = keyCols.map((c) => (key.kind === 'rowid' ? 'a.rowid' : `a.${q(c)}`)).join(', ');
  const joined = `FROM ${L} a JOIN ${R} b ON ${on}`;
  const changedSql =
    `SELECT ${keyPick}, ${pick('a')}, ${pick('b')} ${joined} WHERE ${differs(columns)} ` + `ORDER BY ${order}`;
  const changedSample = sample(left, changedSql, limit);
  const n = keyCols.length;
  const w = columns.length || 1;
  const changed = {
    count: changedSample.count,
    rows: changedSample.rows.map((r) => ({ key: r.slice(0, n), left: r.slice(n, n + w), right: r.slice(n + w) })),
  };
  const matched = left.all(`SELECT count(*) ${joined}`)[0]![0] as bigint;
  return {
    table,
    key,
    columns,
    columnsOnlyLeft: lcols.map((c) => c.name).filter((c) => !rnames.has(c)),
    columnsOnlyRight: rcols.map((c) => c.name).filter((c) => !lnames.has(c)),
    onlyLeft,
    onlyRight,
    changed,
    same: BigInt(matched) - changed.count,
  };
}

export interface DiffOptions {
  readonly limit?: number;
  /** Only these tables (default: every table both hold). */
  readonly tables?: readonly string[];
}

/**
 * Every table of `left` and `right` compared, `limit` rows of each kind kept per table (default 20;
 * Infinity keeps them all).
 */
export function diffDatabases(left: SqliteImage, right: SqliteImage, options: DiffOptions = {}): DatabaseDiff {
  const limit = options.limit ?? 20;
  left.run(`ATTACH ${sqlString(right.fileName)} AS ${RIGHT}`);
  try {
    const l = tableNames(left, 'main');
    const r = tableNames(left, RIGHT);
    const rset = new Set(r);
    const lset = new Set(l);
    const wanted = options.tables ? new Set(options.tables) : undefined;
    const tables: TableDiff[] = [];
    const errors: { table: string; error: string }[] = [];
    for (const t of l.filter((x) => rset.has(x) && (!wanted || wanted.has(x)))) {
      try {
        tables.push(diffTable(left, t, limit));
      } catch (error) {
        errors.push({ table: t, error: (error as Error).message });
      }
    }
    const tablesOnlyLeft = l.filter((x) => !rset.has(x));
    return { tables, tablesOnlyLeft, tablesOnlyRight: r.filter((x) => !lset.has(x)), errors };
  } finally {
    left.run(`DETACH ${RIGHT}`);
  }
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
