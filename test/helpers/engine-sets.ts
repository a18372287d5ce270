// Sample sets turned into what another engine would have left, for repair-per-engine tests:
// snapshots written raw (as cowsql/raft ≥ 0.17.3 writes every snapshot), and logs whose last
// entries have a higher term (so that a recovery entry's term tells the engines apart).
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from '../../src/format/crc32.js';
import { decompressLz4Frame } from '../../src/format/lz4-verify.js';
import { decodeSegmentBytes } from '../../src/format/segment.js';
import { closedSegments, read, snapshotsNewestFirst, write } from './damage.js';
import { copySet, nodeDirs } from './repair.js';

/** A scratch copy of a set whose newest snapshot on every node holds its content raw, as cowsql writes it. */
export function withRawNewestSnapshots(setDir: string): string {
  const copy = copySet(setDir);
  for (const dir of nodeDirs(copy)) {
    const newest = snapshotsNewestFirst(dir)[0];
    if (!newest) continue;
    const { data } = decompressLz4Frame(read(dir, newest));
    if (!data) throw new Error(`${dir}/${newest} does not decompress`);
    write(dir, newest, data);
  }
  return copy;
}

/** Sets the term of every entry in the last batch of each node's last closed segment (header checksum fixed). */
export function withLastBatchTerm(setDir: string, term: bigint): string {
  const copy = copySet(setDir);
  for (const dir of nodeDirs(copy)) {
    const name = closedSegments(dir).pop()!;
    const b = read(dir, name);
    const table = decodeSegmentBytes(b).batches;
    const rec = table.batch(table.length - 1);
    for (let e = 0; e < rec.entries.length; e++) b.writeBigUInt64LE(term, rec.offset + 16 + e * 16);
    b.writeUInt32LE(crc32(b.subarray(rec.offset + 8, rec.offset + 16 + 16 * rec.entries.length)), rec.offset);
    write(dir, name, b);
  }
  return copy;
}

/** Node directories of a set, by name. */
export function nodeOf(setDir: string, name: string): string {
  const dir = path.join(setDir, name);
  if (!fs.existsSync(dir)) throw new Error(`no node ${name} in ${setDir}`);
  return dir;
}
