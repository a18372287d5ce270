import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr003-closed-segment-overlap.js';
import { sampleNodes } from '../../helpers/samples.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR003 closed-segment-overlap', () => {
  it('fires when a re-bootstrap put 1-1 next to 1-1021', async () => {
    const [first] = await sampleNodes('healthy');
    const oneOne = path.join(first!, '0000000000000001-0000000000000001');
    const found = await findingsAfter(rule, 'healthy', 1, (dir) => fs.copyFileSync(oneOne, path.join(dir, '0000000000000001-0000000000000001')));
    expect(found).toHaveLength(1);
    expect(found[0]!.node).toBe('127.0.0.1:9512');
    expect(found[0]!.message).toContain('0000000000000001-0000000000000001 and 0000000000000001-0000000000001021');
    expect(found[0]!.message).toContain('both claim entry 1');
    expect(found[0]!.data['differingTerms']).toBe(0);
    expect(found[0]!.repairs[0]).toMatch(/^Lossless: move 0000000000000001-0000000000000001 aside/);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
