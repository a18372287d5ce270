// `raft-rescue db` on real clusters (required in CI): what its query answers, by default (what a
// repair leaves), for each node's own log and at an earlier index, equals what the running cluster
// answered through the dqlite shell then; `db export` writes files Debian's sqlite3 checks and
// whose dumps rebuild the same rows; `db diff` against a lagging node counts exactly the rows the
// exported files differ in, and its source side is what the restarted cluster serves; the set
// `repair` writes rebuilds to what the engine serves once started on it. Debian's dqlite 1.11,
// dqlite 1.18 (no WAL in snapshots) and cowsql 1.15 (raw snapshots), via ../shared/engines.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { raftLoad } from '../helpers/engine.js';
import { clusterModel, engineEnvIfBuilt, makeCluster, makeTwoPhaseCluster } from '../helpers/lab.js';
import { scratchDir } from '../helpers/samples.js';

const T = 900_000;
type Model = Record<string, string>;
const json = (file: string): Model => JSON.parse(fs.readFileSync(file, 'utf8'));
const nodeNames = (set: string): string[] =>
  fs.readdirSync(set).filter((d) => fs.existsSync(path.join(set, d, 'info.yaml'))).sort();

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ RAFT_RESCUE_WORKERS: '0' });
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** `db --json --sql` on the model table: the rows as an object, and the document's node and index. */
async function queryModel(set: string, extra: string[] = []): Promise<{ model: Model; node: string; index: string }> {
  const r = await cli(['db', '--json', set, ...extra, '--db', 'demo', '--sql', 'SELECT key, value FROM model']);
  expect(r.code, r.err).toBe(0);
  const doc = JSON.parse(r.out);
  expect(doc).toMatchObject({ command: 'db', database: 'demo', columns: ['key', 'value'], truncated: false });
  return { model: Object.fromEntries(doc.rows), node: doc.node, index: doc.index };
}

/** The node's address (info.yaml's) and its last index as the real loader (raft-load.sh) reads it. */
function loaded(nodeDir: string, env: NodeJS.ProcessEnv): { address: string; lastIndex: bigint } {
  const l = raftLoad(nodeDir, { env });
  expect(l.ok, JSON.stringify(l)).toBe(true);
  const address = /^Address:\s*(\S+)/m.exec(fs.readFileSync(path.join(nodeDir, 'info.yaml'), 'utf8'))![1]!;
  return { address, lastIndex: BigInt(l.lastIndex!) };
}

const sqlite3 = (file: string, sql: string): string => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' });
const rowsOf = (file: string): Model =>
  Object.fromEntries(sqlite3(file, 'SELECT key, value FROM model').split('\n').filter(Boolean)
    .map((l) => l.split('|')));

/** `db export` of `extra`'s view: demo.db passes integrity_check, its dump rebuilds the same rows; those rows. */
async function exported(set: string, extra: string[] = []): Promise<Model> {
  const out = path.join(scratchDir('rr-db-interop-'), 'out');
  const r = await cli(['db', 'export', set, ...extra, '--out', out]);
  expect(r.code, r.err).toBe(0);
  const db = path.join(out, 'demo.db');
  expect(sqlite3(db, 'PRAGMA integrity_check').trim()).toBe('ok');
  const fromDump = path.join(out, 'from-dump.db');
  execFileSync('sqlite3', [fromDump, `.read ${path.join(out, 'demo.sql')}`]);
  expect(rowsOf(fromDump)).toEqual(rowsOf(db));
  return rowsOf(db);
}

/** `engine`: the --engine words every command gets (the engine that applied the entries). */
async function twoPhase(env: NodeJS.ProcessEnv, engine: string[]): Promise<void> {
  const { dir, first } = await makeTwoPhaseCluster({ first: 1100, second: 400, env });
  const then = json(path.join(first, 'shell.json'));
  const now = json(path.join(dir, 'shell.json'));
  expect(Object.keys(now).length).toBeGreaterThan(0);
  expect(now, 'the second phase changed values').not.toEqual(then);
  // What a repair leaves, at the last index: what the running cluster answered at the end.
  const repaired = await queryModel(dir, engine);
  expect(repaired.model).toEqual(now);
  expect(await exported(dir, engine)).toEqual(now);
  // Each node's own log at the index its log ended at after the first phase: what the cluster answered then.
  for (const name of nodeNames(first)) {
    const { address, lastIndex } = loaded(path.join(first, name), env);
    const at = await queryModel(dir, [...engine, '--node', address, '--at', String(lastIndex)]);
    expect({ node: at.node, index: at.index }).toEqual({ node: address, index: String(lastIndex) });
    expect(at.model, `${address} at ${lastIndex}`).toEqual(then);
    expect((await queryModel(dir, [...engine, '--node', address])).model, `${address} at its last index`).toEqual(now);
  }
  const { lastIndex } = loaded(path.join(first, nodeNames(first)[0]!), env);
  expect(await exported(dir, [...engine, '--at', String(lastIndex)])).toEqual(then);
}

const debian = engineEnvIfBuilt('debian');
const d118 = engineEnvIfBuilt('dqlite-1.18');
const cowsql = engineEnvIfBuilt('cowsql-1.15');

describe.runIf(debian)('db on Debian dqlite 1.11 clusters', () => {
  it('query and export, by default, per node and at an earlier index, equal what the cluster answered', async () => {
    await twoPhase(debian!, ['--engine', 'auto']);
  }, T);

  it('diff against a lagging node: the exported files\' differences; the source, what the cluster serves', async () => {
    const set = await makeCluster({ writes: 800, stop: 'kill', lagNode: 3, lagAfter: 300, env: debian });
    const served = await clusterModel(set, debian);
    const repaired = await queryModel(set);
    expect(repaired.model).toEqual(served);
    const r = await cli(['db', 'diff', '--json', set]);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    const source = await exported(set);
    let compared = 0;
    for (const pair of doc.pairs) {
      const other = await exported(set, ['--node', pair.right.log.node]);
      const changed = Object.keys(source).filter((k) => k in other && other[k] !== source[k]);
      const onlyLeft = Object.keys(source).filter((k) => !(k in other));
      const onlyRight = Object.keys(other).filter((k) => !(k in source));
      const table = pair.databases[0]?.tables.find((t: { table: string }) => t.table === 'model');
      if (changed.length + onlyLeft.length + onlyRight.length === 0) {
        expect(pair.same, pair.right.log.node).toContain('demo');
        continue;
      }
      compared++;
      expect(table, pair.right.log.node).toMatchObject({
        key: { kind: 'unique-index', columns: ['key'] },
        changed: { count: String(changed.length) },
        onlyLeft: { count: String(onlyLeft.length) },
        onlyRight: { count: String(onlyRight.length) },
      });
      for (const c of table.changed.rows) {
        expect(c.left[1]).toBe(served[c.key[0]]);
        expect(c.right[1]).toBe(other[c.key[0]]);
      }
    }
    expect(compared, 'the lagging node differs').toBeGreaterThan(0);
    // The set repair writes, rebuilt: what the real engine serves once started on it.
    const out = path.join(scratchDir('rr-db-interop-repair-'), 'out');
    const repair = await cli(['repair', set, '--out', out]);
    expect(repair.code, repair.err).toBe(0);
    const afterRepair = await clusterModel(out, debian);
    expect(afterRepair).toEqual(served);
    expect((await queryModel(out)).model).toEqual(afterRepair);
    for (const name of nodeNames(out)) {
      expect((await queryModel(out, ['--node', name])).model, `repaired ${name}`).toEqual(afterRepair);
    }
  }, T);
});

describe.runIf(d118)('db on dqlite 1.18 clusters', () => {
  it('the same with the 1.18 rules (file size from the database header)', async () => {
    await twoPhase(d118!, ['--engine', 'dqlite-1.18']);
  }, T);
});

describe.runIf(cowsql)('db on cowsql 1.15 clusters', () => {
  it('the same from raw snapshots that carry a WAL', async () => {
    await twoPhase(cowsql!, ['--engine', 'cowsql-1.15']);
  }, T);
});
