import { afterAll, describe, expect, it } from 'vitest';
import { rule } from '../../../src/analysis/rules/rr001-past-last-snapshot.js';
import { closedSegments, remove, rename } from '../../helpers/damage.js';
import { cleanupCopies, fileStarting, findingsAfter, onHealthy, runRule, sampleIndexes } from './harness.js';

afterAll(cleanupCopies);

describe('RR001 past-last-snapshot', () => {
  it('reports the real past-snapshot nodes and names the node that holds the missing entries', async () => {
    const found = runRule(rule, await sampleIndexes('past-snapshot'));
    expect(found.map((f) => [f.node, f.file])).toEqual([
      ['127.0.0.1:9541', '0000000000002041-0000000000002048'],
      ['127.0.0.1:9542', '0000000000001026-0000000000002041'],
    ]);
    const [a, b] = found;
    expect(a!.message).toContain('entries 1025-2040 are missing');
    expect(a!.message).toContain('"closed segment 0000000000002041-0000000000002048 is past last snapshot snapshot-1-1024-317095"');
    expect(a!.data['holders']).toEqual(['127.0.0.1:9543']);
    expect(a!.repairs[0]).toMatch(/^Lossless: copy entries 1025-2040 from 127\.0\.0\.1:9543/);
    expect(a!.repairs.at(-1)).toContain('loses entries 2041-3016');
    expect(b!.message).toContain('entry 1025 is missing');
  });

  it('fires on a healthy node whose newest snapshot and a segment were deleted', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      const snap = fileStarting(dir, 'snapshot-1-2048-');
      remove(dir, snap);
      remove(dir, `${snap}.meta`);
      remove(dir, '0000000000001025-0000000000002040');
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.data['holders']).toEqual(['127.0.0.1:9512', '127.0.0.1:9513']);
  });

  it('offers dropping a newer-by-term snapshot when an older one fits the segments', async () => {
    const found = await findingsAfter(rule, 'healthy', 0, (dir) => {
      const snap = fileStarting(dir, 'snapshot-1-1024-');
      const renamed = snap.replace('snapshot-1-', 'snapshot-2-');
      rename(dir, snap, renamed);
      rename(dir, `${snap}.meta`, `${renamed}.meta`);
      for (const s of closedSegments(dir).slice(0, 4)) remove(dir, s);
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.repairs.some((r) => /^Drop the newer snapshot snapshot-2-1024-\d+ so that snapshot-1-2048-\d+ becomes the newest/.test(r))).toBe(true);
  });

  it('does not fire on the healthy set', async () => {
    expect(await onHealthy(rule)).toEqual([]);
  });
});
