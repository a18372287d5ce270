// What dqlite's FSM does to its databases when it applies a command (fsm.c apply_frames /
// apply_undo / apply_checkpoint, vfs.c VfsApply / vfsWalAppend), reduced to the main file it
// ends with after a checkpoint: every FRAMES page is written at (pgno - 1) · page_size in array
// order (the last write of a page wins), then the file is cut or grown to the commit size.
//
// Where engines differ (passed in as ApplyRules, default dqlite 1.11):
//   commit size   dqlite ≤ 1.18.1 and cowsql: max(size before, largest page number written) — it
//                 never shrinks (vfsWalAppend); dqlite ≥ 1.18.2 (933b601e): BE u32 at page 1
//                 offset 28 when the transaction writes page 1, else the size before; 0 there is
//                 1.18.3's PRAGMA delete_database (one page, the database reset).
//   is_commit = 0 dqlite 1.6 .. 1.18.1 and cowsql keep the pages pending (one list per FSM, not per
//                 database) and apply them with the next commit, whichever database it names;
//                 UNDO drops them. dqlite ≥ 1.18.2 fails the apply (DQLITE_PROTO).
// OPEN, CHECKPOINT and UNDO (apart from dropping pending pages) change no database content: a
// checkpoint copies WAL pages into the main file without touching a byte of them.
// Memory: the databases, plus the pending pages (copied) of one transaction.
import { DatabaseImage } from './database-image.js';
import type { DqliteCommand } from './dqlite-command.js';

export interface ApplyRules {
  readonly commitSize: 'largest-page' | 'page1-header';
  readonly nonCommitFrames: 'accumulate' | 'reject';
}

/** dqlite ≤ 1.18.1 (Debian's 1.11) and cowsql. */
export const APPLY_RULES_DQLITE_1_11: ApplyRules = { commitSize: 'largest-page', nonCommitFrames: 'accumulate' };
/** dqlite ≥ 1.18.2. */
export const APPLY_RULES_DQLITE_1_18_2: ApplyRules = { commitSize: 'page1-header', nonCommitFrames: 'reject' };

/** Where an entry's payload lies: its raft index, segment file and the payload's offset there. */
export interface EntryLocation {
  readonly index: bigint;
  readonly file: string;
  readonly offset: number;
}

export interface ApplyProblem {
  readonly kind: string;
  /** error: the entry's pages were not applied; warning: applied, but the result is suspect. */
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly database: string | undefined;
  readonly index: bigint;
  readonly file: string;
  /** File offset of the offending bytes. */
  readonly offset: number;
}

export interface DatabaseState {
  readonly filename: string;
  readonly image: DatabaseImage;
  /** Index of the snapshot or entry that last changed it. */
  changedAt: bigint;
  /** FRAMES transactions applied on top of the starting state. */
  transactions: number;
  /** Index of a 1.18.3+ delete_database transaction that reset it, if the last one did. */
  resetAt: bigint | undefined;
}

interface Page {
  readonly pgno: number;
  readonly data: Uint8Array;
}

/** Page 262145 at 4 KiB: the page holding byte 2^30, which SQLite never writes. */
export function pendingBytePage(pageSize: number): number {
  return Math.floor(0x40000000 / pageSize) + 1;
}

type Frames = Extract<DqliteCommand, { type: 'frames' }>;
type Report = (kind: string, severity: ApplyProblem['severity'], message: string, offset?: number) => ApplyProblem[];

export class DqliteFsm {
  readonly rules: ApplyRules;
  readonly databases = new Map<string, DatabaseState>();
  #pending: { filename: string; pages: Page[]; from: EntryLocation } | undefined;
  /** Databases whose page 1 already said fewer pages than the file keeps (noted once each). */
  readonly #shrinkNoted = new Set<string>();

  constructor(rules: ApplyRules = APPLY_RULES_DQLITE_1_11) {
    this.rules = rules;
  }

  /** A database as a snapshot holds it (fsm__restore). */
  restore(filename: string, image: DatabaseImage, index: bigint): void {
    this.databases.set(filename, { filename, image, changedAt: index, transactions: 0, resetAt: undefined });
  }

  /** Pages of is_commit = 0 entries waiting for a commit. */
  get pendingPages(): number {
    return this.#pending?.pages.length ?? 0;
  }

  apply(cmd: DqliteCommand, payload: Uint8Array, at: EntryLocation): ApplyProblem[] {
    if (cmd.type === 'undo') this.#pending = undefined;
    if (cmd.type !== 'frames') return [];
    return this.#frames(cmd, payload, at);
  }

  #frames(cmd: Frames, payload: Uint8Array, at: EntryLocation): ApplyProblem[] {
    const problems: ApplyProblem[] = [];
    const problem: Report = (kind, severity, message, offset = at.offset) => {
      const text = `entry ${at.index} (${at.file}): ${message}`;
      problems.push({ kind, severity, message: text, database: cmd.filename, index: at.index, file: at.file, offset });
      return problems;
    };
    const state = this.databases.get(cmd.filename);
    // 65536 does not fit the u16 (the leader writes 0); 1.11 ignores the field and uses its own.
    const pageSize = cmd.pageSize === 0 && cmd.pageNumbers.length > 0 ? 65536 : cmd.pageSize;
    if (state && pageSize !== state.image.pageSize) {
      const why = `page size ${pageSize} differs from the database's ${state.image.pageSize}: not applied`;
      return problem('frames-page-size', 'error', why);
    }
    if (!state && !validPageSize(pageSize)) {
      return problem('frames-page-size', 'error', `page size ${cmd.pageSize} is not valid: not applied`);
    }
    const numbersAt = at.offset + cmd.pagesOffset - 8 * cmd.pageNumbers.length;
    const pages: Page[] = [];
    for (let i = 0; i < cmd.pageNumbers.length; i++) {
      const p = cmd.pageNumbers[i]!;
      if (p === 0n || p > 0x7fffffffn) {
        const why = p === 0n ? 'page number 0' : `page number ${p} above INT32_MAX (dqlite asserts)`;
        return problem('frames-page-number', 'error', `${why} at position ${i}: not applied`, numbersAt + 8 * i);
      }
      const start = cmd.pagesOffset + i * pageSize;
      pages.push({ pgno: Number(p), data: payload.subarray(start, start + pageSize) });
    }
    if (payload.length < cmd.pagesOffset + pages.length * pageSize) {
      return problem('frames-short', 'error', `payload ends inside the page images: not applied`);
    }
    if (cmd.isCommit === 0) return this.#keepPending(cmd, pages, at, problem);
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending && pending.filename !== cmd.filename) {
      problem(
        'frames-pending-other-database',
        'warning',
        `commits ${pending.pages.length} pending pages of ${pending.filename} (from entry ${pending.from.index}) ` +
          `into ${cmd.filename}, as dqlite does`,
      );
    }
    const all = pending ? [...pending.pages, ...pages] : pages;
    if (all.some((p) => p.data.length !== pageSize)) {
      return problem('frames-page-size', 'error', `pending pages of another page size than ${pageSize}: not applied`);
    }
    const db = state ?? this.#create(cmd.filename, pageSize, at.index);
    this.#commit(db, all, at, problem);
    return problems;
  }

  #keepPending(cmd: Frames, pages: Page[], at: EntryLocation, problem: Report): ApplyProblem[] {
    if (this.rules.nonCommitFrames === 'reject') {
      return problem('frames-not-commit', 'error', 'is_commit is 0: dqlite ≥ 1.18.2 fails to apply it (DQLITE_PROTO)');
    }
    const copies = pages.map((p) => ({ pgno: p.pgno, data: p.data.slice() }));
    if (this.#pending) this.#pending.pages.push(...copies);
    else this.#pending = { filename: cmd.filename, pages: copies, from: at };
    return [];
  }

  #create(filename: string, pageSize: number, index: bigint): DatabaseState {
    const image = new DatabaseImage(pageSize);
    const db: DatabaseState = { filename, image, changedAt: index, transactions: 0, resetAt: undefined };
    this.databases.set(filename, db);
    return db;
  }

  #commit(db: DatabaseState, pages: readonly Page[], at: EntryLocation, problem: Report): void {
    const image = db.image;
    const before = image.pages;
    let largest = 0;
    let page1: Uint8Array | undefined;
    for (const p of pages) {
      image.writePage(p.pgno, p.data);
      if (p.pgno > largest) largest = p.pgno;
      if (p.pgno === 1) page1 = p.data;
    }
    const header = page1 ? be32(page1, 28) : undefined;
    let size: number;
    db.resetAt = undefined;
    if (this.rules.commitSize === 'largest-page') {
      size = Math.max(before, largest);
      if (header !== undefined && header < size && !this.#shrinkNoted.has(db.filename)) {
        this.#shrinkNoted.add(db.filename);
        problem(
          'frames-shrink',
          'info',
          `page 1 says ${header} pages but the file keeps ${size} ` +
            '(dqlite ≤ 1.18.1 never shrinks it; ≥ 1.18.2 would cut it)',
        );
      }
    } else if (header === 0 && pages.length === 1) {
      size = 1;
      db.resetAt = at.index;
    } else size = header ?? before;
    const missing = unwrittenGrowth(pages, before, size, image.pageSize);
    if (missing > 0) {
      problem(
        'frames-gap',
        'warning',
        `the database grows from ${before} to ${size} pages but ${missing} of the new ` +
          'pages are never written (they read as zeros)',
      );
    }
    image.setPages(size);
    db.changedAt = at.index;
    db.transactions++;
  }
}

function validPageSize(n: number): boolean {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** New pages (before, size] the transaction does not write, the pending-byte page excepted. */
function unwrittenGrowth(pages: readonly Page[], before: number, size: number, pageSize: number): number {
  if (size <= before) return 0;
  const written = new Set<number>();
  for (const p of pages) if (p.pgno > before && p.pgno <= size) written.add(p.pgno);
  const lock = pendingBytePage(pageSize);
  const expected = size - before - (lock > before && lock <= size ? 1 : 0);
  return expected - (written.has(lock) ? written.size - 1 : written.size);
}
