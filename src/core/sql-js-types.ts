// The part of sql.js (SQLite compiled to WebAssembly, no bundled types) that the tool uses
// (analysis/db, scan/local-db.ts, repair/product); see node_modules/sql.js/README.md. INTEGER
// values come back as bigint with useBigInt.
// Declared here as our own exported types (not as `declare module 'sql.js'`), so that the
// package's published declarations never name the untyped module.
export type SqlValue = number | bigint | string | Uint8Array | null;
export interface ReadConfig {
  useBigInt?: boolean;
}
export interface QueryExecResult {
  columns: string[];
  values: SqlValue[][];
}
export interface Statement {
  step(): boolean;
  get(params?: null, config?: ReadConfig): SqlValue[];
  getColumnNames(): string[];
  getSQL(): string;
  bind(values?: SqlValue[]): boolean;
  free(): boolean;
}
export interface StatementIterator extends Iterator<Statement> {
  getRemainingSQL(): string;
}
export interface Database {
  readonly filename: string;
  exec(sql: string, params?: SqlValue[], config?: ReadConfig): QueryExecResult[];
  run(sql: string, params?: SqlValue[]): Database;
  /** Rows changed by the last INSERT, UPDATE or DELETE. */
  getRowsModified(): number;
  /** The whole database file's bytes. */
  export(): Uint8Array;
  prepare(sql: string): Statement;
  iterateStatements(sql: string): StatementIterator;
  close(): void;
}
export interface SqlJsStatic {
  Database: new (data?: Uint8Array) => Database;
}
export interface InitOptions {
  wasmBinary?: ArrayBufferLike | Uint8Array;
  locateFile?: (file: string) => string;
}
