import { describe, expect, it } from 'vitest';
import { filterSegments, segmentInfoOf, type SegmentInfo } from '../../../src/analysis/loader/filter-segments.js';

const seg = (name: string): SegmentInfo => segmentInfoOf(name)!;
const c = (a: number, b: number): SegmentInfo => seg(`${String(a).padStart(16, '0')}-${String(b).padStart(16, '0')}`);
const names = (xs: readonly SegmentInfo[]): string[] => xs.map((s) => s.name);

describe('filterSegments (uvFilterSegments)', () => {
  it('keeps everything when there are no segments or the oldest is open', () => {
    expect(filterSegments(100n, 's', [])).toMatchObject({ ok: true, kept: [], ignored: [] });
    const opens = [seg('open-1'), seg('open-2')];
    expect(filterSegments(100n, 's', opens)).toMatchObject({ ok: true, kept: opens });
  });

  it('drops every segment when the newest closed one ends before the snapshot and none is open', () => {
    const r = filterSegments(100n, 's', [c(1, 50), c(51, 99)]);
    expect(r.ok && names(r.kept)).toEqual([]);
    expect(r.ok && names(r.ignored)).toEqual([c(1, 50).name, c(51, 99).name]);
  });

  it('keeps going when open segments follow a closed run that ends before the snapshot', () => {
    const r = filterSegments(100n, 's', [c(1, 50), seg('open-3')]);
    expect(r.ok && names(r.kept)).toEqual([c(1, 50).name, 'open-3']);
  });

  it('keeps the newest contiguous run and ignores older ones', () => {
    const r = filterSegments(100n, 's', [c(1, 1), c(3, 60), c(61, 120)]);
    expect(r.ok && names(r.kept)).toEqual([c(3, 60).name, c(61, 120).name]);
    expect(r.ok && names(r.ignored)).toEqual([c(1, 1).name]);
  });

  it('accepts a run starting exactly at snapshot index + 1 and refuses one starting later', () => {
    expect(filterSegments(100n, 's', [c(101, 150)]).ok).toBe(true);
    expect(filterSegments(100n, 'snapshot-1-100-7', [c(102, 150)])).toEqual({
      ok: false, segment: c(102, 150),
      message: `closed segment ${c(102, 150).name} is past last snapshot snapshot-1-100-7`,
    });
  });

  it('computes first - 1 in u64 (a segment starting at 0 is not contiguous with anything)', () => {
    const r = filterSegments(10n, 's', [seg('0000000000000000-0000000000000003'), c(4, 12)]);
    expect(r.ok && names(r.kept)).toEqual(['0000000000000000-0000000000000003', c(4, 12).name]);
  });
});
