// One segment file read at a chosen depth (every byte, batch headers, or name only), its
// configurations decoded and its issues collected. A pure function of the file, so that worker
// threads can run it (scan/segment-pool.ts) as well as the main thread.
import path from 'node:path';
import { decodeConfiguration } from '../format/configuration.js';
import { EntryType, decodeSegment, decodeSegmentFormatOnly } from '../format/segment.js';
import { FileSource } from './file-source.js';
import { unreadableIssue } from './io-errors.js';
import type { FileRecord, LogConfiguration, ScanIssue, SegmentReadDepth, SegmentRecord } from './node-index.js';

/** Header-only walks read this much at each batch: its preamble and headers, not its payloads. */
const HEADER_READ_AHEAD = 512;

function readConfigurations(source: FileSource, record: Pick<SegmentRecord, 'decoded'>): LogConfiguration[] {
  const out: LogConfiguration[] = [];
  const table = record.decoded.batches;
  for (let position = 0; position < table.entryCount; position++) {
    if (table.type(position) !== EntryType.CHANGE) continue;
    const entry = table.entry(position);
    if (entry.payloadOffset + entry.length <= source.size) {
      const decoded = decodeConfiguration(source.read(entry.payloadOffset, entry.length), entry.payloadOffset);
      out.push({
        position,
        offset: entry.payloadOffset,
        term: entry.term,
        servers: decoded.value,
        issues: decoded.issues,
      });
    }
  }
  return out;
}

function decodeAtDepth(source: FileSource, depth: SegmentReadDepth): SegmentRecord['decoded'] {
  if (depth !== 'name') return decodeSegment(source, { verifyData: depth === 'data' });
  return decodeSegmentFormatOnly(source);
}

/** Reads one segment file at `depth`; undefined (with an issue) when it is not a readable regular file. */
export function readSegmentFile(
  dir: string,
  file: FileRecord,
  depth: SegmentReadDepth,
  issues: ScanIssue[],
  hashed?: { sha256?: string },
): SegmentRecord | undefined {
  const cls = file.class;
  if (cls.kind !== 'closed-segment' && cls.kind !== 'open-segment') return undefined;
  if (file.type !== 'file') {
    issues.push({
      file: file.name,
      kind: 'not-a-regular-file',
      offset: 0,
      message: `${file.name} looks like a segment but is a ${file.type}`,
    });
    return undefined;
  }
  let source: FileSource;
  try {
    // The decoder and the configuration reader use each view at once: one window buffer is enough.
    source = new FileSource(path.join(dir, file.name), {
      readAhead: depth === 'data' ? undefined : HEADER_READ_AHEAD,
      reuseWindow: true,
      hash: hashed !== undefined,
    });
  } catch (error) {
    issues.push(unreadableIssue(file.name, error));
    return undefined;
  }
  try {
    const decoded = decodeAtDepth(source, depth);
    const base = { name: file.name, depth: depth, size: file.size, mtimeMs: file.mtimeMs, decoded };
    const configurations = readConfigurations(source, base);
    for (const issue of decoded.issues) {
      if (!isNormalOpenTail(cls.kind, decoded, issue.kind)) issues.push({ ...issue, file: file.name });
    }
    if (hashed) hashed.sha256 = source.sha256();
    return cls.kind === 'closed-segment'
      ? { ...base, kind: 'closed', firstIndex: cls.first, lastIndex: cls.last, counter: undefined, configurations }
      : { ...base, kind: 'open', firstIndex: undefined, lastIndex: undefined, counter: cls.counter, configurations };
  } catch (error) {
    issues.push(unreadableIssue(file.name, error));
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

/** One segment file to read, and how deeply; with `hash`, its sha256 from the same pass. */
export interface SegmentJob {
  readonly file: FileRecord;
  readonly depth: SegmentReadDepth;
  readonly hash?: boolean;
}

/** What reading one segment file gave: its record (undefined when unreadable), issues, and sha256 when asked. */
export interface SegmentRead {
  readonly record: SegmentRecord | undefined;
  readonly issues: readonly ScanIssue[];
  readonly sha256?: string;
}

/** Reads one segment job on this thread. */
export function readSegmentJob(dir: string, job: SegmentJob): SegmentRead {
  const issues: ScanIssue[] = [];
  const hashed: { sha256?: string } = {};
  const record = readSegmentFile(dir, job.file, job.depth, issues, job.hash ? hashed : undefined);
  return { record, issues, ...hashed };
}
