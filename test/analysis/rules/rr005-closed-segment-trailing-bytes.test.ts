import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr005-closed-segment-trailing-bytes.js';
import { append } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

const LAST = '0000000000002049-0000000000002614';

describe('RR005 closed-segment-trailing-bytes', () => {
  it('fires on zeros after the last closed segment and tells what auto-recovery loses', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => append(dir, LAST, new Uint8Array(4096)));
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f).toMatchObject({ severity: 'error', file: LAST, offset: 4678256 });
    expect(f.message).toContain('4096 bytes of zeros after its last batch (from byte 4678256)');
    expect(f.message).toContain('silently starts without entries 2049-2614');
    expect(f.repairs[0]).toBe(`Lossless: truncate ${LAST} to 4678256 bytes (no entry is in the extra bytes).`);
  });

  it('says start-up fails for a middle segment', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => append(dir, '0000000000001022-0000000000001024', new Uint8Array(100)));
    expect(found[0]!.message).toContain('not the last closed segment, so start-up fails with RAFT_CORRUPT');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
