// Every dqlite database of a log as the engine would hold it at one raft index: the newest
// snapshot at or below the index whose content restores and whose following entries the log
// holds (else an empty start at index 0, when the log holds everything from index 1), then every
// FRAMES command after it in index order, up to the index (format/dqlite-apply.ts). The result is
// byte for byte the main file dqlite ends with after a checkpoint.
//
// Streaming: entries come from the scan's batch tables and each payload is read once, when it is
// applied (PayloadReader, one open file per segment); snapshot content is decoded block by block
// into the images. Memory: the databases, one entry's payload and one transaction's pending pages.
import { InputError } from '../../core/errors.js';
import type { DatabaseImage } from '../../format/database-image.js';
import { decodeCommand } from '../../format/dqlite-command.js';
import type { DecodeIssue } from '../../format/issue.js';
import { APPLY_RULES_DQLITE_1_11, DqliteFsm, type ApplyProblem, type ApplyRules } from '../../format/dqlite-apply.js';
import { SnapshotDatabasesReader } from '../../format/snapshot-databases.js';
import type { PayloadReader } from '../../scan/payloads.js';
import type { SnapshotContentReader } from '../../scan/snapshot-content.js';
import { commandEntries, missingRange, type DbLog, type DbLogSnapshot } from './db-log.js';

export interface MaterializeSources {
  readonly payloads: PayloadReader;
  readonly snapshots: SnapshotContentReader;
}

export interface MaterializeOptions {
  /** The raft index to rebuild the databases at (default: the log's last index). */
  readonly at?: bigint;
  /** What the engine does with FRAMES (commit size, is_commit = 0); default dqlite 1.11. */
  readonly rules?: ApplyRules;
  /** Problems kept (default 1000); the rest are only counted. */
  readonly maxProblems?: number;
}

export interface MaterializedDatabase {
  /** The dqlite database name (FRAMES filename), e.g. `demo`, `db.bin`. */
  readonly name: string;
  readonly image: DatabaseImage;
  readonly pageSize: number;
  readonly pages: number;
  /** Index of the snapshot or FRAMES entry that last changed it (≤ the result's index). */
  readonly changedAt: bigint;
  /** FRAMES transactions applied after the start (snapshot or empty). */
  readonly transactions: number;
  /** Set when the last change was dqlite 1.18.3's delete_database (a reset one-page database). */
  readonly resetAt: bigint | undefined;
}

/** Something that made a database differ from what the engine holds, or makes it suspect. */
export interface DbProblem {
  readonly kind: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly database: string | undefined;
  /** The entry's index, or the snapshot's. */
  readonly index: bigint | undefined;
  readonly node: string;
  readonly file: string;
  readonly offset: number;
}

export type MaterializeStart =
  | { readonly kind: 'snapshot'; readonly node: string; readonly name: string; readonly index: bigint }
  | { readonly kind: 'empty' };

export interface MaterializeResult {
  readonly log: string;
  /** The index every database reflects. */
  readonly index: bigint;
  readonly start: MaterializeStart;
  /** Sorted by name. */
  readonly databases: readonly MaterializedDatabase[];
  readonly problems: readonly DbProblem[];
  readonly problemsOmitted: number;
  /** RAFT_COMMAND entries read and applied after the start. */
  readonly commands: number;
  readonly payloadBytes: number;
}

class Problems {
  readonly list: DbProblem[] = [];
  omitted = 0;
  constructor(readonly max: number) {}
  add(p: DbProblem): void {
    if (this.list.length < this.max) this.list.push(p);
    else this.omitted++;
  }
}

function targetIndex(log: DbLog, at: bigint | undefined): bigint {
  const index = at ?? log.lastIndex;
  if (index < 0n) throw new InputError(`index ${index} is not a raft index`);
  if (index > log.lastIndex) {
    throw new InputError(`${log.label}: index ${index} is past the log's last index ${log.lastIndex}`);
  }
  return index;
}

/** Snapshots to try, newest first, then undefined (an empty start) when the log holds 1..index. */
function startCandidates(log: DbLog, index: bigint): (DbLogSnapshot | undefined)[] {
  const out: (DbLogSnapshot | undefined)[] = log.snapshots.filter(
    (s) => s.index <= index && !missingRange(log, s.index + 1n, index),
  );
  if (!missingRange(log, 1n, index)) out.push(undefined);
  if (out.length === 0) {
    const newest = log.snapshots.find((s) => s.index <= index);
    const from = newest ? newest.index + 1n : 1n;
    const gap = missingRange(log, from, index)!;
    const base = newest
      ? `snapshot ${newest.record.name} (index ${newest.index})`
      : 'index 1 (no snapshot at or below the index)';
    throw new InputError(
      `${log.label}: cannot rebuild the databases at index ${index}: ` +
        `entries ${gap.from}..${gap.to} are missing between ${base} and the index`,
    );
  }
  return out;
}

/** Restores a snapshot's databases into `fsm`; false (and problems) when its content does not restore. */
function restoreSnapshot(s: DbLogSnapshot, sources: MaterializeSources, fsm: DqliteFsm, problems: Problems): boolean {
  const reader = new SnapshotDatabasesReader();
  const read = sources.snapshots.read(s.node, s.record.name, (bytes) => reader.feed(bytes));
  const result = reader.finish();
  const where = { node: s.node.name, file: s.record.name, index: s.index };
  const add = (i: DecodeIssue, severity: DbProblem['severity'], message: string, database?: string): void =>
    problems.add({ ...where, kind: i.kind, severity, message, database, offset: i.offset });
  for (const i of read.issues) add(i, 'error', i.message);
  for (const i of result.issues) add(i, 'error', `payload byte ${i.offset}: ${i.message}`);
  if (!read.complete || !result.complete) return false;
  for (const db of result.databases) {
    for (const i of db.issues) {
      add(i, db.image ? 'warning' : 'error', `payload byte ${i.offset}: ${i.message}`, db.filename);
    }
    if (db.image) fsm.restore(db.filename, db.image, s.index);
  }
  return true;
}

function fromApply(p: ApplyProblem, node: string): DbProblem {
  const { kind, severity, message, database, index, file, offset } = p;
  return { kind, severity, message, database, index, node, file, offset };
}

/** The newest start that restores: a snapshot's databases in `fsm`, or an empty start. */
function restoreStart(
  log: DbLog,
  index: bigint,
  sources: MaterializeSources,
  rules: ApplyRules,
  problems: Problems,
): { fsm: DqliteFsm; start: MaterializeStart } {
  for (const candidate of startCandidates(log, index)) {
    if (!candidate) break;
    const fsm = new DqliteFsm(rules);
    if (restoreSnapshot(candidate, sources, fsm, problems)) {
      const { node, record, index: at } = candidate;
      return { fsm, start: { kind: 'snapshot', node: node.name, name: record.name, index: at } };
    }
  }
  if (missingRange(log, 1n, index)) {
    throw new InputError(
      `${log.label}: no snapshot at or below index ${index} can be restored, ` +
        'and the log does not hold every entry from index 1',
    );
  }
  return { fsm: new DqliteFsm(rules), start: { kind: 'empty' } };
}

/** Applies the commands of `log` in (from, to]; returns how many and their payload bytes. */
function replay(
  log: DbLog,
  from: bigint,
  to: bigint,
  fsm: DqliteFsm,
  payloads: PayloadReader,
  problems: Problems,
): { commands: number; payloadBytes: number } {
  let commands = 0;
  let payloadBytes = 0;
  for (const e of commandEntries(log, from, to)) {
    const payload = payloads.payload(e.node, e.file, e.entry);
    commands++;
    payloadBytes += payload.length;
    const decoded = decodeCommand(payload, e.entry.payloadOffset);
    if (!decoded.value) {
      const first = decoded.issues[0];
      const why = first?.message ?? 'undecodable';
      problems.add({
        kind: first?.kind ?? 'command-undecodable',
        severity: 'error',
        database: undefined,
        index: e.index,
        node: e.node.name,
        file: e.file,
        offset: first?.offset ?? e.entry.payloadOffset,
        message: `entry ${e.index} (${e.file}): not a dqlite command dqlite can apply: ${why}`,
      });
      continue;
    }
    const where = { index: e.index, file: e.file, offset: e.entry.payloadOffset };
    for (const p of fsm.apply(decoded.value, payload, where)) problems.add(fromApply(p, e.node.name));
  }
  if (fsm.pendingPages > 0) {
    const message = `${fsm.pendingPages} pages of is_commit = 0 entries wait for a commit at index ${to}: not applied`;
    problems.add({
      kind: 'frames-uncommitted',
      severity: 'info',
      database: undefined,
      index: to,
      node: log.label,
      file: '',
      offset: 0,
      message,
    });
  }
  return { commands, payloadBytes };
}

/** Rebuilds every database of `log` at `options.at` (default: its last index). */
export function materializeDatabases(
  log: DbLog,
  sources: MaterializeSources,
  options: MaterializeOptions = {},
): MaterializeResult {
  const index = targetIndex(log, options.at);
  const problems = new Problems(options.maxProblems ?? 1000);
  const { fsm, start } = restoreStart(log, index, sources, options.rules ?? APPLY_RULES_DQLITE_1_11, problems);
  const from = start.kind === 'snapshot' ? start.index + 1n : 1n;
  const { commands, payloadBytes } = replay(log, from, index, fsm, sources.payloads, problems);
  const databases = [...fsm.databases.values()]
    .sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0))
    .map((d) => ({
      name: d.filename,
      image: d.image,
      pageSize: d.image.pageSize,
      pages: d.image.pages,
      changedAt: d.changedAt,
      transactions: d.transactions,
      resetAt: d.resetAt,
    }));
  const { list, omitted } = problems;
  return { log: log.label, index, start, databases, problems: list, problemsOmitted: omitted, commands, payloadBytes };
}
