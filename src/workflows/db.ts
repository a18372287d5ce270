// The `db` operations that read: list (every database of a log at an index: size, tables, row
// counts, integrity_check) and query (one read-only statement against one database). Which log:
// db-source.ts (what repair leaves, or one node's own). Nothing is written anywhere: databases
// are rebuilt in memory and opened in an in-memory SQLite.
import type { MaterializeResult } from '../analysis/db/materialize.js';
import { openDatabase, summarizeDatabase, type DatabaseSummary } from '../analysis/db/summary.js';
import type { QueryResult } from '../analysis/db/sqlite.js';
import { UsageError } from '../core/errors.js';
import { dbSource, rebuild, type DbRequest, type DbSource } from './db-source.js';
import {
  databaseDocument,
  dbProblemDocument,
  dbSourceDocument,
  dbStartDocument,
  sqlValueDocument,
  type DatabaseDocument,
  type DbProblemDocument,
  type DbSourceDocument,
  type DbStartDocument,
  type SqlValueDocument,
} from './documents/db.js';
import { dec, inputNotesDocument, type Dec, type InputNotesDocument } from './documents/verdict.js';
import type { Inputs } from './inputs.js';

export type { DbRequest } from './db-source.js';

export interface DbListOutcome {
  readonly source: DbSource;
  readonly result: MaterializeResult;
  readonly databases: readonly DatabaseSummary[];
}

/** `db --json` (list) without its envelope. */
export interface DbListDocument {
  readonly log: DbSourceDocument;
  /** The raft index every database reflects. */
  readonly index: Dec;
  readonly start: DbStartDocument;
  readonly databases: readonly DatabaseDocument[];
  readonly problems: readonly DbProblemDocument[];
  readonly problemsOmitted: number;
  readonly inputNotes: InputNotesDocument;
}

export async function runDbList(inputs: Inputs, request: DbRequest = {}): Promise<DbListOutcome> {
  const source = await dbSource(inputs, request);
  const result = rebuild(source, request.at);
  const databases: DatabaseSummary[] = [];
  for (const d of result.databases) databases.push(await summarizeDatabase(d));
  return { source, result, databases };
}

export function dbListDocument(inputs: Pick<Inputs, 'notes'>, o: DbListOutcome): DbListDocument {
  return {
    log: dbSourceDocument(o.source),
    index: dec(o.result.index),
    start: dbStartDocument(o.result),
    databases: o.databases.map(databaseDocument),
    problems: o.result.problems.map(dbProblemDocument),
    problemsOmitted: o.result.problemsOmitted,
    inputNotes: inputNotesDocument(inputs.notes),
  };
}

/** Public API: every database of the log at the index, as `db --json` gives it. */
export async function dbList(inputs: Inputs, request: DbRequest = {}): Promise<DbListDocument> {
  return dbListDocument(inputs, await runDbList(inputs, request));
}

export interface DbQueryRequest extends DbRequest {
  /** The database's name (the FRAMES file name, e.g. `demo`, `db.bin`). */
  readonly database: string;
  /** One read-only statement: SELECT, WITH, VALUES or a reporting PRAGMA. */
  readonly sql: string;
  /** At most this many rows (default 10 000); `truncated` says when more followed. */
  readonly maxRows?: number;
}

export interface DbQueryOutcome {
  readonly source: DbSource;
  readonly result: MaterializeResult;
  readonly database: string;
  readonly answer: QueryResult;
}

/** `db query --json` without its envelope. */
export interface DbQueryDocument {
  readonly log: DbSourceDocument['kind'];
  readonly node: string;
  readonly index: Dec;
  readonly database: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly SqlValueDocument[])[];
  readonly truncated: boolean;
  readonly problems: readonly DbProblemDocument[];
}

export async function runDbQuery(inputs: Inputs, request: DbQueryRequest): Promise<DbQueryOutcome> {
  if (request.maxRows !== undefined && (!Number.isSafeInteger(request.maxRows) || request.maxRows < 1)) {
    throw new UsageError(`max-rows takes a positive whole number, not ${String(request.maxRows)}`);
  }
  const source = await dbSource(inputs, request);
  const result = rebuild(source, request.at);
  const db = result.databases.find((d) => d.name === request.database);
  if (!db) {
    const names = result.databases.map((d) => d.name).join(', ') || 'none';
    throw new UsageError(`--db ${request.database}: no such database at index ${result.index} (databases: ${names})`);
  }
  const img = await openDatabase(db);
  if (typeof img === 'string') throw new UsageError(`--db ${request.database}: ${img}`);
  try {
    return { source, result, database: db.name, answer: img.query(request.sql, request.maxRows) };
  } finally {
    img.close();
  }
}

export function dbQueryDocument(o: DbQueryOutcome): DbQueryDocument {
  return {
    log: o.source.kind,
    node: o.source.node.name,
    index: dec(o.result.index),
    database: o.database,
    columns: o.answer.columns,
    rows: o.answer.rows.map((r) => r.map(sqlValueDocument)),
    truncated: o.answer.truncated,
    problems: o.result.problems.map(dbProblemDocument),
  };
}

/** Public API: one read-only query, as `db query --json` gives it. */
export async function dbQuery(inputs: Inputs, request: DbQueryRequest): Promise<DbQueryDocument> {
  return dbQueryDocument(await runDbQuery(inputs, request));
}
