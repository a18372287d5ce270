import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr035-unreadable-file.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR035 unreadable-file', () => {
  it('fires on a directory named like a segment', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => fs.mkdirSync(path.join(dir, '0000000000002615-0000000000002700')));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('looks like a segment but is a directory');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
