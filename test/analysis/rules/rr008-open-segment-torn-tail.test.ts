import { afterAll, describe, expect, it } from 'vitest';
import { buildNodeFacts } from '../../../src/analysis/rules/index.js';
import { verdictsOf } from '../../../src/workflows/check.js';
import { rule } from '../../../src/analysis/rules/rr008-open-segment-torn-tail.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import { batchesOf, truncate } from '../../helpers/damage.js';
import { cleanupCopies, damaged, onHealthy, runRule, withReplaced } from './harness.js';

afterAll(cleanupCopies);

describe('RR008 open-segment-torn-tail', () => {
  it('fires on an open segment cut inside its last batch, predicting the double-free crash', async () => {
    let at = 0;
    const dir = await damaged('crash', 0, (d) => {
      at = batchesOf(d, 'open-5').batches.at(-1)!.offset;
      truncate(d, 'open-5', at + 20);
    });
    const found = runRule(rule, await withReplaced('crash', 0, dir));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', file: 'open-5', offset: at });
    expect(found[0]!.message).toContain('after 564 good batches (entries 2049-2612)');
    expect(found[0]!.message).toContain('crashes');
    expect(found[0]!.repairs[0]).toBe(`Truncate open-5 to ${at} bytes: keeps 564 entries and loses the torn batch's 1 entry, which was never fully written.`);
    expect(buildNodeFacts(verdictsOf([buildNodeIndex(dir)])[0]!).prediction.outcome).toBe('crash');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
