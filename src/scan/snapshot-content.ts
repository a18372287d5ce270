// The content of a snapshot data file as raft hands it to dqlite's restore: the LZ4 frame decoded
// block by block, or the file's bytes as they are when it has no LZ4 magic (cowsql). Streamed to a
// sink, so a snapshot of a large database is never held whole (the caller builds what it needs).
import path from 'node:path';
import type { DecodeIssue } from '../format/issue.js';
import { walkLz4Frame } from '../format/lz4-frame.js';
import { mergeLz4Issues, verifyLz4Frame } from '../format/lz4-verify.js';
import { CHUNK_SIZE, FileSource } from './file-source.js';
import type { NodeIndex } from './node-index.js';

export interface SnapshotContentRead {
  /** Every content byte reached the sink and the frame (when compressed) decoded without error. */
  readonly complete: boolean;
  readonly compressed: boolean;
  readonly bytes: bigint;
  /** Problems decoding the frame, with offsets in the data file. */
  readonly issues: readonly DecodeIssue[];
}

/** Reads snapshot data file `name` of `node` into `sink`, in order; throws InputError if it cannot be opened. */
export function readSnapshotContent(
  node: NodeIndex,
  name: string,
  sink: (bytes: Uint8Array) => void,
): SnapshotContentRead {
  const source = new FileSource(path.join(node.dir, name));
  try {
    const walk = walkLz4Frame(source);
    if (!walk.compressed) {
      for (let at = 0; at < source.size; at += CHUNK_SIZE) {
        sink(source.read(at, Math.min(CHUNK_SIZE, source.size - at)));
      }
      return { complete: true, compressed: false, bytes: BigInt(source.size), issues: [] };
    }
    const verified = verifyLz4Frame(source, walk, sink);
    const issues = mergeLz4Issues(walk.issues, verified.issues);
    const fatal = issues.some((i) => i.data?.['cOutcome'] !== undefined && i.data['cOutcome'] !== 'ignored');
    return { complete: verified.complete && !fatal, compressed: true, bytes: verified.contentBytes, issues };
  } finally {
    source.close();
  }
}

/** What materializing databases reads from the nodes: entry payloads and snapshot content. */
export interface SnapshotContentReader {
  read(node: NodeIndex, name: string, sink: (bytes: Uint8Array) => void): SnapshotContentRead;
}

export const snapshotContentReader: SnapshotContentReader = { read: readSnapshotContent };
