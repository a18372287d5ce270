import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr004-closed-segment-name-mismatch.js';
import { rename } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR004 closed-segment-name-mismatch', () => {
  it('fires when the name promises one entry more than the file holds', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => rename(dir, '0000000000002049-0000000000002614', '0000000000002049-0000000000002615'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', file: '0000000000002049-0000000000002615' });
    expect(found[0]!.message).toContain('"found 566 entries (expected 567)"');
    expect(found[0]!.message).toContain('auto-recovery renames 0000000000002049-0000000000002615 to corrupt-*');
    expect(found[0]!.data['suggestedName']).toBe('0000000000002049-0000000000002614');
  });

  it('flags a name C reads as another range', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => rename(dir, '0000000000002049-0000000000002614', '0000000000002049--000000000002614'));
    const spelled = found.find((f) => f.message.includes('is read by C as'));
    expect(spelled?.data['canonicalName']).toBe('0000000000002049-18446744073709549002');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
