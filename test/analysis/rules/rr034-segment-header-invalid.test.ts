import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr034-segment-header-invalid.js';
import { truncate, writeAt } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy, runRule, sampleIndexes } from './harness.js';

afterAll(cleanupCopies);

describe('RR034 segment-header-invalid', () => {
  it('fires on a closed segment with format version 2', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => writeAt(dir, '0000000000001022-0000000000001024', 0, Uint8Array.of(2)));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toBe('closed segment 0000000000001022-0000000000001024 starts with format version 2, not 1: start-up fails with RAFT_CORRUPT.');
  });

  it('fires on an open segment of 5 bytes', async () => {
    const found = await findingsAfter(rule, 'crash', 0, (dir) => truncate(dir, 'open-7', 5));
    expect(found[0]!.message).toBe('open segment open-7 has only 5 bytes, fewer than its 8-byte format header: start-up fails with RAFT_IOERR.');
  });

  it('does not fire on the healthy set, nor on the zero-filled open segments of the crash set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
    expect(runRule(rule, await sampleIndexes('crash'))).toEqual([]);
  });
});
