// LZ4 frames wrapping snapshot data files (format-spec §3.4). raft's IsCompressed / Decompress
// (src/compress.c) detect the magic and hand the whole file to liblz4's LZ4F_decompress; the
// layout below is the LZ4 Frame Format 1.6 as liblz4 checks it.
//
//   +0    u32  magic 0x184D2204 (bytes 04 22 4D 18)
//   +4    u8   FLG: bits 7-6 version = 01 | 5 block independence | 4 block checksum |
//                   3 content size | 2 content checksum | 1 reserved = 0 | 0 dictID
//   +5    u8   BD:  bit 7 reserved = 0 | bits 6-4 block max size (4 = 64 KiB … 7 = 4 MiB) | 3-0 reserved = 0
//   [u64 content size]  [u32 dictID]
//   u8   HC = (xxh32(FLG … last descriptor byte, 0) >> 8) & 0xFF
//   blocks: u32 word (high bit = stored uncompressed, low 31 bits = size; 0 = EndMark),
//           size data bytes, [u32 xxh32 of those bytes if block checksum]
//   [u32 content checksum = xxh32(decompressed content, 0)]
//
// raft writes FLG 0x4C, BD 0x40 with content size and content checksum (Compress). Decompress
// mallocs `contentSize` bytes and loops until LZ4F_decompress returns 0: a frame cut short makes
// that loop spin forever (the node hangs at start-up); trailing bytes after the frame are ignored.
import type { ByteSource } from './byte-source.js';
import { BufferSource } from './byte-source.js';
import { Writer } from './cursor.js';
import type { DecodeIssue } from './issue.js';

export const LZ4_FRAME_MAGIC = 0x184d2204;

const P1 = 0x9e3779b1, P2 = 0x85ebca77, P3 = 0xc2b2ae3d, P4 = 0x27d4eb2f, P5 = 0x165667b1;
const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
const round = (acc: number, lane: number): number => Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1);

/** xxHash32 (the LZ4 frame checksum). */
export function xxh32(bytes: Uint8Array, seed = 0): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let p = 0;
  let h: number;
  if (n >= 16) {
    let a = (seed + P1 + P2) | 0, b = (seed + P2) | 0, c = seed | 0, d = (seed - P1) | 0;
    for (; p + 16 <= n; p += 16) {
      a = round(a, v.getUint32(p, true)); b = round(b, v.getUint32(p + 4, true));
      c = round(c, v.getUint32(p + 8, true)); d = round(d, v.getUint32(p + 12, true));
    }
    h = (rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18)) | 0;
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + n) | 0;
  for (; p + 4 <= n; p += 4) h = Math.imul(rotl((h + Math.imul(v.getUint32(p, true), P3)) | 0, 17), P4);
  for (; p < n; p++) h = Math.imul(rotl((h + Math.imul(bytes[p]!, P5)) | 0, 11), P1);
  h = Math.imul(h ^ (h >>> 15), P2);
  h = Math.imul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}

function source(input: Uint8Array | ByteSource): ByteSource {
  return input instanceof Uint8Array ? new BufferSource(input) : input;
}

function u32At(src: ByteSource, off: number): number {
  const b = src.read(off, 4);
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}

/** raft's IsCompressed: at least 4 bytes and the LZ4 frame magic. */
export function isLz4Frame(input: Uint8Array | ByteSource): boolean {
  const src = source(input);
  return src.size >= 4 && u32At(src, 0) === LZ4_FRAME_MAGIC;
}

export interface Lz4FrameDescriptor {
  version: number;
  blockIndependence: boolean;
  blockChecksum: boolean;
  contentChecksum: boolean;
  dictId?: number;
  blockMaxSize: number;
  headerChecksum: number;
  /** Offset of the first block word. */
  headerEnd: number;
}

export interface Lz4FrameInfo {
  compressed: boolean;
  contentSize?: bigint;
  /** Data blocks seen (EndMark not counted). */
  blocks: number;
  /** Blocks stored uncompressed (high bit set). */
  storedBlocks: number;
  /** Offset just past the frame, when the frame is complete. */
  frameEnd?: number;
  descriptor?: Lz4FrameDescriptor;
  contentChecksum?: number;
  issues: DecodeIssue[];
}

/**
 * What libraft 0.15's Decompress does with the problem, checked with raft-load.sh on damaged
 * copies of real snapshots: RAFT_IOERR with the message in `cError`, an endless loop (`hang`:
 * the node never finishes starting), or nothing (`ignored`).
 */
type COutcome = 'IOERR' | 'hang' | 'ignored';

function problem(kind: string, offset: number, message: string, cOutcome: COutcome,
  data: Record<string, unknown> = {}, cError?: string): DecodeIssue {
  return { kind, offset, message, data: cError ? { cOutcome, cError, ...data } : { cOutcome, ...data } };
}

const HEADER_ERR = (name: string): string => `LZ4F_getFrameInfo ERROR_${name}`;
const BLOCK_ERR = (name: string): string => `LZ4F_decompress ERROR_${name}`;

/** A cut inside the frame header fails cleanly; a cut anywhere after it makes C spin forever. */
function truncated(offset: number, part: string, size: number): DecodeIssue {
  const inHeader = part === 'frame header';
  return problem('lz4-truncated', offset, `LZ4 frame truncated: ${part} at offset ${offset} runs past the end (${size} bytes)`,
    inHeader ? 'IOERR' : 'hang', { part, fileSize: size }, inHeader ? HEADER_ERR('frameHeader_incomplete') : undefined);
}

const BLOCK_MAX: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

function decodeDescriptor(src: ByteSource, w: Lz4FrameInfo): Lz4FrameDescriptor | undefined {
  if (src.size < 7) { w.issues.push(truncated(4, 'frame header', src.size)); return undefined; }
  const fb = src.read(4, 2);
  const flg = fb[0]!, bd = fb[1]!;
  const len = 2 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
  if (src.size < 4 + len + 1) { w.issues.push(truncated(4, 'frame header', src.size)); return undefined; }
  const desc = src.read(4, len);
  const dv = new DataView(desc.buffer, desc.byteOffset, desc.byteLength);
  const d: Lz4FrameDescriptor = {
    version: flg >> 6, blockIndependence: (flg & 0x20) !== 0, blockChecksum: (flg & 0x10) !== 0,
    contentChecksum: (flg & 0x04) !== 0, blockMaxSize: BLOCK_MAX[(bd >> 4) & 7] ?? 0,
    headerChecksum: src.read(4 + len, 1)[0]!, headerEnd: 4 + len + 1,
  };
  if (flg & 0x08) w.contentSize = dv.getBigUint64(2, true);
  if (flg & 0x01) d.dictId = dv.getUint32(len - 4, true);
  checkDescriptor(flg, bd, desc, d, w);
  return d;
}

function checkDescriptor(flg: number, bd: number, desc: Uint8Array, d: Lz4FrameDescriptor, w: Lz4FrameInfo): void {
  if (d.version !== 1) w.issues.push(problem('lz4-bad-version', 4, `LZ4 frame version bits are ${d.version}, expected 1`, 'IOERR', {},
    HEADER_ERR('headerVersion_wrong')));
  if ((flg & 0x02) !== 0 || (bd & 0x8f) !== 0) {
    w.issues.push(problem('lz4-reserved-bits', 4, 'LZ4 frame descriptor has reserved bits set', 'IOERR', { flg, bd },
      HEADER_ERR('reservedFlag_set')));
  }
  if (d.blockMaxSize === 0) {
    w.issues.push(problem('lz4-bad-block-max', 5, `LZ4 block max size code ${(bd >> 4) & 7} is invalid`, 'IOERR', {},
      HEADER_ERR('maxBlockSize_invalid')));
  }
  const expected = (xxh32(desc) >>> 8) & 0xff;
  if (expected !== d.headerChecksum) {
    w.issues.push(problem('lz4-header-checksum', d.headerEnd - 1, 'LZ4 frame header checksum mismatch', 'IOERR',
      { expected, found: d.headerChecksum }, HEADER_ERR('headerChecksum_invalid')));
  }
  if (w.contentSize === undefined || w.contentSize === 0n) {
    // Decompress mallocs contentSize bytes; with none it never makes progress.
    w.issues.push(problem('lz4-no-content-size', 4, 'LZ4 frame has no content size, which raft\'s Decompress needs',
      'hang', { contentSize: w.contentSize }));
  }
}

/** Walks blocks from `off`; returns the offset after the EndMark, or undefined when cut short. */
function walkBlocks(src: ByteSource, d: Lz4FrameDescriptor, w: Lz4FrameInfo): number | undefined {
  let off = d.headerEnd;
  for (;;) {
    if (off + 4 > src.size) { w.issues.push(truncated(off, w.blocks === 0 ? 'first block' : 'EndMark', src.size)); return undefined; }
    const word = u32At(src, off);
    if (word === 0) return off + 4;
    const size = word & 0x7fffffff;
    if (d.blockMaxSize > 0 && size > d.blockMaxSize) {
      w.issues.push(problem('lz4-block-too-large', off, `LZ4 block ${w.blocks} at offset ${off} has size ${size} > max ${d.blockMaxSize}`,
        'IOERR', { block: w.blocks, size, max: d.blockMaxSize }, BLOCK_ERR('maxBlockSize_invalid')));
      return undefined;
    }
    const dataEnd = off + 4 + size;
    const end = dataEnd + (d.blockChecksum ? 4 : 0);
    if (end > src.size) {
      w.issues.push(truncated(off, dataEnd > src.size ? `block ${w.blocks}` : `block ${w.blocks} checksum`, src.size));
      return undefined;
    }
    if (d.blockChecksum) checkBlockChecksum(src, off, size, w);
    w.blocks++;
    if (word & 0x80000000) w.storedBlocks++;
    off = end;
  }
}

function checkBlockChecksum(src: ByteSource, off: number, size: number, w: Lz4FrameInfo): void {
  const expected = xxh32(src.read(off + 4, size));
  const found = u32At(src, off + 4 + size);
  if (expected !== found) {
    w.issues.push(problem('lz4-block-checksum', off + 4 + size, `LZ4 block ${w.blocks} checksum mismatch`, 'IOERR',
      { block: w.blocks, expected, found }, BLOCK_ERR('blockChecksum_invalid')));
  }
}

/**
 * Structural walk of an LZ4 frame without decompressing. `compressed` is false (and nothing else
 * is checked) when the magic is absent: raft then uses the bytes as they are.
 */
export function walkLz4Frame(input: Uint8Array | ByteSource): Lz4FrameInfo {
  const src = source(input);
  const w: Lz4FrameInfo = { compressed: isLz4Frame(src), blocks: 0, storedBlocks: 0, issues: [] };
  if (!w.compressed) return w;
  const d = decodeDescriptor(src, w);
  if (!d) return w;
  w.descriptor = d;
  const afterEndMark = walkBlocks(src, d, w);
  if (afterEndMark === undefined) return w;
  let end = afterEndMark;
  if (d.contentChecksum) {
    if (end + 4 > src.size) { w.issues.push(truncated(end, 'content checksum', src.size)); return w; }
    w.contentChecksum = u32At(src, end);
    end += 4;
  }
  w.frameEnd = end;
  if (end < src.size) {
    w.issues.push(problem('lz4-trailing-bytes', end, `${src.size - end} bytes after the end of the LZ4 frame`, 'ignored',
      { count: src.size - end }));
  }
  return w;
}

/** One LZ4 frame holding `content` in stored (uncompressed) blocks, with content size and checksum. */
export function encodeLz4FrameStored(content: Uint8Array, blockMaxCode: 4 | 5 | 6 | 7 = 4): Uint8Array {
  const max = BLOCK_MAX[blockMaxCode]!;
  const desc = new Writer(10).u8(0x4c).u8(blockMaxCode << 4).u64(BigInt(content.length)).finish();
  const w = new Writer(content.length + 32 + 4 * Math.ceil(content.length / max));
  w.u32(LZ4_FRAME_MAGIC).bytes(desc).u8((xxh32(desc) >>> 8) & 0xff);
  for (let p = 0; p < content.length; p += max) {
    const block = content.subarray(p, Math.min(content.length, p + max));
    w.u32((0x80000000 | block.length) >>> 0).bytes(block);
  }
  return w.u32(0).u32(xxh32(content)).finish();
}

/** Decodes one LZ4 block (sequences of literals + matches) onto the end of `out`. */
function decodeBlock(block: Uint8Array, out: Growable): string | undefined {
  let p = 0;
  while (p < block.length) {
    const token = block[p++]!;
    let lit = token >>> 4;
    if (lit === 15) for (let b = 255; b === 255 && p < block.length; lit += (b = block[p++]!));
    if (p + lit > block.length) return 'literals run past the block';
    out.push(block.subarray(p, p + lit));
    p += lit;
    if (p === block.length) return undefined; // the last sequence has no match
    if (p + 2 > block.length) return 'match offset runs past the block';
    const dist = block[p]! | (block[p + 1]! << 8);
    p += 2;
    let len = (token & 15) + 4;
    if ((token & 15) === 15) for (let b = 255; b === 255 && p < block.length; len += (b = block[p++]!));
    if (dist === 0 || dist > out.length) return `match offset ${dist} is outside the output`;
    out.copyWithin(dist, len);
  }
  return 'empty block';
}

class Growable {
  buf: Uint8Array;
  length = 0;
  constructor(size: number) { this.buf = new Uint8Array(Math.max(16, size)); }
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  push(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.length); this.length += b.length; }
  copyWithin(dist: number, len: number): void {
    this.ensure(len);
    // Byte by byte: a match may overlap the bytes it produces (dist < len repeats a pattern).
    for (let i = 0; i < len; i++, this.length++) this.buf[this.length] = this.buf[this.length - dist]!;
  }
}

const BENIGN = new Set(['lz4-trailing-bytes', 'lz4-no-content-size']);

/**
 * Full decompression of one frame (for inspecting snapshot payloads and checking the content
 * checksum, which C reports as IOERR "LZ4F_decompress ERROR_contentChecksum_invalid").
 */
export function decompressLz4Frame(bytes: Uint8Array): { data?: Uint8Array; walk: Lz4FrameInfo; issues: DecodeIssue[] } {
  const walk = walkLz4Frame(bytes);
  const issues = [...walk.issues];
  const d = walk.descriptor;
  if (!walk.compressed || !d || walk.frameEnd === undefined || issues.some((i) => !BENIGN.has(i.kind))) return { walk, issues };
  const out = new Growable(walk.contentSize !== undefined && walk.contentSize < 1n << 30n ? Number(walk.contentSize) : 1 << 16);
  for (let off = d.headerEnd, k = 0; ; k++) {
    const word = u32At(new BufferSource(bytes), off);
    if (word === 0) break;
    const size = word & 0x7fffffff;
    const block = bytes.subarray(off + 4, off + 4 + size);
    const err = word & 0x80000000 ? (out.push(block), undefined) : decodeBlock(block, out);
    if (err) {
      issues.push(problem('lz4-corrupt-block', off, `LZ4 block ${k} at offset ${off}: ${err}`, 'IOERR', { block: k },
        BLOCK_ERR('decompressionFailed')));
      return { walk, issues };
    }
    off += 4 + size + (d.blockChecksum ? 4 : 0);
  }
  const data = out.buf.subarray(0, out.length);
  checkContent(data, walk, issues);
  return { data, walk, issues };
}

function checkContent(data: Uint8Array, walk: Lz4FrameInfo, issues: DecodeIssue[]): void {
  if (walk.contentSize !== undefined && walk.contentSize !== 0n && walk.contentSize !== BigInt(data.length)) {
    issues.push(problem('lz4-content-size', 6, `LZ4 content size says ${walk.contentSize}, blocks hold ${data.length}`,
      'IOERR', { expected: walk.contentSize, found: data.length }));
  }
  if (walk.contentChecksum !== undefined) {
    const expected = xxh32(data);
    if (expected !== walk.contentChecksum) {
      issues.push(problem('lz4-content-checksum', walk.frameEnd! - 4, 'LZ4 content checksum mismatch', 'IOERR',
        { expected, found: walk.contentChecksum }, BLOCK_ERR('contentChecksum_invalid')));
    }
  }
}
