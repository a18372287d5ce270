import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr007-checksum-mismatch.js';
import { batchesOf, flip } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR007 checksum-mismatch', () => {
  it('fires on a flipped payload byte in a middle closed segment', async () => {
    const name = '0000000000001022-0000000000001024';
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => flip(dir, name, batchesOf(dir, name).batches[1]!.entries[0]!.payloadOffset + 5));
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f).toMatchObject({ severity: 'error', file: name });
    expect(f.message).toMatch(/batch 2 at byte \d+ has a data checksum mismatch \(expected 0x[0-9a-f]{8}, found 0x[0-9a-f]{8}\), affecting entry 1023/);
    expect(f.message).toContain('start-up fails hard');
  });

  it('says auto-recovery quarantines the last closed segment', async () => {
    const name = '0000000000002049-0000000000002614';
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => flip(dir, name, batchesOf(dir, name).batches[10]!.offset + 20));
    expect(found[0]!.message).toContain('header checksum mismatch');
    expect(found[0]!.message).toContain(`auto-recovery renames ${name} to corrupt-*`);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
