// The segment half of UvList and uvFilterSegments (raft v0.15.0 src/uv_list.c, src/uv_segment.c,
// src/uv.c). uvFilterSegments only runs when a snapshot was loaded; it keeps the newest run of
// contiguous closed segments (plus every open segment) and refuses a run that starts after the
// snapshot's index + 1.
import { parseClosedSegmentName, parseOpenSegmentName, parseSnapshotMetaName } from '../../format/file-names.js';
import type { SimDir } from './sim-dir.js';
import { compareNameBytes, glibcQsort } from './sort.js';

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** struct uvSegmentInfo. */
export interface SegmentInfo {
  readonly name: string;
  readonly isOpen: boolean;
  /** Closed segments: from the name. Open segments: 0 (not stored anywhere). */
  readonly first: bigint;
  readonly end: bigint;
  /** Open segments: the open-N counter. */
  readonly counter: bigint;
}

/**
 * uvSegmentInfoCompare: closed before open, open by counter, closed by "s2.first > s1.end ? -1 : 1"
 * (inconsistent for overlapping ranges: glibcQsort reproduces what C then does).
 */
export function uvSegmentInfoCompare(s1: SegmentInfo, s2: SegmentInfo): number {
  if (s1.isOpen && !s2.isOpen) return 1;
  if (!s1.isOpen && s2.isOpen) return -1;
  if (s1.isOpen) return s1.counter < s2.counter ? -1 : 1;
  return s2.first > s1.end ? -1 : 1;
}

/** uvSegmentInfoMatch on one name (after UvList's skips and its snapshot `.meta` test). */
export function segmentInfoOf(name: string): SegmentInfo | undefined {
  if (Buffer.byteLength(name) >= 128 || name === 'metadata1' || name === 'metadata2') return undefined;
  if (parseSnapshotMetaName(name)) return undefined;
  const closed = parseClosedSegmentName(name);
  if (closed) return { name, isOpen: false, first: closed.first, end: closed.last, counter: 0n };
  const open = parseOpenSegmentName(name);
  if (open) return { name, isOpen: true, first: 0n, end: 0n, counter: open.counter };
  return undefined;
}

/** UvList's segment list in scandir order, before sorting. */
function scannedSegments(dir: SimDir): SegmentInfo[] {
  const infos: SegmentInfo[] = [];
  for (const name of dir.names().sort(compareNameBytes)) {
    const info = segmentInfoOf(name);
    if (info) infos.push(info);
  }
  return infos;
}

/** UvList's segment list, sorted as uvSegmentSort leaves it. */
export function listSegments(dir: SimDir): SegmentInfo[] {
  return glibcQsort(scannedSegments(dir), uvSegmentInfoCompare);
}

/**
 * dqlite's uvSegmentInfoCompare asserts `s1->counter != s2->counter` for two open segments: the
 * name of one of the first pair of open segments with one counter that uvSegmentSort compares
 * (glibc's qsort replayed), else undefined.
 */
export function duplicateOpenCounter(dir: SimDir): string | undefined {
  let found: string | undefined;
  glibcQsort(scannedSegments(dir), (a, b) => {
    if (found === undefined && a.isOpen && b.isOpen && a.counter === b.counter) found = b.name;
    return uvSegmentInfoCompare(a, b);
  });
  return found;
}

/** Walks back from closed segment `j` while older.end == newer.first - 1 (u64 arithmetic). */
export function contiguousRunStart(segments: readonly SegmentInfo[], j: number): number {
  let i = j;
  while (i > 0 && segments[i - 1]!.end === U64(segments[i]!.first - 1n)) i--;
  return i;
}

export type FilterResult =
  | {
      readonly ok: true;
      readonly kept: readonly SegmentInfo[];
      readonly ignored: readonly SegmentInfo[];
      readonly reason?: string;
    }
  | { readonly ok: false; readonly segment: SegmentInfo; readonly message: string };

/**
 * uvFilterSegments(last_index = snapshot index). Exact C conditions:
 *  1. no segments or the oldest is open: keep all;
 *  2. j = newest closed; if j.end < last_index and the newest segment is closed: drop all
 *     (kept on disk, just not loaded); with open segments keep going ("hoping that they contain
 *     all the entries");
 *  3. walk back from j while older.end == newer.first - 1; older ones are dropped;
 *  4. if run[0].first > last_index + 1: RAFT_CORRUPT "closed segment %s is past last snapshot %s".
 */
export function filterSegments(
  lastIndex: bigint,
  snapshotName: string,
  segments: readonly SegmentInfo[],
): FilterResult {
  const n = segments.length;
  if (n === 0 || segments[0]!.isOpen) return { ok: true, kept: segments, ignored: [] };
  let j = segments.findIndex((s) => s.isOpen);
  j = (j < 0 ? n : j) - 1;
  const newestClosed = segments[j]!;
  if (newestClosed.end < lastIndex && !segments[n - 1]!.isOpen) {
    return {
      ok: true,
      kept: [],
      ignored: segments,
      reason: 'every closed segment ends before the snapshot and there is no open segment',
    };
  }
  const i = contiguousRunStart(segments, j);
  const first = segments[i]!;
  if (first.first > U64(lastIndex + 1n)) {
    return { ok: false, segment: first, message: `closed segment ${first.name} is past last snapshot ${snapshotName}` };
  }
  const ignored = segments.slice(0, i);
  return {
    ok: true,
    kept: segments.slice(i),
    ignored,
    reason: ignored.length > 0 ? 'older closed segments are not contiguous with the newest run' : undefined,
  };
}
