// Reads one node directory into a NodeIndex. The only reader of a node's files: everything is
// opened read-only, symlinks are never followed, and large files are streamed through a
// FileSource (a segment is never held whole unless it is small).
import fs from 'node:fs';
import path from 'node:path';
import { classifyFileName, type FileNameClass } from '../format/file-names.js';
import { decodeConfiguration } from '../format/configuration.js';
import { decodeMetadata } from '../format/metadata.js';
import { EntryType, decodeSegment } from '../format/segment.js';
import { parseClusterYaml, parseNodeInfo } from '../format/node-yaml.js';
import type { DecodeIssue } from '../format/issue.js';
import { FileSource } from './file-source.js';
import type {
  FileRecord,
  FileType,
  LogConfiguration,
  MetadataRecord,
  NodeIndex,
  NodeOrigin,
  ScanIssue,
  SegmentRecord,
  YamlRecord,
} from './node-index.js';
import { readSnapshots } from './read-snapshots.js';
import { readSmallFile } from './read-file.js';

export interface BuildNodeIndexOptions {
  /** Verify every payload checksum (default true). false reads headers only (fast ranking). */
  readonly verifyData?: boolean;
  readonly displayPath?: string;
  readonly origin?: NodeOrigin;
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

function listFiles(dir: string, issues: ScanIssue[]): FileRecord[] {
  const records: FileRecord[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    try {
      const st = fs.lstatSync(path.join(dir, name));
      records.push({ name, type: fileType(st), size: st.size, mtimeMs: st.mtimeMs, class: classifyFileName(name) });
    } catch (error) {
      issues.push({ file: name, kind: 'unreadable', offset: 0, message: `cannot stat: ${(error as Error).message}` });
    }
  }
  return records;
}

function readMetadata(dir: string, files: FileRecord[], name: 'metadata1' | 'metadata2', issues: ScanIssue[]): MetadataRecord | undefined {
  const file = files.find((f) => f.name === name);
  if (!file) return undefined;
  const bytes = readSmallFile(dir, file, issues) ?? new Uint8Array(0);
  return { name, size: file.size, decoded: decodeMetadata(bytes, name) };
}

function readYaml<T>(
  dir: string,
  files: FileRecord[],
  name: string,
  parse: (text: string, file?: string) => { value?: T; issues: DecodeIssue[] },
  issues: ScanIssue[],
): YamlRecord<T> | undefined {
  const file = files.find((f) => f.name === name);
  if (!file) return undefined;
  const bytes = readSmallFile(dir, file, issues);
  if (!bytes) return { name, value: undefined, issues: [] };
  const parsed = parse(Buffer.from(bytes).toString('utf8'), name);
  return { name, value: parsed.value, issues: parsed.issues };
}

function readConfigurations(source: FileSource, record: Pick<SegmentRecord, 'decoded'>): LogConfiguration[] {
  const out: LogConfiguration[] = [];
  let position = 0;
  for (const batch of record.decoded.batches) {
    for (const entry of batch.entries) {
      if (entry.type === EntryType.CHANGE && entry.payloadOffset + entry.length <= source.size) {
        const decoded = decodeConfiguration(source.read(entry.payloadOffset, entry.length), entry.payloadOffset);
        out.push({ position, offset: entry.payloadOffset, term: entry.term, servers: decoded.value, issues: decoded.issues });
      }
      position++;
    }
  }
  return out;
}

function readSegment(dir: string, file: FileRecord, cls: FileNameClass, verifyData: boolean, issues: ScanIssue[]): SegmentRecord | undefined {
  if (cls.kind !== 'closed-segment' && cls.kind !== 'open-segment') return undefined;
  if (file.type !== 'file') {
    issues.push({ file: file.name, kind: 'not-a-regular-file', offset: 0, message: `${file.name} looks like a segment but is a ${file.type}` });
    return undefined;
  }
  let source: FileSource;
  try {
    source = new FileSource(path.join(dir, file.name));
  } catch (error) {
    issues.push({ file: file.name, kind: 'unreadable', offset: 0, message: `cannot open: ${(error as Error).message}` });
    return undefined;
  }
  try {
    const decoded = decodeSegment(source, { verifyData });
    const base = { name: file.name, size: file.size, mtimeMs: file.mtimeMs, decoded };
    const configurations = readConfigurations(source, base);
    for (const issue of decoded.issues) {
      if (!isNormalOpenTail(cls.kind, decoded, issue.kind)) issues.push({ ...issue, file: file.name });
    }
    return cls.kind === 'closed-segment'
      ? { ...base, kind: 'closed', firstIndex: cls.first, lastIndex: cls.last, counter: undefined, configurations }
      : { ...base, kind: 'open', firstIndex: undefined, lastIndex: undefined, counter: cls.counter, configurations };
  } catch (error) {
    issues.push({ file: file.name, kind: 'unreadable', offset: 0, message: `read failed: ${(error as Error).message}` });
    return undefined;
  } finally {
    source.close();
  }
}

/**
 * An open segment is preallocated with zeros: its written batches end where zeros begin, and an
 * unused one is zeros throughout (C removes it). Neither is damage, so neither is an issue.
 */
function isNormalOpenTail(kind: string, decoded: SegmentRecord['decoded'], issueKind: string): boolean {
  if (kind !== 'open-segment' || !decoded.tailIsZero) return false;
  if (issueKind === 'zero-count') return decoded.failure?.kind === 'zero-count';
  return issueKind === 'bad-format-version' && decoded.formatVersion === 0n && decoded.batches.length === 0;
}

function compareSegments(a: SegmentRecord, b: SegmentRecord): number {
  if (a.kind !== b.kind) return a.kind === 'closed' ? -1 : 1;
  const x = a.kind === 'closed' ? a.firstIndex! : a.counter!;
  const y = a.kind === 'closed' ? b.firstIndex! : b.counter!;
  if (x !== y) return x < y ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Indexes one node directory. Throws only when the directory itself cannot be listed. */
export function buildNodeIndex(dir: string, options: BuildNodeIndexOptions = {}): NodeIndex {
  const verifyData = options.verifyData ?? true;
  const issues: ScanIssue[] = [];
  const files = listFiles(dir, issues);
  const segments: SegmentRecord[] = [];
  for (const file of files) {
    const segment = readSegment(dir, file, file.class, verifyData, issues);
    if (segment) segments.push(segment);
  }
  segments.sort(compareSegments);
  const info = readYaml(dir, files, 'info.yaml', parseNodeInfo, issues);
  const cluster = readYaml(dir, files, 'cluster.yaml', parseClusterYaml, issues);
  const node: NodeIndex = {
    name: info?.value?.address || path.basename(dir),
    dir,
    displayPath: options.displayPath ?? dir,
    origin: options.origin ?? { kind: 'directory' },
    files,
    info,
    cluster,
    metadata1: readMetadata(dir, files, 'metadata1', issues),
    metadata2: readMetadata(dir, files, 'metadata2', issues),
    snapshots: readSnapshots(dir, files, issues, { verifyData }),
    segments,
    issues,
    verifiedData: verifyData,
  };
  return deepFreeze(node);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
