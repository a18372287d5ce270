import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../src/format/crc32.js';
import {
  EntryType,
  decodeSegmentBytes,
  encodeBatch,
  encodeSegment,
  MAX_BATCH_ENTRIES,
} from '../../src/format/segment.js';
import { sampleNodes } from '../helpers/samples.js';

const SEGMENT_NAME = /^(\d{16})-(\d{16})$/;

describe('segment codec on real files', () => {
  let nodes: string[] = [];
  beforeAll(async () => {
    nodes = [...(await sampleNodes('healthy')), ...(await sampleNodes('crash'))];
  });

  it('decodes every closed segment exactly to its end, with the entry count its name says', () => {
    let files = 0;
    for (const node of nodes) {
      for (const name of fs.readdirSync(node)) {
        const m = SEGMENT_NAME.exec(name);
        if (!m) continue;
        const bytes = fs.readFileSync(path.join(node, name));
        const r = decodeSegmentBytes(bytes);
        expect(r.failure, `${node}/${name}`).toBeUndefined();
        expect(r.formatVersion).toBe(1n);
        expect(r.validBytes).toBe(bytes.length);
        const count = r.batches.toArray().reduce((s, b) => s + b.entries.length, 0);
        expect(BigInt(count)).toBe(BigInt(m[2]!) - BigInt(m[1]!) + 1n);
        expect(r.batches.toArray().every((b) => b.dataCrcOk === true)).toBe(true);
        files++;
      }
    }
    expect(files).toBeGreaterThan(10);
  });

  it('reads an open segment up to its zero tail', () => {
    const node = nodes.find((n) => n.includes('952'))!;
    const open = fs.readdirSync(node).filter((n) => n.startsWith('open-')).sort();
    expect(open.length).toBeGreaterThan(0);
    const bytes = fs.readFileSync(path.join(node, open[0]!));
    const r = decodeSegmentBytes(bytes);
    expect(r.batches.length).toBeGreaterThan(0);
    expect(r.failure?.kind).toBe('zero-count');
    expect(r.tailIsZero).toBe(true);
    expect(r.validBytes).toBeLessThan(bytes.length);
  });

  it('re-encodes real closed segments byte for byte (unused header bytes aside)', () => {
    const node = nodes[0]!;
    for (const name of fs.readdirSync(node).filter((n) => SEGMENT_NAME.test(n))) {
      const bytes = fs.readFileSync(path.join(node, name));
      const r = decodeSegmentBytes(bytes);
      const batches = r.batches.toArray().map((b) =>
        b.entries.map((e) => ({ term: e.term, type: e.type, payload: bytes.subarray(e.payloadOffset, e.payloadOffset + e.length) })),
      );
      const again = encodeSegment(batches);
      const anyUnused = r.batches.toArray().some((b) => b.entries.some((e) => e.unused !== 0));
      if (!anyUnused) expect(Buffer.compare(Buffer.from(again), bytes)).toBe(0);
      else expect(decodeSegmentBytes(again).batches.toArray().map((b) => b.entries.length)).toEqual(r.batches.toArray().map((b) => b.entries.length));
    }
  });
});

describe('segment codec, byte-exact', () => {
  it('encodes the bootstrap configuration segment as dqlite wrote it', () => {
    // 0000000000000001-0000000000000001 of the sample's bootstrap node (xxd-checked).
    const hex =
      '0100000000000000' + '2d99f986' + '67439e21' + '0100000000000000' +
      '0100000000000000' + '03000000' + '28000000' +
      '0101000000000000' + '00be55318c8571c1' + '2d3132372e302e302e313a3935303100' + '0100000000000000';
    const bytes = Buffer.from(hex, 'hex');
    const r = decodeSegmentBytes(bytes);
    expect(r.failure).toBeUndefined();
    expect(r.batches.batch(0).entries[0]).toMatchObject({ term: 1n, type: EntryType.CHANGE, length: 40 });
    const payload = bytes.subarray(40, 80);
    expect(Buffer.from(encodeSegment([[{ term: 1n, type: 3, payload }]])).toString('hex')).toBe(hex);
  });

  it('reports each failure the C reader stops at, with its raft code', () => {
    const good = encodeSegment([[{ term: 2n, type: 1, payload: new Uint8Array(16).fill(7) }]]);
    const cases: Array<[string, (b: Buffer) => Buffer, string, string]> = [
      ['flip data', (b) => { b[b.length - 1]! ^= 1; return b; }, 'data-checksum', 'CORRUPT'],
      ['flip header', (b) => { b[24]! ^= 1; return b; }, 'header-checksum', 'CORRUPT'],
      ['cut data', (b) => b.subarray(0, b.length - 3), 'short-data', 'IOERR'],
      ['cut header', (b) => b.subarray(0, 30), 'short-header', 'IOERR'],
      ['cut preamble', (b) => b.subarray(0, 12), 'short-preamble', 'IOERR'],
      ['zero tail', (b) => Buffer.concat([b, Buffer.alloc(64)]), 'zero-count', 'CORRUPT'],
      ['eight bytes left', (b) => Buffer.concat([b, Buffer.alloc(8)]), 'short-count', 'IOERR'],
    ];
    for (const [label, mutate, kind, code] of cases) {
      const r = decodeSegmentBytes(mutate(Buffer.from(good)));
      expect(r.failure?.kind, label).toBe(kind);
      expect(r.failure?.raftCode, label).toBe(code);
    }
  });

  it('flags a count above the reader limit and a bad entry type', () => {
    const b = Buffer.from(encodeSegment([[{ term: 1n, type: 1, payload: new Uint8Array(8) }]]));
    const high = Buffer.from(b);
    high.writeBigUInt64LE(BigInt(MAX_BATCH_ENTRIES + 1), 16);
    expect(decodeSegmentBytes(high).failure?.kind).toBe('count-too-high');
    const badType = Buffer.from(b);
    badType[32] = 9;
    badType.writeUInt32LE(crc32(badType.subarray(16, 40)), 8);
    expect(decodeSegmentBytes(badType).failure).toMatchObject({ kind: 'bad-entry-type', raftCode: 'MALFORMED' });
  });

  it('keeps reading intact batches after a data checksum mismatch', () => {
    const one = { term: 1n, type: 1, payload: new Uint8Array(8).fill(1) };
    const b = Buffer.from(encodeSegment([[one], [one], [one]]));
    b[8 + 32] ^= 0xff; // first batch's payload
    const r = decodeSegmentBytes(b);
    expect(r.failure?.ordinal).toBe(0);
    expect(r.batches.length).toBe(3);
    expect(r.validBytes).toBe(8);
  });

  it('never throws on truncations at any offset', () => {
    const b = Buffer.from(encodeSegment([[{ term: 1n, type: 3, payload: new Uint8Array(40) }], [{ term: 1n, type: 1, payload: new Uint8Array(24) }]]));
    for (let cut = 0; cut <= b.length; cut++) expect(() => decodeSegmentBytes(b.subarray(0, cut))).not.toThrow();
  });
});
