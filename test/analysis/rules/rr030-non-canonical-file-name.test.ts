import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr030-non-canonical-file-name.js';
import { rename } from '../../helpers/damage.js';
import { cleanupCopies, fileStarting, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR030 non-canonical-file-name', () => {
  it('is an error for a snapshot pair raft would delete, info for an unpadded closed name', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      const snap = fileStarting(dir, 'snapshot-1-2048-');
      const odd = snap.replace('snapshot-1-', 'snapshot-01-');
      rename(dir, snap, odd);
      rename(dir, `${snap}.meta`, `${odd}.meta`);
      rename(dir, '0000000000002049-0000000000002614', '2049-2614');
    });
    expect(found.map((f) => f.severity)).toEqual(['error', 'error', 'info']);
    expect(found[0]!.message).toMatch(/snapshot file name "snapshot-01-2048-\d+" is not canonical \(leading zeros; C reads it as snapshot-1-2048-\d+\): .* deletes this file at start-up/);
    expect(found[0]!.repairs[0]).toMatch(/^Lossless: rename snapshot-01-2048-\d+ to snapshot-1-2048-\d+\.$/);
    expect(found[2]!.message).toContain('raft < 0.9.10 wrote such names');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
