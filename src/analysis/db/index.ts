// Databases rebuilt from raft logs, the API a `db` workflow calls:
//   heldDbLog / recoveryDbLog   which log: a node's own, or the one a repair would build
//   materializeDatabases        every database of that log at an index (byte-exact main files)
//   SqliteImage                 one of them opened in SQLite (sql.js): tables, read-only queries,
//                               integrity_check
//   diffDatabases               rows only on one side / different, per table, keyed
export {
  commandEntries,
  heldDbLog,
  missingRange,
  recoveryDbLog,
  restorable,
  type DbLog,
  type DbLogPiece,
  type DbLogSnapshot,
} from './db-log.js';
export {
  materializeDatabases,
  type DbProblem,
  type MaterializedDatabase,
  type MaterializeOptions,
  type MaterializeResult,
  type MaterializeSources,
  type MaterializeStart,
} from './materialize.js';
export {
  loadSqlite,
  quoteIdentifier,
  sqlWasmPath,
  SqliteImage,
  type IntegrityResult,
  type QueryResult,
  type SqlValue,
  type TableSummary,
} from './sqlite.js';
export {
  diffDatabases,
  type ChangedRow,
  type DatabaseDiff,
  type DiffOptions,
  type RowSample,
  type TableDiff,
  type TableKey,
} from './table-diff.js';
export {
  comparedLoss,
  uncomparedLoss,
  type DatabaseLoss,
  type LossSide,
  type LostData,
  type TableLoss,
} from './lost-data.js';
export { lostDataWords } from './lost-words.js';
export { dumpName, dumpSql, type DumpSummary } from './sql-dump.js';
export { openDatabase, summarizeDatabase, type DatabaseSummary } from './summary.js';
