// The bytes of one planned file, produced from the inputs exactly as the plan says, written with
// O_EXCL and O_NOFOLLOW, every byte checked (a short write is an error), and fsynced. Every read
// goes through a read-only, no-follow open of an input file; every result is checked against the
// plan (size, and sha256 where the plan knows it).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkpoint } from '../../core/cancel.js';
import { InternalError, RepairError } from '../../core/errors.js';
import { decodeSegment, encodeSegment, type EntryToEncode } from '../../format/segment.js';
import { FileSource, CHUNK_SIZE } from '../../scan/file-source.js';
import type { NodeIndex } from '../../scan/node-index.js';
import { writeConvertedSnapshot } from './convert-snapshot.js';
import { entryBatches } from '../plan/entries.js';
import { writeAll } from './out-files.js';
import { plainNameProblem } from '../plan/plan-schema.js';
import { productBytes } from './product-files.js';
import type { FileOrigin, PlannedFile } from '../plan/types.js';

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

/**
 * The sha256 the plan pinned for an input file (undefined when the plan does not pin it, e.g. a
 * file of a node that is no input): reading a file to copy it also proves it is still that file.
 */
export type PinnedSha = (node: string, file: string) => string | undefined;

function checkPin(src: FileSource, pinned: string | undefined, from: string): void {
  if (pinned === undefined) return;
  const now = src.sha256();
  if (now !== pinned)
    throw new RepairError(
      `${from} changed since the plan was made (sha256 ${pinned.slice(0, 12)}… → ${now.slice(0, 12)}…): make a new plan`,
      'E_INPUTS_CHANGED',
    );
}

/**
 * Streams the first `bytes` bytes of an input file into every fd, returning their sha256; the
 * whole input is hashed on the way (the rest read only for that) and checked against its pin.
 */
async function copyPrefix(
  from: string,
  fds: readonly { fd: number; path: string }[],
  bytes: number,
  expectSize: number,
  pinned: string | undefined,
  signal?: AbortSignal,
): Promise<string> {
  const src = new FileSource(from, { hash: pinned !== undefined });
  try {
    if (src.size !== expectSize) {
      throw new RepairError(`${from} has ${src.size} bytes, the plan expected ${expectSize}: the input changed`);
    }
    if (src.size < bytes)
      throw new RepairError(`${from} has ${src.size} bytes, fewer than the ${bytes} the plan copies`);
    const hash = createHash('sha256');
    for (let off = 0; off < bytes; off += CHUNK_SIZE) {
      await checkpoint(signal);
      const chunk = src.read(off, Math.min(CHUNK_SIZE, bytes - off));
      hash.update(chunk);
      for (const t of fds) writeAll(t.fd, chunk, t.path);
    }
    checkPin(src, pinned, from);
    return hash.digest('hex');
  } finally {
    src.close();
  }
}

/** Re-encodes a donor range: same terms, types and payloads, batches as in the donor file. */
export function encodeEntries(
  nodes: NodeLookup,
  o: Extract<FileOrigin, { kind: 'entries' }>,
  pinned?: PinnedSha,
): Uint8Array {
  const file = inputPath(nodes, o.node, o.file);
  const pin = pinned?.(o.node, o.file);
  const src = new FileSource(file, { hash: pin !== undefined });
  try {
    const decoded = decodeSegment(src, { verifyData: true });
    checkPin(src, pin, file);
    const batches = entryBatches({ name: o.file, decoded }, o.firstPosition, o.count);
    const table = decoded.batches;
    for (let b = 0; b < table.length; b++) {
      const start = table.entriesBefore(b);
      const end = start + table.entriesIn(b);
      if (end > o.firstPosition && start < o.firstPosition + o.count && table.dataCrcOk(b) !== true) {
        throw new RepairError(
          `${file}: batch ${b} fails its data checksum; the plan's entries cannot be copied from it`,
        );
      }
    }
    const out: EntryToEncode[][] = batches.map((b) =>
      b.map((e) => ({ term: e.term, type: e.type, payload: src.read(e.payloadOffset, e.length) })),
    );
    return encodeSegment(out);
  } finally {
    src.close();
  }
}

function bytesOf(nodes: NodeLookup, from: FileOrigin, pinned?: PinnedSha): Uint8Array | undefined {
  if (from.kind === 'generated') return Buffer.from(from.base64, 'base64');
  if (from.kind === 'product-edit' || from.kind === 'product-generated') return productBytes(nodes, from);
  if (from.kind !== 'entries') return undefined;
  return encodeEntries(nodes, from, pinned);
}

function openTarget(dir: string, file: PlannedFile): { fd: number; path: string } {
  // validatePlan refused such names already; this is the last line before a path is built.
  const bad = plainNameProblem(file.name) ?? (path.isAbsolute(dir) ? undefined : 'relative output directory');
  if (bad) throw new InternalError(`refusing to write ${JSON.stringify(file.name)} into ${dir}: ${bad}`);
  const target = path.join(dir, file.name);
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
  return { fd: fs.openSync(target, flags, file.mode), path: target };
}

/**
 * Writes one planned file into every directory in `dirs` (the output nodes that get the same
 * file: the log is the same on every node) and fsyncs each: its input is read once, whatever the
 * number of nodes.
 */
export async function writePlannedFile(
  dirs: readonly string[],
  file: PlannedFile,
  nodes: NodeLookup,
  pinned?: PinnedSha,
  signal?: AbortSignal,
): Promise<WrittenFile[]> {
  const targets: { fd: number; path: string }[] = [];
  let sha: string;
  let size: number;
  try {
    for (const dir of dirs) targets.push(openTarget(dir, file));
    const from = file.from;
    const bytes = bytesOf(nodes, from, pinned);
    if (bytes) {
      for (const t of targets) writeAll(t.fd, bytes, t.path);
      sha = createHash('sha256').update(bytes).digest('hex');
      size = bytes.length;
    } else if (from.kind === 'copy' || from.kind === 'truncated-copy') {
      size = from.kind === 'copy' ? file.size : from.bytes;
      const original = from.kind === 'copy' ? file.size : from.originalSize;
      const input = inputPath(nodes, from.node, from.file);
      sha = await copyPrefix(input, targets, size, original, pinned?.(from.node, from.file), signal);
    } else if (from.kind === 'converted-snapshot') {
      const input = inputPath(nodes, from.node, from.file);
      const pin = pinned?.(from.node, from.file);
      ({ sha256: sha, size } = await writeConvertedSnapshot(input, targets, from, pin, signal));
    } else throw new RepairError(`unknown file origin in the plan: ${JSON.stringify(from)}`);
    for (const t of targets) fs.fsyncSync(t.fd);
  } finally {
    for (const t of targets) fs.closeSync(t.fd);
  }
  for (const t of targets) {
    if (size !== file.size) throw new RepairError(`${t.path}: wrote ${size} bytes, the plan says ${file.size}`);
    if (file.sha256 !== null && sha !== file.sha256)
      throw new RepairError(`${t.path}: its sha256 ${sha} differs from the plan's ${file.sha256}: an input changed`);
  }
  return targets.map((t) => ({ path: t.path, size, sha256: sha }));
}
