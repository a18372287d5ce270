// Segment reads as messages between threads. Structured cloning copies plain objects, bigints and
// typed arrays but not class instances, so a record's BatchTable travels as its columns and is
// made a BatchTable again on arrival.
import { BatchTable, type BatchTableColumns } from '../format/batch-table.js';
import type { SegmentJob, SegmentRead } from './read-segment.js';
import type { ScanIssue, SegmentRecord } from './node-index.js';

export interface SegmentJobMessage {
  readonly id: number;
  readonly dir: string;
  readonly job: SegmentJob;
}

type WireRecord = Omit<SegmentRecord, 'decoded'> & {
  readonly decoded: Omit<SegmentRecord['decoded'], 'batches'> & { readonly batches: BatchTableColumns };
};

export interface SegmentReadMessage {
  readonly id: number;
  readonly record: WireRecord | undefined;
  readonly issues: readonly ScanIssue[];
}

export function toWire(id: number, read: SegmentRead): SegmentReadMessage {
  const r = read.record;
  const record = r ? { ...r, decoded: { ...r.decoded, batches: r.decoded.batches.columns() } } : undefined;
  return { id, record, issues: read.issues };
}

export function fromWire(message: SegmentReadMessage): SegmentRead {
  const r = message.record;
  const record: SegmentRecord | undefined = r
    ? { ...r, decoded: { ...r.decoded, batches: BatchTable.fromColumns(r.decoded.batches) } }
    : undefined;
  return { record, issues: message.issues };
}
