import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr019-metadata-bad-format.js';
import { writeAt } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR019 metadata-bad-format', () => {
  it('fires on a bad format word and on version 0', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      writeAt(dir, 'metadata1', 0, Uint8Array.of(2));
      writeAt(dir, 'metadata2', 8, new Uint8Array(8));
    });
    expect(found.map((f) => f.file)).toEqual(['metadata1', 'metadata2']);
    expect(found[0]!.message).toContain('("decode content of metadata1: bad format version 2")');
    expect(found[1]!.message).toContain('("decode content of metadata2: version is set to zero")');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
