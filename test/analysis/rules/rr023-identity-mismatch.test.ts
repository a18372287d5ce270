import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr023-identity-mismatch.js';
import { write } from '../../helpers/damage.js';
import { buildNodeIndex } from '../../../src/scan/build-node-index.js';
import { cleanupCopies, damaged, findingsAfter, onHealthy, runRule, sampleIndexes } from './harness.js';

afterAll(cleanupCopies);

describe('RR023 identity-mismatch', () => {
  it('fires when info.yaml moves the node to another address', async () => {
    const found = await findingsAfter(rule, 'healthy', 1, (dir) => write(dir, 'info.yaml', Buffer.from('Address: 127.0.0.1:9999\nID: 2585399981790450267\nRole: 0\n')));
    expect(found.map((f) => f.severity)).toEqual(['error', 'warning']);
    expect(found[0]!.message).toContain('lists it at 127.0.0.1:9512');
    expect(found[1]!.message).toBe('directory 127.0.0.1:9512 holds info.yaml for 127.0.0.1:9999: check that the directories were not swapped when copied.');
  });

  it('fires when the ID is not a member', async () => {
    const found = await findingsAfter(rule, 'healthy', 1, (dir) => write(dir, 'info.yaml', Buffer.from('Address: 127.0.0.1:9512\nID: 42\nRole: 0\n')));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('has ID 2585399981790450267 at that address');
  });

  it('warns about swapped directories but not about directories named otherwise', async () => {
    const a = await damaged('healthy', 0, () => undefined);
    const b = await damaged('healthy', 1, () => undefined);
    const swappedA = path.join(path.dirname(a), '127.0.0.1:9512');
    const plain = path.join(path.dirname(b), 'node2');
    fs.renameSync(a, swappedA);
    fs.renameSync(b, plain);
    const [, , third] = await sampleIndexes('healthy');
    const found = runRule(rule, [buildNodeIndex(swappedA), buildNodeIndex(plain), third!]);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toBe(`directory 127.0.0.1:9512 holds info.yaml for 127.0.0.1:9511, while ${plain} holds 127.0.0.1:9512's: check that the directories were not swapped when copied.`);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
