// uvLoadSnapshotAndEntries (raft v0.15.0 src/uv.c): list, load the newest snapshot, filter the
// segments, load them, check the result is not behind the snapshot; on RAFT_CORRUPT with
// auto-recovery, run once more from scratch (depth 0 → 1) on the directory the first pass left.
// cowsql/raft ≥ 0.22 (83c02349) tries every older snapshot when one fails to load, newest first,
// without clearing io->errmsg between attempts; the code is the last attempt's.
import type { RaftCodeName } from './errmsg.js';
import type { ErrMsg } from './errmsg.js';
import { duplicateOpenCounter, filterSegments, listSegments, type SegmentInfo } from './filter-segments.js';
import { loadAllSegments, type LoadedRun } from './segments.js';
import type { SimDir } from './sim-dir.js';
import {
  listSnapshots,
  loadSnapshot,
  snapshotListError,
  type LoadedSnapshot,
  type SnapshotCandidate,
} from './snapshots.js';
import type { NodeIndex } from '../../scan/node-index.js';
import type { EngineProfile } from '../engine/profiles.js';

export interface PassContext {
  readonly node: NodeIndex;
  readonly dir: SimDir;
  readonly errmsg: ErrMsg;
  readonly autoRecovery: boolean;
  readonly engine: EngineProfile;
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
  | {
      readonly kind: 'error';
      readonly failure: PassFailure;
      readonly candidates: readonly SnapshotCandidate[];
      readonly recoveredFrom?: PassFailure;
    }
  | {
      readonly kind: 'crash' | 'hang';
      readonly cause: string;
      readonly file: string;
      readonly candidates: readonly SnapshotCandidate[];
    };

type Inner =
  | Exclude<PassResult, { kind: 'error' }>
  | { kind: 'error'; failure: Omit<PassFailure, 'error'>; candidates: readonly SnapshotCandidate[] };

type SnapshotPick = { ok: true; snapshot: LoadedSnapshot; candidate: SnapshotCandidate } | { ok: false; inner: Inner };

/** The snapshot loop: the newest candidate only, or (fallback) older ones after an error. */
function pickSnapshot(ctx: PassContext, candidates: readonly SnapshotCandidate[]): SnapshotPick {
  let failure: Inner | undefined;
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i]!;
    const s = loadSnapshot(c, ctx.errmsg, ctx.engine);
    if (s.ok) return { ok: true, snapshot: s.snapshot, candidate: c };
    if (s.hang) return { ok: false, inner: { kind: 'hang', cause: s.cause, file: c.name, candidates } };
    if (s.crash) return { ok: false, inner: { kind: 'crash', cause: s.cause, file: c.metaName, candidates } };
    failure = { kind: 'error', failure: { code: s.code, cause: s.cause, file: c.metaName }, candidates };
    if (!ctx.engine.snapshots.fallback) break;
  }
  return { ok: false, inner: failure! };
}

function loadOnce(ctx: PassContext): Inner {
  const candidates = listSnapshots(ctx.dir, ctx.node);
  const listing = snapshotListError(ctx.dir, ctx.engine);
  if (listing) return { kind: 'error', failure: { code: 'IOERR', cause: 'list-stat', file: listing }, candidates };
  let segments = listSegments(ctx.dir);
  const twin = ctx.engine.loader.asserts ? duplicateOpenCounter(ctx.dir) : undefined;
  if (twin) return { kind: 'crash', cause: 'assert-open-counter', file: twin, candidates };
  let snapshot: LoadedSnapshot | undefined;
  let startIndex = 1n;
  let ignored: readonly SegmentInfo[] = [];
  if (candidates.length > 0) {
    const pick = pickSnapshot(ctx, candidates);
    if (!pick.ok) return pick.inner;
    snapshot = pick.snapshot;
    const f = filterSegments(snapshot.index, pick.candidate.name, segments);
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
    const r = loadAllSegments({ ...ctx, asserts: ctx.engine.loader.asserts }, startIndex, segments);
    if (!r.ok && r.failure.crash) return { kind: 'crash', cause: r.failure.cause, file: r.failure.segment, candidates };
    if (!r.ok)
      return {
        kind: 'error',
        failure: { code: r.failure.code, cause: r.failure.cause, file: r.failure.segment },
        candidates,
      };
    runs = r.runs;
    entries = r.entries;
    const last = BigInt.asUintN(64, startIndex + entries - 1n);
    if (snapshot && last < snapshot.index) {
      ctx.errmsg.printf(
        `last entry on disk has index ${last}, which is behind last snapshot's index ${snapshot.index}`,
      );
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
    return {
      kind: 'error',
      failure: { ...second.failure, error: ctx.errmsg.text },
      candidates: second.candidates,
      recoveredFrom: failure,
    };
  }
  return second.kind === 'ok' ? { ...second, recoveredFrom: failure } : second;
}
