// Lost entries' meaning for the data (analysis/db/lost-data.ts) as the plain document the plan and
// every verdict's `contribution.lost` carry: u64 values (indexes, row counts) as decimal strings,
// and the sentence people read.
import type { LostData } from '../../analysis/db/lost-data.js';
import { lostDataWords } from '../../analysis/db/lost-words.js';
import type { PlanLostData } from './types.js';

const dec = (v: bigint): string => v.toString(10);

export function lostDataDocument(d: LostData): PlanLostData {
  return {
    rows: d.rows,
    readable: d.readable.map((r) => ({ from: dec(r.from), to: dec(r.to) })),
    unreadable: d.unreadable.map((r) => ({ from: dec(r.from), to: r.to === undefined ? null : dec(r.to) })),
    transactions: d.transactions,
    undecodable: d.undecodable,
    databases: d.databases.map((x) => ({
      name: x.name,
      transactions: x.transactions,
      pages: x.pages,
      tables: x.tables
        ? x.tables.map((t) => ({
            table: t.table,
            inserted: dec(t.inserted),
            updated: dec(t.updated),
            deleted: dec(t.deleted),
          }))
        : null,
    })),
    compared: d.compared
      ? {
          keptIndex: dec(d.compared.keptIndex),
          droppedIndex: dec(d.compared.droppedIndex),
          droppedLog: d.compared.droppedLog,
        }
      : null,
    problem: d.problem ?? null,
    words: lostDataWords(d),
  };
}
