import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr010-snapshot-meta-without-data.js';
import { remove } from '../../helpers/damage.js';
import { cleanupCopies, fileStarting, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR010 snapshot-meta-without-data', () => {
  it('fires when the newest snapshot lost its data file', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => remove(dir, fileStarting(dir, 'snapshot-1-2048-')));
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.file).toMatch(/^snapshot-1-2048-\d+\.meta$/);
    expect(found[0]!.message).toMatch(/raft deletes the \.meta at start-up as an orphan; it would have been the newest snapshot, so raft starts from snapshot snapshot-1-1024-\d+ instead/);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
