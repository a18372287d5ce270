// dqlite FSM snapshot payload, i.e. the snapshot data file after LZ4 decompression (format-spec
// §3.5). Checked against encodeDatabase / decodeDatabase / fsm__snapshot / fsm__restore in dqlite
// src/fsm.c (1.11 and HEAD) and the real snapshots of sample-data/.
//
//   +0    u64  format = 1 (SNAPSHOT_FORMAT)
//   +8    u64  n databases
//   n × { text filename (NUL, zero fill to a multiple of 8) | u64 main_size | u64 wal_size
//         | main_size bytes of the main database file | wal_size bytes of the WAL file }
//
// Main file: page size = BE u16 at offset 16 (1 means 65536). WAL: 32-byte header (magic
// 0x377f0682/3 BE, page size BE u32 at 8), then frames of 24-byte header + page; the last
// frame's BE u32 at header offset 4 is the database size in pages after that commit.
// dqlite ≥ 1.17 always writes wal_size 0; older ones (like 1.11) write the in-memory WAL.
import { ShortReadError } from '../core/errors.js';
import { Cursor, Writer, pad8 } from './cursor.js';
import { issue, type DecodeIssue } from './issue.js';

export const SNAPSHOT_DATA_FORMAT = 1n;
const WAL_HEADER = 32;
const WAL_FRAME_HEADER = 24;

export interface SnapshotDatabase {
  filename: string;
  mainSize: bigint;
  walSize: bigint;
  /** Offsets of the images within the payload. */
  mainOffset: number;
  walOffset: number;
  /** From the main file header, when it has one. */
  pageSize?: number;
  mainPages?: number;
  walFrames?: number;
  /** Database size in pages after the last WAL frame (the effective size when WAL frames exist). */
  walDbSizePages?: number;
}

export interface SnapshotData {
  format: bigint;
  databases: SnapshotDatabase[];
}

export interface SnapshotDataDecodeResult {
  value?: SnapshotData;
  issues: DecodeIssue[];
  validBytes: number;
}

function be16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}
function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function inspectMain(main: Uint8Array, db: SnapshotDatabase, issues: DecodeIssue[]): void {
  if (main.length < 100) return;
  const raw = be16(main, 16);
  const pageSize = raw === 1 ? 65536 : raw;
  db.pageSize = pageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0 || main.length % pageSize !== 0) {
    issues.push(
      issue(
        'snapshot-db-page-size',
        db.mainOffset + 16,
        `${db.filename}: page size ${pageSize} does not divide main size ${main.length}`,
      ),
    );
    return;
  }
  db.mainPages = main.length / pageSize;
}

function inspectWal(wal: Uint8Array, db: SnapshotDatabase, issues: DecodeIssue[]): void {
  if (wal.length === 0) return;
  const magic = wal.length >= WAL_HEADER ? be32(wal, 0) : 0;
  if ((magic & 0xfffffffe) !== 0x377f0682) {
    issues.push(issue('snapshot-wal-header', db.walOffset, `${db.filename}: WAL image has no valid header`));
    return;
  }
  const pageSize = be32(wal, 8);
  const frame = WAL_FRAME_HEADER + pageSize;
  if (pageSize === 0 || (wal.length - WAL_HEADER) % frame !== 0) {
    issues.push(
      issue(
        'snapshot-wal-size',
        db.walOffset,
        `${db.filename}: WAL size ${wal.length} is not 32 + k × (24 + ${pageSize})`,
      ),
    );
    return;
  }
  db.walFrames = (wal.length - WAL_HEADER) / frame;
  if (db.walFrames > 0) db.walDbSizePages = be32(wal, WAL_HEADER + (db.walFrames - 1) * frame + 4);
}

/** A u64-sized image; sizes beyond the buffer become a short read, not a huge Number. */
function image(c: Cursor, field: string, size: bigint): Uint8Array {
  if (size > BigInt(c.remaining)) throw new ShortReadError(field, c.offset, Number(size), c.remaining);
  return c.bytesOf(field, Number(size));
}

function readDatabase(c: Cursor, i: number, issues: DecodeIssue[]): SnapshotDatabase {
  const start = c.offset;
  const filename = c.cstring(`database[${i}].filename`);
  c.skip(`database[${i}].filename padding`, (8 - ((c.offset - start) % 8)) % 8);
  const mainSize = c.u64(`database[${i}].main_size`);
  const walSize = c.u64(`database[${i}].wal_size`);
  const db: SnapshotDatabase = { filename, mainSize, walSize, mainOffset: c.offset, walOffset: 0 };
  const main = image(c, `database[${i}].main`, mainSize);
  db.walOffset = c.offset;
  const wal = image(c, `database[${i}].wal`, walSize);
  inspectMain(main, db, issues);
  inspectWal(wal, db, issues);
  return db;
}

/** Tolerant decode of an uncompressed dqlite snapshot payload. */
export function decodeSnapshotData(bytes: Uint8Array): SnapshotDataDecodeResult {
  const issues: DecodeIssue[] = [];
  const c = new Cursor(bytes);
  let valid = 0;
  try {
    const format = c.u64('format');
    if (format !== SNAPSHOT_DATA_FORMAT) {
      issues.push(issue('snapshot-data-format', 0, `snapshot payload format ${format}, expected 1`, { found: format }));
      return { issues, validBytes: 0 };
    }
    const n = c.u64('database count');
    valid = c.offset;
    const databases: SnapshotDatabase[] = [];
    for (let i = 0; BigInt(i) < n; i++) {
      databases.push(readDatabase(c, i, issues));
      valid = c.offset;
    }
    if (c.remaining > 0) {
      issues.push(
        issue('snapshot-data-trailing', c.offset, `${c.remaining} bytes after the last database`, {
          count: c.remaining,
        }),
      );
    }
    return { value: { format, databases }, issues, validBytes: valid };
  } catch (err) {
    if (!(err instanceof ShortReadError)) throw err;
    issues.push(
      issue('snapshot-data-short', err.offset, `snapshot payload ends inside ${err.field}`, {
        field: err.field,
        needed: err.needed,
        available: err.available,
      }),
    );
    return { issues, validBytes: valid };
  }
}

/** fsm__snapshot's payload for the given database images. */
export function encodeSnapshotData(
  databases: readonly { filename: string; main: Uint8Array; wal?: Uint8Array }[],
): Uint8Array {
  const w = new Writer();
  w.u64(SNAPSHOT_DATA_FORMAT).u64(BigInt(databases.length));
  for (const db of databases) {
    const wal = db.wal ?? new Uint8Array(0);
    const name = Buffer.from(db.filename, 'utf8');
    // text__encode pads relative to the text's own start, which need not be 8-aligned here.
    w.bytes(name)
      .zeros(pad8(name.length + 1) - name.length)
      .u64(BigInt(db.main.length))
      .u64(BigInt(wal.length))
      .bytes(db.main)
      .bytes(wal);
  }
  return w.finish();
}
