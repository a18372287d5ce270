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
    let index = run.firstIndex;
    let seen = 0;
    for (let b = 0; b < run.batches && seen < run.count; b++) {
      for (const entry of run.record.decoded.batches[b]!.entries) {
        if (seen >= run.count) break;
        if (index >= from && index <= to) yield { index, entry, file: run.source, batch: b };
        index++;
        seen++;
      }
    }
  }
}
