// Segment files: closed `%016llu-%016llu` and open `open-N` (format-spec §2). Checked against
// uvSegmentBufferFormat / uvSegmentBufferAppend / uvEncodeBatchHeader (writers) and
// uvLoadEntriesBatch / uvDecodeBatchHeader (reader) in raft's src/uv_segment.c, src/uv_encoding.c.
//
//   offset 0   u64  format version = 1 (UV__DISK_FORMAT)
//   then batches, back to back:
//     +0       u32  crc1 = crc32(bytes [+8, +16+16n))        header checksum (count + headers)
//     +4       u32  crc2 = crc32(payload bytes, Σlen)         data checksum
//     +8       u64  n    entry count, 1 ≤ n ≤ 262144 (8 MiB / 32, hard-coded in the reader)
//     +16      n ×  { u64 term | u8 type (1 COMMAND, 2 BARRIER, 3 CHANGE) | u8[3] unused | u32 len }
//     +16+16n  payloads back to back, Σlen bytes, no padding between them
//
// The three unused header bytes are never written by C (stale arena bytes leak into them) and
// never checked; we keep their value for the record and write zeros.
import { BatchTable, BatchTableBuilder } from './batch-table.js';
import type { ByteSource } from './byte-source.js';
import { BufferSource } from './byte-source.js';
import { Writer } from './cursor.js';
import { crc32 } from './crc32.js';
import type { DecodeIssue } from './issue.js';

export const SEGMENT_FORMAT_VERSION = 1n;
/** uvLoadEntriesBatch rejects counts above UV__MAX_SEGMENT_SIZE / 32, whatever the configured size. */
export const MAX_BATCH_ENTRIES = 262_144;
export const SEGMENT_HEADER_BYTES = 8;
export const BATCH_PREAMBLE_BYTES = 16;
export const ENTRY_HEADER_BYTES = 16;

export const EntryType = { COMMAND: 1, BARRIER: 2, CHANGE: 3 } as const;

export function entryTypeName(type: number): string {
  return type === 1 ? 'command' : type === 2 ? 'barrier' : type === 3 ? 'change' : `unknown(${type})`;
}

/** The raft error class a reader failure maps to in C (`include/raft.h`). */
export type RaftErrorCode = 'IOERR' | 'CORRUPT' | 'MALFORMED';

export type { BatchRecord, EntryRecord } from './batch-table.js';

export type BatchFailureKind =
  | 'short-preamble'
  | 'short-count'
  | 'zero-count'
  | 'count-too-high'
  | 'short-header'
  | 'header-checksum'
  | 'bad-entry-type'
  | 'short-data'
  | 'data-checksum';

/** The first thing C's uvLoadEntriesBatch would stop at. */
export interface BatchFailure {
  readonly kind: BatchFailureKind;
  readonly raftCode: RaftErrorCode;
  /** C's message text for this failure (the tail of raft's errmsg). */
  readonly message: string;
  /** Ordinal of the failing batch and its start offset. */
  readonly ordinal: number;
  readonly batchOffset: number;
  /** Offset of the failing field. */
  readonly offset: number;
  readonly data: Record<string, unknown>;
}

export interface SegmentDecodeResult {
  /** undefined when the file is shorter than 8 bytes. */
  readonly formatVersion: bigint | undefined;
  /** Every batch whose header C accepts (a data-checksum mismatch included), as compact columns. */
  readonly batches: BatchTable;
  /** End offset of the last batch C would accept (8 when none, 0 when no format word). */
  readonly validBytes: number;
  /** Where C's reader stops with an error; undefined when the batches end exactly at EOF. */
  readonly failure: BatchFailure | undefined;
  /** Bytes from validBytes to EOF that are all zero (only computed when a failure exists). */
  readonly tailIsZero: boolean;
  readonly issues: readonly DecodeIssue[];
}

export interface SegmentDecodeOptions {
  /** Verify crc2 over every payload (true) or read headers only (false, fast ranking). */
  readonly verifyData?: boolean;
}

interface BatchStep {
  /** End offset when the batch's header was accepted (it is then in the table). */
  readonly end?: number;
  readonly failure?: BatchFailure;
}

function fail(
  kind: BatchFailureKind,
  raftCode: RaftErrorCode,
  message: string,
  ordinal: number,
  batchOffset: number,
  offset: number,
  data: Record<string, unknown> = {},
): BatchFailure {
  return { kind, raftCode, message, ordinal, batchOffset, offset, data };
}

function readU64(src: ByteSource, offset: number): bigint {
  const b = src.read(offset, 8);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}

/** Walks a batch's preamble up to its verified header checksum; returns n or the failure. */
function checkPreamble(
  src: ByteSource,
  offset: number,
  ordinal: number,
): { n: number; crc1: number; crc2: number } | BatchFailure {
  const size = src.size;
  if (size - offset < 8) {
    return fail('short-preamble', 'IOERR', 'read preamble: short read', ordinal, offset, offset, {
      needed: 8,
      available: size - offset,
    });
  }
  const whole = size - offset >= 16;
  const pre = src.read(offset, whole ? 16 : 8);
  const preView = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  const crc1 = preView.getUint32(0, true);
  const crc2 = preView.getUint32(4, true);
  if (!whole) {
    return fail('short-count', 'IOERR', 'read preamble: short read', ordinal, offset, offset + 8, {
      needed: 8,
      available: size - offset - 8,
    });
  }
  // The count as two 32-bit halves: a bigint only for the message about a count that is too high.
  const lo = preView.getUint32(8, true);
  const hi = preView.getUint32(12, true);
  if (lo === 0 && hi === 0)
    return fail('zero-count', 'CORRUPT', 'entries count in preamble is zero', ordinal, offset, offset + 8);
  if (hi !== 0 || lo > MAX_BATCH_ENTRIES) {
    const n64 = (BigInt(hi) << 32n) | BigInt(lo);
    return fail(
      'count-too-high',
      'CORRUPT',
      `entries count ${n64} in preamble is too high`,
      ordinal,
      offset,
      offset + 8,
      { count: n64 },
    );
  }
  const n = lo;
  const headersAt = offset + 16;
  if (size - headersAt < n * ENTRY_HEADER_BYTES) {
    return fail('short-header', 'IOERR', 'read header: short read', ordinal, offset, headersAt, {
      count: n,
      needed: n * 16,
      available: size - headersAt,
    });
  }
  const computed1 = src.crc(offset + 8, 8 + n * ENTRY_HEADER_BYTES);
  if (computed1 !== crc1) {
    return fail('header-checksum', 'CORRUPT', 'header checksum mismatch', ordinal, offset, offset, {
      expected: crc1,
      found: computed1,
    });
  }
  return { n, crc1, crc2 };
}

/** One batch at `offset`, in uvLoadEntriesBatch's order of checks, appended to `table`. */
function decodeBatch(
  src: ByteSource,
  offset: number,
  table: BatchTableBuilder,
  verifyData: boolean,
  issues: DecodeIssue[],
): BatchStep {
  const ordinal = table.batchCount;
  const pre = checkPreamble(src, offset, ordinal);
  if ('kind' in pre) return { failure: pre };
  const { n, crc2 } = pre;
  const headersAt = offset + 16;
  const headers = src.read(headersAt, n * ENTRY_HEADER_BYTES);
  const hv = new DataView(headers.buffer, headers.byteOffset, headers.byteLength);
  const dataAt = headersAt + n * ENTRY_HEADER_BYTES;
  let payloadOffset = dataAt;
  table.beginBatch(offset);
  const unaligned: DecodeIssue[] = [];
  for (let i = 0; i < n; i++) {
    const at = i * 16;
    const type = hv.getUint8(at + 8);
    if (type < 1 || type > 3) {
      table.abandonBatch();
      return {
        failure: fail(
          'bad-entry-type',
          'MALFORMED',
          `entry ${i} has unknown type ${type}`,
          ordinal,
          offset,
          headersAt + at + 8,
          { entry: i, type },
        ),
      };
    }
    const length = hv.getUint32(at + 12, true);
    const unused = hv.getUint8(at + 9) | (hv.getUint8(at + 10) << 8) | (hv.getUint8(at + 11) << 16);
    table.addEntryTermParts(hv.getUint32(at, true), hv.getUint32(at + 4, true), type, unused, length);
    if (length % 8 !== 0) {
      unaligned.push({
        kind: 'unaligned-length',
        offset: payloadOffset,
        message: `entry payload of ${length} bytes is not a multiple of 8 (never written by C)`,
        data: { length },
      });
    }
    payloadOffset += length;
  }
  const dataLength = payloadOffset - dataAt;
  if (src.size - dataAt < dataLength) {
    table.abandonBatch();
    return {
      failure: fail('short-data', 'IOERR', 'read data: short read', ordinal, offset, dataAt, {
        count: n,
        needed: dataLength,
        available: src.size - dataAt,
      }),
    };
  }
  issues.push(...unaligned);
  const found = verifyData ? src.crc(dataAt, dataLength) : undefined;
  const dataCrcOk = found === undefined ? undefined : found === crc2;
  table.endBatch(payloadOffset, dataCrcOk);
  if (dataCrcOk === false) {
    return {
      end: payloadOffset,
      failure: fail('data-checksum', 'CORRUPT', 'data checksum mismatch', ordinal, offset, dataAt, {
        expected: crc2,
        found,
      }),
    };
  }
  return { end: payloadOffset };
}

function issueFromFailure(f: BatchFailure): DecodeIssue {
  return {
    kind: f.kind,
    offset: f.offset,
    message: `batch ${f.ordinal} at byte ${f.batchOffset}: ${f.message}`,
    data: { ...f.data, raftCode: f.raftCode, batch: f.ordinal, batchOffset: f.batchOffset },
  };
}

/**
 * Decodes every batch C would read, and past a data checksum mismatch (whose header was sound)
 * keeps going so that later intact batches are still visible as evidence. Never throws on bad
 * bytes: damage is reported in `failure` and `issues`.
 */
export function decodeSegment(src: ByteSource, options: SegmentDecodeOptions = {}): SegmentDecodeResult {
  const verifyData = options.verifyData ?? true;
  const issues: DecodeIssue[] = [];
  if (src.size < SEGMENT_HEADER_BYTES) {
    return {
      formatVersion: undefined,
      batches: BatchTable.EMPTY,
      validBytes: 0,
      failure: undefined,
      tailIsZero: src.isZero(0, src.size),
      issues,
    };
  }
  const formatVersion = readU64(src, 0);
  if (formatVersion !== SEGMENT_FORMAT_VERSION) {
    issues.push({
      kind: 'bad-format-version',
      offset: 0,
      message: `unexpected format version ${formatVersion}`,
      data: { found: formatVersion },
    });
  }
  const table = new BatchTableBuilder();
  let offset = SEGMENT_HEADER_BYTES;
  let validBytes = SEGMENT_HEADER_BYTES;
  let failure: BatchFailure | undefined;
  while (offset < src.size) {
    const step = decodeBatch(src, offset, table, verifyData, issues);
    if (step.failure) {
      failure ??= step.failure;
      issues.push(issueFromFailure(step.failure));
    }
    if (step.end === undefined) break;
    offset = step.end;
    if (!failure) validBytes = offset;
  }
  const tailIsZero = failure ? src.isZero(validBytes, src.size - validBytes) : true;
  return { formatVersion, batches: table.finish(), validBytes, failure, tailIsZero, issues };
}

/**
 * The format word only, for a closed segment trusted by its name: no batches, valid to the end
 * of the file. A wrong format word is still reported, as C would refuse the file for it.
 */
export function decodeSegmentFormatOnly(src: ByteSource): SegmentDecodeResult {
  if (src.size < SEGMENT_HEADER_BYTES) return decodeSegment(src);
  const formatVersion = readU64(src, 0);
  const issues: DecodeIssue[] =
    formatVersion === SEGMENT_FORMAT_VERSION
      ? []
      : [
          {
            kind: 'bad-format-version',
            offset: 0,
            message: `unexpected format version ${formatVersion}`,
            data: { found: formatVersion },
          },
        ];
  return {
    formatVersion,
    batches: BatchTable.EMPTY,
    validBytes: src.size,
    failure: undefined,
    tailIsZero: true,
    issues,
  };
}

export function decodeSegmentBytes(bytes: Uint8Array, options?: SegmentDecodeOptions): SegmentDecodeResult {
  return decodeSegment(new BufferSource(bytes), options);
}

export interface EntryToEncode {
  readonly term: bigint;
  readonly type: number;
  /** Must be a multiple of 8 bytes long, as C's writer requires (uvCheckEntryBuffersAligned). */
  readonly payload: Uint8Array;
}

/** One batch, checksums computed, unused header bytes zero (uvEncodeBatchHeader + payloads). */
export function encodeBatch(entries: readonly EntryToEncode[]): Uint8Array {
  if (entries.length === 0 || entries.length > MAX_BATCH_ENTRIES) {
    throw new RangeError(`a batch holds 1..${MAX_BATCH_ENTRIES} entries, not ${entries.length}`);
  }
  const w = new Writer(16 + entries.length * 16 + entries.reduce((s, e) => s + e.payload.length, 0));
  w.u32(0).u32(0).u64(BigInt(entries.length));
  for (const e of entries) {
    if (e.payload.length % 8 !== 0) throw new RangeError('entry payloads must be 8-byte aligned');
    w.u64(e.term).u8(e.type).zeros(3).u32(e.payload.length);
  }
  const headerEnd = w.length;
  for (const e of entries) w.bytes(e.payload);
  const out = w.finish();
  const crc1 = crc32(out.subarray(8, headerEnd));
  const crc2 = crc32(out.subarray(headerEnd));
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, crc1, true);
  view.setUint32(4, crc2, true);
  return out;
}

/** A whole closed segment: format word then the given batches (uvWriteClosedSegment layout). */
export function encodeSegment(batches: readonly (readonly EntryToEncode[])[]): Uint8Array {
  const parts = batches.map(encodeBatch);
  const w = new Writer(8 + parts.reduce((s, p) => s + p.length, 0));
  w.u64(SEGMENT_FORMAT_VERSION);
  for (const p of parts) w.bytes(p);
  return w.finish();
}
