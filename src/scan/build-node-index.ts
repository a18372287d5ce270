// Reads one node directory into a NodeIndex. The only reader of a node's files: everything is
// opened read-only, symlinks are never followed, and large files are streamed through a
// FileSource (a segment is never held whole unless it is small).
import fs from 'node:fs';
import path from 'node:path';
import { classifyFileName, type FileNameClass } from '../format/file-names.js';
import { decodeMetadata } from '../format/metadata.js';
import { SEGMENT_HEADER_BYTES } from '../format/segment.js';
import { parseClusterYaml, parseNodeInfo } from '../format/node-yaml.js';
import type { DecodeIssue } from '../format/issue.js';
import { FileReadError } from './file-source.js';
import { errnoText, readFailure, unreadableIssue } from './io-errors.js';
import type {
  FileRecord,
  FileType,
  MetadataRecord,
  NodeIndex,
  NodeOrigin,
  ScanIssue,
  SegmentReadDepth,
  SegmentRecord,
  YamlRecord,
} from './node-index.js';
import type { ProductIdentity } from './product.js';
import { readSnapshots } from './read-snapshots.js';
import { sha256File, type FileDigest } from './digest.js';
import { readSmallFile } from './read-file.js';
import { readSegmentJob, type SegmentJob, type SegmentRead } from './read-segment.js';

export type { SegmentJob, SegmentRead } from './read-segment.js';

export interface BuildNodeIndexOptions {
  /** Verify every payload checksum (default true). false reads headers only (fast ranking). */
  readonly verifyData?: boolean;
  /**
   * Read closed segments before the last two by name and format word only, trusting them to
   * hold the entries their names promise (rank: the raft rule needs the log's last term and
   * index, which live in the last segments). Open segments are always read.
   */
  readonly logTailOnly?: boolean;
  readonly displayPath?: string;
  readonly origin?: NodeOrigin;
  /** Called after each segment file is read (progress reporting). */
  readonly onFile?: (name: string) => void;
  /** sha256 every regular file in the same pass that reads it (NodeIndex.digests). */
  readonly hash?: boolean;
  /** The node's name among the inputs (scan/product-names.ts); default info.yaml's Address or the directory's name. */
  readonly name?: string;
  /** Who the node is in its product (scan/product-layout.ts). */
  readonly product?: ProductIdentity;
}

function fileType(st: fs.Stats): FileType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isSocket()) return 'socket';
  if (st.isFIFO()) return 'fifo';
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'device';
  return 'other';
}

/** stat(2) through a symlink, only to learn whether it fails (the target is never opened). */
function linkStatError(file: string): string | undefined {
  try {
    fs.statSync(file);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

function listFiles(dir: string, issues: ScanIssue[]): FileRecord[] {
  const records: FileRecord[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch (error) {
    throw readFailure(dir, error, 'list');
  }
  for (const name of names) {
    try {
      const st = fs.lstatSync(path.join(dir, name));
      const statError = st.isSymbolicLink() ? linkStatError(path.join(dir, name)) : undefined;
      records.push({
        name,
        type: fileType(st),
        size: st.size,
        mtimeMs: st.mtimeMs,
        class: classifyFileName(name),
        ...(statError ? { statError } : {}),
      });
    } catch (error) {
      issues.push(unreadableIssue(name, new FileReadError(path.join(dir, name), 'stat', errnoText(error), error)));
    }
  }
  return records;
}

function readMetadata(
  dir: string,
  files: FileRecord[],
  name: 'metadata1' | 'metadata2',
  issues: ScanIssue[],
  digests?: Map<string, FileDigest>,
): MetadataRecord | undefined {
  const file = files.find((f) => f.name === name);
  if (!file) return undefined;
  const bytes = readSmallFile(dir, file, issues, digests) ?? new Uint8Array(0);
  return { name, size: file.size, decoded: decodeMetadata(bytes, name) };
}

/**
 * Largest info.yaml / cluster.yaml parsed (go-dqlite writes ~70 bytes a node). The YAML parser
 * slows down badly on big hostile files (a 1 MiB file of keys takes half a minute), and these
 * files are never that big unless they are damaged.
 */
export const YAML_SIZE_LIMIT = 64 * 1024;

function readYaml<T>(
  dir: string,
  files: FileRecord[],
  name: string,
  parse: (text: string, file?: string) => { value?: T; issues: DecodeIssue[] },
  issues: ScanIssue[],
  digests?: Map<string, FileDigest>,
): YamlRecord<T> | undefined {
  const file = files.find((f) => f.name === name);
  if (!file) return undefined;
  if (file.type === 'file' && file.size > YAML_SIZE_LIMIT) {
    const message = `${name} has ${file.size} bytes (go-dqlite writes a few hundred); not parsed`;
    return {
      name,
      value: undefined,
      issues: [{ kind: 'file-too-large', offset: YAML_SIZE_LIMIT, message, data: { level: 'error', size: file.size } }],
    };
  }
  const bytes = readSmallFile(dir, file, issues, digests);
  if (!bytes) return { name, value: undefined, issues: [] };
  const { text, firstInvalid } = yamlText(bytes);
  const parsed = parse(text, name);
  if (firstInvalid === undefined) return { name, value: parsed.value, issues: parsed.issues };
  const invalid: DecodeIssue = {
    kind: 'invalid-utf8',
    offset: firstInvalid,
    message: `${name}: byte ${firstInvalid} is not valid UTF-8 (go-dqlite's YAML reader refuses the file)`,
    data: { level: 'error' },
  };
  return { name, value: parsed.value, issues: [invalid, ...parsed.issues] };
}

/** Length of the valid UTF-8 sequence at i, or 0 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const [len, lo, hi] =
    c >= 0xc2 && c <= 0xdf
      ? [2, 0x80, 0xbf]
      : c === 0xe0
        ? [3, 0xa0, 0xbf]
        : c === 0xed
          ? [3, 0x80, 0x9f]
          : c >= 0xe1 && c <= 0xef
            ? [3, 0x80, 0xbf]
            : c === 0xf0
              ? [4, 0x90, 0xbf]
              : c === 0xf4
                ? [4, 0x80, 0x8f]
                : c >= 0xf1 && c <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : [0, 0, 0];
  if (len === 0 || i + len > b.length || b[i + 1]! < lo || b[i + 1]! > hi) return 0;
  for (let k = 2; k < len; k++) if (b[i + k]! < 0x80 || b[i + k]! > 0xbf) return 0;
  return len;
}

/**
 * The file as text, every byte that is not valid UTF-8 replaced by '?': one byte for one byte, so
 * the byte offsets the YAML parser reports still point into the file (a U+FFFD replacement would
 * shift them).
 */
export function yamlText(bytes: Uint8Array): { text: string; firstInvalid: number | undefined } {
  let clean: Uint8Array | undefined;
  let firstInvalid: number | undefined;
  for (let i = 0; i < bytes.length;) {
    const len = utf8SequenceLength(bytes, i);
    if (len > 0) {
      i += len;
      continue;
    }
    clean ??= bytes.slice();
    clean[i] = 0x3f;
    firstInvalid ??= i;
    i++;
  }
  return { text: Buffer.from(clean ?? bytes).toString('utf8'), firstInvalid };
}

/** Closed segments a log-tail scan reads fully: the last two by first index (one spare for when the last is damaged). */
const TAIL_SEGMENTS = 2;

/**
 * Whether a name's promise can hold: every entry takes at least its 16-byte header, so a file
 * cannot hold more than (size - 8) / 16 entries. Names that promise more are read, not trusted.
 */
function plausibleName(f: FileRecord): boolean {
  if (f.class.kind !== 'closed-segment' || f.class.last < f.class.first) return false;
  return f.class.last - f.class.first + 1n <= BigInt(Math.floor((f.size - SEGMENT_HEADER_BYTES) / 16));
}

function nameOnlyClosedSegments(files: readonly FileRecord[]): Set<string> {
  const closed = files.filter(
    (f) => f.type === 'file' && f.class.kind === 'closed-segment' && f.size >= SEGMENT_HEADER_BYTES && plausibleName(f),
  );
  closed.sort((a, b) => {
    const x = (a.class as Extract<FileNameClass, { kind: 'closed-segment' }>).first;
    const y = (b.class as Extract<FileNameClass, { kind: 'closed-segment' }>).first;
    return x === y ? 0 : x < y ? -1 : 1;
  });
  return new Set(closed.slice(0, Math.max(0, closed.length - TAIL_SEGMENTS)).map((f) => f.name));
}

function compareSegments(a: SegmentRecord, b: SegmentRecord): number {
  if (a.kind !== b.kind) return a.kind === 'closed' ? -1 : 1;
  const x = a.kind === 'closed' ? a.firstIndex! : a.counter!;
  const y = a.kind === 'closed' ? b.firstIndex! : b.counter!;
  if (x !== y) return x < y ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A node directory listed, with the segment files still to read (here, or in worker threads). */
export interface NodeReadPlan {
  readonly dir: string;
  readonly options: BuildNodeIndexOptions;
  readonly files: FileRecord[];
  readonly issues: ScanIssue[];
  readonly jobs: readonly SegmentJob[];
}

/** Lists a node directory and decides how deeply to read each segment. Throws only when the directory cannot be listed. */
export function planNodeRead(dir: string, options: BuildNodeIndexOptions = {}): NodeReadPlan {
  const issues: ScanIssue[] = [];
  const files = listFiles(dir, issues);
  const nameOnly = options.logTailOnly ? nameOnlyClosedSegments(files) : new Set<string>();
  const fullDepth: SegmentReadDepth = (options.verifyData ?? true) ? 'data' : 'headers';
  const jobs = files
    .filter((f) => f.class.kind === 'closed-segment' || f.class.kind === 'open-segment')
    .map((file) => ({
      file,
      depth: nameOnly.has(file.name) ? ('name' as const) : fullDepth,
      hash: options.hash ?? false,
    }));
  return { dir, options, files, issues, jobs };
}

/** The NodeIndex of a plan whose segment jobs were read (`reads` by file name, in any order). */
/** Regular files the scan did not read (identity files, leftovers): read once, only to hash them. */
function hashTheRest(
  dir: string,
  files: readonly FileRecord[],
  digests: Map<string, FileDigest>,
  issues: ScanIssue[],
): void {
  const unreadable = new Set(issues.filter((i) => i.kind === 'unreadable').map((i) => i.file));
  for (const f of files) {
    if (f.type !== 'file' || digests.has(f.name) || unreadable.has(f.name)) continue;
    try {
      digests.set(f.name, { name: f.name, ...sha256File(path.join(dir, f.name)) });
    } catch (error) {
      issues.push(unreadableIssue(f.name, error));
    }
  }
}

export function finishNodeIndex(plan: NodeReadPlan, reads: ReadonlyMap<string, SegmentRead>): NodeIndex {
  const { dir, options, files, issues } = plan;
  const verifyData = options.verifyData ?? true;
  const segments: SegmentRecord[] = [];
  const digests = options.hash ? new Map<string, FileDigest>() : undefined;
  for (const job of plan.jobs) {
    const read = reads.get(job.file.name);
    if (!read) continue;
    issues.push(...read.issues);
    if (read.record) segments.push(read.record);
    if (digests && read.sha256)
      digests.set(job.file.name, { name: job.file.name, size: job.file.size, sha256: read.sha256 });
  }
  segments.sort(compareSegments);
  const info = readYaml(dir, files, 'info.yaml', parseNodeInfo, issues, digests);
  const cluster = readYaml(dir, files, 'cluster.yaml', parseClusterYaml, issues, digests);
  const metadata1 = readMetadata(dir, files, 'metadata1', issues, digests);
  const metadata2 = readMetadata(dir, files, 'metadata2', issues, digests);
  const snapshots = readSnapshots(dir, files, issues, { verifyData, digests });
  if (digests) hashTheRest(dir, files, digests, issues);
  const node: NodeIndex = {
    name: options.name ?? (info?.value?.address || path.basename(dir)),
    dir,
    displayPath: options.displayPath ?? dir,
    origin: options.origin ?? { kind: 'directory' },
    files,
    info,
    cluster,
    metadata1,
    metadata2,
    snapshots,
    segments,
    issues,
    verifiedData: verifyData,
    logTailOnly: options.logTailOnly ?? false,
    digests,
    product: options.product,
  };
  return deepFreeze(node);
}

/** Indexes one node directory on this thread. Throws only when the directory itself cannot be listed. */
export function buildNodeIndex(dir: string, options: BuildNodeIndexOptions = {}): NodeIndex {
  const plan = planNodeRead(dir, options);
  const reads = new Map<string, SegmentRead>();
  for (const job of plan.jobs) {
    const read = readSegmentJob(dir, job);
    reads.set(job.file.name, read);
    if (read.record) options.onFile?.(job.file.name);
  }
  return finishNodeIndex(plan, reads);
}

/**
 * Freezes the index so analysis cannot change it by accident. Batch tables are frozen by their
 * own constructor and keep their columns private; byte arrays cannot be frozen and are skipped.
 */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
