import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr018-metadata-wrong-size.js';
import { append, truncate } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR018 metadata-wrong-size', () => {
  it('is an error for a long file and a warning for a short one', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => { append(dir, 'metadata1', Uint8Array.of(0)); truncate(dir, 'metadata2', 10); });
    expect(found.map((f) => [f.severity, f.file])).toEqual([['error', 'metadata1'], ['warning', 'metadata2']]);
    expect(found[0]!.message).toContain('("metadata1 has size 33 instead of 32")');
    expect(found[0]!.repairs[0]).toContain('Lossless: truncate metadata1 to 32 bytes');
    expect(found[1]!.message).toContain('raft deletes it at start-up');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
