// Databases rebuilt from real clusters (required in CI): dqlite-demo's model table, rebuilt from a
// node's log, equals what the cluster was told (expect.json) and what the running cluster answers
// through the dqlite shell, at the last index and at an earlier index recorded while the cluster
// ran; the files pass Debian's sqlite3 integrity_check. Debian's dqlite 1.11, dqlite 1.18 (no WAL
// in snapshots, page-1 size rule) and cowsql 1.15 (raw snapshots), via ../shared/engines.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { APPLY_RULES_DQLITE_1_18_2, type ApplyRules } from '../../src/format/dqlite-apply.js';
import type { MaterializeResult } from '../../src/analysis/db/materialize.js';
import { SnapshotDatabasesReader } from '../../src/format/snapshot-databases.js';
import { snapshotContentReader } from '../../src/scan/snapshot-content.js';
import { heldLogOf, materialize, modelOf, repairLogOf, scanSet } from '../helpers/db.js';
import { raftLoad } from '../helpers/engine.js';
import { clusterModel, engineEnvIfBuilt, makeCluster, makeTwoPhaseCluster, type EngineName } from '../helpers/lab.js';
import { scratchDir } from '../helpers/samples.js';

const T = 900_000;
const json = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(file, 'utf8'));
const sorted = (o: Record<string, string>): [string, string][] => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));

/** Writes every database of `r` to a file and asks Debian's sqlite3 about it. */
function sqlite3Check(r: MaterializeResult, expected: Record<string, string>): void {
  const dir = scratchDir('rr-db-export-');
  for (const d of r.databases) {
    const file = path.join(dir, `${d.name}.db`);
    fs.writeFileSync(file, d.image.toBytes());
    expect(execFileSync('sqlite3', [file, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim(), d.name).toBe('ok');
    if (d.name !== 'demo') continue;
    const rows = execFileSync('sqlite3', [file, 'SELECT key, value FROM model'], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.split('|'));
    expect(Object.fromEntries(rows)).toEqual(expected);
  }
}

/** The largest last index the real loader (raft-load.sh) reports for the nodes of a set. */
function lastIndexOf(set: string, env: NodeJS.ProcessEnv): bigint {
  const nodes = fs.readdirSync(set).filter((d) => fs.existsSync(path.join(set, d, 'info.yaml')));
  const loads = nodes.map((d) => raftLoad(path.join(set, d), { env }));
  for (const l of loads) expect(l.ok, JSON.stringify(l)).toBe(true);
  return loads.reduce((m, l) => (BigInt(l.lastIndex!) > m ? BigInt(l.lastIndex!) : m), 0n);
}

/** How the engine writes snapshots: an LZ4 frame or raw bytes, and a WAL beside the main image or not. */
interface SnapshotShape {
  readonly compressed: boolean;
  readonly wal: boolean;
}

/** `wal`: some node's newest snapshot carries one (a checkpoint just before the snapshot leaves it empty). */
function expectSnapshotShape(set: string, shape: SnapshotShape): void {
  const seen = scanSet(set).map((node) => {
    const newest = node.snapshots[0]!;
    const reader = new SnapshotDatabasesReader();
    const read = snapshotContentReader.read(node, newest.name, (b) => reader.feed(b));
    return { compressed: read.compressed, wal: reader.finish().databases.some((d) => d.walSize > 0n) };
  });
  expect({ compressed: [...new Set(seen.map((x) => x.compressed))], wal: seen.some((x) => x.wal) }).toEqual({ compressed: [shape.compressed], wal: shape.wal });
}

async function twoPhase(engine: EngineName, env: NodeJS.ProcessEnv, rules: readonly (ApplyRules | undefined)[], shape: SnapshotShape): Promise<void> {
  const { dir, first } = await makeTwoPhaseCluster({ first: 1300, second: 1200, env });
  expectSnapshotShape(dir, shape);
  const then = json(path.join(first, 'expect.json'));
  const now = json(path.join(dir, 'expect.json'));
  // The recordings agree with the running cluster: what it said is what it was told.
  expect(sorted(json(path.join(first, 'shell.json')))).toEqual(sorted(then));
  expect(sorted(json(path.join(dir, 'shell.json')))).toEqual(sorted(now));
  const index = lastIndexOf(first, env);
  expect(index).toBeGreaterThan(1300n);
  for (const r of rules) {
    for (const node of scanSet(first)) {
      const held = materialize(heldLogOf(node), { rules: r });
      expect(held.problems.filter((p) => p.severity !== 'info'), `${engine} ${node.name}`).toEqual([]);
      expect((await modelOf(held)).model, `${engine} ${node.name} at its last index after phase 1`).toEqual(then);
    }
    for (const node of scanSet(dir)) {
      const last = materialize(heldLogOf(node), { rules: r });
      const { model, integrity } = await modelOf(last);
      expect(integrity).toEqual(['ok']);
      expect(model, `${engine} ${node.name} at ${last.index}`).toEqual(now);
      expect(last.start).toMatchObject({ kind: 'snapshot', index: 2048n });
      const earlier = materialize(heldLogOf(node), { rules: r, at: index });
      expect(earlier.start).toMatchObject({ kind: 'snapshot', index: 1024n }); // the older snapshot, then the log up to `index`
      expect((await modelOf(earlier)).model, `${engine} ${node.name} at ${index}`).toEqual(then);
      sqlite3Check(last, now);
    }
  }
}

function liveEnv(engine: EngineName): NodeJS.ProcessEnv | undefined {
  return engineEnvIfBuilt(engine);
}

const debian = liveEnv('debian');
const d118 = liveEnv('dqlite-1.18');
const cowsql = liveEnv('cowsql-1.15');

describe.runIf(debian)('databases rebuilt from Debian dqlite 1.11 clusters', () => {
  it('two phases: every node at its last index and at the index recorded after the first phase', async () => {
    await twoPhase('debian', debian!, [undefined], { compressed: true, wal: true });
  }, T);

  it('crash with a lagging node: the others hold every row; the lagging node its older rows; the cluster answers the same', async () => {
    const set = await makeCluster({ writes: 1200, stop: 'kill', lagNode: 3, lagAfter: 500, env: debian });
    const expected = json(path.join(set, 'expect.json'));
    const nodes = scanSet(set);
    const results = nodes.map((n) => ({ n, r: materialize(heldLogOf(n)) }));
    const lagging = results.reduce((a, b) => (a.r.index < b.r.index ? a : b));
    for (const { n, r } of results) {
      const { model, integrity } = await modelOf(r);
      expect(integrity).toEqual(['ok']);
      if (n === lagging.n) {
        const writes = Object.values(model).map((v) => Number(/^v(\d+)-/.exec(v)![1]));
        expect(Math.max(...writes)).toBeLessThan(500);
      } else expect(model, n.name).toEqual(expected);
    }
    expect(sorted(await clusterModel(set, debian))).toEqual(sorted(expected));
  }, T);

  it('past snapshot (built like the sample): the own log is refused with the missing range, the repair\'s log has every row', async () => {
    const set = await makeCluster({ writes: 2300, lagNode: 3, lagAfter: 1800, env: debian });
    const expected = json(path.join(set, 'expect.json'));
    const damaged = damageLikeSample(set);
    const nodes = scanSet(set);
    for (const name of damaged) {
      const node = nodes.find((n) => n.name === name)!;
      expect(() => materialize(heldLogOf(node))).toThrow(InputError);
      expect(() => materialize(heldLogOf(node))).toThrow(/entries \d+\.\.\d+ are missing/);
      const r = materialize(repairLogOf(nodes, node));
      expect(r.problems).toEqual([]);
      expect((await modelOf(r)).model).toEqual(expected);
      sqlite3Check(r, expected);
    }
  }, T);
});

describe.runIf(d118)('databases rebuilt from dqlite 1.18 clusters', () => {
  it('two phases, with the 1.18.2 rules and the default ones (no shrink: the same)', async () => {
    await twoPhase('dqlite-1.18', d118!, [APPLY_RULES_DQLITE_1_18_2, undefined], { compressed: true, wal: false });
  }, T);
});

describe.runIf(cowsql)('databases rebuilt from cowsql 1.15 clusters', () => {
  it('two phases (raw snapshots carrying a WAL)', async () => {
    await twoPhase('cowsql-1.15', cowsql!, [undefined], { compressed: false, wal: true });
  }, T);
});

/** make-samples.sh's past-snapshot damage on nodes 1 and 2: newest snapshot and the segment after the older one removed. */
function damageLikeSample(set: string): string[] {
  const names = fs.readdirSync(set).filter((d) => fs.existsSync(path.join(set, d, 'info.yaml'))).sort().slice(0, 2);
  for (const name of names) {
    const d = path.join(set, name);
    const snaps = fs.readdirSync(d).filter((n) => /^snapshot-\d+-\d+-\d+$/.test(n)).sort((a, b) => Number(a.split('-')[2]) - Number(b.split('-')[2]));
    expect(snaps.length).toBeGreaterThanOrEqual(2);
    const newest = snaps.at(-1)!;
    const older = BigInt(snaps.at(-2)!.split('-')[2]!);
    fs.rmSync(path.join(d, newest));
    fs.rmSync(path.join(d, `${newest}.meta`));
    const victim = fs.readdirSync(d).find((n) => /^\d{16}-\d{16}$/.test(n) && BigInt(n.split('-')[0]!) <= older + 1n && BigInt(n.split('-')[1]!) >= older + 1n);
    expect(victim).toBeDefined();
    fs.rmSync(path.join(d, victim!));
  }
  return names;
}

