import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr032-closed-segment-truncated.js';
import { batchesOf, truncate } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR032 closed-segment-truncated', () => {
  it('fires on a closed segment cut inside a batch', async () => {
    const name = '0000000000001022-0000000000001024';
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => truncate(dir, name, batchesOf(dir, name).batches[1]!.offset + 100));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('entries 1023-1024 are missing; start-up fails with RAFT_IOERR');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
