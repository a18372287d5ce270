// One SQLite main database file, built in memory page by page (dqlite's checkpointed main file:
// the newest version of every page up to the commit size, see analysis/db/ and dqlite-apply.ts).
//
// Storage is a list of 1 MiB chunks allocated when first written, so growing the file never
// copies it, a transaction writes in place, truncation frees whole chunks, and a hostile page
// number far past the end costs one chunk, not the gigabytes before it (pages never written read
// as zeros, as in a sparse file). The bytes are handed out chunk by chunk (chunks()) or, for a
// file that fits, as one buffer (toBytes()).
import { isValidPageSize } from './sqlite-wal.js';

export const IMAGE_CHUNK_BYTES = 1 << 20;
/** Page 1's header: "SQLite format 3\0", page size at 16 (BE u16, 1 = 65536), size in pages at 28. */
export const SQLITE_HEADER_MAGIC = 'SQLite format 3\0';

let zeroChunk: Uint8Array | undefined;

export class DatabaseImage {
  readonly pageSize: number;
  /** Chunk number → bytes; a Map, so that a page number far past the end costs no slots before it. */
  readonly #chunks = new Map<number, Uint8Array>();
  #pages = 0;
  #allocated = 0;
  /** End of the highest byte ever written and not discarded since. */
  #writtenEnd = 0;

  constructor(pageSize: number) {
    if (!isValidPageSize(pageSize)) {
      throw new RangeError(`page size ${pageSize} is not a power of two from 512 to 65536`);
    }
    this.pageSize = pageSize;
  }

  /** Size of the file in pages. */
  get pages(): number {
    return this.#pages;
  }

  get byteLength(): number {
    return this.#pages * this.pageSize;
  }

  /** Bytes held in memory (allocated chunks). */
  get allocatedBytes(): number {
    return this.#allocated;
  }

  /** Writes one page (1-based) without changing the size; `data` must be pageSize bytes. */
  writePage(pgno: number, data: Uint8Array): void {
    if (!Number.isSafeInteger(pgno) || pgno < 1) throw new RangeError(`page number ${pgno}`);
    if (data.length !== this.pageSize) throw new RangeError(`page of ${data.length} bytes, page size ${this.pageSize}`);
    this.writeBytes((pgno - 1) * this.pageSize, data);
  }

  /** Writes bytes at a byte offset (a snapshot's main image arrives in arbitrary chunks). */
  writeBytes(offset: number, data: Uint8Array): void {
    if (offset + data.length > this.#writtenEnd) this.#writtenEnd = offset + data.length;
    let done = 0;
    while (done < data.length) {
      const at = offset + done;
      const c = Math.floor(at / IMAGE_CHUNK_BYTES);
      const within = at - c * IMAGE_CHUNK_BYTES;
      const n = Math.min(IMAGE_CHUNK_BYTES - within, data.length - done);
      this.#chunk(c).set(data.subarray(done, done + n), within);
      done += n;
    }
  }

  #chunk(c: number): Uint8Array {
    let chunk = this.#chunks.get(c);
    if (!chunk) {
      chunk = new Uint8Array(IMAGE_CHUNK_BYTES);
      this.#chunks.set(c, chunk);
      this.#allocated += IMAGE_CHUNK_BYTES;
    }
    return chunk;
  }

  /** A copy of page `pgno` (zeros where never written or past the end of the file). */
  readPage(pgno: number): Uint8Array {
    return this.read((pgno - 1) * this.pageSize, this.pageSize);
  }

  /** A copy of [offset, offset + length); zeros past the end of the file. */
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    const end = Math.min(offset + length, this.byteLength);
    for (let at = offset; at < end;) {
      const c = Math.floor(at / IMAGE_CHUNK_BYTES);
      const within = at - c * IMAGE_CHUNK_BYTES;
      const n = Math.min(IMAGE_CHUNK_BYTES - within, end - at);
      const chunk = this.#chunks.get(c);
      if (chunk) out.set(chunk.subarray(within, within + n), at - offset);
      at += n;
    }
    return out;
  }

  /** Sets the size in pages: growing adds zero pages, shrinking discards the pages past the end. */
  setPages(pages: number): void {
    if (!Number.isSafeInteger(pages) || pages < 0) throw new RangeError(`page count ${pages}`);
    // Bytes written past the new end are dropped even when the size does not shrink (a page written
    // past the commit size), so that later growth reads zeros there, never stale bytes.
    if (this.#writtenEnd > pages * this.pageSize) this.#discardFrom(pages * this.pageSize);
    this.#pages = pages;
  }

  #discardFrom(byteOffset: number): void {
    const c = Math.floor(byteOffset / IMAGE_CHUNK_BYTES);
    const within = byteOffset - c * IMAGE_CHUNK_BYTES;
    const first = this.#chunks.get(c);
    if (first && within > 0) {
      first.fill(0, within, Math.min(IMAGE_CHUNK_BYTES, this.#writtenEnd - c * IMAGE_CHUNK_BYTES));
    }
    this.#writtenEnd = byteOffset;
    const keep = within > 0 ? c + 1 : c;
    for (const k of [...this.#chunks.keys()]) {
      if (k < keep) continue;
      this.#chunks.delete(k);
      this.#allocated -= IMAGE_CHUNK_BYTES;
    }
  }

  /** BE u32 at page 1 offset 28: the database size in pages as SQLite's header states it. */
  headerPages(): number | undefined {
    if (this.#pages < 1) return undefined;
    const b = this.read(28, 4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  /** The file's bytes in order, at most 1 MiB each (shared zero chunks for pages never written). */
  *chunks(): Generator<Uint8Array> {
    const total = this.byteLength;
    zeroChunk ??= new Uint8Array(IMAGE_CHUNK_BYTES);
    for (let at = 0, c = 0; at < total; at += IMAGE_CHUNK_BYTES, c++) {
      const n = Math.min(IMAGE_CHUNK_BYTES, total - at);
      yield (this.#chunks.get(c) ?? zeroChunk).subarray(0, n);
    }
  }

  /** The whole file as one buffer; a RangeError when it is longer than `maxBytes`. */
  toBytes(maxBytes = 2 ** 31): Uint8Array {
    if (this.byteLength > maxBytes) {
      const what = `${this.byteLength} bytes (${this.#pages} pages)`;
      throw new RangeError(`the database is ${what}, more than ${maxBytes} bytes`);
    }
    const out = new Uint8Array(this.byteLength);
    let at = 0;
    for (const chunk of this.chunks()) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /** A deep copy (the state at one index, kept while the log goes on). */
  clone(): DatabaseImage {
    const copy = new DatabaseImage(this.pageSize);
    for (const [c, chunk] of this.#chunks) copy.writeBytes(c * IMAGE_CHUNK_BYTES, chunk);
    copy.#pages = this.#pages;
    return copy;
  }
}

/** Page size from page 1 of a main database image (BE u16 at 16, 1 meaning 65536); undefined if invalid. */
export function headerPageSize(page1: Uint8Array): number | undefined {
  if (page1.length < 100) return undefined;
  const raw = (page1[16]! << 8) | page1[17]!;
  const size = raw === 1 ? 65536 : raw;
  return isValidPageSize(size) ? size : undefined;
}
