// Facts about one node's segments that several rules need: which files C loads at all, which ones
// auto-recovery moves aside together, where a segment's entries start, and how many it holds.
import type { EntryRecord } from '../../format/segment.js';
import type { SegmentRecord } from '../../scan/node-index.js';
import { filterSegments, type FilterResult } from '../loader/index.js';
import type { NodeFacts } from './rule.js';

/** uvFilterSegments on the node's segments against the snapshot raft would load. */
export function filterResult(facts: NodeFacts): FilterResult | undefined {
  const s = facts.snapshot;
  return s ? filterSegments(s.index, s.name, facts.segmentInfos) : undefined;
}

/** Segment names uvFilterSegments leaves on disk without loading them. */
export function ignoredByFilter(facts: NodeFacts): Set<string> {
  const f = filterResult(facts);
  return new Set(f?.ok ? f.ignored.map((s) => s.name) : []);
}

/** Whether `name` is the newest closed segment in C's order (the only closed one auto-recovery moves aside). */
export function isLastClosed(facts: NodeFacts, name: string): boolean {
  const i = facts.segmentInfos.findIndex((s) => s.name === name);
  const next = facts.segmentInfos[i + 1];
  return i >= 0 && (!next || next.isOpen);
}

/** `name` and every later segment in C's order: what uvRecoverFromCorruptSegment renames together. */
export function fromSegmentOn(facts: NodeFacts, name: string): string[] {
  const i = facts.segmentInfos.findIndex((s) => s.name === name);
  return i < 0 ? [name] : facts.segmentInfos.slice(i).map((s) => s.name);
}

/** Entries in batches 0 … ordinal-1. */
export function entriesBefore(record: SegmentRecord, ordinal: number): number {
  return record.decoded.batches.entriesBefore(ordinal);
}

/** Entries C reads before the first failure. */
export function goodEntryCount(record: SegmentRecord): number {
  return entriesBefore(record, record.decoded.failure?.ordinal ?? record.decoded.batches.length);
}

/** Entries of the good batches, in order. */
export function goodEntries(record: SegmentRecord): EntryRecord[] {
  const n = record.decoded.failure?.ordinal ?? record.decoded.batches.length;
  const table = record.decoded.batches;
  const out: EntryRecord[] = [];
  for (let b = 0; b < n && b < table.length; b++) out.push(...table.batch(b).entries);
  return out;
}

/** How many entries a closed segment's name promises (undefined for open or inverted names). */
export function namedCount(record: SegmentRecord): bigint | undefined {
  if (record.kind !== 'closed' || record.firstIndex === undefined || record.lastIndex === undefined) return undefined;
  return record.lastIndex >= record.firstIndex ? record.lastIndex - record.firstIndex + 1n : undefined;
}

/**
 * For a closed segment whose good batches hold exactly the entries its name promises and that
 * still has bytes after them: the offset where those extra bytes start.
 */
export function trailingFrom(record: SegmentRecord): number | undefined {
  const f = record.decoded.failure;
  const named = namedCount(record);
  if (!f || named === undefined || f.batchOffset !== record.decoded.validBytes) return undefined;
  return BigInt(entriesBefore(record, f.ordinal)) === named ? f.batchOffset : undefined;
}

/** Index of a segment's first entry: from the name (closed), or as the loader numbers it (open). */
export function firstIndexOf(facts: NodeFacts, record: SegmentRecord): bigint | undefined {
  if (record.kind === 'closed') return record.firstIndex;
  return facts.diskLog.runs.find((r) => r.source === record.name)?.firstIndex;
}

/** Index range of the entries in batch `ordinal` (count from its header), when the first index is known. */
export function batchRange(
  facts: NodeFacts,
  record: SegmentRecord,
  ordinal: number,
): { from: bigint; to: bigint } | undefined {
  const first = firstIndexOf(facts, record);
  const table = record.decoded.batches;
  if (first === undefined || ordinal >= table.length || table.entriesIn(ordinal) === 0) return undefined;
  const from = first + BigInt(entriesBefore(record, ordinal));
  return { from, to: from + BigInt(table.entriesIn(ordinal)) - 1n };
}
