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
// This walk checks structure only; lz4-verify.ts decodes the blocks.
import type { ByteSource } from './byte-source.js';
import { BufferSource } from './byte-source.js';
import { Writer } from './cursor.js';
import type { DecodeIssue } from './issue.js';

export const LZ4_FRAME_MAGIC = 0x184d2204;

const P1 = 0x9e3779b1,
  P2 = 0x85ebca77,
  P3 = 0xc2b2ae3d,
  P4 = 0x27d4eb2f,
  P5 = 0x165667b1;
const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
const round = (acc: number, lane: number): number => Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1);
const merge4 = (l: Int32Array): number => (rotl(l[0]!, 1) + rotl(l[1]!, 7) + rotl(l[2]!, 12) + rotl(l[3]!, 18)) | 0;

function initLanes(seed: number): Int32Array {
  return Int32Array.of((seed + P1 + P2) | 0, (seed + P2) | 0, seed | 0, (seed - P1) | 0);
}

/** Runs the 16-byte stripes of bytes[p, end) through the lanes; returns where it stopped. */
function stripes(l: Int32Array, v: DataView, p: number, end: number): number {
  for (; p + 16 <= end; p += 16) {
    l[0] = round(l[0]!, v.getUint32(p, true));
    l[1] = round(l[1]!, v.getUint32(p + 4, true));
    l[2] = round(l[2]!, v.getUint32(p + 8, true));
    l[3] = round(l[3]!, v.getUint32(p + 12, true));
  }
  return p;
}

/** XXH32_digest's tail: the last < 16 bytes, then the avalanche. */
function finish(h: number, bytes: Uint8Array, v: DataView, p: number): number {
  const n = bytes.length;
  for (; p + 4 <= n; p += 4) h = Math.imul(rotl((h + Math.imul(v.getUint32(p, true), P3)) | 0, 17), P4);
  for (; p < n; p++) h = Math.imul(rotl((h + Math.imul(bytes[p]!, P5)) | 0, 11), P1);
  h = Math.imul(h ^ (h >>> 15), P2);
  h = Math.imul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** xxHash32 (the LZ4 frame checksum). */
export function xxh32(bytes: Uint8Array, seed = 0): number {
  const v = view(bytes);
  const l = initLanes(seed);
  const p = stripes(l, v, 0, bytes.length);
  const h = bytes.length >= 16 ? merge4(l) : (seed + P5) | 0;
  return finish((h + bytes.length) | 0, bytes, v, p);
}

/** Streaming xxHash32 (XXH32_update / XXH32_digest): same result as xxh32 over the concatenation. */
export class Xxh32 {
  private readonly seed: number;
  private readonly lanes: Int32Array;
  private readonly mem = new Uint8Array(16);
  private memSize = 0;
  private total = 0;

  constructor(seed = 0) {
    this.seed = seed;
    this.lanes = initLanes(seed);
  }

  update(bytes: Uint8Array): this {
    let p = 0;
    this.total += bytes.length;
    if (this.memSize > 0) {
      p = Math.min(16 - this.memSize, bytes.length);
      this.mem.set(bytes.subarray(0, p), this.memSize);
      this.memSize += p;
      if (this.memSize < 16) return this;
      stripes(this.lanes, view(this.mem), 0, 16);
      this.memSize = 0;
    }
    p = stripes(this.lanes, view(bytes), p, bytes.length);
    this.mem.set(bytes.subarray(p), 0);
    this.memSize = bytes.length - p;
    return this;
  }

  digest(): number {
    const h = this.total >= 16 ? merge4(this.lanes) : (this.seed + P5) | 0;
    const tail = this.mem.subarray(0, this.memSize);
    // total may pass 2^32: C adds it modulo 2^32 (total_len_32); |0 does the same below 2^53.
    return finish((h + this.total) | 0, tail, view(tail), 0);
  }
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
  /** Set when the frame was decoded (lz4-verify.ts bytesBeforeStop): content bytes out before decoding stopped. */
  decodedBytes?: bigint;
}

/**
 * What libraft 0.15's Decompress does with the problem, checked with raft-load.sh on damaged
 * copies of real snapshots: RAFT_IOERR with the message in `cError`, RAFT_NOMEM (its malloc of
 * the declared content size fails; no message), an endless loop (`hang`: the node never finishes
 * starting), or nothing (`ignored`).
 */
export type COutcome = 'IOERR' | 'NOMEM' | 'hang' | 'ignored';

/** An issue carrying C's outcome (and liblz4's error text, when C prints one). */
export function lz4Problem(
  kind: string,
  offset: number,
  message: string,
  cOutcome: COutcome,
  data: Record<string, unknown> = {},
  cError?: string,
): DecodeIssue {
  return { kind, offset, message, data: cError ? { cOutcome, cError, ...data } : { cOutcome, ...data } };
}
const problem = lz4Problem;

const HEADER_ERR = (name: string): string => `LZ4F_getFrameInfo ERROR_${name}`;
export const BLOCK_ERR = (name: string): string => `LZ4F_decompress ERROR_${name}`;

/** A cut inside the frame header fails cleanly; a cut anywhere after it makes C spin forever. */
function truncated(offset: number, part: string, size: number): DecodeIssue {
  const inHeader = part === 'frame header';
  return problem(
    'lz4-truncated',
    offset,
    `LZ4 frame truncated: ${part} at offset ${offset} runs past the end (${size} bytes)`,
    inHeader ? 'IOERR' : 'hang',
    { part, fileSize: size },
    inHeader ? HEADER_ERR('frameHeader_incomplete') : undefined,
  );
}

const BLOCK_MAX: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

function decodeDescriptor(src: ByteSource, w: Lz4FrameInfo): Lz4FrameDescriptor | undefined {
  if (src.size < 7) {
    w.issues.push(truncated(4, 'frame header', src.size));
    return undefined;
  }
  const fb = src.read(4, 2);
  const flg = fb[0]!,
    bd = fb[1]!;
  const len = 2 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
  if (src.size < 4 + len + 1) {
    w.issues.push(truncated(4, 'frame header', src.size));
    return undefined;
  }
  const desc = src.read(4, len);
  const dv = new DataView(desc.buffer, desc.byteOffset, desc.byteLength);
  const d: Lz4FrameDescriptor = {
    version: flg >> 6,
    blockIndependence: (flg & 0x20) !== 0,
    blockChecksum: (flg & 0x10) !== 0,
    contentChecksum: (flg & 0x04) !== 0,
    blockMaxSize: BLOCK_MAX[(bd >> 4) & 7] ?? 0,
    headerChecksum: src.read(4 + len, 1)[0]!,
    headerEnd: 4 + len + 1,
  };
  if (flg & 0x08) w.contentSize = dv.getBigUint64(2, true);
  if (flg & 0x01) d.dictId = dv.getUint32(len - 4, true);
  checkDescriptor(flg, bd, desc, d, w);
  return d;
}

/**
 * raft_malloc(contentSize) fails for sure from 2^47 bytes (x86-64's user address space); below
 * that it depends on the machine (4 GiB succeeds on the lab machine), so it is not predicted.
 */
const UNALLOCATABLE = 1n << 47n;

/**
 * Descriptor checks in LZ4F_decodeHeader's order (lib/lz4frame.c 1.9.4): FLG reserved bit,
 * version, BD bit 7, block size ID, BD low bits, header checksum. Every failure is listed; C
 * reports the first. Then Decompress's raft_malloc(contentSize).
 */
function checkDescriptor(flg: number, bd: number, desc: Uint8Array, d: Lz4FrameDescriptor, w: Lz4FrameInfo): void {
  const reserved = (): DecodeIssue =>
    problem(
      'lz4-reserved-bits',
      4,
      'LZ4 frame descriptor has reserved bits set',
      'IOERR',
      { flg, bd },
      HEADER_ERR('reservedFlag_set'),
    );
  const hc = (xxh32(desc) >>> 8) & 0xff;
  const checks: [boolean, () => DecodeIssue][] = [
    [(flg & 0x02) !== 0, reserved],
    [
      d.version !== 1,
      () =>
        problem(
          'lz4-bad-version',
          4,
          `LZ4 frame version bits are ${d.version}, expected 1`,
          'IOERR',
          {},
          HEADER_ERR('headerVersion_wrong'),
        ),
    ],
    [(bd & 0x80) !== 0, reserved],
    [
      d.blockMaxSize === 0,
      () =>
        problem(
          'lz4-bad-block-max',
          5,
          `LZ4 block max size code ${(bd >> 4) & 7} is invalid`,
          'IOERR',
          {},
          HEADER_ERR('maxBlockSize_invalid'),
        ),
    ],
    [(bd & 0x0f) !== 0, reserved],
    [
      hc !== d.headerChecksum,
      () =>
        problem(
          'lz4-header-checksum',
          d.headerEnd - 1,
          'LZ4 frame header checksum mismatch',
          'IOERR',
          { expected: hc, found: d.headerChecksum },
          HEADER_ERR('headerChecksum_invalid'),
        ),
    ],
  ];
  for (const [bad, make] of checks) {
    if (bad && !(make === reserved && w.issues.some((i) => i.kind === 'lz4-reserved-bits'))) w.issues.push(make());
  }
  if (w.contentSize !== undefined && w.contentSize >= UNALLOCATABLE) {
    w.issues.push(
      problem(
        'lz4-content-size-unallocatable',
        6,
        `LZ4 content size ${w.contentSize} is more than a process can allocate`,
        'NOMEM',
        { contentSize: w.contentSize },
      ),
    );
  }
}

/**
 * Decompress mallocs contentSize bytes and gives liblz4 that much room: with no content size
 * (or 0) the first block that yields a byte has nowhere to go and the loop never ends. A frame
 * with no data blocks at all loads (checked with raft-load.sh), as an empty snapshot would.
 */
function noteContentSize(w: Lz4FrameInfo): void {
  if (w.contentSize !== undefined && w.contentSize !== 0n) return;
  const hang = w.blocks > 0;
  w.issues.push(
    problem(
      'lz4-no-content-size',
      4,
      `LZ4 frame has no content size${hang ? ", which raft's Decompress needs" : ''}`,
      hang ? 'hang' : 'ignored',
      { contentSize: w.contentSize },
    ),
  );
}

/** Walks blocks from `off`; returns the offset after the EndMark, or undefined when cut short. */
function walkBlocks(src: ByteSource, d: Lz4FrameDescriptor, w: Lz4FrameInfo): number | undefined {
  let off = d.headerEnd;
  for (;;) {
    if (off + 4 > src.size) {
      w.issues.push(truncated(off, w.blocks === 0 ? 'first block' : 'EndMark', src.size));
      return undefined;
    }
    const word = u32At(src, off);
    if (word === 0) return off + 4;
    const size = word & 0x7fffffff;
    if (d.blockMaxSize > 0 && size > d.blockMaxSize) {
      w.issues.push(
        problem(
          'lz4-block-too-large',
          off,
          `LZ4 block ${w.blocks} at offset ${off} has size ${size} > max ${d.blockMaxSize}`,
          'IOERR',
          { block: w.blocks, size, max: d.blockMaxSize },
          BLOCK_ERR('maxBlockSize_invalid'),
        ),
      );
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
    w.issues.push(
      problem(
        'lz4-block-checksum',
        off + 4 + size,
        `LZ4 block ${w.blocks} checksum mismatch`,
        'IOERR',
        { block: w.blocks, expected, found },
        BLOCK_ERR('blockChecksum_invalid'),
      ),
    );
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
  noteContentSize(w);
  if (afterEndMark === undefined) return w;
  let end = afterEndMark;
  if (d.contentChecksum) {
    if (end + 4 > src.size) {
      w.issues.push(truncated(end, 'content checksum', src.size));
      return w;
    }
    w.contentChecksum = u32At(src, end);
    end += 4;
  }
  w.frameEnd = end;
  if (end < src.size) {
    w.issues.push(
      problem('lz4-trailing-bytes', end, `${src.size - end} bytes after the end of the LZ4 frame`, 'ignored', {
        count: src.size - end,
      }),
    );
  }
  return w;
}

/** The size of the stored-block frame holding `length` content bytes (StoredFrameWriter, encodeLz4FrameStored). */
export function storedFrameSize(length: number, blockMaxCode: 4 | 5 | 6 | 7 = 4): number {
  // magic, FLG, BD, content size, HC; a word per block; the content; EndMark; content checksum.
  return 4 + 2 + 8 + 1 + 4 * Math.ceil(length / BLOCK_MAX[blockMaxCode]!) + length + 4 + 4;
}

/**
 * An LZ4 frame of stored (uncompressed) blocks, written as its content arrives: FLG 0x4C (version
 * 1, independent blocks, content size, content checksum) and BD as raft's Compress writes them.
 * liblz4 copies stored blocks as they are, so every LZ4 reader takes the frame: libraft's
 * Decompress (it needs the content size), dqlite ≥ 1.18.3's UvFsReadCompressedFile (it needs the
 * content size too, and stops once that much is out) and cowsql/raft's.
 */
export class StoredFrameWriter {
  private readonly max: number;
  private readonly block: Uint8Array;
  private filled = 0;
  private total = 0;
  private readonly hash = new Xxh32();

  constructor(
    private readonly contentLength: number,
    private readonly emit: (bytes: Uint8Array) => void,
    blockMaxCode: 4 | 5 | 6 | 7 = 4,
  ) {
    this.max = BLOCK_MAX[blockMaxCode]!;
    this.block = new Uint8Array(this.max);
    const desc = new Writer(10)
      .u8(0x4c)
      .u8(blockMaxCode << 4)
      .u64(BigInt(contentLength))
      .finish();
    emit(
      new Writer(15)
        .u32(LZ4_FRAME_MAGIC)
        .bytes(desc)
        .u8((xxh32(desc) >>> 8) & 0xff)
        .finish(),
    );
  }

  write(chunk: Uint8Array): void {
    this.total += chunk.length;
    this.hash.update(chunk);
    for (let p = 0; p < chunk.length;) {
      const n = Math.min(this.max - this.filled, chunk.length - p);
      this.block.set(chunk.subarray(p, p + n), this.filled);
      this.filled += n;
      p += n;
      if (this.filled === this.max) this.flush();
    }
  }

  /** The last block, the EndMark and the content checksum; throws if the content was not contentLength bytes. */
  end(): void {
    if (this.total !== this.contentLength) {
      throw new RangeError(`stored LZ4 frame: ${this.total} content bytes written, ${this.contentLength} declared`);
    }
    this.flush();
    this.emit(new Writer(8).u32(0).u32(this.hash.digest()).finish());
  }

  private flush(): void {
    if (this.filled === 0) return;
    this.emit(new Writer(4).u32((0x80000000 | this.filled) >>> 0).finish());
    this.emit(this.block.slice(0, this.filled));
    this.filled = 0;
  }
}

/** One LZ4 frame holding `content` in stored (uncompressed) blocks, with content size and checksum. */
export function encodeLz4FrameStored(content: Uint8Array, blockMaxCode: 4 | 5 | 6 | 7 = 4): Uint8Array {
  const parts: Uint8Array[] = [];
  const w = new StoredFrameWriter(content.length, (b) => parts.push(b), blockMaxCode);
  w.write(content);
  w.end();
  return Buffer.concat(parts);
}
