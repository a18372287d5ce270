import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr012-snapshot-empty-data.js';
import { truncate } from '../../helpers/damage.js';
import { cleanupCopies, fileStarting, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR012 snapshot-empty-data', () => {
  it('fires on an empty newest snapshot data file', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => truncate(dir, fileStarting(dir, 'snapshot-1-2048-'), 0));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/snapshot data file snapshot-1-2048-\d+ is empty: raft does not see this snapshot and starts from snapshot snapshot-1-1024-\d+ instead/);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
