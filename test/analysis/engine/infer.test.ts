import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferEngine, resolveEngine } from '../../../src/analysis/engine/infer.js';
import { profileOf } from '../../../src/analysis/engine/profiles.js';
import { EntryType } from '../../../src/format/segment.js';
import { encodeSnapshotData } from '../../../src/format/snapshot-data.js';
import { encodeConfiguration } from '../../../src/format/configuration.js';
import { encodeSegment } from '../../../src/format/segment.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import type { NodeIndex } from '../../../src/scan/node-index.js';
import { sampleNodes } from '../../helpers/samples.js';
import * as s from '../../helpers/synthetic-node.js';

function nodeOf(build: (dir: string) => void): NodeIndex {
  const dir = s.emptyNode();
  try {
    build(dir);
    return buildNodeIndex(dir);
  } finally {
    s.removeNode(dir);
  }
}

const page = (): Uint8Array => {
  const p = new Uint8Array(4096);
  p[16] = 0x10;
  return p;
};
const walImage = (): Uint8Array => {
  const w = new Uint8Array(32 + 24 + 4096);
  new DataView(w.buffer).setUint32(0, 0x377f0682);
  new DataView(w.buffer).setUint32(8, 4096);
  return w;
};
const payload = (wal: boolean): Uint8Array => encodeSnapshotData([{ filename: 'db', main: page(), ...(wal ? { wal: walImage() } : {}) }]);

/** A recovery segment N-N: one RAFT_CHANGE entry with `term`. */
function writeRecovery(dir: string, index: bigint, term: bigint): void {
  const name = `${index.toString().padStart(16, '0')}-${index.toString().padStart(16, '0')}`;
  fs.writeFileSync(path.join(dir, name), encodeSegment([[{ term, type: EntryType.CHANGE, payload: encodeConfiguration(s.SERVERS) }]]));
}

describe('inferEngine', () => {
  it('Debian-made samples: libraft 0.15 (LZ4, WAL images, stale padding, no lock)', async () => {
    const nodes = (await sampleNodes('healthy')).map((d) => buildNodeIndex(d));
    const r = inferEngine(nodes);
    expect(r).toMatchObject({ name: 'dqlite-1.11', source: 'evidence' });
    const words = r.evidence.join('\n');
    expect(words).toMatch(/LZ4 newest snapshot/);
    expect(words).toMatch(/carry a WAL image/);
    expect(words).toMatch(/stale bytes in unused entry-header bytes/);
    expect(words).toMatch(/no dqlite-lock/);
    expect(r.alternatives.map((p) => p.name)).toEqual(['dqlite-1.16', 'dqlite-1.18', 'dqlite-1.17', 'cowsql-1.15']);
  });

  it('dqlite-lock and WAL-less payloads: dqlite ≥ 1.17, the newest first, 1.11 and 1.16 ruled out', () => {
    const node = nodeOf((dir) => {
      fs.writeFileSync(path.join(dir, 'dqlite-lock'), '');
      s.writeSnapshot(dir, 1n, 100n, 5n, { content: payload(false) });
    });
    const r = inferEngine([node]);
    expect(r).toMatchObject({ name: 'dqlite-1.18', source: 'evidence' });
    expect(r.alternatives.map((p) => p.name)).toEqual(['dqlite-1.17', 'cowsql-1.15']);
    expect(r.evidence.join('\n')).toMatch(/dqlite-lock in .*dqlite ≥ 1\.16\.5[\s\S]*wal_size 0.*dqlite ≥ 1\.17/);
  });

  it('a raw snapshot with a WAL image and zero padding: cowsql', () => {
    const node = nodeOf((dir) => {
      s.writeClosed(dir, 1n, { batches: [40, 40] });
      s.writeSnapshot(dir, 1n, 50n, 5n, { raw: true, content: payload(true) });
    });
    const r = inferEngine([node]);
    expect(r).toMatchObject({ name: 'cowsql-1.15', source: 'evidence' });
    expect(r.evidence.join('\n')).toMatch(/uncompressed newest snapshot/);
    expect(r.evidence.join('\n')).toMatch(/only zeros in the unused entry-header bytes of the newest 80 entries/);
  });

  it('the term of a .reconfigure entry', () => {
    const recovered = (term: bigint): NodeIndex => nodeOf((dir) => {
      s.writeClosed(dir, 1n, { batches: [4], term: 3n });
      writeRecovery(dir, 5n, term);
    });
    expect(inferEngine([recovered(3n)]).evidence.join('\n')).toMatch(/has the last log term 3: written by cowsql\/raft ≥ 0\.20/);
    expect(inferEngine([recovered(3n)]).name).toBe('cowsql-1.15');
    expect(inferEngine([recovered(1n)]).evidence.join('\n')).toMatch(/has term 1 after term 3: written by libraft or dqlite/);
  });

  it('nothing but weak clues: unknown, every other engine an alternative', () => {
    const r = inferEngine([nodeOf(() => undefined)]);
    expect(r).toMatchObject({ name: 'dqlite-1.11', source: 'unknown' });
    expect(r.evidence).toEqual(['no dqlite-lock in any node: not started by dqlite ≥ 1.16.5 (unless the file was left out of the copy)']);
    expect(r.alternatives.map((p) => p.name)).toEqual(['cowsql-1.15', 'dqlite-1.18', 'dqlite-1.17', 'dqlite-1.16']);
  });

  it('weak clues alone never decide: zero padding and no lock leave it unknown, dqlite-1.11 picked', () => {
    // The project's encoder writes zeros where Debian's libraft often leaves them too (a fresh heap).
    const node = nodeOf((dir) => s.writeClosed(dir, 1n, { batches: [40, 40] }));
    const r = inferEngine([node]);
    expect(r).toMatchObject({ name: 'dqlite-1.11', source: 'unknown' });
    expect(r.evidence.join('\n')).toMatch(/only zeros in the unused entry-header bytes/);
    expect(r.facts).toEqual(['no dqlite-lock in any node', 'only zeros in the unused entry-header bytes of the newest 80 entries']);
    // cowsql, which both weak clues favour, comes first among the alternatives.
    expect(r.alternatives[0]!.name).toBe('cowsql-1.15');
  });

  it('a product hint rules out the other family', () => {
    const empty = [nodeOf(() => undefined)];
    const incus = inferEngine(empty, 'incus');
    expect(incus).toMatchObject({ name: 'cowsql-1.15', source: 'evidence', alternatives: [] });
    expect(incus.evidence).toContain('product layout: Incus runs cowsql');
    const lxd = inferEngine(empty, 'lxd');
    expect(lxd.profile.family).toBe('dqlite');
    expect(lxd.alternatives.map((p) => p.family)).not.toContain('cowsql');
  });
});

describe('resolveEngine', () => {
  it('a named engine is the flag\'s, with no alternatives', () => {
    expect(resolveEngine(profileOf('cowsql-1.15'), [])).toEqual({ name: 'cowsql-1.15', source: 'flag', evidence: [], facts: [], profile: profileOf('cowsql-1.15'), alternatives: [] });
  });
});
