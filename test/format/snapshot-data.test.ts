import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decompressLz4Frame } from '../../src/format/lz4-verify.js';
import { decodeSnapshotData, encodeSnapshotData } from '../../src/format/snapshot-data.js';
import { sampleNodes } from '../helpers/samples.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** A minimal SQLite main-file image: page size at 16 (BE), `pages` pages. */
function mainImage(pageSize: number, pages: number): Uint8Array {
  const b = new Uint8Array(pageSize * pages);
  b[16] = pageSize === 65536 ? 0 : pageSize >> 8;
  b[17] = pageSize === 65536 ? 1 : pageSize & 255;
  return b;
}

/** A WAL image with `frames` frames whose last commit says the database has `dbSize` pages. */
function walImage(pageSize: number, frames: number, dbSize: number): Uint8Array {
  const b = new Uint8Array(32 + frames * (24 + pageSize));
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x377f0682);
  v.setUint32(8, pageSize);
  for (let i = 0; i < frames; i++) v.setUint32(32 + i * (24 + pageSize) + 4, i === frames - 1 ? dbSize : 0);
  return b;
}

describe('encodeSnapshotData / decodeSnapshotData', () => {
  it('writes fsm__snapshot\'s layout', () => {
    const bytes = encodeSnapshotData([{ filename: 'db', main: new Uint8Array([1, 2, 3]) }, { filename: 'x', main: new Uint8Array(0) }]);
    expect(hex(bytes)).toBe(
      '0100000000000000' + '0200000000000000' +
      '6462000000000000' + '0300000000000000' + '0000000000000000' + '010203' +
      '7800000000000000' + '0000000000000000' + '0000000000000000');
    const r = decodeSnapshotData(bytes);
    expect(r.issues).toEqual([]);
    expect(r.value!.databases.map((d) => [d.filename, d.mainSize, d.walSize, d.mainOffset])).toEqual([
      ['db', 3n, 0n, 40], ['x', 0n, 0n, 67]]);
    expect(r.validBytes).toBe(bytes.length);
  });

  it('reads page size, page count and the WAL commit size', () => {
    const bytes = encodeSnapshotData([{ filename: 'demo', main: mainImage(4096, 3), wal: walImage(4096, 5, 7) }]);
    const db = decodeSnapshotData(bytes).value!.databases[0]!;
    expect(db).toMatchObject({ pageSize: 4096, mainPages: 3, walFrames: 5, walDbSizePages: 7 });
    expect(decodeSnapshotData(encodeSnapshotData([{ filename: 'big', main: mainImage(65536, 1) }])).value!.databases[0]!.pageSize).toBe(65536);
  });

  it('reports truncation at every offset without throwing', () => {
    const bytes = encodeSnapshotData([{ filename: 'demo', main: mainImage(512, 2), wal: walImage(512, 1, 2) }]);
    for (let n = 0; n < bytes.length; n++) {
      const r = decodeSnapshotData(bytes.subarray(0, n));
      expect(r.value).toBeUndefined();
      expect(r.issues[0]!.kind).toBe('snapshot-data-short');
    }
  });

  it('flags a bad format, a torn WAL and trailing bytes', () => {
    const bad = encodeSnapshotData([]);
    bad[0] = 2;
    expect(decodeSnapshotData(bad).issues[0]!.kind).toBe('snapshot-data-format');
    const torn = encodeSnapshotData([{ filename: 'd', main: mainImage(512, 1), wal: walImage(512, 2, 1).subarray(0, 600) }]);
    expect(decodeSnapshotData(torn).issues.map((i) => i.kind)).toEqual(['snapshot-wal-size']);
    expect(decodeSnapshotData(new Uint8Array([...encodeSnapshotData([]), 0])).issues[0]!.kind).toBe('snapshot-data-trailing');
    const huge = encodeSnapshotData([{ filename: 'd', main: new Uint8Array(8) }]);
    new DataView(huge.buffer).setBigUint64(24, 1n << 62n, true);
    expect(decodeSnapshotData(huge).issues[0]).toMatchObject({ kind: 'snapshot-data-short', offset: 40 });
  });
});

describe('real snapshots (dqlite 1.11: main image + WAL)', () => {
  let files: string[] = [];
  beforeAll(async () => {
    for (const set of ['healthy', 'crash', 'lagging', 'past-snapshot']) {
      for (const node of await sampleNodes(set)) {
        for (const f of fs.readdirSync(node)) if (/^snapshot-\d+-\d+-\d+$/.test(f)) files.push(path.join(node, f));
      }
    }
  });

  it('decode to one database "demo" whose WAL holds the real pages, and re-encode byte for byte', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const payload = decompressLz4Frame(new Uint8Array(fs.readFileSync(file))).data!;
      const r = decodeSnapshotData(payload);
      expect(r.issues, file).toEqual([]);
      expect(r.value!.format).toBe(1n);
      expect(r.value!.databases).toHaveLength(1);
      const db = r.value!.databases[0]!;
      expect(db).toMatchObject({ filename: 'demo', pageSize: 4096 });
      expect(db.walSize).toBeGreaterThan(0n); // pre-1.17 dqlite writes the WAL
      expect(Number(db.walSize)).toBe(32 + db.walFrames! * (24 + 4096));
      expect(db.walDbSizePages).toBeGreaterThanOrEqual(db.mainPages!);
      const main = payload.subarray(db.mainOffset, db.mainOffset + Number(db.mainSize));
      const wal = payload.subarray(db.walOffset, db.walOffset + Number(db.walSize));
      expect(same(encodeSnapshotData([{ filename: db.filename, main, wal }]), payload)).toBe(true);
    }
  });
});
