// Databases rebuilt from the real sample sets (dqlite 1.11, written by dqlite-demo): the model
// table equals expect.json, every node agrees byte for byte, a replay from index 1 equals the
// snapshot dqlite itself wrote at that index, and a log that cannot reach the index says which
// entries are missing.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { InputError } from '../../../src/core/errors.js';
import { decompressLz4Frame } from '../../../src/format/lz4-verify.js';
import { decodeSnapshotDatabases } from '../../../src/format/snapshot-databases.js';
import type { DbLog } from '../../../src/analysis/db/db-log.js';
import type { NodeIndex } from '../../../src/scan/node-index.js';
import { heldLogOf, materialize, modelOf, repairLogOf, scanSet } from '../../helpers/db.js';
import { sampleSet } from '../../helpers/samples.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const expectOf = (set: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(set, 'expect.json'), 'utf8'));
const noSnapshots = (log: DbLog): DbLog => ({ ...log, snapshots: [] });

let healthy = '';
let nodes: NodeIndex[] = [];
beforeAll(async () => {
  healthy = await sampleSet('healthy');
  nodes = scanSet(healthy);
});

describe('healthy sample', () => {
  it('every node rebuilds demo at its last index from its newest snapshot: the rows of expect.json, identical bytes', async () => {
    const digests = new Set<string>();
    for (const node of nodes) {
      const r = materialize(heldLogOf(node));
      expect(r.problems).toEqual([]);
      expect(r.index).toBe(2614n);
      expect(r.start).toMatchObject({ kind: 'snapshot', index: 2048n });
      expect(r.databases.map((d) => [d.name, d.pageSize, d.pages])).toEqual([['demo', 4096, 3]]);
      const { model, integrity } = await modelOf(r);
      expect(integrity).toEqual(['ok']);
      expect(model).toEqual(expectOf(healthy));
      digests.add(sha(r.databases[0]!.image.toBytes()));
    }
    expect(digests.size).toBe(1);
  });

  it('a replay from index 1 equals the snapshot dqlite wrote (main + WAL) at 1024 and 2048, byte for byte', () => {
    const node = nodes[0]!;
    const log = heldLogOf(node);
    for (const s of log.snapshots) {
      const fromScratch = materialize(noSnapshots(log), { at: s.index });
      expect(fromScratch.start).toEqual({ kind: 'empty' });
      const snap = decodeSnapshotDatabases(decompressLz4Frame(fs.readFileSync(path.join(node.dir, s.record.name))).data!);
      expect(sha(fromScratch.databases[0]!.image.toBytes())).toBe(sha(snap.databases[0]!.image!.toBytes()));
    }
  });

  it('at an intermediate index: the same bytes whichever start is used (snapshot 1024 or index 1)', () => {
    const log = heldLogOf(nodes[1]!);
    const viaSnapshot = materialize(log, { at: 1500n });
    expect(viaSnapshot.start).toMatchObject({ kind: 'snapshot', index: 1024n });
    expect(viaSnapshot.commands).toBe(476);
    const viaScratch = materialize(noSnapshots(log), { at: 1500n });
    expect(viaScratch.commands).toBeGreaterThan(1400);
    expect(sha(viaSnapshot.databases[0]!.image.toBytes())).toBe(sha(viaScratch.databases[0]!.image.toBytes()));
    expect(viaSnapshot.databases[0]!.changedAt).toBeLessThanOrEqual(1500n);
  });

  it('at index 0 there is no database yet; past the last index is an error', () => {
    const log = heldLogOf(nodes[0]!);
    expect(materialize(noSnapshots(log), { at: 0n }).databases).toEqual([]);
    expect(() => materialize(log, { at: 2615n })).toThrow(InputError);
  });

  it('a log with missing entries names the range it cannot rebuild across', () => {
    const log = heldLogOf(nodes[0]!);
    // Keep only the segment holding 2101.. and no snapshot: nothing can be rebuilt.
    const cut: DbLog = { ...log, snapshots: [], pieces: log.pieces.filter((p) => p.lastIndex > 2100n) };
    expect(cut.pieces[0]!.firstIndex).toBeGreaterThan(1n);
    const first = cut.pieces[0]!.firstIndex;
    expect(() => materialize(cut)).toThrow(new RegExp(`entries 1\\.\\.${first - 1n} are missing between index 1 .* and the index`));
  });
});

describe('damaged sample sets', () => {
  it('crash: each node (open segments, killed) rebuilds the rows of expect.json', async () => {
    const set = await sampleSet('crash');
    for (const node of scanSet(set)) {
      const r = materialize(heldLogOf(node));
      expect(r.problems).toEqual([]);
      expect((await modelOf(r)).model).toEqual(expectOf(set));
    }
  });

  it('lagging: node 3 holds only what it had when it was killed (values of writes before 1300)', async () => {
    const set = await sampleSet('lagging');
    const all = scanSet(set);
    const lagging = all.reduce((a, b) => (heldLogOf(a).lastIndex < heldLogOf(b).lastIndex ? a : b));
    const { model, integrity } = await modelOf(materialize(heldLogOf(lagging)));
    expect(integrity).toEqual(['ok']);
    const writes = Object.values(model).map((v) => Number(/^v(\d+)-/.exec(v)![1]));
    expect(Math.max(...writes)).toBeLessThan(1300);
    expect(Math.max(...writes)).toBeGreaterThan(1200);
    const others = all.filter((n) => n !== lagging);
    for (const n of others) expect((await modelOf(materialize(heldLogOf(n)))).model).toEqual(expectOf(set));
  });

  it('past-snapshot: nodes 1 and 2 cannot rebuild their own log (a gap); the repair from them can, and has every row', async () => {
    const set = await sampleSet('past-snapshot');
    const all = scanSet(set);
    const broken = all.filter((n) => heldLogOf(n).pieces.length > 0 && (() => {
      try { materialize(heldLogOf(n)); return false; } catch (e) { return e instanceof InputError; }
    })());
    expect(broken).toHaveLength(2);
    for (const n of broken) {
      expect(() => materialize(heldLogOf(n))).toThrow(/entries \d+\.\.\d+ are missing/);
      const r = materialize(repairLogOf(all, n));
      expect(r.log).toBe(`repair from ${n.name}`);
      const { model, integrity } = await modelOf(r);
      expect(integrity).toEqual(['ok']);
      expect(model).toEqual(expectOf(set));
    }
  });
});
