import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr002-closed-segment-gap.js';
import { remove, snapshotsNewestFirst } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR002 closed-segment-gap', () => {
  it('is info when the snapshot covers the hole, naming the ignored older segments', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => remove(dir, '0000000000001022-0000000000001024'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'info', file: '0000000000001025-0000000000002040' });
    expect(found[0]!.message).toContain('entries 1022-1024 are on no file');
    expect(found[0]!.data['ignored']).toEqual(['0000000000000001-0000000000000001', '0000000000000002-0000000000001021']);
  });

  it('is an error without a snapshot, quoting the loader and naming nodes that can fill the hole', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      for (const s of snapshotsNewestFirst(dir)) { remove(dir, s); remove(dir, `${s}.meta`); }
      remove(dir, '0000000000001022-0000000000001024');
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.message).toContain('"unexpected closed segment 0000000000001025-0000000000002040: first index should have been 1022"');
    expect(found[0]!.data['holders']).toEqual(['127.0.0.1:9512', '127.0.0.1:9513']);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
