import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr006-entry-count-invalid.js';
import { batchesOf, writeAt } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR006 entry-count-invalid', () => {
  it('fires on a zeroed count in a middle closed segment', async () => {
    const name = '0000000000001022-0000000000001024';
    let at = 0;
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      at = batchesOf(dir, name).batches[1]!.offset;
      writeAt(dir, name, at + 8, new Uint8Array(8));
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', file: name, offset: at });
    expect(found[0]!.message).toContain('an entry count of 0 in batch 2');
    expect(found[0]!.message).toContain('entries 1023-1024 cannot be read');
    expect(found[0]!.message).toContain('not the last closed segment, so start-up fails');
  });

  it('warns about an open segment whose zero tail is followed by other bytes', async () => {
    const found = await findingsAfter(rule, 'crash', 0, (dir) => {
      const end = batchesOf(dir, 'open-5').validBytes;
      writeAt(dir, 'open-5', end + 4096, new Uint8Array(64).fill(0xff));
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', file: 'open-5' });
    expect(found[0]!.message).toContain('its entries end at 2613');
  });

  it('does not fire on the healthy set, nor on the zero tails of the crash set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
    const { runRule, sampleIndexes } = await import('./harness.js');
    expect(runRule(rule, await sampleIndexes('crash'))).toEqual([]);
  });
});
