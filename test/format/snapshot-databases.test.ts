// Snapshot payloads rebuilt into main files: main image, then the committed WAL transactions, cut
// to the last commit's size; streamed in any chunking; damage is an issue, never a crash.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decompressLz4Frame } from '../../src/format/lz4-verify.js';
import { encodeSnapshotData } from '../../src/format/snapshot-data.js';
import { decodeSnapshotDatabases, SnapshotDatabasesReader } from '../../src/format/snapshot-databases.js';
import { encodeWal } from '../../src/format/sqlite-wal.js';
import { sampleNodes } from '../helpers/samples.js';

const PS = 512;

function page1(pages: number): Uint8Array {
  const p = new Uint8Array(PS).fill(1);
  p.set(Buffer.from('SQLite format 3\0', 'latin1'), 0);
  p.set([PS >> 8, PS & 0xff], 16);
  new DataView(p.buffer).setUint32(28, pages);
  return p;
}

function main(pages: number): Uint8Array {
  const m = new Uint8Array(pages * PS);
  m.set(page1(pages), 0);
  for (let p = 2; p <= pages; p++) m.fill(p, (p - 1) * PS, p * PS);
  return m;
}

const walOf = (frames: { pgno: number; commit: number; fill: number }[]) =>
  encodeWal({ pageSize: PS, bigEndianChecksum: false, salt1: 1, salt2: 2, frames: frames.map((f) => ({ pgno: f.pgno, commit: f.commit, data: f.pgno === 1 ? page1(f.commit || 3) : new Uint8Array(PS).fill(f.fill) })) });

describe('SnapshotDatabasesReader', () => {
  const payload = encodeSnapshotData([
    { filename: 'a', main: main(2), wal: walOf([{ pgno: 2, commit: 0, fill: 0x22 }, { pgno: 3, commit: 3, fill: 0x33 }, { pgno: 4, commit: 0, fill: 0x44 }]) },
    { filename: 'bb', main: main(3) },
  ]);

  it('applies committed WAL frames to the main image and ignores the uncommitted tail', () => {
    const r = decodeSnapshotDatabases(payload);
    expect(r.complete).toBe(true);
    expect(r.databases.map((d) => [d.filename, d.image?.pages, d.wal?.committedFrames])).toEqual([['a', 3, 2], ['bb', 3, undefined]]);
    const a = r.databases[0]!.image!;
    expect([a.readPage(2)[0], a.readPage(3)[0]]).toEqual([0x22, 0x33]);
    expect(r.databases[0]!.issues.map((i) => i.kind)).toEqual(['wal-uncommitted-frames']);
    expect(Buffer.from(r.databases[1]!.image!.toBytes()).equals(Buffer.from(main(3)))).toBe(true);
  });

  it('gives the same images fed in chunks of any size', () => {
    const whole = decodeSnapshotDatabases(payload).databases.map((d) => Buffer.from(d.image!.toBytes()).toString('hex'));
    for (const size of [1, 7, 100, 4096]) {
      const r = new SnapshotDatabasesReader();
      for (let i = 0; i < payload.length; i += size) r.feed(payload.subarray(i, i + size));
      const got = r.finish();
      expect(got.complete).toBe(true);
      expect(got.databases.map((d) => Buffer.from(d.image!.toBytes()).toString('hex'))).toEqual(whole);
    }
  });

  it('a payload cut short: incomplete, with the databases read so far', () => {
    for (const cut of [3, 16, 20, 40, payload.length - 1]) {
      const r = decodeSnapshotDatabases(payload.subarray(0, cut));
      expect(r.complete, String(cut)).toBe(false);
      expect(r.issues.at(-1)!.kind).toBe('snapshot-data-short');
    }
  });

  it('a bad format word, a main image without a valid page size, sizes past the end', () => {
    const bad = payload.slice();
    bad[0] = 2;
    expect(decodeSnapshotDatabases(bad).issues[0]!.kind).toBe('snapshot-data-format');
    const junk = encodeSnapshotData([{ filename: 'x', main: new Uint8Array(1024).fill(0xee) }]);
    const j = decodeSnapshotDatabases(junk);
    expect(j.complete).toBe(true);
    expect(j.databases[0]!.image).toBeUndefined();
    expect(j.databases[0]!.issues[0]!.kind).toBe('snapshot-db-page-size');
    const huge = payload.slice();
    new DataView(huge.buffer).setBigUint64(16 + 8, 0xffffffffffff0000n, true); // a's main_size
    const h = decodeSnapshotDatabases(huge);
    expect(h.complete).toBe(false);
  });

  it('says when page 1\'s size disagrees with the main image', () => {
    const m = main(3);
    new DataView(m.buffer).setUint32(28, 7);
    const r = decodeSnapshotDatabases(encodeSnapshotData([{ filename: 'x', main: m }]));
    expect(r.databases[0]!.issues.map((i) => i.kind)).toEqual(['snapshot-db-header-size']);
  });
});

describe('real snapshots (healthy sample, dqlite 1.11: main + WAL)', () => {
  it('rebuild to a 3-page demo database whose page 1 says 3 pages, every WAL frame committed', async () => {
    const node = (await sampleNodes('healthy'))[0]!;
    for (const name of fs.readdirSync(node).filter((n) => /^snapshot-\d+-\d+-\d+$/.test(n))) {
      const r = decodeSnapshotDatabases(decompressLz4Frame(fs.readFileSync(path.join(node, name))).data!);
      expect(r.complete).toBe(true);
      expect(r.issues).toEqual([]);
      const [demo] = r.databases;
      expect(demo!.filename).toBe('demo');
      expect(demo!.issues).toEqual([]);
      expect(demo!.image!.pages).toBe(3);
      expect(demo!.image!.headerPages()).toBe(3);
      expect(demo!.wal!.committedFrames).toBe(demo!.wal!.frames);
    }
  });
});
