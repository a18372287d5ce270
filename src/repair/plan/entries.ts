// Entries of one segment file taken by position, grouped the way the file groups them into
// batches: a re-encoded range keeps the donor's batch boundaries (cut at the range's ends), so
// the new file has the same shape a raft writer would have produced. Used by the planner (to
// state the new file's exact size) and by apply (to encode it).
import type { BatchTable } from '../../format/batch-table.js';
import type { EntryRecord } from '../../format/segment.js';
import { BATCH_PREAMBLE_BYTES, ENTRY_HEADER_BYTES, SEGMENT_HEADER_BYTES } from '../../format/segment.js';

/** What entryBatches needs of a decoded segment (a SegmentRecord, or a fresh decode in apply). */
export interface DecodedFile {
  readonly name: string;
  readonly decoded: { readonly batches: BatchTable };
}

/** Entries [firstPosition, firstPosition + count) of `record`, as batches. */
export function entryBatches(record: DecodedFile, firstPosition: number, count: number): EntryRecord[][] {
  const out: EntryRecord[][] = [];
  const end = firstPosition + count;
  const table = record.decoded.batches;
  for (let b = count > 0 ? table.batchOf(firstPosition) : table.length; b < table.length; b++) {
    const position = table.entriesBefore(b);
    const next = position + table.entriesIn(b);
    if (position >= end) break;
    if (next > firstPosition) {
      const from = Math.max(firstPosition, position) - position;
      const to = Math.min(end, next) - position;
      out.push(table.batch(b).entries.slice(from, to));
    }
  }
  const got = out.reduce((n, b) => n + b.length, 0);
  if (got !== count)
    throw new RangeError(`${record.name} holds ${got} of the ${count} entries asked for at position ${firstPosition}`);
  return out;
}

/** Size of a closed segment holding these batches (format word, preambles, headers, payloads). */
export function encodedSegmentSize(batches: readonly (readonly EntryRecord[])[]): number {
  let size = SEGMENT_HEADER_BYTES;
  for (const b of batches) {
    size += BATCH_PREAMBLE_BYTES + ENTRY_HEADER_BYTES * b.length;
    for (const e of b) size += e.length;
  }
  return size;
}
