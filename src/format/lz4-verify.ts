// Full check of an LZ4 frame's data, block by block, predicting what libraft 0.15's Decompress
// (src/compress.c) makes of it. Decompress mallocs the declared content size, then calls
// LZ4F_decompress (liblz4 1.9.4, lib/lz4frame.c) with the rest of the file and the rest of that
// buffer (capped at INT_MAX per call) until it returns 0. In stream order C meets:
//
//   block word      size > max → ERROR_maxBlockSize_invalid            (walkLz4Frame reports it)
//   stored block    copied; more bytes than the buffer has left → the loop spins forever
//   compressed      [block checksum → ERROR_blockChecksum_invalid]   (walkLz4Frame reports it)
//                   LZ4_decompress_safe_usingDict < 0 → ERROR_decompressionFailed
//                   more output than the buffer has left → the loop spins forever
//   input cut short → the loop spins forever                         (walkLz4Frame reports it)
//   EndMark         bytes decoded ≠ content size → ERROR_frameSize_wrong
//   content xxh32   mismatch → ERROR_contentChecksum_invalid
//
// verifyLz4Frame reports only what decoding finds, and stops where C stops, silently when the
// walk already names the reason; mergeLz4Issues puts the two lists in C's order. Memory: one
// window of 64 KiB history + one maximum block, and one block of input at a time.
import type { ByteSource } from './byte-source.js';
import { BufferSource } from './byte-source.js';
import type { DecodeIssue } from './issue.js';
import { decodeLz4Block } from './lz4-block.js';
import {
  BLOCK_ERR,
  lz4Problem,
  walkLz4Frame,
  xxh32,
  Xxh32,
  type Lz4FrameDescriptor,
  type Lz4FrameInfo,
} from './lz4-frame.js';

export interface Lz4VerifyResult {
  /** Problems only decoding finds, each with C's outcome (data.cOutcome, data.cError). */
  issues: DecodeIssue[];
  /** Content bytes decoded before the check ended. */
  contentBytes: bigint;
  /**
   * Content bytes LZ4F_decompress has handed out when decoding stopped: contentBytes plus the
   * part of a stored block cut short that it copies as it arrives (dstage_copyDirect), up to the
   * declared content size. What dqlite ≥ 1.18.3's reader reports as "short read: N bytes".
   */
  bytesBeforeStop: bigint;
  /** Whether the content checksum matched, when the frame has one and it was reached. */
  contentChecksumOk?: boolean;
}

const HISTORY = 64 << 10;
const INT_MAX = 0x7fffffff;

interface Run {
  readonly src: ByteSource;
  readonly d: Lz4FrameDescriptor;
  /** Decompress's buffer: the declared content size (0 when absent). */
  readonly cap: bigint;
  readonly capN: number;
  readonly win: Uint8Array;
  readonly hash: Xxh32;
  readonly issues: DecodeIssue[];
  readonly sink: ((bytes: Uint8Array) => void) | undefined;
  pos: number;
  produced: number;
  /** Bytes of a stored block cut short that liblz4 still copies out. */
  partial: number;
  /** End of the current LZ4F_decompress call's dst (min(left, INT_MAX) from where it began). */
  callEnd: number;
}

function u32At(src: ByteSource, off: number): number {
  const b = src.read(off, 4);
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}

/** C never reaches LZ4F_decompress: getFrameInfo failed, or the malloc did. */
function stopsBeforeData(walk: Lz4FrameInfo): boolean {
  return walk.issues.some(
    (i) => i.data?.['cOutcome'] === 'NOMEM' || String(i.data?.['cError'] ?? '').startsWith('LZ4F_getFrameInfo'),
  );
}

function newCall(r: Run): void {
  r.callEnd = r.produced + Math.min(r.capN - r.produced, INT_MAX);
}

/**
 * Moves n decoded bytes into Decompress's buffer as the flushOut / copyDirect stages do, a new
 * call whenever one call's room is used up. False when no room is left: C loops forever.
 */
function place(r: Run, n: number): boolean {
  let left = n;
  for (;;) {
    const take = Math.min(left, r.callEnd - r.produced);
    r.produced += take;
    left -= take;
    if (left === 0) return true;
    newCall(r);
    if (r.callEnd === r.produced) return false;
  }
}

function overflow(r: Run, off: number, k: number, n: number): void {
  const why =
    r.cap === 0n
      ? "the frame declares no content size, so raft's buffer is empty"
      : `that passes the declared content size ${r.cap}`;
  r.issues.push(
    lz4Problem(
      'lz4-content-overflow',
      off,
      `LZ4 block ${k} at offset ${off} yields ${n} bytes after ${r.produced}: ${why}, and Decompress loops forever`,
      'hang',
      { block: k, decoded: BigInt(r.produced), blockBytes: n, contentSize: r.cap },
    ),
  );
}

/** Slides the window so that one more maximum block fits after the last 64 KiB of output. */
function makeRoom(r: Run): void {
  if (r.pos + r.d.blockMaxSize <= r.win.length) return;
  const keep = Math.min(r.pos, HISTORY);
  r.win.copyWithin(0, r.pos - keep, r.pos);
  r.pos = keep;
}

function emit(r: Run, bytes: Uint8Array): void {
  if (r.d.contentChecksum) r.hash.update(bytes);
  r.sink?.(bytes);
}

/** dstage_copyDirect (+ dstage_getBlockChecksum). False when C stops here. */
function storedBlock(r: Run, off: number, size: number, k: number): boolean {
  if (off + 4 + size + (r.d.blockChecksum ? 4 : 0) > r.src.size) {
    // cut short: hang (walk)
    r.partial = Math.max(0, Math.min(r.src.size - (off + 4), size, r.capN - r.produced));
    return false;
  }
  const bytes = r.src.read(off + 4, size);
  const before = r.produced;
  if (!place(r, size)) {
    r.produced = before;
    overflow(r, off, k, size);
    return false;
  }
  if (r.d.blockChecksum && xxh32(bytes) !== u32At(r.src, off + 4 + size)) return false; // IOERR (walk)
  makeRoom(r);
  r.win.set(bytes, r.pos);
  emit(r, r.win.subarray(r.pos, r.pos + size));
  r.pos += size;
  return true;
}

/** dstage_getCBlock … dstage_flushOut. False when C stops here. */
function compressedBlock(r: Run, off: number, size: number, k: number): boolean {
  if (off + 4 + size + (r.d.blockChecksum ? 4 : 0) > r.src.size) return false; // cut short: hang (walk)
  const block = r.src.read(off + 4, size);
  if (r.d.blockChecksum && xxh32(block) !== u32At(r.src, off + 4 + size)) return false; // IOERR (walk)
  if (r.produced === r.callEnd) newCall(r); // the call ended after this block's word
  const direct = r.callEnd - r.produced >= r.d.blockMaxSize; // else liblz4 decodes into tmpOut
  const linked = !r.d.blockIndependence;
  makeRoom(r);
  const history = linked ? r.pos : 0;
  const n = decodeLz4Block(block, {
    out: r.win,
    start: r.pos,
    capacity: r.d.blockMaxSize,
    history,
    extDict: !direct && history > 0,
  });
  if (n < 0) {
    r.issues.push(
      lz4Problem(
        'lz4-corrupt-block',
        off,
        `LZ4 block ${k} at offset ${off} does not decode (liblz4 stops at offset ${off + 4 - n - 1})`,
        'IOERR',
        { block: k, at: off + 4 - n - 1 },
        BLOCK_ERR('decompressionFailed'),
      ),
    );
    return false;
  }
  const before = r.produced;
  if (!place(r, n)) {
    r.produced = before;
    overflow(r, off, k, n);
    return false;
  }
  emit(r, r.win.subarray(r.pos, r.pos + n));
  r.pos += n;
  return true;
}

/** Decodes every block; returns the EndMark's offset, or undefined where C stops. */
function runBlocks(r: Run): number | undefined {
  for (let off = r.d.headerEnd, k = 0; ; k++) {
    if (off + 4 > r.src.size) return undefined; // cut short: hang (walk)
    const word = u32At(r.src, off);
    if (word === 0) return off;
    const size = word & 0x7fffffff;
    if (size > r.d.blockMaxSize) return undefined; // IOERR (walk)
    const ok = word & 0x80000000 ? storedBlock(r, off, size, k) : compressedBlock(r, off, size, k);
    if (!ok) return undefined;
    off += 4 + size + (r.d.blockChecksum ? 4 : 0);
  }
}

/** dstage_getSuffix: the size first, then the content checksum. */
function checkSuffix(r: Run, endMark: number, out: Lz4VerifyResult): void {
  if (r.cap !== 0n && BigInt(r.produced) !== r.cap) {
    r.issues.push(
      lz4Problem(
        'lz4-content-size',
        6,
        `LZ4 content size says ${r.cap}, blocks hold ${r.produced}`,
        'IOERR',
        { expected: r.cap, found: BigInt(r.produced) },
        BLOCK_ERR('frameSize_wrong'),
      ),
    );
    return;
  }
  if (!r.d.contentChecksum || endMark + 8 > r.src.size) return; // none, or cut short: hang (walk)
  const expected = r.hash.digest();
  const found = u32At(r.src, endMark + 4);
  out.contentChecksumOk = expected === found;
  if (!out.contentChecksumOk) {
    r.issues.push(
      lz4Problem(
        'lz4-content-checksum',
        endMark + 4,
        'LZ4 content checksum mismatch',
        'IOERR',
        { expected, found },
        BLOCK_ERR('contentChecksum_invalid'),
      ),
    );
  }
}

function run(
  src: ByteSource,
  walk: Lz4FrameInfo,
  sink?: (bytes: Uint8Array) => void,
): { result: Lz4VerifyResult; complete: boolean } {
  const issues: DecodeIssue[] = [];
  const result: Lz4VerifyResult = { issues, contentBytes: 0n, bytesBeforeStop: 0n };
  const d = walk.descriptor;
  if (!walk.compressed || !d || d.blockMaxSize === 0 || stopsBeforeData(walk)) return { result, complete: false };
  const cap = walk.contentSize ?? 0n;
  const capN = cap > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(cap);
  const r: Run = {
    src,
    d,
    cap,
    capN,
    win: new Uint8Array(HISTORY + d.blockMaxSize),
    hash: new Xxh32(),
    issues,
    sink,
    pos: 0,
    produced: 0,
    partial: 0,
    callEnd: 0,
  };
  newCall(r);
  const endMark = runBlocks(r);
  if (endMark !== undefined) checkSuffix(r, endMark, result);
  result.contentBytes = BigInt(r.produced);
  result.bytesBeforeStop = BigInt(r.produced + r.partial);
  return { result, complete: endMark !== undefined };
}

/**
 * Decodes the whole frame with bounded memory and reports what only decoding finds, with C's
 * outcome. Pass the walk when you have it; the source is read block by block.
 */
export function verifyLz4Frame(
  source: ByteSource,
  walk: Lz4FrameInfo = walkLz4Frame(source),
  sink?: (bytes: Uint8Array) => void,
): Lz4VerifyResult & { complete: boolean } {
  const { result, complete } = run(source, walk, sink);
  return { ...result, complete };
}

const stopsC = (i: DecodeIssue): boolean => ['IOERR', 'NOMEM', 'hang'].includes(String(i.data?.['cOutcome']));

/**
 * The walk's issues with the verifier's put where C meets them: the verifier reports only what C
 * reaches before anything the walk found that stops C, so they go just before the first of those.
 */
export function mergeLz4Issues(
  walkIssues: readonly DecodeIssue[],
  verifyIssues: readonly DecodeIssue[],
): DecodeIssue[] {
  const at = walkIssues.findIndex(stopsC);
  if (at < 0) return [...walkIssues, ...verifyIssues];
  return [...walkIssues.slice(0, at), ...verifyIssues, ...walkIssues.slice(at)];
}

/**
 * Whole-frame decompression (for reading snapshot payloads). `data` is the content when every
 * block decoded, even if the size or content checksum then disagrees (see `issues`). Memory grows
 * with the real output only, never with the declared content size.
 */
export function decompressLz4Frame(bytes: Uint8Array): {
  data?: Uint8Array;
  walk: Lz4FrameInfo;
  issues: DecodeIssue[];
} {
  const src = new BufferSource(bytes);
  const walk = walkLz4Frame(src);
  const chunks: Uint8Array[] = [];
  const { result, complete } = run(src, walk, (b) => chunks.push(b.slice()));
  const issues = mergeLz4Issues(walk.issues, result.issues);
  if (!complete) return { walk, issues };
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    data.set(c, p);
    p += c.length;
  }
  return { data, walk, issues };
}
