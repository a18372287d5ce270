import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferSource } from '../../src/format/byte-source.js';
import {
  encodeLz4FrameStored,
  isLz4Frame,
  StoredFrameWriter,
  storedFrameSize,
  walkLz4Frame,
  xxh32,
} from '../../src/format/lz4-frame.js';
import { decompressLz4Frame } from '../../src/format/lz4-verify.js';
import { sampleNodes } from '../helpers/samples.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const same = (a: Uint8Array | undefined, b: Uint8Array): boolean => a !== undefined && Buffer.from(a).equals(Buffer.from(b));
const kinds = (r: { issues: { kind: string }[] }): string[] => r.issues.map((i) => i.kind);

describe('xxh32', () => {
  it('matches the reference vectors', () => {
    expect(xxh32(new Uint8Array(0))).toBe(0x02cc5d05);
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
    expect(xxh32(new Uint8Array(0), 1)).toBe(0x0b2cb792);
  });

  it('reads through a Buffer slice of a shared pool (byteOffset)', () => {
    const pool = Buffer.from('xxxxabcxxxx');
    expect(xxh32(pool.subarray(4, 7))).toBe(0x32d153ff);
  });
});

describe('real snapshot data files', () => {
  let files: string[] = [];
  beforeAll(async () => {
    for (const set of ['healthy', 'crash', 'lagging', 'past-snapshot']) {
      for (const node of await sampleNodes(set)) {
        for (const f of fs.readdirSync(node)) if (/^snapshot-\d+-\d+-\d+$/.test(f)) files.push(path.join(node, f));
      }
    }
  });

  it('are all one clean LZ4 frame with raft\'s parameters (FLG 4C, BD 40, content size, checksum)', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const bytes = new Uint8Array(fs.readFileSync(file));
      expect(isLz4Frame(bytes)).toBe(true);
      expect(hex(bytes.subarray(0, 6))).toBe('04224d184c40');
      const w = walkLz4Frame(bytes);
      expect(w.issues, file).toEqual([]);
      expect(w).toMatchObject({ compressed: true, frameEnd: bytes.length, storedBlocks: 0 });
      expect(w.descriptor).toMatchObject({ version: 1, blockIndependence: false, blockChecksum: false, contentChecksum: true, blockMaxSize: 65536, headerEnd: 15 });
      expect(w.blocks).toBeGreaterThan(0);
      const d = decompressLz4Frame(bytes);
      expect(d.issues).toEqual([]);
      expect(BigInt(d.data!.length)).toBe(w.contentSize);
      expect(xxh32(d.data!)).toBe(w.contentChecksum);
    }
  });

  it('walks the same through a ByteSource', () => {
    const bytes = new Uint8Array(fs.readFileSync(files[0]!));
    expect(walkLz4Frame(new BufferSource(bytes))).toEqual(walkLz4Frame(bytes));
  });

  it('every truncation is reported, never thrown: header cuts are IOERR, later cuts hang C', () => {
    const bytes = new Uint8Array(fs.readFileSync(files[0]!));
    for (let n = 0; n < bytes.length; n++) {
      const w = walkLz4Frame(bytes.subarray(0, n));
      if (n < 4) {
        expect(w.compressed).toBe(false); // IsCompressed needs 4 bytes: C takes the data raw
        continue;
      }
      expect(w.frameEnd, `cut at ${n}`).toBeUndefined();
      expect(kinds(w), `cut at ${n}`).toEqual(['lz4-truncated']);
      const issue = w.issues[0]!;
      // libraft 0.15 (raft-load.sh): cuts at 4, 6, 14 → "LZ4F_getFrameInfo ERROR_frameHeader_incomplete";
      // cuts at 15, 19, 5000, size-1 → the loader never returns.
      expect(issue.data!['cOutcome']).toBe(n < 15 ? 'IOERR' : 'hang');
      if (n >= 15) expect(issue.offset).toBeLessThanOrEqual(n);
    }
  });

  it('names the part that is cut', () => {
    const bytes = new Uint8Array(fs.readFileSync(files[0]!));
    const w = walkLz4Frame(bytes);
    expect(walkLz4Frame(bytes.subarray(0, w.frameEnd! - 1)).issues[0]!.data!['part']).toBe('content checksum');
    expect(walkLz4Frame(bytes.subarray(0, w.frameEnd! - 5)).issues[0]!.data!['part']).toBe('EndMark');
    expect(walkLz4Frame(bytes.subarray(0, 16)).issues[0]!.data!['part']).toBe('first block');
    expect(walkLz4Frame(bytes.subarray(0, 100)).issues[0]!).toMatchObject({ offset: 15, data: { part: 'block 0' } });
  });
});

describe('damaged frames', () => {
  const content = new Uint8Array(200_000).map((_, i) => (i * 7) % 251);
  const good = encodeLz4FrameStored(content);
  const mutate = (f: (b: Uint8Array) => void): Uint8Array => {
    const b = Uint8Array.from(good);
    f(b);
    return b;
  };

  it('encodes a stored frame that walks and decompresses (libraft 0.15 loads such a file)', () => {
    expect(hex(good.subarray(0, 15))).toBe('04224d184c40400d030000000000' + hex(good.subarray(14, 15)));
    const w = walkLz4Frame(good);
    expect(w).toMatchObject({ blocks: 4, storedBlocks: 4, contentSize: 200000n, frameEnd: good.length, issues: [] });
    expect(same(decompressLz4Frame(good).data, content)).toBe(true);
    expect(walkLz4Frame(encodeLz4FrameStored(new Uint8Array(0)))).toMatchObject({ blocks: 0, issues: [expect.objectContaining({ kind: 'lz4-no-content-size' })] });
  });

  it('the streaming writer gives the same frame whatever the chunks, of the size storedFrameSize says', () => {
    for (const chunk of [1, 1000, 65_535, 65_536, 65_537, 200_000]) {
      const parts: Uint8Array[] = [];
      const w = new StoredFrameWriter(content.length, (b) => parts.push(Uint8Array.from(b)));
      for (let p = 0; p < content.length; p += chunk) w.write(content.subarray(p, p + chunk));
      w.end();
      const frame = Buffer.concat(parts);
      expect(frame.equals(Buffer.from(good)), `chunks of ${chunk}`).toBe(true);
    }
    expect(storedFrameSize(content.length)).toBe(good.length);
    expect(storedFrameSize(65_536)).toBe(encodeLz4FrameStored(new Uint8Array(65_536)).length);
  });

  it('the streaming writer refuses to end with other than the declared content length', () => {
    const w = new StoredFrameWriter(10, () => undefined);
    w.write(new Uint8Array(9));
    expect(() => w.end()).toThrow(/9 content bytes written, 10 declared/);
  });

  it('header checksum, version and reserved bits → IOERR with liblz4\'s error name', () => {
    expect(walkLz4Frame(mutate((b) => { b[14]! ^= 1; })).issues[0]).toMatchObject({
      kind: 'lz4-header-checksum', offset: 14, data: { cOutcome: 'IOERR', cError: 'LZ4F_getFrameInfo ERROR_headerChecksum_invalid' } });
    expect(kinds(walkLz4Frame(mutate((b) => { b[4] = 0x8c; })))).toEqual(['lz4-bad-version', 'lz4-header-checksum']);
    expect(kinds(walkLz4Frame(mutate((b) => { b[4]! |= 2; }))).slice(0, 1)).toEqual(['lz4-reserved-bits']);
    expect(kinds(walkLz4Frame(mutate((b) => { b[5] = 0x30; }))).slice(0, 1)).toEqual(['lz4-bad-block-max']);
  });

  it('a block larger than the maximum → IOERR at that block', () => {
    const w = walkLz4Frame(mutate((b) => new DataView(b.buffer).setUint32(15, 70000, true)));
    expect(w.issues[0]).toMatchObject({ kind: 'lz4-block-too-large', offset: 15, data: { size: 70000, max: 65536, cOutcome: 'IOERR' } });
  });

  it('trailing bytes are noted but C ignores them', () => {
    const w = walkLz4Frame(new Uint8Array([...good, 1, 2, 3]));
    expect(w.issues).toEqual([expect.objectContaining({ kind: 'lz4-trailing-bytes', offset: good.length, data: { cOutcome: 'ignored', count: 3 } })]);
    expect(same(decompressLz4Frame(new Uint8Array([...good, 1])).data, content)).toBe(true);
  });

  it('a frame without content size hangs libraft 0.15 once a block yields data, and loads when empty', () => {
    // FLG 0x44: no content size; HC recomputed over the 2-byte descriptor. raft-load.sh: the
    // empty frame loads ("ok"); one stored block of 3 bytes never returns.
    const desc = new Uint8Array([0x44, 0x40]);
    const head = [4, 0x22, 0x4d, 0x18, ...desc, (xxh32(desc) >>> 8) & 0xff];
    const empty = new Uint8Array([...head, 0, 0, 0, 0, 0x05, 0x5d, 0xcc, 0x02]);
    const w = walkLz4Frame(empty);
    expect(w.issues).toEqual([expect.objectContaining({ kind: 'lz4-no-content-size', data: expect.objectContaining({ cOutcome: 'ignored' }) })]);
    expect(w.frameEnd).toBe(empty.length);
    const abc = [0x61, 0x62, 0x63];
    const sum = xxh32(Uint8Array.from(abc));
    const one = new Uint8Array([...head, 3, 0, 0, 0x80, ...abc, 0, 0, 0, 0, sum & 255, (sum >>> 8) & 255, (sum >>> 16) & 255, sum >>> 24]);
    expect(walkLz4Frame(one).issues).toEqual([expect.objectContaining({ kind: 'lz4-no-content-size', data: expect.objectContaining({ cOutcome: 'hang' }) })]);
  });

  it('block checksums are verified when flagged', () => {
    const desc = new Uint8Array([0x5c, 0x40, 3, 0, 0, 0, 0, 0, 0, 0]);
    const data = new Uint8Array([0x61, 0x62, 0x63]);
    const sum = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
    const frame = (blockSum: number): Uint8Array => new Uint8Array([4, 0x22, 0x4d, 0x18, ...desc, (xxh32(desc) >>> 8) & 0xff,
      ...sum(0x80000003), ...data, ...sum(blockSum), 0, 0, 0, 0, ...sum(xxh32(data))]);
    expect(walkLz4Frame(frame(xxh32(data))).issues).toEqual([]);
    expect(decompressLz4Frame(frame(xxh32(data))).data).toEqual(data);
    expect(walkLz4Frame(frame(1)).issues[0]).toMatchObject({ kind: 'lz4-block-checksum', data: { cError: 'LZ4F_decompress ERROR_blockChecksum_invalid' } });
  });

  it('decompression catches a bad content checksum and broken block data', () => {
    const r = decompressLz4Frame(mutate((b) => { b[b.length - 1]! ^= 1; }));
    expect(r.issues[0]).toMatchObject({ kind: 'lz4-content-checksum', data: { cError: 'LZ4F_decompress ERROR_contentChecksum_invalid' } });
    // A compressed block whose only sequence points before the output start.
    const desc = new Uint8Array([0x40, 0x40]);
    const bad = new Uint8Array([4, 0x22, 0x4d, 0x18, ...desc, (xxh32(desc) >>> 8) & 0xff, 4, 0, 0, 0, 0x10, 0x61, 0x05, 0x00, 0, 0, 0, 0]);
    // C decodes the block before it finds it has nowhere to put it: the decode error comes first.
    expect(kinds(decompressLz4Frame(bad))).toEqual(['lz4-corrupt-block', 'lz4-no-content-size']);
  });

  it('data without the magic is not a frame and is not checked', () => {
    expect(isLz4Frame(new Uint8Array([1, 0, 0, 0]))).toBe(false);
    expect(walkLz4Frame(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]))).toEqual({ compressed: false, blocks: 0, storedBlocks: 0, issues: [] });
  });

  it('never throws on any single-byte corruption', () => {
    for (let i = 0; i < 40; i++) {
      for (const x of [0, 0xff, 0x80]) {
        const b = Uint8Array.from(good.subarray(0, 70000));
        b[i] = x;
        expect(() => walkLz4Frame(b)).not.toThrow();
        expect(() => decompressLz4Frame(b)).not.toThrow();
      }
    }
  });
});
