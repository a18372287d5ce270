// Pairs snapshot `.meta` files with their data files and decodes both. A snapshot is listed
// when either half exists, so a checker can report orphans; the loader rules decide which
// ones raft would see (UvList needs both halves and a non-empty data file). With verifyData, every
// LZ4 data file is also decoded (block by block, bounded memory) and what that finds joins
// frame.issues in the order libraft's Decompress meets it.
import path from 'node:path';
import { decodeSnapshotMeta } from '../format/snapshot-meta.js';
import { walkLz4Frame } from '../format/lz4-frame.js';
import { mergeLz4Issues, verifyLz4Frame } from '../format/lz4-verify.js';
import { SnapshotPayloadChecker, type SnapshotPayloadCheck } from '../format/snapshot-payload.js';
import { FileSource } from './file-source.js';
import { unreadableIssue } from './io-errors.js';
import type { FileDigest } from './digest.js';
import type { FileRecord, ScanIssue, SnapshotRecord } from './node-index.js';
import { readSmallFile } from './read-file.js';

interface Pair {
  term: bigint;
  index: bigint;
  timestamp: bigint;
  meta?: FileRecord;
  data?: FileRecord;
}

function pairUp(files: readonly FileRecord[]): Map<string, Pair> {
  const pairs = new Map<string, Pair>();
  for (const file of files) {
    const c = file.class;
    if (c.kind !== 'snapshot-meta' && c.kind !== 'snapshot-data') continue;
    const dataName = c.kind === 'snapshot-meta' ? c.dataName : file.name;
    const pair = pairs.get(dataName) ?? { term: c.term, index: c.index, timestamp: c.timestamp };
    if (c.kind === 'snapshot-meta') pair.meta = file;
    else pair.data = file;
    pairs.set(dataName, pair);
  }
  return pairs;
}

export interface ReadSnapshotsOptions {
  /** Decode compressed data files in full (default true); false walks the frame structure only. */
  readonly verifyData?: boolean;
  /** Gets the sha256 of every file read, computed from the same pass. */
  readonly digests?: Map<string, FileDigest>;
}

function readData(
  dir: string,
  file: FileRecord,
  verifyData: boolean,
  issues: ScanIssue[],
  digests?: Map<string, FileDigest>,
): SnapshotRecord['data'] {
  if (file.type !== 'file') {
    issues.push({ file: file.name, kind: 'not-a-regular-file', offset: 0, message: `${file.name} is a ${file.type}` });
    return undefined;
  }
  try {
    // A walk reads only the block words (one per 64 KiB .. 4 MiB block): small reads, not windows.
    const source = new FileSource(path.join(dir, file.name), {
      ...(verifyData ? {} : { readAhead: 64 }),
      hash: digests !== undefined,
    });
    try {
      const frame = walkLz4Frame(source);
      let payload: SnapshotPayloadCheck | undefined;
      if (verifyData && frame.compressed) {
        const checker = new SnapshotPayloadChecker();
        const verified = verifyLz4Frame(source, frame, (bytes) => checker.feed(bytes));
        frame.issues = mergeLz4Issues(frame.issues, verified.issues);
        frame.decodedBytes = verified.bytesBeforeStop;
        // Only a frame raft decompresses completely reaches dqlite's restore.
        if (verified.complete && !frame.issues.some(stopsRaft)) payload = checker.finish();
      } else if (verifyData && file.size > 0) {
        payload = checkRawPayload(source);
      }
      for (const issue of frame.issues) issues.push({ ...issue, file: file.name });
      if (payload?.problem)
        issues.push({
          ...payload.problem,
          file: file.name,
          message: `payload byte ${payload.problem.offset}${frame.compressed ? ' (after decompression)' : ''}: ${payload.problem.message}`,
        });
      if (digests) digests.set(file.name, { name: file.name, size: source.size, sha256: source.sha256() });
      return { size: file.size, mtimeMs: file.mtimeMs, frame, payload };
    } finally {
      source.close();
    }
  } catch (error) {
    issues.push(unreadableIssue(file.name, error));
    return undefined;
  }
}

/** A frame issue after which raft never hands the content to dqlite. */
function stopsRaft(issue: { data?: Record<string, unknown> }): boolean {
  const outcome = issue.data?.['cOutcome'];
  return outcome !== undefined && outcome !== 'ignored';
}

/** A data file without the LZ4 magic: raft hands its bytes to dqlite as they are. */
function checkRawPayload(source: FileSource): SnapshotPayloadCheck {
  const checker = new SnapshotPayloadChecker();
  const CHUNK = 1 << 20;
  for (let at = 0; at < source.size; at += CHUNK) checker.feed(source.read(at, Math.min(CHUNK, source.size - at)));
  return checker.finish();
}

/** Snapshots sorted newest first: term, then index, then timestamp (uvSnapshotCompare). */
export function readSnapshots(
  dir: string,
  files: readonly FileRecord[],
  issues: ScanIssue[],
  options: ReadSnapshotsOptions = {},
): SnapshotRecord[] {
  const verifyData = options.verifyData ?? true;
  const out: SnapshotRecord[] = [];
  for (const [name, pair] of pairUp(files)) {
    let meta: SnapshotRecord['meta'];
    if (pair.meta) {
      const bytes = readSmallFile(dir, pair.meta, issues, options.digests) ?? new Uint8Array(0);
      const decoded = decodeSnapshotMeta(bytes);
      for (const issue of decoded.issues) issues.push({ ...issue, file: pair.meta.name });
      meta = { size: pair.meta.size, mtimeMs: pair.meta.mtimeMs, decoded };
    }
    const data = pair.data ? readData(dir, pair.data, verifyData, issues, options.digests) : undefined;
    out.push({ name, term: pair.term, index: pair.index, timestamp: pair.timestamp, meta, data });
  }
  return out.sort((a, b) => {
    for (const k of ['term', 'index', 'timestamp'] as const) if (a[k] !== b[k]) return a[k] > b[k] ? -1 : 1;
    return a.name < b.name ? -1 : 1;
  });
}
