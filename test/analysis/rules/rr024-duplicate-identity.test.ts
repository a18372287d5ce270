import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr024-duplicate-identity.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import { cleanupCopies, damaged, onHealthy, runRule, sampleIndexes } from './harness.js';

afterAll(cleanupCopies);

describe('RR024 duplicate-identity', () => {
  it('fires when the same node directory is given twice', async () => {
    const copy = await damaged('healthy', 0, () => undefined);
    const found = runRule(rule, [...(await sampleIndexes('healthy')), buildNodeIndex(copy)]);
    expect(found).toHaveLength(2);
    expect(found.every((f) => f.node === '*')).toBe(true);
    expect(found.map((f) => f.message.replace(/: .*/, ''))).toEqual([
      '2 input directories claim address 127.0.0.1:9511',
      '2 input directories claim node ID 3297041220608546238',
    ]);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
