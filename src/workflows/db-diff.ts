// `db diff`: rows that differ between the databases of two logs, per database and table, matched
// by primary key, else a UNIQUE index without NULLs, else rowid (analysis/db/table-diff.ts).
// Default: what repair leaves (the recommended source plus fills) against every other node's own
// log, each at its own last index (or all at --at); `nodes` picks one other node, or two nodes to
// compare with each other. A node whose log cannot be rebuilt at the index is reported as such,
// and the other pairs are still compared.
import type { MaterializedDatabase, MaterializeResult } from '../analysis/db/materialize.js';
import { openDatabase } from '../analysis/db/summary.js';
import { SqliteImage } from '../analysis/db/sqlite.js';
import { diffDatabases, type DatabaseDiff } from '../analysis/db/table-diff.js';
import { InputError, UsageError } from '../core/errors.js';
import { dbSource, findNodeNamed, nodeSource, rebuild, type DbRequest, type DbSource } from './db-source.js';
import { dbDiffPairDocument, type DbDiffDocument } from './documents/db-diff.js';
import { inputNotesDocument } from './documents/verdict.js';
import type { Inputs } from './inputs.js';

export interface DbDiffRequest extends Omit<DbRequest, 'node'> {
  /** One node: compare what repair leaves with it. Two: compare their own logs. Default: every other node. */
  readonly nodes?: readonly string[];
  /** Rows shown of each kind per table (default 20; Infinity: all). */
  readonly limit?: number;
}

export interface DbSide {
  readonly source: DbSource;
  readonly result: MaterializeResult;
}

export interface DbDiffPair {
  readonly left: DbSide;
  /** The other side, or why its databases could not be rebuilt. */
  readonly right: DbSide | { readonly source: DbSource; readonly error: string };
  readonly databases: readonly DatabaseComparison[];
}

export interface DatabaseComparison {
  readonly name: string;
  /** The database exists on one side only (its tables are then all on that side). */
  readonly only: 'left' | 'right' | undefined;
  readonly diff: DatabaseDiff | undefined;
  /** Rows of the tables only one side has. */
  readonly tableRows: ReadonlyMap<string, bigint | undefined>;
  readonly error: string | undefined;
}

export interface DbDiffOutcome {
  readonly pairs: readonly DbDiffPair[];
}

async function openOrEmpty(db: MaterializedDatabase | undefined): Promise<SqliteImage | string> {
  return db ? openDatabase(db) : SqliteImage.open(new Uint8Array(0));
}

async function compareDatabase(
  name: string,
  left: MaterializeResult,
  right: MaterializeResult,
  limit: number,
): Promise<DatabaseComparison> {
  const l = left.databases.find((d) => d.name === name);
  const r = right.databases.find((d) => d.name === name);
  const only = !r ? 'left' : !l ? 'right' : undefined;
  const a = await openOrEmpty(l);
  if (typeof a === 'string') return { name, only, diff: undefined, tableRows: new Map(), error: a };
  try {
    const b = await openOrEmpty(r);
    if (typeof b === 'string') return { name, only, diff: undefined, tableRows: new Map(), error: b };
    try {
      const diff = diffDatabases(a, b, { limit });
      const tableRows = new Map<string, bigint | undefined>();
      for (const t of a.tables()) if (diff.tablesOnlyLeft.includes(t.name)) tableRows.set(t.name, t.rows);
      for (const t of b.tables()) if (diff.tablesOnlyRight.includes(t.name)) tableRows.set(t.name, t.rows);
      return { name, only, diff, tableRows, error: undefined };
    } catch (error) {
      // A side whose pages SQLite cannot read as a database: said for this database, the others compared.
      if (!(error instanceof InputError)) throw error;
      return { name, only, diff: undefined, tableRows: new Map(), error: error.message };
    } finally {
      b.close();
    }
  } finally {
    a.close();
  }
}

async function comparePair(
  left: DbSide,
  rightSource: DbSource,
  at: bigint | undefined,
  limit: number,
): Promise<DbDiffPair> {
  let result: MaterializeResult;
  try {
    result = rebuild(rightSource, at);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { left, right: { source: rightSource, error: error.message }, databases: [] };
  }
  const names = [...new Set([...left.result.databases, ...result.databases].map((d) => d.name))].sort();
  const databases: DatabaseComparison[] = [];
  for (const name of names) databases.push(await compareDatabase(name, left.result, result, limit));
  return { left, right: { source: rightSource, result }, databases };
}

export async function runDbDiff(inputs: Inputs, request: DbDiffRequest = {}): Promise<DbDiffOutcome> {
  const wanted = request.nodes ?? [];
  if (wanted.length > 2) throw new UsageError('db diff compares two logs: name at most two nodes');
  const limit = request.limit ?? 20;
  if (limit !== Infinity && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new UsageError(`limit takes a whole number, not ${String(request.limit)}`);
  }
  const leftSource =
    wanted.length === 2
      ? await nodeSource(inputs, wanted[0]!, request.engine)
      : await dbSource(inputs, { engine: request.engine });
  const left: DbSide = { source: leftSource, result: rebuild(leftSource, request.at) };
  // The other side's engine is the one the left side resolved (one engine for the whole set).
  const engine = leftSource.engine.profile;
  const all = await inputs.read('log-tail');
  const others = wanted.length
    ? [findNodeNamed(all, wanted[wanted.length - 1]!)]
    : all.filter((n) => n.dir !== leftSource.node.dir);
  const pairs: DbDiffPair[] = [];
  for (const node of others) {
    const right = await nodeSource(inputs, node.displayPath, engine);
    pairs.push(await comparePair(left, right, request.at, limit));
  }
  return { pairs };
}

export function dbDiffDocument(inputs: Pick<Inputs, 'notes'>, o: DbDiffOutcome): DbDiffDocument {
  return { pairs: o.pairs.map(dbDiffPairDocument), inputNotes: inputNotesDocument(inputs.notes) };
}

/** Public API: rows that differ between logs, as `db diff --json` gives them. */
export async function dbDiff(inputs: Inputs, request: DbDiffRequest = {}): Promise<DbDiffDocument> {
  return dbDiffDocument(inputs, await runDbDiff(inputs, request));
}
