// uvSegmentLoadAll, uvSegmentLoadClosed, uvSegmentLoadOpen and uvRecoverFromCorruptSegment
// (raft v0.15.0 src/uv_segment.c), simulated on a SimDir. Loading has side effects, as in C:
// open segments are removed (empty, zero-filled, no good batch) or truncated after their last
// good batch and renamed "%016llu-%016llu"; with auto-recovery, a RAFT_CORRUPT segment (the last
// closed one, or any open one) is renamed corrupt-<ns>-<name> together with every later segment.
import { formatClosedSegmentName } from '../../format/file-names.js';
import type { SegmentRecord } from '../../scan/node-index.js';
import { describeBatchFailure, readBatches } from './batches.js';
import type { ErrMsg, RaftCodeName } from './errmsg.js';
import type { SegmentInfo } from './filter-segments.js';
import type { SimDir, SimFile } from './sim-dir.js';

/** Entries loaded from one segment file. */
export interface LoadedRun {
  /** The file holding the entries after start-up (a closed name). */
  readonly file: string;
  /** The name before start-up changed it (open-N for a finalized open segment). */
  readonly source: string;
  readonly record: SegmentRecord;
  /** How many of record.decoded.batches are loaded. */
  readonly batches: number;
  readonly firstIndex: bigint;
  readonly count: number;
}

export interface SegmentFailure {
  readonly code: RaftCodeName;
  readonly cause: string;
  readonly segment: string;
  /** The double free after a non-CORRUPT error in an open segment with a good batch. */
  readonly crash?: boolean;
}

export interface LoadContext {
  readonly dir: SimDir;
  readonly errmsg: ErrMsg;
  readonly autoRecovery: boolean;
  /** EngineProfile.loader.asserts: dqlite's in-tree raft aborts on a closed segment below the start index or with an inverted range. */
  readonly asserts?: boolean;
}

type Step = { ok: true; run?: LoadedRun; next: bigint } | { ok: false; failure: SegmentFailure };

function fail(code: RaftCodeName, cause: string, segment: string, crash = false): Step {
  return { ok: false, failure: crash ? { code, cause, segment, crash } : { code, cause, segment } };
}

/** UvFsReadFile on something scan/ could not decode (a directory, an unreadable file). */
function unreadable(file: SimFile, ctx: LoadContext): void {
  ctx.errmsg.printf(file.type === 'directory' ? 'read: illegal operation on a directory' : 'open: permission denied');
  ctx.errmsg.wrap('read file');
}

/** uvSegmentLoadClosed. */
function loadClosed(ctx: LoadContext, info: SegmentInfo): Step {
  const file = ctx.dir.get(info.name)!;
  const e = ctx.errmsg;
  if (file.size === 0) {
    e.printf('file is empty');
    return fail('CORRUPT', 'closed-empty', info.name);
  }
  if (!file.segment) {
    unreadable(file, ctx);
    return fail('IOERR', 'unreadable', info.name);
  }
  if (file.size < 8) {
    e.printf(`file has only ${file.size} bytes`);
    return fail('IOERR', 'closed-too-short', info.name);
  }
  const format = file.segment.record.decoded.formatVersion;
  if (file.segment.batchLimit === undefined && format !== 1n) {
    e.printf(`unexpected format version ${String(format)}`);
    return fail('CORRUPT', 'closed-format', info.name);
  }
  const read = readBatches(file.segment);
  if (read.failure) {
    describeBatchFailure(read.failure, file.size, e);
    return fail(read.failure.raftCode, `closed-${read.failure.kind}`, info.name);
  }
  // expected_n is an `unsigned`: the name's range truncated to 32 bits.
  const expected = BigInt.asUintN(32, info.end - info.first + 1n);
  if (BigInt(read.entries) !== expected) {
    e.printf(`found ${read.entries} entries (expected ${expected})`);
    return fail('CORRUPT', 'closed-count', info.name);
  }
  const run: LoadedRun = {
    file: info.name,
    source: file.origin,
    record: file.segment.record,
    batches: read.good,
    firstIndex: info.first,
    count: read.entries,
  };
  return { ok: true, run, next: info.first + BigInt(read.entries) };
}

/** The format word is 0 and every later byte is zero too (uvContentHasOnlyTrailingZeros). */
function zeroFilled(record: SegmentRecord): boolean {
  const d = record.decoded;
  return d.batches.length === 0 && d.validBytes === 8 && (d.failure === undefined || d.tailIsZero);
}

/** uvSegmentLoadOpen; `wrapName` receives the name C wraps the message with afterwards. */
function loadOpen(ctx: LoadContext, info: SegmentInfo, next: bigint, wrapName: { name: string }): Step {
  const { dir, errmsg: e } = ctx;
  const file = dir.get(info.name)!;
  if (file.size === 0) {
    dir.remove(info.name);
    return { ok: true, next };
  }
  if (!file.segment) {
    unreadable(file, ctx);
    return fail('IOERR', 'unreadable', info.name);
  }
  if (file.size < 8) {
    e.printf(`file has only ${file.size} bytes`);
    return fail('IOERR', 'open-too-short', info.name);
  }
  const record = file.segment.record;
  const format = record.decoded.formatVersion;
  if (format !== 1n) {
    if (format === 0n && zeroFilled(record)) {
      dir.remove(info.name);
      return { ok: true, next };
    }
    e.printf(`unexpected format version ${String(format)}`);
    return fail('CORRUPT', 'open-format', info.name);
  }
  const read = readBatches(file.segment);
  if (read.failure && read.failure.raftCode !== 'CORRUPT') {
    describeBatchFailure(read.failure, file.size, e);
    return fail(read.failure.raftCode, `open-${read.failure.kind}`, info.name, read.good > 0);
  }
  // A CORRUPT batch ends the segment quietly, but its text stays in io->errmsg.
  if (read.failure) describeBatchFailure(read.failure, file.size, e, false);
  if (read.good === 0) {
    dir.remove(info.name);
    return { ok: true, next };
  }
  const last = next + BigInt(read.entries) - 1n;
  const name = formatClosedSegmentName(next, last);
  dir.rename(info.name, name, { size: read.end, segment: { record, batchLimit: read.good } });
  wrapName.name = name;
  const run: LoadedRun = {
    file: name,
    source: file.origin,
    record,
    batches: read.good,
    firstIndex: next,
    count: read.entries,
  };
  return { ok: true, run, next: last + 1n };
}

/** uvRecoverFromCorruptSegment. */
function recover(ctx: LoadContext, i: number, infos: readonly SegmentInfo[]): void {
  const info = infos[i]!;
  const lastClosed = i + 1 === infos.length || infos[i + 1]!.isOpen;
  if (!info.isOpen && !lastClosed) return; // a corrupt closed segment in the middle stays put
  for (let k = i; k < infos.length; k++) ctx.dir.moveCorrupt(infos[k]!.name);
}

export type LoadAllResult =
  | { readonly ok: true; readonly runs: readonly LoadedRun[]; readonly entries: bigint }
  | { readonly ok: false; readonly failure: SegmentFailure; readonly runs: readonly LoadedRun[] };

/** dqlite's uvSegmentLoadAll (src/raft/uv_segment.c:923-924) asserts before its own checks. */
function assertion(ctx: LoadContext, info: SegmentInfo, startIndex: bigint): Step | undefined {
  if (!ctx.asserts || info.isOpen) return undefined;
  if (info.first < startIndex) return fail('CORRUPT', 'assert-closed-below-start', info.name, true);
  if (info.first > info.end) return fail('CORRUPT', 'assert-closed-inverted', info.name, true);
  return undefined;
}

function step(ctx: LoadContext, info: SegmentInfo, next: bigint, startIndex: bigint): Step {
  const aborted = assertion(ctx, info, startIndex);
  if (aborted) return aborted;
  if (info.isOpen) {
    const wrapName = { name: info.name };
    const r = loadOpen(ctx, info, next, wrapName);
    // C wraps after every open segment, success or not, with info->filename (renamed on success).
    ctx.errmsg.wrap(`load open segment ${wrapName.name}`);
    return r;
  }
  if (info.first !== next) {
    ctx.errmsg.printf(`unexpected closed segment ${info.name}: first index should have been ${next}`);
    return { ok: false, failure: { code: 'CORRUPT', cause: 'closed-unexpected-first', segment: info.name } };
  }
  const r = loadClosed(ctx, info);
  if (!r.ok) ctx.errmsg.wrap(`load closed segment ${info.name}`);
  return r;
}

/** uvSegmentLoadAll from `startIndex` over the (filtered, sorted) segment list. */
export function loadAllSegments(ctx: LoadContext, startIndex: bigint, infos: readonly SegmentInfo[]): LoadAllResult {
  const runs: LoadedRun[] = [];
  let next = startIndex;
  for (let i = 0; i < infos.length; i++) {
    const info = infos[i]!;
    const r = step(ctx, info, next, startIndex);
    if (!r.ok) {
      const recoverable =
        r.failure.code === 'CORRUPT' && r.failure.cause !== 'closed-unexpected-first' && !r.failure.crash;
      if (recoverable && ctx.autoRecovery) recover(ctx, i, infos);
      return { ok: false, failure: r.failure, runs };
    }
    if (r.run) runs.push(r.run);
    next = r.next;
  }
  return { ok: true, runs, entries: next - startIndex };
}
