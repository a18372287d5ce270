// A compact index → entry lookup over the segment runs a log is made of, shared by the loaded log
// (what start-up ends with) and the on-disk log (what a refused node still holds). Runs keep
// references into scan/'s decoded batches; nothing is copied per entry.
import type { ConfigurationServer } from '../../format/configuration.js';
import type { EntryRecord } from '../../format/segment.js';
import type { LoadedRun } from './segments.js';

export interface LogEntryRef {
  readonly index: bigint;
  readonly term: bigint;
  readonly type: number;
  /** File holding it (after start-up for the loaded log) and its 0-based position there. */
  readonly file: string;
  readonly position: number;
  readonly entry: EntryRecord;
}

export interface LogGap {
  readonly from: bigint;
  readonly to: bigint;
}

export interface LogView {
  /** First index held in segments (snapshot index + 1 when there are none). */
  readonly startIndex: bigint;
  readonly entries: bigint;
  /** Last entry's index, else the snapshot's index, else 0. */
  readonly lastIndex: bigint;
  /** 0 when `lastTermUnread` (the last entry is in a segment a log-tail scan did not read). */
  readonly lastTerm: bigint;
  /** The last entry lies in a segment read by name only: its term needs a deeper scan. */
  readonly lastTermUnread: boolean;
  readonly snapshot: { readonly index: bigint; readonly term: bigint } | undefined;
  readonly runs: readonly LoadedRun[];
  /** Index ranges between startIndex and lastIndex with no entry (always empty for the loaded log). */
  readonly gaps: readonly LogGap[];
  /**
   * Term of the entry at `index`; the snapshot's term at its own index when no entry is held
   * there; undefined when the entry is in a segment read by name only.
   */
  termAt(index: bigint): bigint | undefined;
  entryAt(index: bigint): LogEntryRef | undefined;
  /** The last CHANGE entry in the log, or the snapshot's configuration when that is newer. */
  latestConfiguration(snapshotConfiguration?: {
    index: bigint;
    servers: readonly ConfigurationServer[];
  }): { index: bigint; servers: readonly ConfigurationServer[] | undefined; source: 'log' | 'snapshot' } | undefined;
}

function entryOf(run: LoadedRun, position: number): EntryRecord | undefined {
  const table = run.record.decoded.batches;
  return position < table.entryCount ? table.entry(position) : undefined;
}

function runLast(run: LoadedRun): bigint {
  return run.firstIndex + BigInt(run.count) - 1n;
}

function findRun(runs: readonly LoadedRun[], index: bigint): LoadedRun | undefined {
  // Later runs win where runs overlap (they were loaded later).
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i]!;
    if (index >= r.firstIndex && index <= runLast(r)) return r;
  }
  return undefined;
}

function gapsOf(runs: readonly LoadedRun[], startIndex: bigint): LogGap[] {
  const gaps: LogGap[] = [];
  let next = startIndex;
  for (const r of runs) {
    if (r.count === 0) continue;
    if (r.firstIndex > next) gaps.push({ from: next, to: r.firstIndex - 1n });
    const last = runLast(r);
    if (last + 1n > next) next = last + 1n;
  }
  return gaps;
}

/** Builds a LogView over runs sorted by first index. */
export function makeLogView(
  runs: readonly LoadedRun[],
  snap: { index: bigint; term: bigint } | undefined,
  startIndex?: bigint,
): LogView {
  const snapshot = snap ? { index: snap.index, term: snap.term } : undefined;
  const held = runs.filter((r) => r.count > 0);
  const first = startIndex ?? held[0]?.firstIndex ?? (snapshot ? snapshot.index + 1n : 1n);
  const lastRun = held[held.length - 1];
  const entries = held.reduce((n, r) => n + BigInt(r.count), 0n);
  const lastIndex = lastRun ? runLast(lastRun) : (snapshot?.index ?? 0n);
  const entryAt = (index: bigint): LogEntryRef | undefined => {
    const run = findRun(held, index);
    if (!run) return undefined;
    // A position inside one run, below run.count (a number): not a u64 squeezed into a number.
    const position = Number(index - run.firstIndex);
    const entry = entryOf(run, position);
    if (!entry) return undefined;
    return { index, term: entry.term, type: entry.type, file: run.file, position, entry };
  };
  const last = lastRun ? entryAt(lastIndex) : undefined;
  const lastTerm = lastRun ? (last?.term ?? 0n) : (snapshot?.term ?? 0n);
  return {
    startIndex: first,
    entries,
    lastIndex,
    lastTerm,
    lastTermUnread: lastRun !== undefined && last === undefined,
    snapshot,
    runs: held,
    gaps: gapsOf(held, first),
    entryAt,
    termAt: (index) => entryAt(index)?.term ?? (snapshot && index === snapshot.index ? snapshot.term : undefined),
    latestConfiguration: (snap) => latestConfiguration(held, snap),
  };
}

function latestConfiguration(
  runs: readonly LoadedRun[],
  snap: { index: bigint; servers: readonly ConfigurationServer[] } | undefined,
): ReturnType<LogView['latestConfiguration']> {
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = runs[i]!;
    const inRun = run.record.configurations.filter((c) => c.position < run.count);
    const last = inRun[inRun.length - 1];
    if (!last) continue;
    const index = run.firstIndex + BigInt(last.position);
    if (snap && snap.index >= index) break;
    return { index, servers: last.servers, source: 'log' };
  }
  return snap ? { index: snap.index, servers: snap.servers, source: 'snapshot' } : undefined;
}
