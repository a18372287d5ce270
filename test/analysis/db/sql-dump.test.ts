// The SQL dump of a rebuilt database: Debian's sqlite3 reads it back into the same rows (every
// storage class, quotes, newlines, 64-bit integers, blobs, generated columns, AUTOINCREMENT, views,
// triggers, indexes, awkward names), and for an ordinary database it is the text `sqlite3 .dump`
// itself prints.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dumpName, dumpSql } from '../../../src/analysis/db/sql-dump.js';
import { loadSqlite, SqliteImage } from '../../../src/analysis/db/sqlite.js';
import { scratchDir } from '../../helpers/samples.js';

const hasSqlite3 = spawnSync('sqlite3', ['-version']).status === 0;
if (!hasSqlite3 && process.env.CI === 'true') throw new Error('CI=true but sqlite3 is not installed');

async function dbFile(sql: string): Promise<Uint8Array> {
  const SQL = await loadSqlite();
  const db = new SQL.Database();
  db.run(sql);
  const bytes = (db as unknown as { export(): Uint8Array }).export();
  db.close();
  return bytes;
}

async function dumpOf(bytes: Uint8Array): Promise<string> {
  const img = await SqliteImage.open(bytes);
  try {
    let text = '';
    dumpSql(img, (t) => (text += t));
    return text;
  } finally {
    img.close();
  }
}

const AWKWARD = `
  CREATE TABLE model (key TEXT, value TEXT, UNIQUE(key));
  INSERT INTO model VALUES ('a', 'it''s'), ('b', 'line 1
line 2'), ('c', NULL), ('d', '');
  CREATE TABLE "order" (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, r REAL, b BLOB,
    twice INTEGER GENERATED ALWAYS AS (n * 2) VIRTUAL);
  INSERT INTO "order" (n, r, b) VALUES (9223372036854775807, 0.1, x'00ff10'), (-9223372036854775808, 1e300, x''),
    (3, -2.5, NULL), (NULL, 1.0000000000000002, zeroblob(3));
  CREATE TABLE "two words" (x);
  INSERT INTO "two words" VALUES (1), ('1'), (1.0), (x'31');
  CREATE INDEX model_value ON model(value);
  CREATE VIEW v AS SELECT key FROM model;
  CREATE TRIGGER t AFTER INSERT ON model BEGIN UPDATE "order" SET n = n WHERE 0; END;`;

/** Every row of every table, with storage classes, as sqlite3 prints them (its own output, JSON). */
function rowsBy(file: string): unknown {
  const tables = execFileSync('sqlite3', [file, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"],
    { encoding: 'utf8' }).split('\n').filter(Boolean);
  return Object.fromEntries(tables.map((t) => {
    const q = `SELECT *, ${'typeof'}(rowid) FROM "${t.replace(/"/g, '""')}" ORDER BY 1, 2`;
    return [t, execFileSync('sqlite3', ['-json', file, q], { encoding: 'utf8' })];
  }));
}

describe('dumpSql', () => {
  let dir = '';
  beforeAll(() => {
    dir = scratchDir('rr-sql-dump-');
  });

  it.runIf(hasSqlite3)('sqlite3 reads the dump back into the same rows, types and schema', async () => {
    const original = path.join(dir, 'original.db');
    fs.writeFileSync(original, await dbFile(AWKWARD));
    const dump = await dumpOf(fs.readFileSync(original));
    const copy = path.join(dir, 'copy.db');
    execFileSync('sqlite3', [copy], { input: dump });
    expect(execFileSync('sqlite3', [copy, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim()).toBe('ok');
    expect(rowsBy(copy)).toEqual(rowsBy(original));
    const schema = (f: string) => execFileSync('sqlite3', [f, 'SELECT type, name, sql FROM sqlite_schema ORDER BY name'], { encoding: 'utf8' });
    expect(schema(copy)).toBe(schema(original));
  });

  it.runIf(hasSqlite3)('is the text sqlite3 .dump prints for an ordinary database', async () => {
    const file = path.join(dir, 'demo.db');
    fs.writeFileSync(file, await dbFile(`CREATE TABLE model (key TEXT, value TEXT, UNIQUE(key));
      INSERT INTO model VALUES ('key1', 'v1-x'), ('key2', 'o''k'), ('key3', 'a|b');
      CREATE TABLE counters (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, r REAL);
      INSERT INTO counters (n, r) VALUES (1, 2.5), (-7, NULL);
      CREATE INDEX counters_n ON counters(n);`));
    const ours = await dumpOf(fs.readFileSync(file));
    expect(ours).toBe(execFileSync('sqlite3', [file, '.dump'], { encoding: 'utf8' }));
  });

  it('writes a database without tables as an empty transaction', async () => {
    expect(await dumpOf(await dbFile('PRAGMA user_version = 1'))).toBe('PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCOMMIT;\n');
  });

  it('quotes table names as .dump does: keywords and non-identifiers only', () => {
    expect(['model', 'order', 'two words', 'Key', 'x"y', '_ok1'].map(dumpName)).toEqual(['model', '"order"', '"two words"', '"Key"', '"x""y"', '_ok1']);
  });
});
