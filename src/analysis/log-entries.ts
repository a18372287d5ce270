// Walks the entries of a log view in index order, with where each one lives on disk. Used by
// `dump` and by repair planning; payload bytes are read by the caller (scan/payloads.ts).
import type { EntryRecord } from '../format/segment.js';
import type { LogView } from './loader/log-view.js';

export interface LocatedEntry {
  readonly index: bigint;
  readonly entry: EntryRecord;
  /** The file as it is on disk now (open-N for an open segment). */
  readonly file: string;
  readonly batch: number;
}

/** Entries of `log` with index in [from, to], in order. */
export function* entriesOf(log: LogView, from = 0n, to = (1n << 64n) - 1n): Generator<LocatedEntry> {
  for (const run of log.runs) {
    const last = run.firstIndex + BigInt(run.count) - 1n;
    if (last < from || run.firstIndex > to) continue;
    const table = run.record.decoded.batches;
    // Start at `from` without walking the entries before it (a position inside this run, below
    // run.count, so a number).
    let position = from > run.firstIndex ? Number(from - run.firstIndex) : 0;
    for (let b = table.batchOf(position); b < run.batches && position < run.count; b++) {
      const batch = table.batch(b);
      const first = table.entriesBefore(b);
      for (let i = position - first; i < batch.entries.length && position < run.count; i++, position++) {
        const index = run.firstIndex + BigInt(position);
        if (index > to) return;
        yield { index, entry: batch.entries[i]!, file: run.source, batch: b };
      }
    }
  }
}
