// uvLoadSnapshotAndEntries (raft v0.15.0 src/uv.c): list, load the newest snapshot, filter the
// segments, load them, check the result is not behind the snapshot; on RAFT_CORRUPT with
// auto-recovery, run once more from scratch (depth 0 → 1) on the directory the first pass left.
import type { RaftCodeName } from './errmsg.js';
import type { ErrMsg } from './errmsg.js';
import { filterSegments, listSegments, type SegmentInfo } from './filter-segments.js';
import { loadAllSegments, type LoadedRun } from './segments.js';
import type { SimDir } from './sim-dir.js';
import { listSnapshots, loadSnapshot, type LoadedSnapshot, type SnapshotCandidate } from './snapshots.js';
import type { NodeIndex } from '../../scan/node-index.js';

export interface PassContext {
  readonly node: NodeIndex;
  readonly dir: SimDir;
  readonly errmsg: ErrMsg;
  readonly autoRecovery: boolean;
}

export interface PassFailure {
  readonly code: RaftCodeName;
  readonly cause: string;
  readonly file?: string;
  readonly error: string;
}

export type PassResult =
  | {
      readonly kind: 'ok';
      readonly snapshot: LoadedSnapshot | undefined;
      readonly startIndex: bigint;
      readonly entries: bigint;
      readonly runs: readonly LoadedRun[];
      readonly ignored: readonly SegmentInfo[];
      readonly candidates: readonly SnapshotCandidate[];
      readonly recoveredFrom?: PassFailure;
    }
  | { readonly kind: 'error'; readonly failure: PassFailure; readonly candidates: readonly SnapshotCandidate[]; readonly recoveredFrom?: PassFailure }
  | { readonly kind: 'crash' | 'hang'; readonly cause: string; readonly file: string; readonly candidates: readonly SnapshotCandidate[] };

type Inner = Exclude<PassResult, { kind: 'error' }> | { kind: 'error'; failure: Omit<PassFailure, 'error'>; candidates: readonly SnapshotCandidate[] };

function loadOnce(ctx: PassContext): Inner {
  const candidates = listSnapshots(ctx.dir, ctx.node);
  let segments = listSegments(ctx.dir);
  let snapshot: LoadedSnapshot | undefined;
  let startIndex = 1n;
  let ignored: readonly SegmentInfo[] = [];
  const newest = candidates[candidates.length - 1];
  if (newest) {
    const s = loadSnapshot(newest, ctx.errmsg);
    if (!s.ok && s.hang) return { kind: 'hang', cause: s.cause, file: newest.name, candidates };
    if (!s.ok) return { kind: 'error', failure: { code: s.code, cause: s.cause, file: newest.metaName }, candidates };
    snapshot = s.snapshot;
    const f = filterSegments(snapshot.index, newest.name, segments);
    if (!f.ok) {
      ctx.errmsg.printf(f.message);
      return { kind: 'error', failure: { code: 'CORRUPT', cause: 'past-snapshot', file: f.segment.name }, candidates };
    }
    segments = [...f.kept];
    ignored = f.ignored;
    const head = segments[0];
    startIndex = head && !head.isOpen ? head.first : BigInt.asUintN(64, snapshot.index + 1n);
  }
  let runs: readonly LoadedRun[] = [];
  let entries = 0n;
  if (segments.length > 0) {
    const r = loadAllSegments(ctx, startIndex, segments);
    if (!r.ok && r.failure.crash) return { kind: 'crash', cause: r.failure.cause, file: r.failure.segment, candidates };
    if (!r.ok) return { kind: 'error', failure: { code: r.failure.code, cause: r.failure.cause, file: r.failure.segment }, candidates };
    runs = r.runs;
    entries = r.entries;
    const last = BigInt.asUintN(64, startIndex + entries - 1n);
    if (snapshot && last < snapshot.index) {
      ctx.errmsg.printf(`last entry on disk has index ${last}, which is behind last snapshot's index ${snapshot.index}`);
      return { kind: 'error', failure: { code: 'CORRUPT', cause: 'behind-snapshot' }, candidates };
    }
  }
  return { kind: 'ok', snapshot, startIndex, entries, runs, ignored, candidates };
}

/** uvLoadSnapshotAndEntries with its single retry. */
export function loadSnapshotAndEntries(ctx: PassContext): PassResult {
  const first = loadOnce(ctx);
  if (first.kind !== 'error') return first;
  const failure: PassFailure = { ...first.failure, error: ctx.errmsg.text };
  if (failure.code !== 'CORRUPT' || !ctx.autoRecovery) return { kind: 'error', failure, candidates: first.candidates };
  const second = loadOnce(ctx);
  if (second.kind === 'error') {
    return { kind: 'error', failure: { ...second.failure, error: ctx.errmsg.text }, candidates: second.candidates, recoveredFrom: failure };
  }
  return second.kind === 'ok' ? { ...second, recoveredFrom: failure } : second;
}
