// A rebuilt database in a real SQLite (sql.js): tables and counts, read-only queries (every kind
// of write refused, by three independent checks), exact 64-bit integers, integrity_check, and row
// diffs keyed by primary key, unique index or rowid.
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { loadSqlite, SqliteImage } from '../../../src/analysis/db/sqlite.js';
import { diffDatabases } from '../../../src/analysis/db/table-diff.js';
import { refusalByProgram, refusalByText } from '../../../src/analysis/db/read-only-sql.js';

/** A database file made with a writable sql.js connection. */
async function dbFile(sql: string): Promise<Uint8Array> {
  const SQL = await loadSqlite();
  const db = new SQL.Database();
  db.run(sql);
  const bytes = (db as unknown as { export(): Uint8Array }).export();
  db.close();
  return bytes;
}

let demo: SqliteImage;
beforeAll(async () => {
  demo = await SqliteImage.open(await dbFile(`
    CREATE TABLE model (key TEXT, value TEXT, UNIQUE(key));
    INSERT INTO model VALUES ('a', '1'), ('b', '2');
    CREATE TABLE big (id INTEGER PRIMARY KEY, n INTEGER);
    INSERT INTO big VALUES (1, 9223372036854775807), (2, -9223372036854775808);
    CREATE VIEW v AS SELECT * FROM model;`));
});

describe('SqliteImage', () => {
  it('lists tables (not views, not sqlite_ internals) with row counts', () => {
    expect(demo.tables()).toEqual([{ name: 'big', rows: 2n }, { name: 'model', rows: 2n }]);
  });

  it('returns INTEGER values exactly (bigint), also past 2^53', () => {
    expect(demo.query('SELECT n FROM big ORDER BY id').rows).toEqual([[9223372036854775807n], [-9223372036854775808n]]);
    expect(demo.query("SELECT 1.5, 'x', NULL, x'0102'").rows).toEqual([[1.5, 'x', null, Uint8Array.from([1, 2])]]);
  });

  it('stops at maxRows and says so', () => {
    const r = demo.query('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c', 5);
    expect(r.rows).toHaveLength(5);
    expect(r.truncated).toBe(true);
  });

  it('passes integrity_check, and reports a damaged file instead of throwing', async () => {
    expect(demo.integrityCheck()).toEqual({ ok: true, messages: ['ok'] });
    const bad = await dbFile('CREATE TABLE t(x); INSERT INTO t VALUES (1);');
    const ps = (bad[16]! << 8) | bad[17]!;
    bad.fill(0x5a, ps + 8, 2 * ps); // page 2 (the table's root) past its header
    const img = await SqliteImage.open(bad);
    const r = img.integrityCheck();
    expect(r.ok).toBe(false);
    expect(r.messages.length).toBeGreaterThan(0);
    img.close();
  });

  const writes = [
    "INSERT INTO model VALUES ('c', '3')", "UPDATE model SET value = 'x'", 'DELETE FROM model', 'DROP TABLE model',
    'CREATE TABLE t (x)', 'CREATE INDEX i ON model(value)', "ATTACH ':memory:' AS other", 'DETACH main', 'PRAGMA user_version = 7',
    'PRAGMA user_version(7)', 'PRAGMA journal_mode = DELETE', 'PRAGMA query_only = 0', 'PRAGMA writable_schema = ON', 'PRAGMA foreign_keys = 1',
    'PRAGMA page_size = 512', 'VACUUM', 'REINDEX', 'ANALYZE', 'BEGIN', 'COMMIT', 'SAVEPOINT s', 'REPLACE INTO model VALUES (1, 2)',
    "WITH x AS (SELECT 1) INSERT INTO model SELECT 'z', 'z' FROM x", "WITH x AS (SELECT 1) DELETE FROM model WHERE key IN (SELECT * FROM x)",
    'SELECT 1; DELETE FROM model', '  /* hidden */ -- comment\n DELETE FROM model', 'EXPLAIN DELETE FROM model',
  ];
  for (const sql of writes) {
    it(`refuses ${JSON.stringify(sql)} and changes nothing`, () => {
      expect(() => demo.query(sql)).toThrow(InputError);
      expect(demo.query('SELECT count(*) FROM model').rows).toEqual([[2n]]);
      expect(demo.query('PRAGMA user_version').rows).toEqual([[0n]]);
      expect(demo.query("SELECT count(*) FROM sqlite_schema WHERE type IN ('table', 'index')").rows).toEqual([[3n]]);
    });
  }

  it('runs reads: SELECT, WITH, VALUES, reporting PRAGMAs and pragma functions', () => {
    for (const sql of ['SELECT DISTINCT value FROM model ORDER BY 1', 'SELECT key FROM model UNION SELECT value FROM model','SELECT * FROM v', 'WITH x AS (SELECT 1) SELECT * FROM x', 'VALUES (1)', 'PRAGMA integrity_check', 'PRAGMA table_info(model)',
      'PRAGMA main.page_count', 'PRAGMA journal_mode', "SELECT * FROM pragma_index_list('model')", ' -- why\n SELECT 1;']) {
      expect(() => demo.query(sql), sql).not.toThrow();
    }
  });

  it('each of the three checks stands alone: text, program, and SQLite\'s query_only', async () => {
    // 1. text
    expect(refusalByText('PRAGMA query_only = 0')).toMatch(/sets a value/);
    // 2. program: a write that passes the text check
    expect(refusalByText("WITH x AS (SELECT 1) INSERT INTO model SELECT 1, 1 FROM x")).toBeUndefined();
    expect(refusalByProgram([[0, 'Init'], [1, 'Transaction', 0, 1, 0, null]])).toMatch(/write transaction/);
    expect(refusalByProgram([[0, 'Function', 0, 1, 4, 'sqlite_attach(3)']])).toMatch(/ATTACH/);
    expect(refusalByProgram([[0, 'Expire', 1, 1, 0, null], [1, 'JournalMode', 0, 1, -1, null]])).toBeUndefined();
    // 3. the connection itself refuses writes even from trusted code
    expect(() => demo.run("INSERT INTO model VALUES ('q', 'q')")).toThrow(/readonly|read-only/i);
  });

  it('syntax errors and unknown tables are InputErrors', () => {
    expect(() => demo.query('SELEC 1')).toThrow(InputError);
    expect(() => demo.query('SELECT * FROM nope')).toThrow(/no such table/);
    expect(() => demo.query('')).toThrow(/empty/);
  });
});

describe('diffDatabases', () => {
  it('keys by primary key, unique index or rowid, and finds rows only on one side and changed rows', async () => {
    const left = await SqliteImage.open(await dbFile(`
      CREATE TABLE pk (id INTEGER PRIMARY KEY, v);  INSERT INTO pk VALUES (1, 'a'), (2, 'b'), (3, 'c'), (5, 1);
      CREATE TABLE model (key TEXT, value TEXT, UNIQUE(key)); INSERT INTO model VALUES ('k1', 'x'), ('k2', 'y');
      CREATE TABLE plain (v); INSERT INTO plain VALUES ('r1'), ('r2');
      CREATE TABLE gone (x);`));
    const right = await SqliteImage.open(await dbFile(`
      CREATE TABLE pk (id INTEGER PRIMARY KEY, v);  INSERT INTO pk VALUES (1, 'a'), (2, 'B'), (4, 'd'), (5, 1.0);
      CREATE TABLE model (key TEXT, value TEXT, UNIQUE(key)); INSERT INTO model VALUES ('k1', 'x'), ('k2', 'y');
      INSERT OR REPLACE INTO model VALUES ('k1', 'x2');
      CREATE TABLE plain (v, extra); INSERT INTO plain VALUES ('r1', 0), ('r2b', 0), ('r3', 0);
      CREATE TABLE fresh (x);`));
    const d = diffDatabases(left, right, { limit: 10 });
    expect(d.tablesOnlyLeft).toEqual(['gone']);
    expect(d.tablesOnlyRight).toEqual(['fresh']);
    const byName = Object.fromEntries(d.tables.map((t) => [t.table, t]));
    const pk = byName['pk']!;
    expect(pk.key).toEqual({ kind: 'primary-key', columns: ['id'] });
    expect(pk.onlyLeft).toEqual({ count: 1n, rows: [[3n, 'c']] });
    expect(pk.onlyRight).toEqual({ count: 1n, rows: [[4n, 'd']] });
    expect(pk.changed.count).toBe(2n); // 'b' → 'B', and 1 → 1.0 (another storage type)
    expect(pk.changed.rows[0]).toEqual({ key: [2n], left: [2n, 'b'], right: [2n, 'B'] });
    expect(pk.same).toBe(1n);
    const model = byName['model']!;
    expect(model.key).toMatchObject({ kind: 'unique-index', columns: ['key'] });
    expect(model.changed).toEqual({ count: 1n, rows: [{ key: ['k1'], left: ['k1', 'x'], right: ['k1', 'x2'] }] });
    expect([model.onlyLeft.count, model.onlyRight.count, model.same]).toEqual([0n, 0n, 1n]);
    const plain = byName['plain']!;
    expect(plain.key.kind).toBe('rowid');
    expect(plain.columnsOnlyRight).toEqual(['extra']);
    expect(plain.changed.count).toBe(1n);
    expect(plain.onlyRight).toEqual({ count: 1n, rows: [['r3']] });
    // The right image is detached again: a user query cannot reach it.
    expect(() => left.query('SELECT * FROM rr_right.pk')).toThrow(/no such table/);
    left.close();
    right.close();
  });

  it('identical databases: no differences, every row the same', async () => {
    const bytes = await dbFile('CREATE TABLE t (a PRIMARY KEY, b); INSERT INTO t VALUES (1, 2), (3, 4);');
    const [a, b] = [await SqliteImage.open(bytes), await SqliteImage.open(bytes)];
    const d = diffDatabases(a, b);
    expect(d.tables.map((t) => [t.onlyLeft.count, t.onlyRight.count, t.changed.count, t.same])).toEqual([[0n, 0n, 0n, 2n]]);
  });
});
