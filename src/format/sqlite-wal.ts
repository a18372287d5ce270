// SQLite write-ahead log images, as dqlite ≤ 1.16 and cowsql store them in snapshots (the VFS's
// in-memory WAL, header and frames verbatim). Checked against SQLite's wal.c (walChecksumBytes,
// walEncodeFrame, walDecodeFrame, walIndexRecover) and dqlite's vfs.c (vfsWalStartHeader,
// vfsFrameFill); every field is big-endian.
//
//   header  u32 magic 0x377f0682 | bit 0 (1: checksum words are big-endian, 0: little-endian)
//           | u32 version 3007000 | u32 page size | u32 checkpoint seq | u32 salt-1 | u32 salt-2
//           | u32 checksum-1 | u32 checksum-2 (over header bytes 0..23)
//   frame   u32 page number | u32 commit size (database size in pages after a commit, else 0)
//           | u32 salt-1 | u32 salt-2 (the header's) | u32 checksum-1 | u32 checksum-2 | page
//   checksum  s1 += w[i] + s2; s2 += w[i+1] + s1 over 32-bit words, chained from the header's
//             checksum through each frame's bytes 0..7 and its page. The words are read in the
//             order the magic names: dqlite writes them in the writing host's native order.
//
// Recovery (walIndexRecover): a header with a bad magic, page size or checksum makes SQLite ignore
// the whole WAL; frames are read while their salts equal the header's, their page number is not 0
// and the checksum chain holds; the database is the state after the last valid commit frame, and
// everything after it is ignored. WalReader streams an image this way, holding one transaction.
import type { DecodeIssue } from './issue.js';

export const WAL_MAGIC = 0x377f0682;
export const WAL_VERSION = 3007000;
export const WAL_HEADER_SIZE = 32;
export const WAL_FRAME_HEADER_SIZE = 24;

export interface WalHeader {
  readonly magic: number;
  readonly bigEndianChecksum: boolean;
  readonly version: number;
  readonly pageSize: number;
  readonly checkpointSeq: number;
  readonly salt1: number;
  readonly salt2: number;
  readonly checksum1: number;
  readonly checksum2: number;
}

/** A committed transaction: its pages in frame order (last write of a page wins) and the size after it. */
export interface WalCommit {
  readonly pages: readonly { readonly pgno: number; readonly data: Uint8Array }[];
  readonly dbSizePages: number;
  /** Frame number (0-based) of the commit frame. */
  readonly frame: number;
}

export interface WalSummary {
  readonly header: WalHeader | undefined;
  /** Whole frames present in the image. */
  readonly frames: number;
  /** Frames up to the first invalid one. */
  readonly validFrames: number;
  /** Frames up to and including the last valid commit frame (what a reader sees). */
  readonly committedFrames: number;
  readonly commits: number;
  /** Database size in pages after the last valid commit, when there is one. */
  readonly dbSizePages: number | undefined;
  readonly bytes: number;
  readonly issues: readonly DecodeIssue[];
}

const be32 = (b: Uint8Array, at: number): number =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

function putBe32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/** walChecksumBytes: `bytes.length` must be a multiple of 8. Returns [s1, s2]. */
export function walChecksum(bytes: Uint8Array, bigEndian: boolean, s1 = 0, s2 = 0): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = !bigEndian;
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    s1 = (s1 + view.getUint32(i, littleEndian) + s2) >>> 0;
    s2 = (s2 + view.getUint32(i + 4, littleEndian) + s1) >>> 0;
  }
  return [s1, s2];
}

export function isValidPageSize(n: number): boolean {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

/** Decodes and checks a 32-byte WAL header; undefined (and an issue) when SQLite would ignore the WAL. */
export function decodeWalHeader(bytes: Uint8Array, issues: DecodeIssue[], base = 0): WalHeader | undefined {
  if (bytes.length < WAL_HEADER_SIZE) {
    const message = `WAL image of ${bytes.length} bytes has no complete header: ignored`;
    issues.push({ kind: 'wal-short-header', offset: base, message });
    return undefined;
  }
  const magic = be32(bytes, 0);
  const h: WalHeader = {
    magic,
    bigEndianChecksum: (magic & 1) === 1,
    version: be32(bytes, 4),
    pageSize: be32(bytes, 8),
    checkpointSeq: be32(bytes, 12),
    salt1: be32(bytes, 16),
    salt2: be32(bytes, 20),
    checksum1: be32(bytes, 24),
    checksum2: be32(bytes, 28),
  };
  const bad = (kind: string, offset: number, message: string): undefined => {
    issues.push({
      kind,
      offset: base + offset,
      message: `${message}: SQLite ignores the whole WAL`,
      data: { found: magic },
    });
    return undefined;
  };
  if ((magic & 0xfffffffe) >>> 0 !== WAL_MAGIC) return bad('wal-bad-magic', 0, `WAL magic 0x${magic.toString(16)}`);
  if (!isValidPageSize(h.pageSize)) return bad('wal-bad-page-size', 8, `WAL page size ${h.pageSize}`);
  const [c1, c2] = walChecksum(bytes.subarray(0, 24), h.bigEndianChecksum);
  if (c1 !== h.checksum1 || c2 !== h.checksum2) return bad('wal-header-checksum', 24, 'WAL header checksum mismatch');
  if (h.version !== WAL_VERSION) {
    // walIndexRecover fails with SQLITE_CANTOPEN: the database cannot be opened at all.
    issues.push({
      kind: 'wal-bad-version',
      offset: base + 4,
      message: `WAL version ${h.version}, expected ${WAL_VERSION}: SQLite cannot open the database`,
    });
    return undefined;
  }
  return h;
}

/**
 * Streams a WAL image (feed chunks, then finish) and hands each committed transaction to
 * `onCommit` as soon as its commit frame checks out. Memory: one frame plus the pages of the
 * transaction in progress (copied, so chunks may be reused by the caller).
 */
export class WalReader {
  readonly #onCommit: (commit: WalCommit) => void;
  readonly #base: number;
  #buf: Uint8Array = new Uint8Array(WAL_HEADER_SIZE);
  #have = 0;
  #header: WalHeader | undefined;
  #stopped = false;
  #s1 = 0;
  #s2 = 0;
  #frames = 0;
  #valid = 0;
  #committed = 0;
  #commits = 0;
  #dbSize: number | undefined;
  #tx: { pgno: number; data: Uint8Array }[] = [];
  #bytes = 0;
  readonly #issues: DecodeIssue[] = [];

  /** `base`: offset of the image within whatever holds it, for issue offsets. */
  constructor(onCommit: (commit: WalCommit) => void, base = 0) {
    this.#onCommit = onCommit;
    this.#base = base;
  }

  feed(chunk: Uint8Array): void {
    let i = 0;
    this.#bytes += chunk.length;
    while (i < chunk.length) {
      if (this.#stopped) return;
      const take = Math.min(this.#buf.length - this.#have, chunk.length - i);
      this.#buf.set(chunk.subarray(i, i + take), this.#have);
      this.#have += take;
      i += take;
      if (this.#have === this.#buf.length) this.#complete();
    }
  }

  #complete(): void {
    this.#have = 0;
    if (!this.#header) {
      this.#header = decodeWalHeader(this.#buf, this.#issues, this.#base);
      if (!this.#header) {
        this.#stopped = true;
        return;
      }
      this.#s1 = this.#header.checksum1;
      this.#s2 = this.#header.checksum2;
      this.#buf = new Uint8Array(WAL_FRAME_HEADER_SIZE + this.#header.pageSize);
      return;
    }
    this.#frame(this.#buf);
  }

  #frame(f: Uint8Array): void {
    const h = this.#header!;
    const n = this.#frames++;
    const offset = this.#base + WAL_HEADER_SIZE + n * f.length;
    const pgno = be32(f, 0);
    const commit = be32(f, 4);
    const stop = (kind: string, message: string): void => {
      const text = `WAL frame ${n}: ${message}; it and every later frame are ignored`;
      this.#issues.push({ kind, offset, message: text, data: { frame: n } });
      this.#stopped = true;
    };
    if (be32(f, 8) !== h.salt1 || be32(f, 12) !== h.salt2) {
      return stop('wal-frame-salt', "salts differ from the header's");
    }
    if (pgno === 0) return stop('wal-frame-page-zero', 'page number 0');
    let [s1, s2] = walChecksum(f.subarray(0, 8), h.bigEndianChecksum, this.#s1, this.#s2);
    [s1, s2] = walChecksum(f.subarray(WAL_FRAME_HEADER_SIZE), h.bigEndianChecksum, s1, s2);
    if (s1 !== be32(f, 16) || s2 !== be32(f, 20)) return stop('wal-frame-checksum', 'checksum mismatch');
    this.#s1 = s1;
    this.#s2 = s2;
    this.#valid++;
    this.#tx.push({ pgno, data: f.slice(WAL_FRAME_HEADER_SIZE) });
    if (commit === 0) return;
    this.#committed = this.#valid;
    this.#commits++;
    this.#dbSize = commit;
    const pages = this.#tx;
    this.#tx = [];
    this.#onCommit({ pages, dbSizePages: commit, frame: n });
  }

  finish(): WalSummary {
    const issues = [...this.#issues];
    const frameSize = this.#header ? WAL_FRAME_HEADER_SIZE + this.#header.pageSize : 0;
    if (this.#bytes > 0 && !this.#header && !this.#stopped) {
      decodeWalHeader(this.#buf.subarray(0, this.#have), issues, this.#base);
    }
    if (this.#header && !this.#stopped && this.#have > 0) {
      issues.push({
        kind: 'wal-partial-frame',
        offset: this.#base + WAL_HEADER_SIZE + this.#frames * frameSize,
        message: `WAL image ends ${this.#have} bytes into frame ${this.#frames}: the partial frame is ignored`,
      });
    }
    if (this.#tx.length > 0) {
      issues.push({
        kind: 'wal-uncommitted-frames',
        offset: this.#base + WAL_HEADER_SIZE + this.#committed * frameSize,
        message:
          `${this.#tx.length} valid WAL frames after the last commit frame belong to no committed transaction: ` +
          'ignored',
      });
    }
    const frames = frameSize ? Math.floor((this.#bytes - WAL_HEADER_SIZE) / frameSize) : 0;
    return {
      header: this.#header,
      frames,
      validFrames: this.#valid,
      committedFrames: this.#committed,
      commits: this.#commits,
      dbSizePages: this.#dbSize,
      bytes: this.#bytes,
      issues,
    };
  }
}

/** Reads a whole WAL image held in memory. */
export function decodeWal(bytes: Uint8Array): { commits: WalCommit[]; summary: WalSummary } {
  const commits: WalCommit[] = [];
  const r = new WalReader((c) => commits.push(c));
  r.feed(bytes);
  return { commits, summary: r.finish() };
}

export interface WalToEncode {
  readonly pageSize: number;
  readonly bigEndianChecksum: boolean;
  readonly checkpointSeq?: number;
  readonly salt1: number;
  readonly salt2: number;
  /** Frames in order; `commit` is the database size after a commit frame, 0 otherwise. */
  readonly frames: readonly { readonly pgno: number; readonly commit: number; readonly data: Uint8Array }[];
}

/** vfsWalStartHeader + vfsFrameFill: a WAL image with valid checksums. */
export function encodeWal(w: WalToEncode): Uint8Array {
  const frameSize = WAL_FRAME_HEADER_SIZE + w.pageSize;
  const out = new Uint8Array(WAL_HEADER_SIZE + w.frames.length * frameSize);
  putBe32(out, 0, (WAL_MAGIC | (w.bigEndianChecksum ? 1 : 0)) >>> 0);
  putBe32(out, 4, WAL_VERSION);
  putBe32(out, 8, w.pageSize);
  putBe32(out, 12, w.checkpointSeq ?? 0);
  putBe32(out, 16, w.salt1);
  putBe32(out, 20, w.salt2);
  let [s1, s2] = walChecksum(out.subarray(0, 24), w.bigEndianChecksum);
  putBe32(out, 24, s1);
  putBe32(out, 28, s2);
  w.frames.forEach((f, n) => {
    const at = WAL_HEADER_SIZE + n * frameSize;
    putBe32(out, at, f.pgno);
    putBe32(out, at + 4, f.commit);
    putBe32(out, at + 8, w.salt1);
    putBe32(out, at + 12, w.salt2);
    out.set(f.data.subarray(0, w.pageSize), at + WAL_FRAME_HEADER_SIZE);
    [s1, s2] = walChecksum(out.subarray(at, at + 8), w.bigEndianChecksum, s1, s2);
    [s1, s2] = walChecksum(out.subarray(at + WAL_FRAME_HEADER_SIZE, at + frameSize), w.bigEndianChecksum, s1, s2);
    putBe32(out, at + 16, s1);
    putBe32(out, at + 20, s2);
  });
  return out;
}
