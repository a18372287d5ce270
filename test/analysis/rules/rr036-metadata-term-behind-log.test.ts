import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr036-metadata-term-behind-log.js';
import { writeAt } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR036 metadata-term-behind-log', () => {
  it('fires when the current metadata holds a term below the log\'s', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => writeAt(dir, 'metadata1', 16, new Uint8Array(8)));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toBe('metadata1 (version 3) holds term 0, but the log already has entries of term 1: the metadata is older than the log, and the node may vote twice in a term.');
    expect(found[0]!.repairs[0]).toBe('Write metadata2 with version 4, term 1 and no vote.');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
