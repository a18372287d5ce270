// A rebuilt database opened with a real SQLite: sql.js (core/sqlite-engine.ts loads it, once).
// The image is copied into sql.js's in-memory file system, so nothing here reads or writes a file
// of the user's.
import type { Database, SqlValue, Statement } from '../../core/sql-js-types.js';
import { InputError, RaftRescueError } from '../../core/errors.js';
import { loadSqlite, sqlWasmPath } from '../../core/sqlite-engine.js';
import type { DatabaseImage } from '../../format/database-image.js';
import { refusalByProgram, refusalByText, stripLeadingComments } from './read-only-sql.js';

export type { SqlValue };
export { loadSqlite, sqlWasmPath };

export interface QueryResult {
  readonly columns: readonly string[];
  /** INTEGER values are bigint (exact), REAL number, TEXT string, BLOB Uint8Array. */
  readonly rows: readonly (readonly SqlValue[])[];
  /** More rows followed than `maxRows`. */
  readonly truncated: boolean;
}

export interface TableSummary {
  readonly name: string;
  readonly rows: bigint | undefined;
  /** Why the rows could not be counted (a virtual table whose module sql.js lacks, damage). */
  readonly error?: string;
}

export interface IntegrityResult {
  readonly ok: boolean;
  /** `PRAGMA integrity_check`'s lines (['ok'] when sound), or the error that stopped it. */
  readonly messages: readonly string[];
}

/** An identifier as SQL text: "name" with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const BIG = { useBigInt: true } as const;

/**
 * Runs `fn` on SQLite: an error SQLite raises (pages that are not a database, a damaged b-tree)
 * is about the user's data, so it becomes an InputError saying what SQLite said.
 */
function sqlite<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RaftRescueError || !(error instanceof Error) || error instanceof RangeError) throw error;
    throw new InputError(`SQLite: ${error.message}`);
  }
}

/** A database image opened read-only in memory. close() frees it. */
export class SqliteImage {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens a copy of `bytes` (a whole SQLite main file). */
  static async open(bytes: Uint8Array): Promise<SqliteImage> {
    const sql = await loadSqlite();
    const image = new SqliteImage(new sql.Database(bytes));
    image.#db.run('PRAGMA query_only = 1');
    return image;
  }

  /** Opens a rebuilt image (see format/database-image.ts). */
  static openImage(image: DatabaseImage, maxBytes?: number): Promise<SqliteImage> {
    return SqliteImage.open(image.toBytes(maxBytes));
  }

  /** The name of the in-memory file, for ATTACH from another image (table-diff.ts). */
  get fileName(): string {
    return `/${this.#db.filename}`;
  }

  /** Runs trusted SQL (built here, never the user's), returning every row. */
  all(sql: string, params: SqlValue[] = []): SqlValue[][] {
    const r = sqlite(() => this.#db.exec(sql, params, BIG));
    return r[0]?.values ?? [];
  }

  /** Runs trusted SQL and hands each row to `row` (stops when it returns false). */
  each(sql: string, row: (values: SqlValue[]) => boolean | void): string[] {
    const st = sqlite(() => this.#db.prepare(sql));
    try {
      return sqlite(() => {
        while (st.step()) if (row(st.get(null, BIG)) === false) break;
        return st.getColumnNames();
      });
    } finally {
      st.free();
    }
  }

  /** Trusted SQL with no result (ATTACH, DETACH from table-diff.ts). */
  run(sql: string): void {
    sqlite(() => this.#db.run(sql));
  }

  /** Tables (not views, not sqlite_* internals) with their row counts, by name. */
  tables(): TableSummary[] {
    const names = this.all(
      "SELECT name FROM sqlite_schema WHERE type = 'table' " +
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    ).map((r) => String(r[0]));
    return names.map((name) => {
      try {
        return { name, rows: BigInt(this.all(`SELECT count(*) FROM main.${quoteIdentifier(name)}`)[0]![0] as bigint) };
      } catch (error) {
        return { name, rows: undefined, error: (error as Error).message };
      }
    });
  }

  /** PRAGMA integrity_check. */
  integrityCheck(): IntegrityResult {
    try {
      const messages = this.all('PRAGMA integrity_check').map((r) => String(r[0]));
      return { ok: messages.length === 1 && messages[0] === 'ok', messages };
    } catch (error) {
      // SQLite's own words, as integrity_check's lines are (without the prefix sqlite() adds).
      return { ok: false, messages: [(error as Error).message.replace(/^SQLite: /, '')] };
    }
  }

  /**
   * One read-only statement of the user's: anything that would write, attach, change a setting
   * or run a second statement is refused with an InputError saying why (read-only-sql.ts).
   */
  query(sql: string, maxRows = 10_000): QueryResult {
    const refused = (why: string): never => {
      throw new InputError(`refused: ${why}`);
    };
    const byText = refusalByText(sql);
    if (byText) refused(byText);
    const statements = this.#db.iterateStatements(sql);
    let first: IteratorResult<Statement>;
    try {
      first = statements.next();
    } catch (error) {
      throw new InputError(`SQLite: ${(error as Error).message}`);
    }
    if (first.done) return refused('the statement is empty');
    const stmt = first.value;
    try {
      if (stripLeadingComments(statements.getRemainingSQL()) !== '') refused('one statement at a time');
      const byProgram = refusalByProgram(this.all(`EXPLAIN ${stmt.getSQL()}`));
      if (byProgram) refused(byProgram);
      this.#db.run('PRAGMA query_only = 1');
      const rows: SqlValue[][] = [];
      let truncated = false;
      while (stmt.step()) {
        if (rows.length === maxRows) {
          truncated = true;
          break;
        }
        rows.push(stmt.get(null, BIG));
      }
      return { columns: stmt.getColumnNames(), rows, truncated };
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`SQLite: ${(error as Error).message}`);
    } finally {
      stmt.free();
    }
  }

  close(): void {
    this.#db.close();
  }
}
