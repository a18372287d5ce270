// A rebuilt database described for people and for `db --json`: its size, the index that last
// changed it, its tables with row counts and SQLite's integrity_check, read through sql.js. A
// database too large to open here is described by its size alone, with the reason.
import { InputError } from '../../core/errors.js';
import type { MaterializedDatabase } from './materialize.js';
import { SqliteImage, type IntegrityResult, type TableSummary } from './sqlite.js';

export interface DatabaseSummary {
  readonly name: string;
  readonly pageSize: number;
  readonly pages: number;
  readonly bytes: number;
  /** Index of the snapshot or entry that last changed it. */
  readonly changedAt: bigint;
  /** FRAMES transactions applied after the start (snapshot or empty). */
  readonly transactions: number;
  /** The last change was dqlite 1.18.3's delete_database (a reset one-page database). */
  readonly resetAt: bigint | undefined;
  /** undefined when the database could not be opened (`error` says why). */
  readonly tables: readonly TableSummary[] | undefined;
  readonly integrity: IntegrityResult | undefined;
  readonly error: string | undefined;
}

/** Opens a rebuilt database in SQLite, or says why it cannot be (too large for sql.js's memory). */
export async function openDatabase(db: MaterializedDatabase): Promise<SqliteImage | string> {
  try {
    return await SqliteImage.openImage(db.image);
  } catch (error) {
    if (error instanceof RangeError) return `${error.message}: too large to open in SQLite here`;
    throw error;
  }
}

export async function summarizeDatabase(
  db: MaterializedDatabase,
  options: { integrity?: boolean } = {},
): Promise<DatabaseSummary> {
  const base = {
    name: db.name,
    pageSize: db.pageSize,
    pages: db.pages,
    bytes: db.image.byteLength,
    changedAt: db.changedAt,
    transactions: db.transactions,
    resetAt: db.resetAt,
  };
  const img = await openDatabase(db);
  if (typeof img === 'string') return { ...base, tables: undefined, integrity: undefined, error: img };
  try {
    const integrity = options.integrity === false ? undefined : img.integrityCheck();
    try {
      return { ...base, tables: img.tables(), integrity, error: undefined };
    } catch (error) {
      // Pages that are not a SQLite database ("SQLite: file is not a database"): said beside the
      // integrity result.
      if (!(error instanceof InputError)) throw error;
      return { ...base, tables: undefined, integrity, error: error.message };
    }
  } finally {
    img.close();
  }
}
