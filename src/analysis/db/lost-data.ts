// What lost raft entries mean for the data: the transactions they hold and the rows they change.
// Two ways, and each result says which it rests on (`rows`):
//   compared  the entries can all be read (another node holds them): the databases are rebuilt
//             as kept and as they would be with the entries, and SQLite matches the rows table by
//             table (table-diff.ts). Exact: rows inserted, updated and deleted by the lost entries.
//   unknown   some entries cannot be read from the log at hand (the source's: a hole no node
//             fills with proof, damage, a torn write). Their changes are unknown; the entries
//             after them that can be read are decoded (transactions and pages per database), but
//             their rows are not compared: applying them without the missing ones before them
//             would not give any database the engine ever held.
// Memory: the compared way holds both sides' databases (and SQLite's copies of them); the other
// one entry's payload and the set of page numbers written.
import { InputError } from '../../core/errors.js';
import type { ApplyRules } from '../../format/dqlite-apply.js';
import { decodeCommand } from '../../format/dqlite-command.js';
import type { PayloadReader } from '../../scan/payloads.js';
import type { IndexRange } from '../recovery/types.js';
import { commandEntries, type DbLog } from './db-log.js';
import { materializeDatabases, type MaterializeResult, type MaterializeSources } from './materialize.js';
import { SqliteImage } from './sqlite.js';
import { diffDatabases } from './table-diff.js';

export interface TableLoss {
  readonly table: string;
  /** Rows the lost entries insert (only on the side that has them). */
  readonly inserted: bigint;
  /** Rows they change (same key, other values). */
  readonly updated: bigint;
  /** Rows they delete (only on the kept side). */
  readonly deleted: bigint;
}

export interface DatabaseLoss {
  readonly name: string;
  /** FRAMES commits among the readable lost entries. */
  readonly transactions: number;
  /** Distinct pages they write. */
  readonly pages: number;
  /** Tables whose rows differ (compared only; undefined when rows were not compared). */
  readonly tables: readonly TableLoss[] | undefined;
}

export interface LostData {
  readonly rows: 'compared' | 'unknown';
  /** The lost entries that were read. */
  readonly readable: readonly IndexRange[];
  /** Lost entries the log cannot read (`to` undefined: the count is unknown). */
  readonly unreadable: readonly { readonly from: bigint; readonly to: bigint | undefined }[];
  readonly transactions: number;
  /** Readable entries that are not dqlite commands the FSM can decode. */
  readonly undecodable: number;
  /** Databases the readable entries write, by name. */
  readonly databases: readonly DatabaseLoss[];
  /** For compared data: the index of each side and the log the lost entries come from. */
  readonly compared:
    { readonly keptIndex: bigint; readonly droppedIndex: bigint; readonly droppedLog: string } | undefined;
  /** Why less could be said than usual (a log not read entry by entry, a database too large). */
  readonly problem: string | undefined;
}

interface FramesCount {
  transactions: number;
  pages: Set<number>;
}

/** Ranges of [from, to] that `log`'s pieces hold, in order. */
function heldRanges(log: DbLog, from: bigint, to: bigint): IndexRange[] {
  const out: IndexRange[] = [];
  for (const p of log.pieces) {
    const a = p.firstIndex > from ? p.firstIndex : from;
    const b = p.lastIndex < to ? p.lastIndex : to;
    if (a > b) continue;
    const prev = out[out.length - 1];
    if (prev && prev.to + 1n === a) out[out.length - 1] = { from: prev.from, to: b };
    else out.push({ from: a, to: b });
  }
  return out;
}

/** [from, to] minus `held` (sorted, inside it). */
function complement(from: bigint, to: bigint | undefined, held: readonly IndexRange[]): LostData['unreadable'] {
  const out: { from: bigint; to: bigint | undefined }[] = [];
  let next = from;
  for (const h of held) {
    if (h.from > next) out.push({ from: next, to: h.from - 1n });
    next = h.to + 1n;
  }
  if (to === undefined || next <= to) out.push({ from: next, to });
  return out;
}

/** FRAMES transactions and pages per database among `log`'s command entries in `ranges`. */
function countFrames(
  log: DbLog,
  ranges: readonly IndexRange[],
  payloads: PayloadReader,
): { byDatabase: Map<string, FramesCount>; undecodable: number } {
  const byDatabase = new Map<string, FramesCount>();
  let undecodable = 0;
  for (const r of ranges) {
    for (const e of commandEntries(log, r.from, r.to)) {
      const cmd = decodeCommand(payloads.payload(e.node, e.file, e.entry)).value;
      if (!cmd) {
        undecodable++;
        continue;
      }
      if (cmd.type !== 'frames') continue;
      let c = byDatabase.get(cmd.filename);
      if (!c) byDatabase.set(cmd.filename, (c = { transactions: 0, pages: new Set() }));
      if (cmd.isCommit) c.transactions++;
      for (const p of cmd.pageNumbers) if (p <= 0x7fffffffn) c.pages.add(Number(p));
    }
  }
  return { byDatabase, undecodable };
}

function byName<T extends { name: string }>(list: T[]): T[] {
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function databasesOf(counts: Map<string, FramesCount>, tables?: Map<string, TableLoss[]>): DatabaseLoss[] {
  const names = new Set([...counts.keys(), ...(tables?.keys() ?? [])]);
  return byName(
    [...names].map((name) => {
      const c = counts.get(name);
      return {
        name,
        transactions: c?.transactions ?? 0,
        pages: c?.pages.size ?? 0,
        tables: tables ? (tables.get(name) ?? []) : undefined,
      };
    }),
  );
}

function total(counts: Map<string, FramesCount>): number {
  let n = 0;
  for (const c of counts.values()) n += c.transactions;
  return n;
}

/**
 * Lost entries [from, to] of a log that holds only some of them (the source's own log): the
 * readable ones decoded, the rest named unreadable. `to` undefined: a torn batch of unknown length.
 */
export function uncomparedLoss(log: DbLog, from: bigint, to: bigint | undefined, payloads: PayloadReader): LostData {
  const held = heldRanges(log, from, to ?? log.lastIndex);
  const base = {
    rows: 'unknown',
    readable: held,
    unreadable: complement(from, to, held),
    compared: undefined,
  } as const;
  try {
    const { byDatabase, undecodable } = countFrames(log, held, payloads);
    return {
      ...base,
      transactions: total(byDatabase),
      undecodable,
      databases: databasesOf(byDatabase),
      problem: undefined,
    };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { ...base, transactions: 0, undecodable: 0, databases: [], problem: error.message };
  }
}

export interface LossSide {
  readonly log: DbLog;
  readonly index: bigint;
}

/** Rows per table that differ between the two rebuilds of one database (either may be missing). */
async function tableLosses(dropped: MaterializeResult, kept: MaterializeResult, name: string): Promise<TableLoss[]> {
  const d = dropped.databases.find((x) => x.name === name);
  const k = kept.databases.find((x) => x.name === name);
  const open = async (x: typeof d) => (x ? SqliteImage.openImage(x.image) : SqliteImage.open(new Uint8Array(0)));
  const left = await open(d);
  try {
    const right = await open(k);
    try {
      const diff = diffDatabases(left, right, { limit: 0 });
      const counts = (img: SqliteImage, names: readonly string[]) =>
        img
          .tables()
          .filter((t) => names.includes(t.name))
          .map((t) => ({ table: t.name, rows: t.rows ?? 0n }));
      return [
        ...diff.tables.map((t) => ({
          table: t.table,
          inserted: t.onlyLeft.count,
          updated: t.changed.count,
          deleted: t.onlyRight.count,
        })),
        ...counts(left, diff.tablesOnlyLeft).map((t) => ({
          table: t.table,
          inserted: t.rows,
          updated: 0n,
          deleted: 0n,
        })),
        ...counts(right, diff.tablesOnlyRight).map((t) => ({
          table: t.table,
          inserted: 0n,
          updated: 0n,
          deleted: t.rows,
        })),
      ]
        .filter((t) => t.inserted + t.updated + t.deleted > 0n)
        .sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
    } finally {
      right.close();
    }
  } finally {
    left.close();
  }
}

/**
 * Lost entries [from, to] that `dropped.log` holds in full: the databases as kept (`kept` at its
 * index) against those with the entries (`dropped` at its index), row by row.
 */
export async function comparedLoss(
  kept: LossSide,
  dropped: LossSide,
  range: IndexRange,
  sources: MaterializeSources,
  rules: ApplyRules,
): Promise<LostData> {
  const compared = { keptIndex: kept.index, droppedIndex: dropped.index, droppedLog: dropped.log.label };
  const readable = heldRanges(dropped.log, range.from, range.to);
  const base = {
    rows: 'compared',
    readable,
    unreadable: complement(range.from, range.to, readable),
    compared,
  } as const;
  try {
    const { byDatabase, undecodable } = countFrames(dropped.log, readable, sources.payloads);
    const k = materializeDatabases(kept.log, sources, { at: kept.index, rules });
    const d = materializeDatabases(dropped.log, sources, { at: dropped.index, rules });
    const names = [...new Set([...k.databases, ...d.databases].map((x) => x.name))];
    const tables = new Map<string, TableLoss[]>();
    for (const name of names) {
      const t = await tableLosses(d, k, name);
      if (t.length) tables.set(name, t);
    }
    const databases = databasesOf(byDatabase, tables);
    return { ...base, transactions: total(byDatabase), undecodable, databases, problem: undefined };
  } catch (error) {
    if (!(error instanceof InputError) && !(error instanceof RangeError)) throw error;
    return { ...base, rows: 'unknown', transactions: 0, undecodable: 0, databases: [], problem: error.message };
  }
}
