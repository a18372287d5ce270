// `db diff --json`: per pair of logs, per database and table, the key rows are matched by, the
// counts, and the rows (values as in documents/db.ts).
import type { TableDiff } from '../../analysis/db/table-diff.js';
import type { DatabaseComparison, DbDiffPair, DbSide } from '../db-diff.js';
import {
  dbProblemDocument,
  dbSourceDocument,
  sqlValueDocument,
  type DbProblemDocument,
  type DbSourceDocument,
  type SqlValueDocument,
} from './db.js';
import { dec, type Dec, type InputNotesDocument } from './verdict.js';

type Rows = readonly (readonly SqlValueDocument[])[];

export interface DbTableDiffDocument {
  readonly table: string;
  /** primary-key, unique-index (its columns) or rowid. */
  readonly key: { readonly kind: string; readonly columns: readonly string[]; readonly index: string | null };
  readonly columns: readonly string[];
  readonly columnsOnlyLeft: readonly string[];
  readonly columnsOnlyRight: readonly string[];
  readonly onlyLeft: { readonly count: Dec; readonly rows: Rows };
  readonly onlyRight: { readonly count: Dec; readonly rows: Rows };
  readonly changed: {
    readonly count: Dec;
    readonly rows: readonly {
      readonly key: readonly SqlValueDocument[];
      readonly left: readonly SqlValueDocument[];
      readonly right: readonly SqlValueDocument[];
    }[];
  };
  readonly same: Dec;
}

export interface DbDatabaseDiffDocument {
  readonly name: string;
  /** left / right: the database exists on that side only. */
  readonly only: 'left' | 'right' | null;
  /** Tables whose rows or columns differ. */
  readonly tables: readonly DbTableDiffDocument[];
  /** Tables both sides hold with the same rows. */
  readonly tablesSame: readonly string[];
  readonly tablesOnlyLeft: readonly { readonly name: string; readonly rows: Dec | null }[];
  readonly tablesOnlyRight: readonly { readonly name: string; readonly rows: Dec | null }[];
  readonly errors: readonly { readonly table: string; readonly error: string }[];
  readonly error: string | null;
}

export interface DbSideDocument {
  readonly log: DbSourceDocument;
  readonly index: Dec | null;
  readonly problems: readonly DbProblemDocument[];
  /** Why this side's databases could not be rebuilt (then nothing was compared). */
  readonly error: string | null;
}

export interface DbDiffPairDocument {
  readonly left: DbSideDocument;
  readonly right: DbSideDocument;
  /** Databases that differ in any table (and those on one side only); identical ones are counted in `same`. */
  readonly databases: readonly DbDatabaseDiffDocument[];
  readonly same: readonly string[];
}

/** `db diff --json` without its envelope. */
export interface DbDiffDocument {
  readonly pairs: readonly DbDiffPairDocument[];
  readonly inputNotes: InputNotesDocument;
}

const rows = (r: readonly (readonly import('../../analysis/db/sqlite.js').SqlValue[])[]): Rows =>
  r.map((x) => x.map(sqlValueDocument));

function tableDocument(t: TableDiff): DbTableDiffDocument {
  return {
    table: t.table,
    key: { kind: t.key.kind, columns: t.key.columns, index: 'index' in t.key ? (t.key.index ?? null) : null },
    columns: t.columns,
    columnsOnlyLeft: t.columnsOnlyLeft,
    columnsOnlyRight: t.columnsOnlyRight,
    onlyLeft: { count: dec(t.onlyLeft.count), rows: rows(t.onlyLeft.rows) },
    onlyRight: { count: dec(t.onlyRight.count), rows: rows(t.onlyRight.rows) },
    changed: {
      count: dec(t.changed.count),
      rows: t.changed.rows.map((c) => ({
        key: c.key.map(sqlValueDocument),
        left: c.left.map(sqlValueDocument),
        right: c.right.map(sqlValueDocument),
      })),
    },
    same: dec(t.same),
  };
}

/** A table differs when a row is on one side only, changed, or a column is on one side only. */
export function tableDiffers(t: TableDiff): boolean {
  return (
    t.onlyLeft.count + t.onlyRight.count + t.changed.count > 0n ||
    t.columnsOnlyLeft.length + t.columnsOnlyRight.length > 0
  );
}

export function databaseDiffers(c: DatabaseComparison): boolean {
  if (c.only || c.error || !c.diff) return true;
  const d = c.diff;
  return d.tables.some(tableDiffers) || d.tablesOnlyLeft.length + d.tablesOnlyRight.length + d.errors.length > 0;
}

function databaseDocument(c: DatabaseComparison): DbDatabaseDiffDocument {
  const rowsOf = (name: string) => {
    const n = c.tableRows.get(name);
    return { name, rows: n === undefined ? null : dec(n) };
  };
  return {
    name: c.name,
    only: c.only ?? null,
    tables: (c.diff?.tables ?? []).filter(tableDiffers).map(tableDocument),
    tablesSame: (c.diff?.tables ?? []).filter((t) => !tableDiffers(t)).map((t) => t.table),
    tablesOnlyLeft: (c.diff?.tablesOnlyLeft ?? []).map(rowsOf),
    tablesOnlyRight: (c.diff?.tablesOnlyRight ?? []).map(rowsOf),
    errors: c.diff?.errors ?? [],
    error: c.error ?? null,
  };
}

function sideDocument(s: DbSide | { source: DbSide['source']; error: string }): DbSideDocument {
  if ('error' in s) return { log: dbSourceDocument(s.source), index: null, problems: [], error: s.error };
  return {
    log: dbSourceDocument(s.source),
    index: dec(s.result.index),
    problems: s.result.problems.map(dbProblemDocument),
    error: null,
  };
}

export function dbDiffPairDocument(p: DbDiffPair): DbDiffPairDocument {
  return {
    left: sideDocument(p.left),
    right: sideDocument(p.right),
    databases: p.databases.filter(databaseDiffers).map(databaseDocument),
    same: p.databases.filter((c) => !databaseDiffers(c)).map((c) => c.name),
  };
}
