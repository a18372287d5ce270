import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr031-unknown-entry-type.js';
import { setEntryType } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR031 unknown-entry-type', () => {
  it('fires on an unknown type in a closed segment', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => setEntryType(dir, '0000000000001022-0000000000001024', 1, 0, 7));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/entry 1 of batch 2 \(index 1023, header at byte \d+\) has type 7, which raft does not know: start-up fails with RAFT_MALFORMED/);
  });

  it('predicts the crash in an open segment after good batches', async () => {
    const found = await findingsAfter(rule, 'crash', 0, (dir) => setEntryType(dir, 'open-5', 3, 0, 9));
    expect(found[0]!.message).toContain('(index 2052,');
    expect(found[0]!.message).toContain('frees the same buffer twice and crashes');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
