import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr015-snapshot-beyond-log.js';
import { remove } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR015 snapshot-beyond-log', () => {
  it('fires when open segments get numbered after an older closed segment and end before the snapshot', async () => {
    const found = await findingsAfter(rule, 'crash', 0, (dir) => {
      remove(dir, '0000000000001025-0000000000002040');
      remove(dir, '0000000000002041-0000000000002048');
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.message).toContain('"last entry on disk has index 1589, which is behind last snapshot\'s index 2048"');
  });

  it('is info when every closed segment is older than the snapshot and there is no open segment', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      remove(dir, '0000000000002041-0000000000002048');
      remove(dir, '0000000000002049-0000000000002614');
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('info');
    expect(found[0]!.message).toContain('the newest segment ends at 2040');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
