// A rebuilt database as SQL text, in the form of the sqlite3 shell's `.dump` (shell.c dump_callback
// and run_schema_dump_query, SQLite 3.4x): the schema's tables in rowid order (sqlite_sequence
// last), each CREATE statement followed by one INSERT per row, then indexes, triggers and views,
// all inside one transaction. Values are written by SQLite itself: `quote()` gives each value as
// an SQL literal that reads back as the same value and type (text with '' doubled, blobs as
// X'…', reals with enough digits to round-trip), so `sqlite3 new.db < dump.sql` rebuilds the rows.
//
// Like `.dump` without --preserve-rowids: tables without an INTEGER PRIMARY KEY get new rowids.
// Generated columns are left out of the INSERTs (SQLite computes them), as `.dump` does.
// Written in pieces to `write`, a table at a time row by row: a large database never becomes one
// string.
import { quoteIdentifier, type SqliteImage } from './sqlite.js';

/** SQLite's keywords (sqlite3_keyword_name), which `.dump` quotes when they name a table. */
const KEYWORDS = new Set(
  `ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN
BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT CURRENT_DATE
CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH ELSE END
ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP
GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY
LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER
OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME
REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION
TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT`.split(/\s+/),
);

/** A table name as `.dump` writes it: bare when it is a plain identifier and no keyword, else quoted. */
export function dumpName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase()) ? name : quoteIdentifier(name);
}

function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A schema statement as `.dump` prints it: CREATE TABLE of a quoted name gains IF NOT EXISTS. */
function schemaLine(sql: string): string {
  const m = /^CREATE TABLE\s*(['"].*)$/s.exec(sql);
  return m ? `CREATE TABLE IF NOT EXISTS ${m[1]};` : `${sql};`;
}

/** Columns written by INSERT: ordinary ones (generated columns are left to SQLite). */
function insertColumns(img: SqliteImage, table: string): string[] {
  return img
    .all('SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid', [table])
    .map((r) => String(r[0]));
}

/** INSERT statements for every row of `table`, one `write` per row. */
function dumpRows(img: SqliteImage, table: string, write: (text: string) => void): number {
  const columns = insertColumns(img, table);
  if (!columns.length) return 0;
  const values = columns.map((c) => `quote(${quoteIdentifier(c)})`).join(` || ',' || `);
  const into = `INSERT INTO ${dumpName(table)} VALUES(`;
  let rows = 0;
  img.each(`SELECT ${values} FROM main.${quoteIdentifier(table)}`, (row) => {
    write(`${into}${String(row[0])});\n`);
    rows++;
  });
  return rows;
}

export interface DumpSummary {
  readonly tables: number;
  readonly rows: number;
}

/** Writes the whole database as SQL text, in the sqlite3 shell's `.dump` form. */
export function dumpSql(img: SqliteImage, write: (text: string) => void): DumpSummary {
  write('PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n');
  let writableSchema = false;
  let tables = 0;
  let rows = 0;
  const schema = img.all(
    "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql NOT NULL " +
      "ORDER BY tbl_name = 'sqlite_sequence', rowid",
  );
  for (const [nameValue, sqlValue] of schema) {
    const name = String(nameValue);
    const sql = String(sqlValue);
    if (name === 'sqlite_sequence') write('DELETE FROM sqlite_sequence;\n');
    else if (name === 'sqlite_stat1') write('ANALYZE sqlite_schema;\n');
    else if (name.startsWith('sqlite_')) continue;
    else if (/^CREATE VIRTUAL TABLE/i.test(sql)) {
      // A virtual table is recorded in the schema, not created (its module may be missing here).
      if (!writableSchema) write('PRAGMA writable_schema=ON;\n');
      writableSchema = true;
      write(
        'INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)' +
          `VALUES('table',${sqlText(name)},${sqlText(name)},0,${sqlText(sql)});\n`,
      );
      continue;
    } else {
      write(`${schemaLine(sql)}\n`);
      tables++;
    }
    rows += dumpRows(img, name, write);
  }
  const rest = img.all("SELECT sql FROM sqlite_schema WHERE sql NOT NULL AND type IN ('index', 'trigger', 'view')");
  for (const [sql] of rest) write(`${String(sql)};\n`);
  if (writableSchema) write('PRAGMA writable_schema=OFF;\n');
  write('COMMIT;\n');
  return { tables, rows };
}
