import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr020-corrupt-files-present.js';
import { rename } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR020 corrupt-files-present', () => {
  it('lists a quarantined segment with its range and time', async () => {
    const name = 'corrupt-1700000000000000000-0000000000002049-0000000000002614';
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => rename(dir, '0000000000002049-0000000000002614', name));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', file: name });
    expect(found[0]!.message).toBe(`${name} is entries 2049-2614, moved aside by raft's auto-recovery at 2023-11-14T22:13:20.000Z: this node already dropped it from its log.`);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
