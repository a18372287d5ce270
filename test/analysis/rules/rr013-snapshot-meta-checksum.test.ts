import { afterAll, describe, expect, it } from 'vitest';
import { profileOf } from '../../../src/analysis/engine/profiles.js';
import { rule } from '../../../src/analysis/rules/rr013-snapshot-meta-checksum.js';
import { flip } from '../../helpers/damage.js';
import { cleanupCopies, fileStarting, findingsAfter, onHealthy } from './harness.js';

afterAll(cleanupCopies);

describe('RR013 snapshot-meta-checksum', () => {
  it('fires on a flipped checksum byte in the newest .meta, quoting the loader', async () => {
    let meta = '';
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      meta = fileStarting(dir, 'snapshot-1-2048-', '.meta');
      flip(dir, meta, 9);
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', file: meta, offset: 8 });
    expect(found[0]!.message).toContain(`raft refuses to start ("read ${meta}: checksum mismatch")`);
    expect(found[0]!.repairs[0]).toMatch(/^Lossless if the configuration in it \(index 6, 3 servers\)/);
  });

  it('with cowsql\'s fallback the newest is skipped: a warning naming the snapshot used instead', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => flip(dir, fileStarting(dir, 'snapshot-1-2048-', '.meta'), 8),
      { engine: profileOf('cowsql-1.15') });
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.message).toMatch(/cowsql-1\.15 skips it and falls back to snapshot-1-1024-\d+\.$/);
  });

  it('is a warning on an older snapshot', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => flip(dir, fileStarting(dir, 'snapshot-1-1024-', '.meta'), 8));
    expect(found[0]!.severity).toBe('warning');
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
