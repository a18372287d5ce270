// Named mutations of a node directory copy, for corruption tests. Every function works in place
// on a scratch copy (see copyNode in samples.ts), never on sample data.
import fs from 'node:fs';
import path from 'node:path';
import { decodeSegmentBytes, type BatchRecord } from '../../src/format/segment.js';
import { crc32 } from '../../src/format/crc32.js';
import { parseClosedSegmentName, parseOpenSegmentName, parseSnapshotDataName } from '../../src/format/file-names.js';

export function names(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

/** Snapshot data file names, newest first (term, index, timestamp). */
export function snapshotsNewestFirst(dir: string): string[] {
  const parsed = names(dir).map((n) => ({ n, p: parseSnapshotDataName(n) })).filter((x) => x.p);
  return parsed
    .sort((a, b) => {
      for (const k of ['term', 'index', 'timestamp'] as const) if (a.p![k] !== b.p![k]) return a.p![k] > b.p![k] ? -1 : 1;
      return 0;
    })
    .map((x) => x.n);
}

/** Closed segment names by first index. */
export function closedSegments(dir: string): string[] {
  return names(dir)
    .filter((n) => parseClosedSegmentName(n))
    .sort((a, b) => (parseClosedSegmentName(a)!.first < parseClosedSegmentName(b)!.first ? -1 : 1));
}

/** Open segment names by counter. */
export function openSegments(dir: string): string[] {
  return names(dir)
    .filter((n) => parseOpenSegmentName(n))
    .sort((a, b) => (parseOpenSegmentName(a)!.counter < parseOpenSegmentName(b)!.counter ? -1 : 1));
}

export function read(dir: string, name: string): Buffer {
  return fs.readFileSync(path.join(dir, name));
}

export function write(dir: string, name: string, bytes: Uint8Array): void {
  fs.writeFileSync(path.join(dir, name), bytes);
}

export function remove(dir: string, name: string): void {
  fs.rmSync(path.join(dir, name));
}

export function truncate(dir: string, name: string, size: number): void {
  fs.truncateSync(path.join(dir, name), size);
}

export function append(dir: string, name: string, bytes: Uint8Array): void {
  fs.appendFileSync(path.join(dir, name), bytes);
}

export function writeAt(dir: string, name: string, offset: number, bytes: Uint8Array): void {
  const fd = fs.openSync(path.join(dir, name), 'r+');
  try {
    fs.writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    fs.closeSync(fd);
  }
}

/** XORs one byte with 0xFF. */
export function flip(dir: string, name: string, offset: number): void {
  const b = read(dir, name);
  writeAt(dir, name, offset, Uint8Array.of(b[offset]! ^ 0xff));
}

export function rename(dir: string, from: string, to: string): void {
  fs.renameSync(path.join(dir, from), path.join(dir, to));
}

/** The good batches of a segment file and where they end. */
export function batchesOf(dir: string, name: string): { batches: readonly BatchRecord[]; validBytes: number } {
  const d = decodeSegmentBytes(read(dir, name));
  const all = d.batches.toArray();
  const good = d.failure ? all.slice(0, d.failure.ordinal) : all;
  return { batches: good, validBytes: d.validBytes };
}

/** The first open segment that holds at least `min` good batches. */
export function openWithBatches(dir: string, min = 1): string | undefined {
  return openSegments(dir).find((n) => batchesOf(dir, n).batches.length >= min);
}

/** Sets an entry's type byte and fixes the batch's header checksum, so only the type is wrong. */
export function setEntryType(dir: string, name: string, batch: number, entry: number, type: number): void {
  const b = read(dir, name);
  const rec = decodeSegmentBytes(b).batches.batch(batch);
  const n = rec.entries.length;
  b[rec.offset + 16 + entry * 16 + 8] = type;
  const crc1 = crc32(b.subarray(rec.offset + 8, rec.offset + 16 + 16 * n));
  b.writeUInt32LE(crc1, rec.offset);
  write(dir, name, b);
}
