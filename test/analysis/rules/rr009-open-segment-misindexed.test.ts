import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr009-open-segment-misindexed.js';
import { batchesOf, remove } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy, runRule, sampleIndexes, setBatchTerm } from './harness.js';

afterAll(cleanupCopies);

describe('RR009 open-segment-misindexed', () => {
  it('warns when only a snapshot precedes the open segments', async () => {
    const found = await findingsAfter(rule, 'lagging', 2, (dir) => {
      remove(dir, '0000000000000001-0000000000001019');
      remove(dir, '0000000000001020-0000000000001025');
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', node: '127.0.0.1:9533', file: 'open-3' });
    expect(found[0]!.message).toMatch(/will be loaded as entries 1025-1307: no closed segment is kept before it, so raft numbers its entries from snapshot snapshot-1-1024-\d+'s index \+ 1/);
  });

  it('is an error when a deleted closed segment makes the open segment\'s first term go down', async () => {
    const found = await findingsAfter(rule, 'lagging', 2, (dir) => {
      const before = '0000000000000001-0000000000001019';
      remove(dir, '0000000000001020-0000000000001025');
      setBatchTerm(dir, before, batchesOf(dir, before).batches.length - 1, 2n);
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.message).toBe('open segment open-3 will be loaded as entries 1020-1302; but its first entry has term 1, below the term 2 at index 1019.');
  });

  it('does not fire on the healthy set, nor on the crash and lagging sets', async () => {
    expect(await onHealthy(rule)).toEqual([]);
    expect(runRule(rule, await sampleIndexes('crash'))).toEqual([]);
    expect(runRule(rule, await sampleIndexes('lagging'))).toEqual([]);
  });
});
