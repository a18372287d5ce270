// Named damage to a real LZ4 snapshot frame, located by the frame's structure (block words,
// sequences, checksums), with what libraft 0.15 does with it. The `c` column was measured with
// raft-load.sh on the newest snapshot of sample-data/healthy 127.0.0.1:9511
// (snapshot-1-2048-256583: 10371 bytes, content 309000, 5 linked compressed blocks).
import type { DecodeIssue } from '../../src/format/issue.js';
import { xxh32 } from '../../src/format/lz4-frame.js';

export interface Lz4Block {
  readonly offset: number;
  readonly size: number;
  readonly stored: boolean;
}

export interface Lz4Layout {
  readonly headerEnd: number;
  readonly blocks: readonly Lz4Block[];
  readonly endMark: number;
}

const u32 = (b: Uint8Array, off: number): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off, true);

/** Blocks of an intact frame. */
export function lz4Layout(bytes: Uint8Array): Lz4Layout {
  const flg = bytes[4]!;
  const headerEnd = 7 + (flg & 8 ? 8 : 0) + (flg & 1 ? 4 : 0);
  const blocks: Lz4Block[] = [];
  let off = headerEnd;
  for (let word = u32(bytes, off); word !== 0; word = u32(bytes, off)) {
    blocks.push({ offset: off, size: word & 0x7fffffff, stored: word >= 0x80000000 });
    off += 4 + (word & 0x7fffffff) + (flg & 0x10 ? 4 : 0);
  }
  return { headerEnd, blocks, endMark: off };
}

export interface Lz4Sequence {
  readonly token: number;
  readonly literalStart: number;
  readonly literals: number;
  /** Position of the u16 match offset (absent in the last sequence). */
  readonly offsetAt?: number;
  readonly matchOffset?: number;
}

/** The sequences of one intact compressed block, with file offsets. */
export function lz4Sequences(bytes: Uint8Array, block: Lz4Block): Lz4Sequence[] {
  const out: Lz4Sequence[] = [];
  const end = block.offset + 4 + block.size;
  const more = (p: number, n: number): [number, number] => {
    for (let s = 255; s === 255; p++) { s = bytes[p]!; n += s; }
    return [p, n];
  };
  for (let p = block.offset + 4; p < end;) {
    const token = p;
    let lit = bytes[p++]! >>> 4;
    if (lit === 15) [p, lit] = more(p, lit);
    const literalStart = p;
    p += lit;
    if (p >= end) { out.push({ token, literalStart, literals: lit }); break; }
    out.push({ token, literalStart, literals: lit, offsetAt: p, matchOffset: bytes[p]! | (bytes[p + 1]! << 8) });
    p += 2;
    if ((bytes[token]! & 15) === 15) [p] = more(p, 0);
  }
  return out;
}

/** The frame with its content size moved by `delta` and the header checksum recomputed. */
export function withContentSize(bytes: Uint8Array, delta: bigint): Uint8Array {
  const out = Uint8Array.from(bytes);
  const v = new DataView(out.buffer);
  v.setBigUint64(6, v.getBigUint64(6, true) + delta, true);
  out[14] = (xxh32(out.subarray(4, 14)) >>> 8) & 0xff;
  return out;
}

/** What raft-load.sh would print for the first issue that stops C: its error text, 'hang', 'NOMEM' or 'ok'. */
export function cVerdict(issues: readonly DecodeIssue[]): string {
  const stop = issues.find((i) => ['IOERR', 'NOMEM', 'hang'].includes(String(i.data?.['cOutcome'])));
  if (!stop) return 'ok';
  const outcome = String(stop.data!['cOutcome']);
  return outcome === 'IOERR' ? String(stop.data!['cError']) : outcome;
}

export interface SnapshotDamage {
  readonly name: string;
  readonly apply: (bytes: Uint8Array) => Uint8Array;
  /** libraft 0.15 on the 127.0.0.1:9511 sample (raft-load.sh). */
  readonly c: string;
}

function xorAt(at: (b: Uint8Array, l: Lz4Layout) => number, mask = 0xff): (bytes: Uint8Array) => Uint8Array {
  return (bytes) => {
    const out = Uint8Array.from(bytes);
    out[at(bytes, lz4Layout(bytes))]! ^= mask;
    return out;
  };
}

function setWord(block: number, f: (word: number) => number): (bytes: Uint8Array) => Uint8Array {
  return (bytes) => {
    const out = Uint8Array.from(bytes);
    const off = lz4Layout(bytes).blocks[block]!.offset;
    new DataView(out.buffer).setUint32(off, f(u32(out, off)) >>> 0, true);
    return out;
  };
}

const seq = (b: Uint8Array, l: Lz4Layout, block: number): Lz4Sequence[] => lz4Sequences(b, l.blocks[block]!);
const FAILED = 'LZ4F_decompress ERROR_decompressionFailed';
const CHECKSUM = 'LZ4F_decompress ERROR_contentChecksum_invalid';

export const SNAPSHOT_DAMAGE: readonly SnapshotDamage[] = [
  { name: 'a byte flipped in the middle of the file (compressed data)', apply: xorAt((b) => Math.floor(b.length / 2)), c: CHECKSUM },
  { name: 'a literal byte flipped', c: CHECKSUM,
    apply: xorAt((b, l) => { const s = seq(b, l, 1).find((x) => x.literals >= 8)!; return s.literalStart + 3; }) },
  { name: 'a match offset changed, still inside the history', apply: xorAt((b, l) => seq(b, l, 1)[0]!.offsetAt!), c: CHECKSUM },
  { name: 'a match offset pointing before the start of the output', apply: xorAt((b, l) => seq(b, l, 0)[2]!.offsetAt! + 1), c: FAILED },
  { name: 'the first token flipped', apply: xorAt((b, l) => seq(b, l, 0)[0]!.token), c: FAILED },
  { name: 'the content checksum flipped', apply: xorAt((b, l) => l.endMark + 5), c: CHECKSUM },
  { name: 'a block size word one larger', apply: setWord(1, (w) => w + 1), c: FAILED },
  { name: 'a block size word past the 64 KiB maximum', apply: setWord(1, (w) => w + 0x10000), c: 'LZ4F_decompress ERROR_maxBlockSize_invalid' },
  { name: 'a compressed block marked stored', apply: setWord(1, (w) => w | 0x80000000), c: 'LZ4F_decompress ERROR_frameSize_wrong' },
  { name: 'the first block marked stored', apply: setWord(0, (w) => w | 0x80000000), c: FAILED },
  { name: 'the content size one larger (header checksum fixed)', apply: (b) => withContentSize(b, 1n), c: 'LZ4F_decompress ERROR_frameSize_wrong' },
  { name: 'the content size one smaller (header checksum fixed)', apply: (b) => withContentSize(b, -1n), c: 'hang' },
  { name: 'the EndMark turned into a 1-byte block', apply: xorAt((b, l) => l.endMark, 1), c: 'hang' },
];
