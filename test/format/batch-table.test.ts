import { describe, expect, it } from 'vitest';
import { BatchTable, BatchTableBuilder } from '../../src/format/batch-table.js';
import { decodeSegmentBytes, encodeSegment, EntryType } from '../../src/format/segment.js';

/** A segment of `sizes.length` batches; entry k has term 1 + k/3, payload 8·(k % 4 + 1) bytes. */
function segment(sizes: readonly number[]): Uint8Array {
  let k = 0;
  return encodeSegment(
    sizes.map((n) =>
      Array.from({ length: n }, () => {
        const e = { term: BigInt(1 + Math.floor(k / 3)), type: k % 5 === 0 ? EntryType.CHANGE : EntryType.COMMAND, payload: new Uint8Array(8 * ((k % 4) + 1)).fill(k & 0xff) };
        k++;
        return e;
      }),
    ),
  );
}

describe('BatchTable', () => {
  it('answers every accessor the way the materialised records do, past several column growths', () => {
    const sizes = Array.from({ length: 70 }, (_, i) => (i % 7) + 1);
    const bytes = segment(sizes);
    const t = decodeSegmentBytes(bytes).batches;
    expect(t.length).toBe(70);
    expect(t.entryCount).toBe(sizes.reduce((a, b) => a + b, 0));
    let position = 0;
    let expectedOffset = 8;
    for (const b of t) {
      expect(b.offset).toBe(expectedOffset);
      expect(t.offset(b.ordinal)).toBe(b.offset);
      expect(t.end(b.ordinal)).toBe(b.end);
      expect(t.entriesIn(b.ordinal)).toBe(sizes[b.ordinal]);
      expect(t.entriesBefore(b.ordinal)).toBe(position);
      expect(t.dataCrcOk(b.ordinal)).toBe(true);
      let payloadOffset = b.offset + 16 + 16 * b.entries.length;
      for (const e of b.entries) {
        expect(e.payloadOffset).toBe(payloadOffset);
        expect(bytes[e.payloadOffset]).toBe(position & 0xff);
        expect(t.term(position)).toBe(e.term);
        expect(t.type(position)).toBe(e.type);
        expect(t.payloadLength(position)).toBe(e.length);
        expect(t.batchOf(position)).toBe(b.ordinal);
        expect(t.entry(position)).toEqual(e);
        payloadOffset += e.length;
        position++;
      }
      expectedOffset = b.end;
    }
    expect(t.end(t.length - 1)).toBe(bytes.length);
    expect(t.entriesBefore(t.length + 5)).toBe(t.entryCount);
    expect(t.at(70)).toBeUndefined();
    expect(t.toArray()).toHaveLength(70);
  });

  it('keeps the unused header bytes and leaves no trace of an abandoned batch', () => {
    const b = new BatchTableBuilder();
    b.beginBatch(8);
    b.addEntry(7n, 3, 0x7f0000 | 0x12, 8);
    b.endBatch(40, undefined);
    b.beginBatch(40);
    b.addEntry(9n, 1, 0, 16);
    b.addEntry(10n, 1, 0, 16);
    b.abandonBatch();
    b.beginBatch(40);
    b.addEntry(7n, 1, 0, 0);
    b.addEntry(11n, 1, 0, 0);
    b.endBatch(88, true);
    const t = b.finish();
    expect(t.length).toBe(2);
    expect(t.entryCount).toBe(3);
    expect(t.batch(0)).toEqual({ ordinal: 0, offset: 8, end: 40, dataCrcOk: undefined, entries: [{ term: 7n, type: 3, unused: 0x7f0012, length: 8, payloadOffset: 40 }] });
    expect([0, 1, 2].map((p) => t.term(p))).toEqual([7n, 7n, 11n]); // the abandoned terms 9 and 10 left no run
  });

  it('holds u64 terms exactly and cannot be changed from outside', () => {
    const b = new BatchTableBuilder();
    b.beginBatch(8);
    b.addEntry((1n << 64n) - 1n, 1, 0, 0);
    b.endBatch(40, false);
    const t = b.finish();
    expect(t.term(0)).toBe(18446744073709551615n);
    expect(t.dataCrcOk(0)).toBe(false);
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.keys(t)).toEqual([]);
  });

  it('keeps terms as runs that answer every position, across batches and far past 2^53', () => {
    const b = new BatchTableBuilder();
    const terms: bigint[] = [];
    for (let batch = 0, at = 8; batch < 300; batch++) {
      b.beginBatch(at);
      for (let i = 0; i < 1 + (batch % 3); i++) {
        const term = (1n << 60n) + BigInt(Math.floor(terms.length / 7));
        terms.push(term);
        b.addEntry(term, 1, 0, 8);
      }
      at += 100;
      b.endBatch(at, true);
    }
    const t = b.finish();
    expect(terms.map((_, p) => t.term(p))).toEqual(terms);
  });

  it('is empty for a file with no batches', () => {
    expect(new BatchTableBuilder().finish()).toBe(BatchTable.EMPTY);
    expect(BatchTable.EMPTY.length).toBe(0);
    expect(BatchTable.EMPTY.entryCount).toBe(0);
    expect([...BatchTable.EMPTY]).toEqual([]);
  });
});
