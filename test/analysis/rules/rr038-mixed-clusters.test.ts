import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr038-mixed-clusters.js';
import { SAMPLE_SETS } from '../../helpers/samples.js';
import { cleanupCopies, runRule, sampleIndexes } from './harness.js';

afterAll(cleanupCopies);

describe('RR038 mixed-clusters', () => {
  it.each(SAMPLE_SETS)('is silent on one real cluster (%s)', async (set) => {
    expect(runRule(rule, await sampleIndexes(set))).toEqual([]);
  });

  it('groups the nodes of two real clusters and names the evidence (index, term, both files and offsets)', async () => {
    const nodes = [...await sampleIndexes('healthy'), ...await sampleIndexes('crash')];
    const found = runRule(rule, nodes);
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f).toMatchObject({ code: 'RR038', severity: 'error', node: '*' });
    const groups = f.data['groups'] as string[][];
    expect(groups.map((g) => g.map((p) => p.split('/').pop()))).toEqual([
      ['127.0.0.1:9511', '127.0.0.1:9512', '127.0.0.1:9513'],
      ['127.0.0.1:9521', '127.0.0.1:9522', '127.0.0.1:9523'],
    ]);
    // The bootstrap configuration at index 1 (term 1) names another address.
    expect(f.message).toMatch(/127\.0\.0\.1:9511 and \S+127\.0\.0\.1:9521 both hold index 1 in term 1 \(\S+127\.0\.0\.1:9511: 0000000000000001-0000000000000001 @40; \S+127\.0\.0\.1:9521: 0000000000000001-0000000000000001 @40\), but different configurations/);
  });
});
