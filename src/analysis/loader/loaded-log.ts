// The two logs the ranker and the log-matching rule compare:
//  * loadedLog: what start-up ends with (undefined when it fails, crashes or hangs);
//  * diskLog:   what the node holds on disk even when the loader refuses it — the newest snapshot
//    that loads (as cowsql ≥ 0.22 would pick it), the newest contiguous run of closed segments
//    (kept even when it starts past the snapshot: the hole shows in `gaps`), the good batches of
//    each segment, and open segments numbered the way uvSegmentLoadAll numbers them.
import type { NodeIndex, SegmentRecord } from '../../scan/node-index.js';
import { readBatches } from './batches.js';
import { ErrMsg } from './errmsg.js';
import { contiguousRunStart, listSegments, type SegmentInfo } from './filter-segments.js';
import { runMaintenance } from './init.js';
import { makeLogView, type LogView } from './log-view.js';
import { simulateStartup } from './predict.js';
import type { LoadedRun } from './segments.js';
import { SimDir } from './sim-dir.js';
import { listSnapshots, loadSnapshot, type LoadedSnapshot } from './snapshots.js';
import type { PredictOptions } from './types.js';

/** The log the real loader ends up with, or undefined when start-up fails. */
export function loadedLog(node: NodeIndex, options: PredictOptions = {}): LogView | undefined {
  const sim = simulateStartup(node, options);
  if (sim.pass?.kind !== 'ok') return undefined;
  return makeLogView(sim.pass.runs, sim.pass.snapshot, sim.pass.startIndex);
}

/** Good entries of a segment as C's reader would take them (all batches before the first failure). */
function goodRun(record: SegmentRecord, file: string, firstIndex: bigint, maxEntries?: bigint): LoadedRun {
  const d = record.decoded;
  if (d.formatVersion !== 1n) return { file, source: file, record, batches: 0, firstIndex, count: 0 };
  const read = readBatches({ record });
  let count = read.entries;
  let batches = read.good;
  if (maxEntries !== undefined && BigInt(count) > maxEntries) {
    count = Number(maxEntries);
    batches = count === 0 ? 0 : d.batches.batchOf(count - 1) + 1;
  }
  return { file, source: file, record, batches, firstIndex, count };
}

/**
 * uvSegmentLoadAll's numbering of open segments: each starts at the previous segment's end + 1,
 * beginning at `firstIndex`; an empty, zero-filled or batch-less open segment takes no index.
 */
export function inferOpenFirstIndexes(firstIndex: bigint, opens: readonly SegmentRecord[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  let next = firstIndex;
  for (const record of opens) {
    out.set(record.name, next);
    next += BigInt(goodRun(record, record.name, next).count);
  }
  return out;
}

/** The snapshot kept segments start from, like uvFilterSegments but never refusing. */
function keptSegments(segments: readonly SegmentInfo[], snapshot: LoadedSnapshot | undefined): SegmentInfo[] {
  if (!snapshot || segments.length === 0 || segments[0]!.isOpen) return [...segments];
  let j = segments.findIndex((s) => s.isOpen);
  j = (j < 0 ? segments.length : j) - 1;
  if (segments[j]!.end < snapshot.index && !segments[segments.length - 1]!.isOpen) return [];
  return segments.slice(contiguousRunStart(segments, j));
}

function newestLoadableSnapshot(node: NodeIndex, dir: SimDir): LoadedSnapshot | undefined {
  const candidates = listSnapshots(dir, node);
  for (let i = candidates.length - 1; i >= 0; i--) {
    const r = loadSnapshot(candidates[i]!, new ErrMsg());
    if (r.ok) return r.snapshot;
  }
  return undefined;
}

/** The log a node holds on disk, for ranking nodes the loader would refuse. */
export function diskLog(node: NodeIndex): LogView {
  const dir = new SimDir(node);
  runMaintenance(dir, new ErrMsg());
  const snapshot = newestLoadableSnapshot(node, dir);
  const records = new Map(node.segments.map((s) => [s.name, s]));
  const runs: LoadedRun[] = [];
  let next = snapshot ? snapshot.index + 1n : 1n;
  for (const info of keptSegments(listSegments(dir), snapshot)) {
    const record = records.get(info.name);
    if (!record) continue;
    const first = info.isOpen ? next : info.first;
    const run = goodRun(record, info.name, first, info.isOpen ? undefined : info.end - info.first + 1n);
    runs.push(run);
    next = info.isOpen ? first + BigInt(run.count) : info.end + 1n;
  }
  const startIndex = runs.find((r) => r.count > 0)?.firstIndex;
  const start =
    startIndex !== undefined && snapshot && startIndex > snapshot.index + 1n ? snapshot.index + 1n : startIndex;
  return makeLogView(runs, snapshot, start);
}

/** First indexes the loader gives this node's open segments (from the on-disk numbering). */
export function openSegmentFirstIndexes(node: NodeIndex): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const run of diskLog(node).runs) if (run.source.startsWith('open-')) out.set(run.source, run.firstIndex);
  return out;
}
