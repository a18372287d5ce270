import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr011-snapshot-data-without-meta.js';
import { remove } from '../../helpers/damage.js';
import { cleanupCopies, fileStarting, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR011 snapshot-data-without-meta', () => {
  it('fires when the newest snapshot lost its .meta, offering to rebuild it from the log', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => remove(dir, fileStarting(dir, 'snapshot-1-2048-', '.meta')));
    expect(found).toHaveLength(1);
    expect(found[0]!.file).toMatch(/^snapshot-1-2048-\d+$/);
    expect(found[0]!.message).toContain('raft deletes it at start-up as an orphan');
    expect(found[0]!.repairs[0]).toMatch(/^Lossless: rebuild snapshot-1-2048-\d+\.meta from the configuration at index 6 \(3 servers\)/);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
