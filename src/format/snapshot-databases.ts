// The databases a dqlite snapshot payload holds, rebuilt as the main files a restore leads to
// (fsm__restore → VfsRestore: the main image, then its WAL, which the next checkpoint copies in).
// Streaming: feed the payload in chunks (an LZ4 frame's content as it is decoded); memory is the
// images themselves plus one WAL transaction. Layout in snapshot-data.ts:
//
//   u64 format = 1 | u64 n | n × { text filename | u64 main_size | u64 wal_size | main | WAL }
//
// Per database: the main image is written from offset 0 (size main_size / page size, the page
// size from page 1's header), then every committed WAL transaction is applied up to the last
// valid commit frame (sqlite-wal.ts), and the file is cut to that commit's size. dqlite ≥ 1.17
// writes no WAL (wal_size 0): the main image already holds every page.
import { DatabaseImage, headerPageSize } from './database-image.js';
import type { DecodeIssue } from './issue.js';
import { WalReader, type WalSummary } from './sqlite-wal.js';

export interface SnapshotDatabaseImage {
  readonly filename: string;
  readonly mainSize: bigint;
  readonly walSize: bigint;
  /** undefined when neither page 1 nor the WAL header gives a valid page size. */
  readonly image: DatabaseImage | undefined;
  readonly wal: WalSummary | undefined;
  /** Offset of the database's main image within the payload. */
  readonly mainOffset: number;
  readonly issues: readonly DecodeIssue[];
}

export interface SnapshotDatabasesResult {
  readonly databases: readonly SnapshotDatabaseImage[];
  /** Problems outside any one database (header, a payload cut short). */
  readonly issues: readonly DecodeIssue[];
  /** Every declared database was read in full. */
  readonly complete: boolean;
}

const MAX_NAME = 4096;
const HEAD = 100;

interface Db {
  filename: string;
  mainSize: bigint;
  walSize: bigint;
  mainOffset: number;
  image: DatabaseImage | undefined;
  head: Uint8Array;
  headLength: number;
  mainDone: bigint;
  wal: WalReader | undefined;
  walSummary: WalSummary | undefined;
  issues: DecodeIssue[];
}

type State =
  | { kind: 'fixed'; need: number; field: string }
  | { kind: 'filename' }
  | { kind: 'main' }
  | { kind: 'wal'; remaining: bigint }
  | { kind: 'done' };

export class SnapshotDatabasesReader {
  #offset = 0;
  #state: State = { kind: 'fixed', need: 16, field: 'format and database count' };
  #fixed: number[] = [];
  #count = 0n;
  #name: number[] = [];
  #nameLength = 0;
  #db: Db | undefined;
  readonly #done: SnapshotDatabaseImage[] = [];
  readonly #issues: DecodeIssue[] = [];
  #failed = false;

  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && !this.#failed) {
      const s = this.#state;
      const rest = chunk.length - i;
      if (s.kind === 'done') {
        this.#offset += rest;
        return; // dqlite ignores bytes after the last database
      }
      // Each step advances #offset itself, before it moves to the next state.
      i +=
        s.kind === 'fixed'
          ? this.#takeFixed(chunk, i, s)
          : s.kind === 'filename'
            ? this.#takeName(chunk, i)
            : s.kind === 'main'
              ? this.#takeMain(chunk.subarray(i))
              : this.#takeWal(chunk.subarray(i), s);
    }
  }

  #takeFixed(chunk: Uint8Array, i: number, s: Extract<State, { kind: 'fixed' }>): number {
    const take = Math.min(s.need - this.#fixed.length, chunk.length - i);
    for (let k = 0; k < take; k++) this.#fixed.push(chunk[i + k]!);
    this.#offset += take;
    if (this.#fixed.length === s.need) this.#fixedDone();
    return take;
  }

  #fixedDone(): void {
    const bytes = Uint8Array.from(this.#fixed);
    const view = new DataView(bytes.buffer);
    this.#fixed = [];
    if (!this.#db) {
      const format = view.getBigUint64(0, true);
      if (format !== 1n) {
        this.#fail('snapshot-data-format', 0, `snapshot payload format ${format}, expected 1`);
        return;
      }
      this.#count = view.getBigUint64(8, true);
      this.#nextDatabase();
      return;
    }
    const db = this.#db;
    db.mainSize = view.getBigUint64(bytes.length - 16, true);
    db.walSize = view.getBigUint64(bytes.length - 8, true);
    db.mainOffset = this.#offset;
    this.#state = { kind: 'main' };
    if (db.mainSize === 0n) this.#mainDone();
  }

  #takeName(chunk: Uint8Array, i: number): number {
    const nul = chunk.indexOf(0, i);
    const end = nul < 0 ? chunk.length : nul;
    for (let k = i; k < end && this.#name.length < MAX_NAME; k++) this.#name.push(chunk[k]!);
    this.#nameLength += end - i;
    this.#offset += end - i;
    if (nul < 0) return end - i;
    this.#offset++;
    const filename = new TextDecoder().decode(Uint8Array.from(this.#name));
    const padding = (8 - ((this.#nameLength + 1) % 8)) % 8;
    this.#db = {
      filename,
      mainSize: 0n,
      walSize: 0n,
      mainOffset: 0,
      image: undefined,
      head: new Uint8Array(HEAD),
      headLength: 0,
      mainDone: 0n,
      wal: undefined,
      walSummary: undefined,
      issues: [],
    };
    if (this.#nameLength > MAX_NAME) {
      const message = `database name of ${this.#nameLength} bytes (first ${MAX_NAME} kept)`;
      note(this.#db, 'snapshot-db-name-long', this.#offset, message);
    }
    this.#state = { kind: 'fixed', need: padding + 16, field: `${filename}: filename padding and sizes` };
    return end - i + 1;
  }

  #takeMain(bytes: Uint8Array): number {
    const db = this.#db!;
    const left = db.mainSize - db.mainDone;
    const n = BigInt(bytes.length) < left ? bytes.length : Number(left);
    const part = bytes.subarray(0, n);
    const at = Number(db.mainDone);
    if (!db.image && db.headLength < HEAD) {
      const h = Math.min(HEAD - db.headLength, part.length);
      db.head.set(part.subarray(0, h), db.headLength);
      db.headLength += h;
      if (db.headLength === HEAD || BigInt(db.headLength) === db.mainSize) this.#startImage(db);
    }
    db.image?.writeBytes(at, part);
    db.mainDone += BigInt(n);
    this.#offset += n;
    if (db.mainDone === db.mainSize) this.#mainDone();
    return n;
  }

  #startImage(db: Db): void {
    const pageSize = headerPageSize(db.head.subarray(0, db.headLength));
    if (pageSize === undefined) {
      const message = 'page 1 has no valid page size: the main image is not used';
      note(db, 'snapshot-db-page-size', db.mainOffset + 16, message);
      return;
    }
    db.image = new DatabaseImage(pageSize);
    db.image.writeBytes(0, db.head.subarray(0, db.headLength));
  }

  #mainDone(): void {
    const db = this.#db!;
    const image = db.image;
    if (image) {
      const pages = Number(db.mainSize / BigInt(image.pageSize));
      if (db.mainSize % BigInt(image.pageSize) !== 0n) {
        note(
          db,
          'snapshot-db-main-size',
          db.mainOffset,
          `main image of ${db.mainSize} bytes is not a whole number of ${image.pageSize}-byte pages`,
        );
      }
      image.setPages(pages);
      const header = image.headerPages();
      if (header !== undefined && header !== pages) {
        note(
          db,
          'snapshot-db-header-size',
          db.mainOffset + 28,
          `main image holds ${pages} pages, page 1 says ${header} (dqlite 1.11's restore trusts page 1)`,
        );
      }
    }
    if (db.walSize === 0n) return this.#databaseDone();
    db.wal = new WalReader((commit) => this.#walCommit(db, commit), this.#offset);
    this.#state = { kind: 'wal', remaining: db.walSize };
  }

  #walCommit(db: Db, commit: { pages: readonly { pgno: number; data: Uint8Array }[]; dbSizePages: number }): void {
    let image = db.image;
    if (!image && db.mainSize === 0n) image = db.image = new DatabaseImage(commit.pages[0]!.data.length);
    if (!image || image.pageSize !== commit.pages[0]!.data.length) {
      const message = "WAL page size differs from the main image's: WAL not applied";
      if (image) note(db, 'snapshot-wal-page-size', this.#offset, message);
      db.wal = undefined;
      return;
    }
    for (const p of commit.pages) image.writePage(p.pgno, p.data);
    image.setPages(commit.dbSizePages);
  }

  #takeWal(bytes: Uint8Array, s: Extract<State, { kind: 'wal' }>): number {
    const n = BigInt(bytes.length) < s.remaining ? bytes.length : Number(s.remaining);
    this.#db!.wal?.feed(bytes.subarray(0, n));
    s.remaining -= BigInt(n);
    this.#offset += n;
    if (s.remaining === 0n) this.#databaseDone();
    return n;
  }

  #databaseDone(): void {
    const db = this.#db!;
    if (db.wal) {
      db.walSummary = db.wal.finish();
      db.issues.push(...db.walSummary.issues.map((i) => ({ ...i, message: `${db.filename}: ${i.message}` })));
    }
    this.#done.push({
      filename: db.filename,
      mainSize: db.mainSize,
      walSize: db.walSize,
      image: db.image,
      wal: db.walSummary,
      mainOffset: db.mainOffset,
      issues: db.issues,
    });
    this.#nextDatabase();
  }

  #nextDatabase(): void {
    this.#db = undefined;
    if (BigInt(this.#done.length) >= this.#count) {
      this.#state = { kind: 'done' };
      return;
    }
    this.#name = [];
    this.#nameLength = 0;
    this.#state = { kind: 'filename' };
  }

  #fail(kind: string, offset: number, message: string): void {
    this.#issues.push({ kind, offset, message });
    this.#failed = true;
  }

  finish(): SnapshotDatabasesResult {
    const complete = !this.#failed && this.#state.kind === 'done';
    const issues = [...this.#issues];
    if (!this.#failed && !complete) {
      const n = this.#done.length;
      const where = this.#db ? `database ${n} (${this.#db.filename || 'its name'})` : `database ${n}`;
      const message = `the snapshot payload ends inside ${where} after ${this.#offset} bytes`;
      issues.push({ kind: 'snapshot-data-short', offset: this.#offset, message });
    }
    return { databases: [...this.#done], issues, complete };
  }
}

function note(db: Db, kind: string, offset: number, message: string): void {
  db.issues.push({ kind, offset, message: `${db.filename}: ${message}` });
}

/** Reads a whole payload held in memory. */
export function decodeSnapshotDatabases(payload: Uint8Array): SnapshotDatabasesResult {
  const r = new SnapshotDatabasesReader();
  r.feed(payload);
  return r.finish();
}
