import { describe, expect, it } from 'vitest';
import { listSegments, segmentInfoOf, uvSegmentInfoCompare } from '../../../src/analysis/loader/filter-segments.js';
import { compareNameBytes, glibcQsort } from '../../../src/analysis/loader/sort.js';

describe('glibcQsort (glibc 2.36 msort)', () => {
  it('sorts consistently ordered items like any sort, and is stable', () => {
    const items = [5, 3, 9, 1, 3, 7].map((v, i) => ({ v, i }));
    const out = glibcQsort(items, (a, b) => a.v - b.v);
    expect(out.map((x) => x.v)).toEqual([1, 3, 3, 5, 7, 9]);
    expect(out.filter((x) => x.v === 3).map((x) => x.i)).toEqual([1, 4]);
  });

  it('reproduces C on overlapping closed segments (inconsistent comparator)', () => {
    const infos = ['0000000000000001-0000000000000005', '0000000000000003-0000000000000008'].map((n) => segmentInfoOf(n)!);
    // uvSegmentInfoCompare(1-5, 3-8) = 1 (3 is not > 5), so the merge takes 3-8 first, as libraft does.
    expect(glibcQsort(infos, uvSegmentInfoCompare).map((s) => s.name)).toEqual([
      '0000000000000003-0000000000000008', '0000000000000001-0000000000000005',
    ]);
  });

  it('orders names by bytes, as uv_fs_scandir does', () => {
    expect(['b', 'B', 'a', '1-2'].sort(compareNameBytes)).toEqual(['1-2', 'B', 'a', 'b']);
  });
});

describe('segmentInfoOf (uvSegmentInfoMatch)', () => {
  it('parses closed, unpadded and open names; rejects 17 digits, long names and metadata', () => {
    expect(segmentInfoOf('1-774')).toMatchObject({ isOpen: false, first: 1n, end: 774n });
    expect(segmentInfoOf('open-12')).toMatchObject({ isOpen: true, counter: 12n });
    expect(segmentInfoOf(`0${'0'.repeat(15)}1-0000000000000002`)).toBeUndefined();
    expect(segmentInfoOf('metadata1')).toBeUndefined();
    expect(segmentInfoOf(`${'1'.repeat(16)}-${'2'.repeat(16)}${' '.repeat(100)}`)).toBeUndefined();
    expect(segmentInfoOf('snapshot-1-2-3.meta')).toBeUndefined();
  });

  it('listSegments puts closed before open and open by counter', () => {
    const names = ['open-10', 'open-9', '0000000000000004-0000000000000005', '0000000000000001-0000000000000003', 'info.yaml'];
    const dir = { names: () => names } as unknown as Parameters<typeof listSegments>[0];
    expect(listSegments(dir).map((s) => s.name)).toEqual([
      '0000000000000001-0000000000000003', '0000000000000004-0000000000000005', 'open-9', 'open-10',
    ]);
  });
});
