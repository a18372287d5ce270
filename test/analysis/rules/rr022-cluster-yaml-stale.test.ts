import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr022-cluster-yaml-stale.js';
import { write } from '../../helpers/damage.js';
import { cleanupCopies, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR022 cluster-yaml-stale', () => {
  it('warns when cluster.yaml puts a member ID at another address', async () => {
    const found = await findingsAfter(rule, 'healthy', 2, (dir) => write(dir, 'cluster.yaml', Buffer.from([
      '- Address: 127.0.0.1:9511', '  ID: 3297041220608546238', '  Role: 0',
      '- Address: 127.0.0.1:9999', '  ID: 2585399981790450267', '  Role: 0',
      '- Address: 127.0.0.1:9513', '  ID: 12577195336283858413', '  Role: 0', ''].join('\n'))));
    const mine = found.filter((f) => f.node === '127.0.0.1:9513');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.severity).toBe('warning');
    expect(mine[0]!.message).toContain('ID 2585399981790450267 is listed at 127.0.0.1:9999, raft has 127.0.0.1:9512');
  });

  it('only reports info on the healthy set, whose cluster.yaml files were never refreshed (roles mapped YAML 2 spare vs raft voter)', async () => {
    const found = await onHealthy(rule);
    expect(found.every((f) => f.severity === 'info')).toBe(true);
    expect(found.find((f) => f.node === '127.0.0.1:9513')!.message).toContain('127.0.0.1:9513 is listed as spare (Role: 2), raft has voter');
  });
});
