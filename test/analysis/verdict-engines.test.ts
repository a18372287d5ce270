// One verdict per node for a chosen or inferred engine: `auto` lists the engines still possible
// that would start the node differently, instead of guessing between them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profileOf } from '../../src/analysis/engine/profiles.js';
import { verdictDocument } from '../../src/workflows/documents/verdict.js';
import { buildNodeIndex } from '../../src/scan/build-node-index.js';
import { verdictsOf } from '../../src/workflows/check.js';
import { truncate } from '../helpers/damage.js';
import { cleanupCopies, damaged, sampleIndexes } from './rules/harness.js';

afterAll(cleanupCopies);

async function cutNewestSnapshot(): Promise<ReturnType<typeof buildNodeIndex>[]> {
  const dir = await damaged('healthy', 0, (d) => {
    const snap = fs.readdirSync(d).find((n) => n.startsWith('snapshot-1-2048-') && !n.endsWith('.meta'))!;
    truncate(d, snap, Math.floor(fs.statSync(path.join(d, snap)).size / 2));
  });
  const nodes = [...(await sampleIndexes('healthy'))];
  nodes[0] = buildNodeIndex(dir);
  return nodes;
}

describe('buildVerdicts with an engine', () => {
  it('defaults to libraft 0.15 with no other engines, as before', async () => {
    const v = verdictsOf(await sampleIndexes('healthy'));
    expect(v[0]!.engine).toMatchObject({ name: 'dqlite-1.11', source: 'flag', alternatives: [] });
    expect(v.every((x) => x.otherEngines.length === 0)).toBe(true);
    expect(verdictDocument(v[0]!)).not.toHaveProperty('otherEngines');
  });

  it('auto: the inferred engine\'s start-up, and the engines still possible that differ', async () => {
    const v = verdictsOf(await cutNewestSnapshot(), { engine: 'auto' });
    expect(v[0]!.engine).toMatchObject({ name: 'dqlite-1.11', source: 'evidence' });
    expect(v[0]!.startup).toMatchObject({ outcome: 'hang', engine: 'dqlite-1.11' });
    // dqlite 1.16 and 1.17 and cowsql hang the same way; only dqlite ≥ 1.18.3 fails at once.
    expect(v[0]!.otherEngines.map((o) => [o.engines, o.startup.outcome, o.startup.error])).toEqual([
      [['dqlite-1.18'], 'error', 'short read: 131072 bytes instead of 309000'],
    ]);
    expect(v[1]!.otherEngines).toEqual([]);
    expect(verdictDocument(v[0]!).otherEngines).toMatchObject([{ engines: ['dqlite-1.18'], startup: { outcome: 'error', code: 18 } }]);
  });

  it('a named engine: its start-up and its recovery, no alternatives', async () => {
    const v = verdictsOf(await cutNewestSnapshot(), { engine: profileOf('dqlite-1.18') });
    expect(v[0]!.engine).toMatchObject({ source: 'flag', name: 'dqlite-1.18' });
    expect(v[0]!.startup).toMatchObject({ outcome: 'error', error: 'short read: 131072 bytes instead of 309000' });
    expect(v[0]!.otherEngines).toEqual([]);
    expect(v[0]!.contribution.steps.map((s) => s.kind)).toContain('drop-snapshot');
    expect(v[0]!.contribution.steps.find((s) => s.kind === 'drop-snapshot')!.description).toMatch(/refuse it \(lz4-short-read\) and never falls back/);
  });
});
