// `raft-rescue db` in-process on the real samples: the databases as a repair leaves them and as one
// node holds them, at any index; queries (typed JSON values, writes refused with exit 2); exports
// that sqlite3 opens and whose dumps rebuild the rows, under repair's output guards; diffs.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { copyNode, sampleSet, scratchDir } from '../helpers/samples.js';

const hasSqlite3 = spawnSync('sqlite3', ['-version']).status === 0;
if (!hasSqlite3 && process.env.CI === 'true') throw new Error('CI=true but sqlite3 is not installed');

async function cli(args: string[]) {
  const io = memoryIo({ RAFT_RESCUE_WORKERS: '0', COLUMNS: '1000' });
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

const sets: Record<string, string> = {};
const expectOf = (set: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(set, 'expect.json'), 'utf8'));
beforeAll(async () => {
  for (const s of ['healthy', 'lagging', 'past-snapshot']) sets[s] = await sampleSet(s);
});

describe('db (list)', () => {
  it('lists the databases as a repair leaves them: name, size, tables, rows, integrity, the index', async () => {
    const r = await cli(['db', '--json', sets['healthy']!]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({
      schemaVersion: 2, command: 'db', index: '2614', start: { kind: 'snapshot', index: '2048' },
      log: { kind: 'repair', node: '127.0.0.1:9511', engine: { name: 'dqlite-1.11' }, repair: { need: 'none', lost: [] } },
      problems: [],
    });
    expect(doc.databases).toEqual([{
      name: 'demo', pageSize: 4096, pages: 3, bytes: 12288, changedAt: '2614', transactions: 565, resetAt: null,
      tables: [{ name: 'model', rows: '64', error: null }], integrity: { ok: true, messages: ['ok'] }, error: null,
    }]);
    const people = await cli(['db', 'list', sets['healthy']!]);
    expect(people.out).toMatch(/^Databases at index 2614 of what a repair leaves: the recommended source 127\.0\.0\.1:9511/);
    expect(people.out).toMatch(/│ demo +│ model │ 64 +│/);
  });

  it('--node: one node\'s own log; --at an earlier index; --engine checked', async () => {
    const r = await cli(['db', '--json', '--node', '127.0.0.1:9533', '--at', '1100', sets['lagging']!]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ index: '1100', log: { kind: 'node', node: '127.0.0.1:9533', repair: null }, start: { index: '1024' } });
    const auto = await cli(['db', '--json', '--engine', 'auto', '--node', '127.0.0.1:9533', sets['lagging']!]);
    expect(JSON.parse(auto.out).log.engine).toMatchObject({ name: 'dqlite-1.11', source: 'evidence' });
    const bad = await cli(['db', '--engine', 'dqlite-9', sets['lagging']!]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown engine "dqlite-9"/);
    const past = await cli(['db', '--at', '9999', sets['lagging']!]);
    expect(past.code).toBe(2);
    expect(past.err.split('\n')[0]).toBe('raft-rescue: repair from 127.0.0.1:9531: index 9999 is past the log\'s last index 2614');
  });

  it('--node on a log with a gap: exit 2, one line naming the missing entries; the repair\'s log has them all', async () => {
    const r = await cli(['db', '--node', '127.0.0.1:9541', sets['past-snapshot']!]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('raft-rescue: 127.0.0.1:9541 (on disk): cannot rebuild the databases at index 3016: entries 1025..2040 are '
      + 'missing between snapshot snapshot-1-1024-317095 (index 1024) and the index\n');
    const repaired = JSON.parse((await cli(['db', '--json', sets['past-snapshot']!])).out);
    expect(repaired.databases[0].tables).toEqual([{ name: 'model', rows: String(Object.keys(expectOf(sets['past-snapshot']!)).length), error: null }]);
  });
});

describe('db query', () => {
  it('answers one read-only statement: the document the brief names, values typed', async () => {
    const r = await cli(['db', 'query', '--json', sets['healthy']!, '--db', 'demo', '--sql', 'SELECT key, value FROM model ORDER BY key']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc).slice(0, 7)).toEqual(['schemaVersion', 'command', 'log', 'node', 'index', 'database', 'columns']);
    expect(doc).toMatchObject({ command: 'db', log: 'repair', node: '127.0.0.1:9511', index: '2614', database: 'demo', columns: ['key', 'value'], truncated: false });
    expect(Object.fromEntries(doc.rows)).toEqual(expectOf(sets['healthy']!));
    const values = await cli(['db', '--json', sets['healthy']!, '--db', 'demo', '--sql', "SELECT 1, 9007199254740993, -2.5, x'00ff', NULL, 'a', 1e999"]);
    expect(JSON.parse(values.out).rows).toEqual([[1, '9007199254740993', -2.5, { blob: '00ff' }, null, 'a', 'Infinity']]);
  });

  it('refuses statements that write: exit 2, one line; a missing database and bad SQL likewise', async () => {
    for (const sql of ['DELETE FROM model', "INSERT INTO model VALUES ('x', 'y')", 'DROP TABLE model', 'PRAGMA user_version = 3',
      "WITH a AS (SELECT 1) INSERT INTO model SELECT 'k', 'v' FROM a", 'SELECT 1; DELETE FROM model']) {
      const r = await cli(['db', sets['healthy']!, '--db', 'demo', '--sql', sql]);
      expect(r.code, sql).toBe(2);
      expect(r.err.trim().split('\n'), sql).toHaveLength(1);
      expect(r.err, sql).toMatch(/^raft-rescue: refused: /);
    }
    const none = await cli(['db', sets['healthy']!, '--db', 'nope', '--sql', 'SELECT 1']);
    expect([none.code, none.err.split('\n')[0]]).toEqual([2, 'raft-rescue: --db nope: no such database at index 2614 (databases: demo)']);
    const syntax = await cli(['db', sets['healthy']!, '--db', 'demo', '--sql', 'SELECT FROM WHERE']);
    expect(syntax.code).toBe(2);
    expect(syntax.err).toMatch(/^raft-rescue: SQLite: near "FROM": syntax error/);
    const half = await cli(['db', sets['healthy']!, '--sql', 'SELECT 1']);
    expect(half.code).toBe(2);
  });
});

describe('db export', () => {
  it.runIf(hasSqlite3)('writes .db files sqlite3 checks and .sql dumps that rebuild the rows, and a manifest', async () => {
    const out = path.join(scratchDir('rr-db-export-'), 'out');
    const r = await cli(['db', 'export', '--json', sets['lagging']!, '--out', out]);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['demo.db', 'demo.sql', 'raft-rescue-export.json']);
    const sq = (file: string, sql: string) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' });
    expect(sq(path.join(out, 'demo.db'), 'PRAGMA integrity_check').trim()).toBe('ok');
    const rows = (file: string) => sq(file, 'SELECT key, value FROM model ORDER BY key');
    const fromDump = path.join(path.dirname(out), 'from-dump.db');
    execFileSync('sqlite3', [fromDump, `.read ${path.join(out, 'demo.sql')}`]);
    expect(rows(fromDump)).toBe(rows(path.join(out, 'demo.db')));
    expect(Object.fromEntries(rows(fromDump).trim().split('\n').map((l) => l.split('|')))).toEqual(expectOf(sets['lagging']!));
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'raft-rescue-export.json'), 'utf8'));
    expect(manifest.files.map((f: { path: string; size: number }) => [f.path, f.size]))
      .toEqual([['demo.db', 12288], ['demo.sql', fs.statSync(path.join(out, 'demo.sql')).size]]);
    expect(JSON.parse(r.out)).toMatchObject({ out, format: 'directory', index: '2614', replaced: null });
  });

  it('keeps repair\'s output guards: never into an input, never over a non-empty --out without --force', async () => {
    const node = copyNode(path.join(sets['healthy']!, '127.0.0.1:9511'));
    const into = await cli(['db', 'export', node, '--out', path.join(node, 'export')]);
    expect(into.code).toBe(3);
    expect(into.err).toMatch(/overlaps the input .*never writes into, over or around its inputs/);
    expect(fs.existsSync(path.join(node, 'export'))).toBe(false);
    const out = path.join(scratchDir('rr-db-export-'), 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep'), 'x');
    const busy = await cli(['db', 'export', node, '--out', out]);
    expect([busy.code, fs.readdirSync(out)]).toEqual([3, ['keep']]);
    const forced = await cli(['db', 'export', node, '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['demo.db', 'demo.sql', 'raft-rescue-export.json']);
    expect(fs.readFileSync(path.join(`${out}.replaced-1`, 'keep'), 'utf8')).toBe('x');
    expect(fs.readdirSync(path.dirname(out)).filter((n) => n.includes('raft-rescue'))).toEqual([]);
  });
});

describe('db diff', () => {
  it('what a repair leaves against each other node: the lagging node\'s older values, keyed by the unique key', async () => {
    const r = await cli(['db', 'diff', '--json', sets['lagging']!]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.pairs.map((p: { right: { log: { node: string }; index: string } }) => [p.right.log.node, p.right.index]))
      .toEqual([['127.0.0.1:9532', '2614'], ['127.0.0.1:9533', '1308']]);
    expect(doc.pairs[0]).toMatchObject({ databases: [], same: ['demo'] });
    const t = doc.pairs[1].databases[0].tables[0];
    expect(t).toMatchObject({ table: 'model', key: { kind: 'unique-index', columns: ['key'] }, onlyLeft: { count: '0' }, onlyRight: { count: '0' } });
    expect(t.changed.count).toBe('64');
    expect(t.changed.rows).toHaveLength(64); // --json: every row
    const expected = expectOf(sets['lagging']!);
    for (const c of t.changed.rows) expect(c.left[1]).toBe(expected[c.key[0]]);
    const people = await cli(['db', 'diff', sets['lagging']!, '--node', '127.0.0.1:9533', '--limit', '2']);
    expect(people.out).toMatch(/table model \(rows matched by unique index key\): 0 only in .*, 0 only in .*, 64 changed, 0 the same/);
    expect(people.out).toMatch(/changed \(first 2 of 64\):/);
  });

  it('a node whose log cannot be rebuilt is said, the others compared', async () => {
    const r = await cli(['db', 'diff', '--json', sets['past-snapshot']!]);
    expect(r.code).toBe(0);
    const pairs = JSON.parse(r.out).pairs;
    expect(pairs.map((p: { right: { log: { node: string }; error: string | null } }) => [p.right.log.node, p.right.error]))
      .toEqual([['127.0.0.1:9542', expect.stringMatching(/entries 1025\.\.1025 are missing/)], ['127.0.0.1:9543', null]]);
    expect(pairs[1].databases[0].tables[0].changed.count).toBe('64');
  });
});

describe('lost data in rank', () => {
  it('a lossy contribution says what the lost entries change, in rank --json and in words', async () => {
    const dir = scratchDir('rr-db-rank-');
    for (const n of ['127.0.0.1:9541', '127.0.0.1:9542']) fs.cpSync(path.join(sets['past-snapshot']!, n), path.join(dir, n), { recursive: true });
    const r = await cli(['rank', '--json', dir]);
    const lost = JSON.parse(r.out).nodes[0].contribution.lost[0];
    expect(lost.data).toMatchObject({ rows: 'unknown', unreadable: [{ from: '1025', to: '2040' }], readable: [{ from: '2041', to: '3016' }] });
    expect(lost.data.databases).toEqual([{ name: 'demo', transactions: lost.data.transactions, pages: 2, tables: null }]);
    const people = await cli(['rank', dir]);
    expect(people.out).toContain(`In the databases: ${lost.data.words}.`);
  });
});
