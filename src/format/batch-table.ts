// The batches and entries of one decoded segment, held column by column in typed arrays.
//
// Why columns: a node holds hundreds of thousands of batches (dqlite writes one entry per batch),
// and an object per batch and per entry (plus a bigint per term) cost ≈190 bytes each; three
// nodes of a large cluster pushed `repair` past 300 MB. Here a one-entry batch costs 17 bytes:
// per batch its start offset (u32; f64 only in a file past 4 GiB), first-entry position (u32) and
// data-checksum verdict (i8); per entry type + unused bytes (u32) and payload length (u32).
// Terms are stored as runs (a term changes a few times in a log, not per entry), payload offsets
// follow from the batch offset and the lengths before them, and the stored checksums are not
// kept (a failure carries the expected and found values). BatchRecord / EntryRecord objects are
// made on demand, never kept.

export interface EntryRecord {
  readonly term: bigint;
  readonly type: number;
  /** 24-bit value of the unused header bytes; not meaningful, kept as evidence. */
  readonly unused: number;
  readonly length: number;
  /** Absolute file offset of this entry's payload. */
  readonly payloadOffset: number;
}

export interface BatchRecord {
  /** Ordinal of the batch in the file, from 0. */
  readonly ordinal: number;
  readonly offset: number;
  readonly end: number;
  /** undefined when the data checksum was not verified (headers-only decode). */
  readonly dataCrcOk: boolean | undefined;
  readonly entries: readonly EntryRecord[];
}

const BATCH_PREAMBLE = 16;
const ENTRY_HEADER = 16;
const CRC_UNKNOWN = -1;

/** The columns a BatchTable is made of: plain typed arrays, so a table can cross to another thread. */
export interface BatchTableColumns {
  readonly offsets: Uint32Array | Float64Array;
  readonly firstEntry: Uint32Array;
  readonly crcOk: Int8Array;
  readonly runStart: Uint32Array;
  readonly runTerm: BigUint64Array;
  readonly typeAndUnused: Uint32Array;
  readonly lengths: Uint32Array;
  readonly end: number;
}

/** Read-only columns of a segment's batches; build one with BatchTableBuilder. */
export class BatchTable {
  readonly #offsets: Uint32Array | Float64Array;
  readonly #firstEntry: Uint32Array; // count + 1 values: entries before batch b, then the total
  readonly #crcOk: Int8Array; // 1 ok, 0 mismatch, -1 not verified
  readonly #runStart: Uint32Array; // position where each run of one term starts
  readonly #runTerm: BigUint64Array;
  readonly #typeAndUnused: Uint32Array; // type in the low byte, the 3 unused bytes above it
  readonly #lengths: Uint32Array;
  readonly #end: number;

  /** Use BatchTableBuilder, or BatchTable.fromColumns for columns from columns(). */
  constructor(columns: BatchTableColumns) {
    this.#offsets = columns.offsets;
    this.#firstEntry = columns.firstEntry;
    this.#crcOk = columns.crcOk;
    this.#runStart = columns.runStart;
    this.#runTerm = columns.runTerm;
    this.#typeAndUnused = columns.typeAndUnused;
    this.#lengths = columns.lengths;
    this.#end = columns.end;
    Object.freeze(this);
  }

  static readonly EMPTY: BatchTable = new BatchTable({
    offsets: new Uint32Array(0),
    firstEntry: new Uint32Array(1),
    crcOk: new Int8Array(0),
    runStart: new Uint32Array(0),
    runTerm: new BigUint64Array(0),
    typeAndUnused: new Uint32Array(0),
    lengths: new Uint32Array(0),
    end: 8,
  });

  /** A table from another table's columns() (e.g. decoded in a worker thread). */
  static fromColumns(columns: BatchTableColumns): BatchTable {
    return new BatchTable(columns);
  }

  /** The table's columns, to send to another thread (the arrays are shared, not copied). */
  columns(): BatchTableColumns {
    return {
      offsets: this.#offsets,
      firstEntry: this.#firstEntry,
      crcOk: this.#crcOk,
      runStart: this.#runStart,
      runTerm: this.#runTerm,
      typeAndUnused: this.#typeAndUnused,
      lengths: this.#lengths,
      end: this.#end,
    };
  }

  /** Number of batches. */
  get length(): number {
    return this.#offsets.length;
  }

  /** Number of entries in all batches. */
  get entryCount(): number {
    return this.#firstEntry[this.length]!;
  }

  offset(b: number): number {
    return this.#offsets[b]!;
  }

  /** Offset just past batch b (batches are back to back). */
  end(b: number): number {
    return b + 1 < this.length ? this.#offsets[b + 1]! : this.#end;
  }

  dataCrcOk(b: number): boolean | undefined {
    const v = this.#crcOk[b]!;
    return v === CRC_UNKNOWN ? undefined : v === 1;
  }

  entriesIn(b: number): number {
    return this.#firstEntry[b + 1]! - this.#firstEntry[b]!;
  }

  /** Entries in batches [0, b): the position of batch b's first entry. */
  entriesBefore(b: number): number {
    return this.#firstEntry[Math.min(b, this.length)]!;
  }

  /** The batch holding entry `position` (0-based over the segment). */
  batchOf(position: number): number {
    return lastAtOrBelow(this.#firstEntry, this.length, position);
  }

  term(position: number): bigint {
    return this.#runTerm[lastAtOrBelow(this.#runStart, this.#runStart.length, position)]!;
  }

  type(position: number): number {
    return this.#typeAndUnused[position]! & 0xff;
  }

  payloadLength(position: number): number {
    return this.#lengths[position]!;
  }

  /** The entry at `position`, with its payload offset. */
  entry(position: number): EntryRecord {
    const b = this.batchOf(position);
    return this.batch(b).entries[position - this.#firstEntry[b]!]!;
  }

  /** Batch b as a record (made now, not kept). */
  at(b: number): BatchRecord | undefined {
    return b >= 0 && b < this.length ? this.batch(b) : undefined;
  }

  batch(b: number): BatchRecord {
    const first = this.#firstEntry[b]!;
    const n = this.#firstEntry[b + 1]! - first;
    const offset = this.#offsets[b]!;
    let payloadOffset = offset + BATCH_PREAMBLE + ENTRY_HEADER * n;
    const entries: EntryRecord[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const packed = this.#typeAndUnused[first + i]!;
      const length = this.#lengths[first + i]!;
      entries[i] = { term: this.term(first + i), type: packed & 0xff, unused: packed >>> 8, length, payloadOffset };
      payloadOffset += length;
    }
    return { ordinal: b, offset, end: this.end(b), dataCrcOk: this.dataCrcOk(b), entries };
  }

  *[Symbol.iterator](): IterableIterator<BatchRecord> {
    for (let b = 0; b < this.length; b++) yield this.batch(b);
  }

  toArray(): BatchRecord[] {
    return [...this];
  }
}

/** Index of the last of the first `count` (ascending) values that is ≤ `value` (0 when none is). */
function lastAtOrBelow(values: Uint32Array, count: number, value: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (values[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Grows columns while a decoder walks a file; finish() trims them to size. */
export class BatchTableBuilder {
  #batches = 0;
  #entries = 0;
  #runs = 0;
  #offsets = new Float64Array(16);
  #firstEntry = new Uint32Array(17);
  #crcOk = new Int8Array(16);
  #runStart = new Uint32Array(4);
  #runTerm = new BigUint64Array(4);
  #typeAndUnused = new Uint32Array(16);
  #lengths = new Uint32Array(16);
  #end = 8;
  /** The halves of the last run's term (addEntryTermParts). */
  #lastLo = -1;
  #lastHi = -1;

  /** Starts batch at `offset`; add its n entries with addEntry, then call endBatch. */
  beginBatch(offset: number): void {
    if (this.#batches === this.#offsets.length) this.#growBatches();
    this.#offsets[this.#batches] = offset;
    this.#crcOk[this.#batches] = CRC_UNKNOWN;
    this.#firstEntry[this.#batches] = this.#entries;
  }

  addEntry(term: bigint, type: number, unused: number, length: number): void {
    if (this.#entries === this.#lengths.length) this.#growEntries();
    const e = this.#entries++;
    if (this.#runs === 0 || this.#runTerm[this.#runs - 1] !== term) this.#addRun(e, term);
    this.#typeAndUnused[e] = ((unused << 8) | type) >>> 0;
    this.#lengths[e] = length;
  }

  /**
   * addEntry with the term as its two 32-bit halves, as the decoder reads it: a bigint is made only
   * where the term changes (a few times in a log), not for each of its millions of entries.
   */
  addEntryTermParts(termLo: number, termHi: number, type: number, unused: number, length: number): void {
    if (this.#runs === 0 || termLo !== this.#lastLo || termHi !== this.#lastHi) {
      this.#lastLo = termLo;
      this.#lastHi = termHi;
      this.addEntry((BigInt(termHi) << 32n) | BigInt(termLo), type, unused, length);
      return;
    }
    if (this.#entries === this.#lengths.length) this.#growEntries();
    const e = this.#entries++;
    this.#typeAndUnused[e] = ((unused << 8) | type) >>> 0;
    this.#lengths[e] = length;
  }

  /** Drops entries added since beginBatch (the batch turned out bad). */
  abandonBatch(): void {
    this.#entries = this.#firstEntry[this.#batches]!;
    while (this.#runs > 0 && this.#runStart[this.#runs - 1]! >= this.#entries) this.#runs--;
    this.#lastLo = -1; // the last run may be gone: compare the next term in full
    this.#lastHi = -1;
  }

  endBatch(end: number, dataCrcOk: boolean | undefined): void {
    this.#crcOk[this.#batches] = dataCrcOk === undefined ? CRC_UNKNOWN : dataCrcOk ? 1 : 0;
    this.#batches++;
    this.#firstEntry[this.#batches] = this.#entries;
    this.#end = end;
  }

  get batchCount(): number {
    return this.#batches;
  }

  finish(): BatchTable {
    if (this.#batches === 0) return BatchTable.EMPTY;
    const n = this.#batches;
    const m = this.#entries;
    const offsets =
      this.#end <= 0xffffffff ? Uint32Array.from(this.#offsets.subarray(0, n)) : this.#offsets.slice(0, n);
    return new BatchTable({
      offsets,
      firstEntry: this.#firstEntry.slice(0, n + 1),
      crcOk: this.#crcOk.slice(0, n),
      runStart: this.#runStart.slice(0, this.#runs),
      runTerm: this.#runTerm.slice(0, this.#runs),
      typeAndUnused: this.#typeAndUnused.slice(0, m),
      lengths: this.#lengths.slice(0, m),
      end: this.#end,
    });
  }

  #addRun(position: number, term: bigint): void {
    if (this.#runs === this.#runStart.length) {
      this.#runStart = grow(this.#runStart, new Uint32Array(this.#runs * 2));
      this.#runTerm = grow(this.#runTerm, new BigUint64Array(this.#runs * 2));
    }
    this.#runStart[this.#runs] = position;
    this.#runTerm[this.#runs] = term;
    this.#runs++;
  }

  #growBatches(): void {
    const size = this.#offsets.length * 2;
    this.#offsets = grow(this.#offsets, new Float64Array(size));
    this.#firstEntry = grow(this.#firstEntry, new Uint32Array(size + 1));
    this.#crcOk = grow(this.#crcOk, new Int8Array(size));
  }

  #growEntries(): void {
    const size = this.#lengths.length * 2;
    this.#typeAndUnused = grow(this.#typeAndUnused, new Uint32Array(size));
    this.#lengths = grow(this.#lengths, new Uint32Array(size));
  }
}

function grow<T extends { set(a: T): void }>(from: T, to: T): T {
  to.set(from);
  return to;
}
