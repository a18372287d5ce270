// The log files every output node gets: the kept snapshot, the source's segment runs (copied,
// truncated, or re-encoded, as analysis/recovery/run-treatment.ts decided), the donor ranges
// re-encoded into new closed segments, all as closed segments named by the indexes they hold.
// No open segment is ever written: the engine numbers open segments from the end of the closed
// ones, so an open segment next to the new configuration entry would be misindexed.
import type { LoadedRun } from '../../analysis/loader/segments.js';
import type { DonorPiece } from '../../analysis/recovery/fill.js';
import type { RunTreatment } from '../../analysis/recovery/run-treatment.js';
import { runLast, type SnapshotChoice } from '../../analysis/recovery/source-log.js';
import { formatClosedSegmentName } from '../../format/file-names.js';
import { storedFrameSize } from '../../format/lz4-frame.js';
import type { FileDigest, InputDigests } from '../../scan/digest.js';
import type { NodeIndex } from '../../scan/node-index.js';
import { encodedSegmentSize, entryBatches } from './entries.js';
import type { PlannedFile } from './types.js';

export const FILE_MODE = 0o600;

export function digestOf(digests: InputDigests, node: NodeIndex, file: string): FileDigest | undefined {
  return digests.get(node.displayPath)?.get(file);
}

function entriesFile(
  node: NodeIndex,
  record: LoadedRun['record'],
  first: bigint,
  firstPosition: number,
  count: number,
): PlannedFile {
  const last = first + BigInt(count) - 1n;
  const size = encodedSegmentSize(entryBatches(record, firstPosition, count));
  return {
    name: formatClosedSegmentName(first, last),
    role: 'segment',
    size,
    sha256: null,
    mode: FILE_MODE,
    firstIndex: first.toString(),
    lastIndex: last.toString(),
    from: {
      kind: 'entries',
      node: node.displayPath,
      file: record.name,
      firstIndex: first.toString(),
      lastIndex: last.toString(),
      firstPosition,
      count,
    },
  };
}

/** One source run as an output file, as the recovery analysis decided to treat it. */
export function runFile(node: NodeIndex, run: LoadedRun, treatment: RunTreatment, digests: InputDigests): PlannedFile {
  const rec = run.record;
  if (treatment.kind === 'entries') return entriesFile(node, rec, run.firstIndex, 0, run.count);
  const base = {
    name: treatment.name,
    role: 'segment' as const,
    mode: FILE_MODE,
    firstIndex: run.firstIndex.toString(),
    lastIndex: runLast(run).toString(),
  };
  if (treatment.kind === 'copy') {
    return {
      ...base,
      size: rec.size,
      sha256: digestOf(digests, node, rec.name)?.sha256 ?? null,
      from: { kind: 'copy', node: node.displayPath, file: rec.name },
    };
  }
  const from = {
    kind: 'truncated-copy' as const,
    node: node.displayPath,
    file: rec.name,
    bytes: treatment.bytes,
    originalSize: rec.size,
    why: treatment.why,
  };
  return { ...base, size: treatment.bytes, sha256: null, from };
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
    name,
    role,
    size,
    sha256: digestOf(digests, node, name)?.sha256 ?? null,
    mode: FILE_MODE,
    from: { kind: 'copy', node: node.displayPath, file: name },
  });
  const meta = copy(metaName, 'snapshot-meta', record.meta.size);
  const to = choice.convertTo;
  if (!to) return [copy(s.name, 'snapshot', record.data.size), meta];
  // Converted: the size follows from the input's (stored LZ4 blocks) or from the frame's declared content size.
  const size = to === 'lz4' ? storedFrameSize(record.data.size) : Number(record.data.frame.contentSize ?? 0n);
  const converted: PlannedFile = {
    name: s.name,
    role: 'snapshot',
    size,
    sha256: null,
    mode: FILE_MODE,
    from: { kind: 'converted-snapshot', node: node.displayPath, file: s.name, to, originalSize: record.data.size },
  };
  return [converted, meta];
}
