// SQLite WAL images as dqlite's snapshots hold them: checksums in the order the magic names,
// commit grouping, and SQLite's recovery rule (stop at the first bad frame, keep the last commit).
import { describe, expect, it } from 'vitest';
import { decodeSnapshotData } from '../../src/format/snapshot-data.js';
import { decompressLz4Frame } from '../../src/format/lz4-verify.js';
import { decodeWal, encodeWal, walChecksum, WalReader, WAL_HEADER_SIZE, type WalToEncode } from '../../src/format/sqlite-wal.js';
import fs from 'node:fs';
import path from 'node:path';
import { sampleNodes } from '../helpers/samples.js';

const PS = 512;
const page = (fill: number): Uint8Array => new Uint8Array(PS).fill(fill);

function wal(overrides: Partial<WalToEncode> = {}): WalToEncode {
  return {
    pageSize: PS, bigEndianChecksum: false, salt1: 0x11223344, salt2: 0x55667788,
    frames: [
      { pgno: 1, commit: 0, data: page(1) }, { pgno: 2, commit: 2, data: page(2) }, // tx 1
      { pgno: 2, commit: 0, data: page(3) }, { pgno: 3, commit: 3, data: page(4) }, // tx 2
    ],
    ...overrides,
  };
}

const frameAt = (n: number): number => WAL_HEADER_SIZE + n * (24 + PS);

describe('walChecksum', () => {
  it('is SQLite\'s Fletcher-like sum over 32-bit words in the named byte order', () => {
    const b = Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 2]);
    expect(walChecksum(b, true)).toEqual([1, 3]); // s1 = 1, s2 = 2 + 1
    expect(walChecksum(b, false)).toEqual([0x01000000, 0x03000000]);
  });
});

describe('WalReader', () => {
  for (const bigEndianChecksum of [false, true]) {
    it(`groups frames into committed transactions (${bigEndianChecksum ? 'big' : 'little'}-endian checksums)`, () => {
      const bytes = encodeWal(wal({ bigEndianChecksum }));
      const { commits, summary } = decodeWal(bytes);
      expect(summary.issues).toEqual([]);
      expect(summary.header?.bigEndianChecksum).toBe(bigEndianChecksum);
      expect(commits.map((c) => [c.pages.map((p) => [p.pgno, p.data[0]]), c.dbSizePages])).toEqual([
        [[[1, 1], [2, 2]], 2], [[[2, 3], [3, 4]], 3],
      ]);
      expect(summary).toMatchObject({ frames: 4, validFrames: 4, committedFrames: 4, commits: 2, dbSizePages: 3 });
    });
  }

  it('gives the same result fed one byte at a time', () => {
    const bytes = encodeWal(wal());
    const commits: number[] = [];
    const r = new WalReader((c) => commits.push(c.dbSizePages));
    for (let i = 0; i < bytes.length; i++) r.feed(bytes.subarray(i, i + 1));
    expect(r.finish().committedFrames).toBe(4);
    expect(commits).toEqual([2, 3]);
  });

  it('stops at a frame whose checksum fails and keeps the commits before it', () => {
    const bytes = encodeWal(wal());
    bytes[frameAt(3) + 24 + 100]! ^= 1;
    const { commits, summary } = decodeWal(bytes);
    expect(commits.map((c) => c.dbSizePages)).toEqual([2]);
    expect(summary).toMatchObject({ validFrames: 3, committedFrames: 2, dbSizePages: 2 });
    expect(summary.issues.map((i) => [i.kind, i.offset])).toEqual([['wal-frame-checksum', frameAt(3)], ['wal-uncommitted-frames', frameAt(2)]]);
  });

  it('stops at a frame with other salts (a stale frame from before a restart)', () => {
    const bytes = encodeWal(wal());
    bytes[frameAt(2) + 8]! ^= 0xff;
    const { commits, summary } = decodeWal(bytes);
    expect(commits).toHaveLength(1);
    expect(summary.issues[0]).toMatchObject({ kind: 'wal-frame-salt', offset: frameAt(2) });
  });

  it('refuses page number 0', () => {
    const w = wal();
    const bytes = encodeWal({ ...w, frames: [{ pgno: 0, commit: 1, data: page(1) }] });
    const { commits, summary } = decodeWal(bytes);
    expect(commits).toEqual([]);
    expect(summary.issues[0]!.kind).toBe('wal-frame-page-zero');
  });

  it('ignores the whole WAL when its header is bad (magic, page size, checksum)', () => {
    for (const [at, kind] of [[0, 'wal-bad-magic'], [10, 'wal-bad-page-size'], [20, 'wal-header-checksum']] as const) {
      const bytes = encodeWal(wal());
      bytes[at]! ^= 0x40;
      const { commits, summary } = decodeWal(bytes);
      expect(commits, kind).toEqual([]);
      expect(summary.issues[0]!.kind).toBe(kind);
    }
  });

  it('ignores frames after the last commit and a partial frame', () => {
    const w = wal();
    const bytes = encodeWal({ ...w, frames: [...w.frames, { pgno: 4, commit: 0, data: page(9) }] });
    const extra = new Uint8Array(bytes.length + 10); // 10 bytes of a frame that was never finished
    extra.set(bytes);
    const { commits, summary } = decodeWal(extra);
    expect(commits).toHaveLength(2);
    expect(summary.issues.map((i) => i.kind)).toEqual(['wal-partial-frame', 'wal-uncommitted-frames']);
  });

  it('never allocates more than one frame for a hostile page size', () => {
    const { summary } = decodeWal(encodeWal({ ...wal(), pageSize: 65536, frames: [] }));
    expect(summary.header?.pageSize).toBe(65536);
    const big = encodeWal(wal());
    new DataView(big.buffer).setUint32(8, 0x80000000);
    expect(decodeWal(big).summary.issues[0]!.kind).toBe('wal-bad-page-size');
  });
});

describe('real snapshot WALs (healthy sample, dqlite 1.11)', () => {
  it('every frame is valid, the last is a commit, and encodeWal(decoded) gives the same bytes', async () => {
    const node = (await sampleNodes('healthy'))[0]!;
    const names = fs.readdirSync(node).filter((n) => /^snapshot-\d+-\d+-\d+$/.test(n));
    expect(names.length).toBe(2);
    for (const name of names) {
      const payload = decompressLz4Frame(fs.readFileSync(path.join(node, name))).data!;
      const db = decodeSnapshotData(payload).value!.databases[0]!;
      const bytes = payload.subarray(db.walOffset, db.walOffset + Number(db.walSize));
      const frames: { pgno: number; commit: number; data: Uint8Array }[] = [];
      const r = new WalReader((c) => c.pages.forEach((p, i) => frames.push({ pgno: p.pgno, commit: i === c.pages.length - 1 ? c.dbSizePages : 0, data: p.data })));
      r.feed(bytes);
      const s = r.finish();
      expect(s.issues).toEqual([]);
      expect(s.header!.magic).toBe(0x377f0682);
      expect(s.validFrames).toBe(s.frames);
      expect(s.committedFrames).toBe(s.frames);
      const h = s.header!;
      const again = encodeWal({ pageSize: h.pageSize, bigEndianChecksum: h.bigEndianChecksum, checkpointSeq: h.checkpointSeq, salt1: h.salt1, salt2: h.salt2, frames });
      expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});
