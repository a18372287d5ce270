import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr033-snapshot-meta-invalid.js';
import { writeAt } from '../../helpers/damage.js';
import { cleanupCopies, fileStarting, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR033 snapshot-meta-invalid', () => {
  it('fires on a bad format word in the newest .meta', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => writeAt(dir, fileStarting(dir, 'snapshot-1-2048-', '.meta'), 0, Uint8Array.of(2)));
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.message).toContain('unsupported format 2 (RAFT_MALFORMED): it is the snapshot start-up loads, so raft refuses to start');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
