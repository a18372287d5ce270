import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr021-info-yaml-problems.js';
import { remove, write } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR021 info-yaml-problems', () => {
  it('fires when cluster.yaml is missing next to info.yaml', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => remove(dir, 'cluster.yaml'));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('("inconsistent info.yaml and cluster.yaml")');
  });

  it('fires on ID 0 and on YAML errors', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      write(dir, 'info.yaml', Buffer.from('Address: 127.0.0.1:9511\nID: 0\nRole: 0\n'));
      write(dir, 'cluster.yaml', Buffer.from('- Address: 127.0.0.1:9511\n  ID: "3297041220608546238"\n  Role: 0\n'));
    });
    expect(found.map((f) => f.file).sort()).toEqual(['cluster.yaml', 'info.yaml']);
    expect(found.find((f) => f.file === 'info.yaml')!.message).toContain('gives ID 0');
    expect(found.find((f) => f.file === 'cluster.yaml')!.message).toContain('ID is quoted');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
