// The in-memory main database file: pages at (pgno - 1) · page size, sizes in pages, sparse
// chunks (a hostile page number costs one chunk), and no stale bytes after a cut.
import { describe, expect, it } from 'vitest';
import { DatabaseImage, headerPageSize, IMAGE_CHUNK_BYTES } from '../../src/format/database-image.js';

const page = (ps: number, fill: number): Uint8Array => new Uint8Array(ps).fill(fill);

describe('DatabaseImage', () => {
  it('writes pages at (pgno - 1) · page size and reads zeros where nothing was written', () => {
    const img = new DatabaseImage(1024);
    img.writePage(1, page(1024, 1));
    img.writePage(3, page(1024, 3));
    img.setPages(3);
    const bytes = img.toBytes();
    expect(bytes.length).toBe(3072);
    expect([bytes[0], bytes[1023], bytes[1024], bytes[2047], bytes[2048], bytes[3071]]).toEqual([1, 1, 0, 0, 3, 3]);
    expect(img.readPage(2)).toEqual(page(1024, 0));
  });

  it('drops pages past a cut, so that growing again reads zeros, not stale bytes', () => {
    const img = new DatabaseImage(512);
    for (let p = 1; p <= 10; p++) img.writePage(p, page(512, p));
    img.setPages(10);
    img.setPages(4);
    expect(img.toBytes().length).toBe(2048);
    img.setPages(10);
    expect(img.readPage(5)).toEqual(page(512, 0));
    expect(img.readPage(4)).toEqual(page(512, 4));
  });

  it('drops a page written past the size even when the size does not change', () => {
    const img = new DatabaseImage(512);
    img.writePage(1, page(512, 1));
    img.setPages(1);
    img.writePage(5, page(512, 5));
    img.setPages(1);
    img.setPages(5);
    expect(img.readPage(5)).toEqual(page(512, 0));
  });

  it('spans chunk boundaries and frees whole chunks on a cut', () => {
    const ps = 65536;
    const img = new DatabaseImage(ps);
    const perChunk = IMAGE_CHUNK_BYTES / ps;
    for (let p = 1; p <= perChunk * 3; p++) img.writePage(p, page(ps, p & 0xff));
    img.setPages(perChunk * 3);
    expect(img.allocatedBytes).toBe(3 * IMAGE_CHUNK_BYTES);
    img.setPages(perChunk + 1);
    expect(img.allocatedBytes).toBe(2 * IMAGE_CHUNK_BYTES);
    const chunks = [...img.chunks()];
    expect(chunks.map((c) => c.length)).toEqual([IMAGE_CHUNK_BYTES, ps]);
  });

  it('costs one chunk for a page number far past the end (sparse), and refuses to flatten it', () => {
    const img = new DatabaseImage(65536);
    img.writePage(0x7fffffff, page(65536, 7));
    img.setPages(0x7fffffff);
    expect(img.allocatedBytes).toBe(IMAGE_CHUNK_BYTES);
    expect(img.byteLength).toBe(0x7fffffff * 65536);
    expect(() => img.toBytes()).toThrow(/more than/);
    expect(img.readPage(0x7fffffff)[0]).toBe(7);
    expect(img.readPage(1000)).toEqual(page(65536, 0));
  });

  it('rejects page 0, a wrong page length and an invalid page size', () => {
    const img = new DatabaseImage(512);
    expect(() => img.writePage(0, page(512, 0))).toThrow(RangeError);
    expect(() => img.writePage(1, page(1024, 0))).toThrow(RangeError);
    expect(() => new DatabaseImage(1000)).toThrow(RangeError);
    expect(() => img.setPages(-1)).toThrow(RangeError);
  });

  it('clones deeply', () => {
    const img = new DatabaseImage(512);
    img.writePage(1, page(512, 1));
    img.setPages(1);
    const copy = img.clone();
    img.writePage(1, page(512, 2));
    expect(copy.readPage(1)[0]).toBe(1);
    expect(copy.pages).toBe(1);
  });

  it('reads the header fields (page size at 16, 1 meaning 65536; size at 28)', () => {
    const p1 = page(4096, 0);
    p1.set([0x10, 0x00], 16);
    p1.set([0, 0, 0, 9], 28);
    expect(headerPageSize(p1)).toBe(4096);
    p1.set([0, 1], 16);
    expect(headerPageSize(p1)).toBe(65536);
    p1.set([0, 3], 16);
    expect(headerPageSize(p1)).toBeUndefined();
    const img = new DatabaseImage(4096);
    img.writePage(1, p1);
    img.setPages(1);
    expect(img.headerPages()).toBe(9);
  });
});
