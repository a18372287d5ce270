import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr026-log-matching-violated.js';
import { batchesOf } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy, runRule, sampleIndexes, setBatchTerm } from './harness.js';

afterAll(cleanupCopies);

describe('RR026 log-matching-violated', () => {
  it('warns about a diverging uncommitted tail', async () => {
    const name = '0000000000002050-0000000000002614';
    const found = await findingsAfter(rule, 'healthy', 1, (dir) => setBatchTerm(dir, name, batchesOf(dir, name).batches.length - 1, 2n));
    expect(found).toHaveLength(2);
    expect(found.every((f) => f.severity === 'warning' && f.node === '*')).toBe(true);
    expect(found[0]!.message).toBe('127.0.0.1:9511 and 127.0.0.1:9512 hold different terms from index 2614 (term 1 vs 2); 1 index of 2614 held by both differ: an uncommitted tail: a leader with the higher term (127.0.0.1:9512\'s) would overwrite the other\'s entries from 2614.');
  });

  it('is an error when the logs agree again after diverging', async () => {
    const name = '0000000000001026-0000000000002041';
    const found = await findingsAfter(rule, 'healthy', 1, (dir) => setBatchTerm(dir, name, 100, 3n));
    expect(found).toHaveLength(2);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.data['firstDivergent']).toBe(1126n);
    expect(found[0]!.message).toContain('they agree again from index 1127');
  });

  it('does not fire on the healthy set, nor on the crash, lagging and past-snapshot sets', async () => {
    expect(await onHealthy(rule)).toEqual([]);
    for (const set of ['crash', 'lagging', 'past-snapshot'] as const) expect(runRule(rule, await sampleIndexes(set))).toEqual([]);
  });
});
