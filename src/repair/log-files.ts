// The log files every output node gets: the kept snapshot, the source's segment runs (copied,
// truncated, or finalized from open segments the way uvSegmentLoadOpen would), the donor ranges
// re-encoded into new closed segments, all as closed segments named by the indexes they hold.
// No open segment is ever written: the engine numbers open segments from the end of the closed
// ones, so an open segment next to the new configuration entry would be misindexed.
import type { LoadedRun } from '../analysis/loader/segments.js';
import { formatClosedSegmentName } from '../format/file-names.js';
import type { FileDigest, InputDigests } from '../scan/digest.js';
import type { NodeIndex } from '../scan/node-index.js';
import { encodedSegmentSize, entryBatches } from './entries.js';
import type { DonorPiece } from './fill.js';
import type { SnapshotChoice } from './source-log.js';
import { runLast } from './source-log.js';
import type { PlanLost, PlanRepair, PlannedFile } from './types.js';

export const FILE_MODE = 0o600;

export function digestOf(digests: InputDigests, node: NodeIndex, file: string): FileDigest | undefined {
  return digests.get(node.displayPath)?.get(file);
}

export interface RunOutput {
  readonly file: PlannedFile;
  readonly repair?: PlanRepair;
  readonly lost?: PlanLost;
}

function entriesFile(node: NodeIndex, record: LoadedRun['record'], first: bigint, firstPosition: number, count: number): PlannedFile {
  const last = first + BigInt(count) - 1n;
  const size = encodedSegmentSize(entryBatches(record, firstPosition, count));
  return {
    name: formatClosedSegmentName(first, last), role: 'segment', size, sha256: null, mode: FILE_MODE,
    firstIndex: first.toString(), lastIndex: last.toString(),
    from: { kind: 'entries', node: node.displayPath, file: record.name, firstIndex: first.toString(), lastIndex: last.toString(), firstPosition, count },
  };
}

function tornTail(node: NodeIndex, run: LoadedRun, end: number): Pick<RunOutput, 'repair' | 'lost'> {
  const d = run.record.decoded;
  const f = d.failure!;
  const next = runLast(run) + 1n;
  const count = typeof f.data['count'] === 'number' ? BigInt(f.data['count'] as number) : undefined;
  const lost: PlanLost = {
    kind: 'torn-tail', from: next.toString(), to: count === undefined ? null : (next + count - 1n).toString(), complete: false,
    reason: `open segment ${run.record.name}: the batch at byte ${f.batchOffset} was never completely written (${f.message}); the engine would ${f.raftCode === 'CORRUPT' ? 'drop it silently' : 'crash on it (double free)'}`,
  };
  const repair: PlanRepair = {
    kind: 'truncate-torn-tail', lossless: false, node: node.displayPath, files: [run.record.name],
    description: `${run.record.name} is cut after its last good batch (byte ${end} of ${run.record.size}): ${lost.reason}`,
  };
  return { repair, lost };
}

/** One source run as an output file, and what had to be done to it. */
export function runOutput(node: NodeIndex, run: LoadedRun, digests: InputDigests): RunOutput {
  const rec = run.record;
  const d = rec.decoded;
  const inBatches = d.batches.entriesBefore(run.batches);
  if (inBatches !== run.count) return { file: entriesFile(node, rec, run.firstIndex, 0, run.count) };
  const name = formatClosedSegmentName(run.firstIndex, runLast(run));
  const end = run.batches > 0 ? d.batches.end(run.batches - 1) : 8;
  const base = { name, role: 'segment' as const, mode: FILE_MODE, firstIndex: run.firstIndex.toString(), lastIndex: runLast(run).toString() };
  if (rec.kind === 'closed' && rec.name === name && end === rec.size) {
    return { file: { ...base, size: rec.size, sha256: digestOf(digests, node, rec.name)?.sha256 ?? null, from: { kind: 'copy', node: node.displayPath, file: rec.name } } };
  }
  const cleanTail = !d.failure || (d.failure.kind === 'zero-count' && d.tailIsZero && d.failure.ordinal === run.batches);
  let why: string;
  let extra: Pick<RunOutput, 'repair' | 'lost'> = {};
  if (rec.kind === 'open') {
    why = 'open segment finalized as uvSegmentLoadOpen does: cut after its last good batch and given its closed name';
    extra = cleanTail ? { repair: {
      kind: 'finalize-open-segment', lossless: true, node: node.displayPath, files: [rec.name],
      description: `${rec.name} becomes closed segment ${name} (its ${run.count} entries, the zero-filled rest cut off), as the engine itself would do at start-up: an open segment must not follow the new configuration entry`,
    } } : tornTail(node, run, end);
  } else if (cleanTail && rec.name === name) {
    why = 'zero bytes after the last batch removed';
    extra = { repair: {
      kind: 'truncate-trailing-zeros', lossless: true, node: node.displayPath, files: [rec.name],
      description: `${rec.name} has ${rec.size - end} zero bytes after its last batch (what a full disk leaves): they are cut off. Left in place, the engine would move the segment aside as corrupt and lose its ${run.count} entries`,
    } };
  } else {
    why = `damaged from byte ${end}: only its first ${run.count} entries are kept`;
  }
  return { file: { ...base, size: end, sha256: null, from: { kind: 'truncated-copy', node: node.displayPath, file: rec.name, bytes: end, originalSize: rec.size, why } }, ...extra };
}

export function pieceFile(p: DonorPiece): PlannedFile {
  return entriesFile(p.donor.node, p.record, p.firstIndex, p.firstPosition, Number(p.lastIndex - p.firstIndex + 1n));
}

export function snapshotFiles(node: NodeIndex, choice: SnapshotChoice, digests: InputDigests): PlannedFile[] {
  const s = choice.chosen;
  if (!s) return [];
  const record = node.snapshots.find((r) => r.name === s.name);
  if (!record?.data || !record.meta) return [];
  const metaName = s.metaName;
  const copy = (name: string, role: 'snapshot' | 'snapshot-meta', size: number): PlannedFile => ({
    name, role, size, sha256: digestOf(digests, node, name)?.sha256 ?? null, mode: FILE_MODE, from: { kind: 'copy', node: node.displayPath, file: name },
  });
  return [copy(s.name, 'snapshot', record.data.size), copy(metaName, 'snapshot-meta', record.meta.size)];
}
