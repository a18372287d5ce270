import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr016-metadata-missing.js';
import { remove } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy, runRule, sampleIndexes } from './harness.js';

afterAll(cleanupCopies);

describe('RR016 metadata-missing', () => {
  it('fires when both metadata files are gone from a node with a log', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => { remove(dir, 'metadata1'); remove(dir, 'metadata2'); });
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('although the log holds entries up to term 1: raft starts with term 0 and no vote');
    expect(found[0]!.repairs[0]).toMatch(/^Lossless: write metadata1 with version 1, term 1/);
  });

  it('does not fire on the healthy set, nor on nodes with only metadata1 (crash set)', async () => {
    expect(await onHealthy(rule)).toEqual([]);
    expect(runRule(rule, await sampleIndexes('crash'))).toEqual([]);
  });
});
