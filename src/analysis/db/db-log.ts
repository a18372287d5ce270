// The logs databases are rebuilt from, as one shape: snapshots to start from and pieces of
// segment files holding consecutive entries (file, first position, index range). Two sources:
//   heldDbLog      a node's own log as it is on disk (analysis/loader diskLog): its runs and
//                  every snapshot whose content dqlite could restore;
//   recoveryDbLog  the log a repair builds with a node as the source (analysis/recovery):
//                  the snapshot it keeps, the source's runs and the donor pieces filling holes.
// Entries are read from the scan's decoded batch tables: no segment is decoded again.
import { InputError } from '../../core/errors.js';
import type { EntryRecord } from '../../format/segment.js';
import type { NodeIndex, SegmentRecord, SnapshotRecord } from '../../scan/node-index.js';
import type { LogView } from '../loader/log-view.js';
import type { Recovery } from '../recovery/assemble.js';
import type { IndexRange } from '../recovery/types.js';

export const RAFT_COMMAND = 1;

export interface DbLogPiece {
  readonly node: NodeIndex;
  /** The segment file as it is on disk now (open-N for an open segment). */
  readonly file: string;
  readonly record: SegmentRecord;
  readonly firstIndex: bigint;
  readonly lastIndex: bigint;
  /** Position in the file of the entry at firstIndex. */
  readonly firstPosition: number;
}

export interface DbLogSnapshot {
  readonly node: NodeIndex;
  readonly record: SnapshotRecord;
  readonly index: bigint;
}

export interface DbLog {
  /** For people: `127.0.0.1:9001 (on disk)` or `repair from 127.0.0.1:9001`. */
  readonly label: string;
  readonly lastIndex: bigint;
  /** Snapshots it can start from, newest (highest index) first. */
  readonly snapshots: readonly DbLogSnapshot[];
  /** Pieces in index order, not overlapping. */
  readonly pieces: readonly DbLogPiece[];
}

export interface DbLogEntry {
  readonly index: bigint;
  readonly node: NodeIndex;
  readonly file: string;
  readonly entry: EntryRecord;
}

/** A snapshot whose content dqlite's restore would take: both halves, and nothing known wrong with it. */
export function restorable(s: SnapshotRecord): boolean {
  if (!s.data || s.data.size === 0 || !s.meta?.decoded.value) return false;
  if (s.data.payload?.problem) return false;
  return !s.data.frame.issues.some((i) => i.data?.['cOutcome'] !== undefined && i.data['cOutcome'] !== 'ignored');
}

function byIndexDesc(a: DbLogSnapshot, b: DbLogSnapshot): number {
  return a.index > b.index ? -1 : a.index < b.index ? 1 : 0;
}

/** Pieces sorted by first index, each cut to start after the previous one ends. */
function disjoint(pieces: readonly DbLogPiece[]): DbLogPiece[] {
  const out: DbLogPiece[] = [];
  let next = 0n;
  const sorted = [...pieces].sort((a, b) => (a.firstIndex < b.firstIndex ? -1 : a.firstIndex > b.firstIndex ? 1 : 0));
  for (const p of sorted) {
    if (p.lastIndex < next) continue;
    const skip = p.firstIndex < next ? next - p.firstIndex : 0n;
    out.push({ ...p, firstIndex: p.firstIndex + skip, firstPosition: p.firstPosition + Number(skip) });
    next = p.lastIndex + 1n;
  }
  return out;
}

/** A node's log as it holds it on disk (`view` = diskLog(node)). */
export function heldDbLog(node: NodeIndex, view: LogView): DbLog {
  const pieces = view.runs
    .filter((r) => r.count > 0)
    .map((r) => ({
      node,
      file: r.source,
      record: r.record,
      firstIndex: r.firstIndex,
      lastIndex: r.firstIndex + BigInt(r.count) - 1n,
      firstPosition: 0,
    }));
  const snapshots = node.snapshots
    .filter(restorable)
    .map((record) => ({ node, record, index: record.index }))
    .sort(byIndexDesc);
  return { label: `${node.name} (on disk)`, lastIndex: view.lastIndex, snapshots, pieces: disjoint(pieces) };
}

/** The log a repair would build with `recovery.source` as the source node. */
export function recoveryDbLog(recovery: Recovery): DbLog {
  const node = recovery.source.node;
  const pieces: DbLogPiece[] = recovery.pieces.map((p) =>
    p.kind === 'run'
      ? {
          node,
          file: p.run.source,
          record: p.run.record,
          firstIndex: p.first,
          lastIndex: p.last,
          firstPosition: Number(p.first - p.run.firstIndex),
        }
      : {
          node: p.piece.donor.node,
          file: p.piece.file,
          record: p.piece.record,
          firstIndex: p.first,
          lastIndex: p.last,
          firstPosition: p.piece.firstPosition + Number(p.first - p.piece.firstIndex),
        },
  );
  const chosen = recovery.source.snapshot.chosen;
  const record = chosen ? node.snapshots.find((s) => s.name === chosen.name) : undefined;
  const snapshots = record && chosen ? [{ node, record, index: chosen.index }] : [];
  return { label: `repair from ${node.name}`, lastIndex: recovery.lastIndex, snapshots, pieces: disjoint(pieces) };
}

/** The first range within [from, to] that no piece holds, or undefined when every index is held. */
export function missingRange(log: DbLog, from: bigint, to: bigint): IndexRange | undefined {
  let next = from;
  for (const p of log.pieces) {
    if (next > to) return undefined;
    if (p.lastIndex < next) continue;
    if (p.firstIndex > next) return { from: next, to: p.firstIndex - 1n < to ? p.firstIndex - 1n : to };
    next = p.lastIndex + 1n;
  }
  return next > to ? undefined : { from: next, to };
}

/** RAFT_COMMAND entries with index in [from, to], in index order (other types are skipped unread). */
export function* commandEntries(log: DbLog, from: bigint, to: bigint): Generator<DbLogEntry> {
  for (const p of log.pieces) {
    if (p.lastIndex < from || p.firstIndex > to) continue;
    const first = from > p.firstIndex ? from : p.firstIndex;
    const last = to < p.lastIndex ? to : p.lastIndex;
    const table = p.record.decoded.batches;
    let position = p.firstPosition + Number(first - p.firstIndex);
    const end = p.firstPosition + Number(last - p.firstIndex); // inclusive
    // A segment read by name only (rank's log-tail scan) has no entries to give: never skip them.
    if (end >= table.entriesBefore(table.length)) {
      throw new InputError(
        `${p.node.name}: ${p.file} was not read entry by entry (a log-tail scan); ` +
          'scan the node in full to rebuild its databases',
      );
    }
    for (let b = table.batchOf(position); b < table.length && position <= end; b++) {
      const before = table.entriesBefore(b);
      const n = table.entriesIn(b);
      if (position >= before + n) continue;
      // Most entries are commands; a batch's records are made only when it holds one in range.
      let wanted = false;
      for (let k = position; k < before + n && k <= end; k++) if (table.type(k) === RAFT_COMMAND) wanted = true;
      if (!wanted) {
        position = before + n;
        continue;
      }
      const batch = table.batch(b);
      for (; position < before + n && position <= end; position++) {
        const entry = batch.entries[position - before]!;
        if (entry.type !== RAFT_COMMAND) continue;
        yield { index: p.firstIndex + BigInt(position - p.firstPosition), node: p.node, file: p.file, entry };
      }
    }
  }
}
