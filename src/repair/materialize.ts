// The bytes of one planned file, produced from the inputs exactly as the plan says, written with
// O_EXCL and O_NOFOLLOW, every byte checked (a short write is an error), and fsynced. Every read
// goes through a read-only, no-follow open of an input file; every result is checked against the
// plan (size, and sha256 where the plan knows it).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkpoint } from '../core/cancel.js';
import { InternalError, RepairError } from '../core/errors.js';
import { decodeSegment, encodeSegment, type EntryToEncode } from '../format/segment.js';
import { FileSource, CHUNK_SIZE } from '../scan/file-source.js';
import type { NodeIndex } from '../scan/node-index.js';
import { entryBatches } from './entries.js';
import { writeAll } from './out-files.js';
import { plainNameProblem } from './plan-schema.js';
import type { FileOrigin, PlannedFile } from './types.js';

export interface WrittenFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** Input nodes by plan key (displayPath). */
export type NodeLookup = ReadonlyMap<string, NodeIndex>;

function inputPath(nodes: NodeLookup, node: string, file: string): string {
  const n = nodes.get(node);
  if (!n) throw new RepairError(`the plan reads ${file} of ${node}, which is not among the scanned inputs`);
  const bad = plainNameProblem(file);
  if (bad) throw new InternalError(`refusing to read input file ${JSON.stringify(file)}: ${bad}`);
  return path.join(n.dir, file);
}

/** Streams the first `bytes` bytes of an input file into fd, returning their sha256. */
async function copyPrefix(
  from: string,
  fd: number,
  to: string,
  bytes: number,
  expectSize: number,
  signal?: AbortSignal,
): Promise<string> {
  const src = new FileSource(from);
  try {
    if (src.size !== expectSize) {
      throw new RepairError(`${from} has ${src.size} bytes, the plan expected ${expectSize}: the input changed`);
    }
    if (src.size < bytes) throw new RepairError(`${from} has ${src.size} bytes, fewer than the ${bytes} the plan copies`);
    const hash = createHash('sha256');
    for (let off = 0; off < bytes; off += CHUNK_SIZE) {
      await checkpoint(signal);
      const chunk = src.read(off, Math.min(CHUNK_SIZE, bytes - off));
      hash.update(chunk);
      writeAll(fd, chunk, to);
    }
    return hash.digest('hex');
  } finally {
    src.close();
  }
}

/** Re-encodes a donor range: same terms, types and payloads, batches as in the donor file. */
export function encodeEntries(nodes: NodeLookup, o: Extract<FileOrigin, { kind: 'entries' }>): Uint8Array {
  const file = inputPath(nodes, o.node, o.file);
  const src = new FileSource(file);
  try {
    const decoded = decodeSegment(src, { verifyData: true });
    const batches = entryBatches({ name: o.file, decoded }, o.firstPosition, o.count);
    const table = decoded.batches;
    for (let b = 0; b < table.length; b++) {
      const start = table.entriesBefore(b);
      const end = start + table.entriesIn(b);
      if (end > o.firstPosition && start < o.firstPosition + o.count && table.dataCrcOk(b) !== true) {
        throw new RepairError(`${file}: batch ${b} fails its data checksum; the plan's entries cannot be copied from it`);
      }
    }
    const out: EntryToEncode[][] = batches.map((b) => b.map((e) => ({ term: e.term, type: e.type, payload: src.read(e.payloadOffset, e.length) })));
    return encodeSegment(out);
  } finally {
    src.close();
  }
}

function bytesOf(nodes: NodeLookup, from: FileOrigin, cache: Map<string, Uint8Array>): Uint8Array | undefined {
  if (from.kind === 'generated') return Buffer.from(from.base64, 'base64');
  if (from.kind !== 'entries') return undefined;
  const key = JSON.stringify(from);
  let bytes = cache.get(key);
  if (!bytes) {
    bytes = encodeEntries(nodes, from);
    cache.set(key, bytes);
  }
  return bytes;
}

/** Writes one planned file into `dir` and fsyncs it. */
export async function writePlannedFile(
  dir: string,
  file: PlannedFile,
  nodes: NodeLookup,
  cache: Map<string, Uint8Array>,
  signal?: AbortSignal,
): Promise<WrittenFile> {
  // validatePlan refused such names already; this is the last line before a path is built.
  const bad = plainNameProblem(file.name) ?? (path.isAbsolute(dir) ? undefined : 'relative output directory');
  if (bad) throw new InternalError(`refusing to write ${JSON.stringify(file.name)} into ${dir}: ${bad}`);
  const target = path.join(dir, file.name);
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
  const fd = fs.openSync(target, flags, file.mode);
  let sha: string;
  let size: number;
  try {
    const from = file.from;
    const bytes = bytesOf(nodes, from, cache);
    if (bytes) {
      writeAll(fd, bytes, target);
      sha = createHash('sha256').update(bytes).digest('hex');
      size = bytes.length;
    } else if (from.kind === 'copy') {
      size = file.size;
      sha = await copyPrefix(inputPath(nodes, from.node, from.file), fd, target, file.size, file.size, signal);
    } else if (from.kind === 'truncated-copy') {
      size = from.bytes;
      sha = await copyPrefix(inputPath(nodes, from.node, from.file), fd, target, from.bytes, from.originalSize, signal);
    } else throw new RepairError(`unknown file origin in the plan: ${JSON.stringify(from)}`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (size !== file.size) throw new RepairError(`${target}: wrote ${size} bytes, the plan says ${file.size}`);
  if (file.sha256 !== null && sha !== file.sha256) throw new RepairError(`${target}: its sha256 ${sha} differs from the plan's ${file.sha256}: an input changed`);
  return { path: target, size, sha256: sha };
}

