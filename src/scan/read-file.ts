// Small files (metadata, YAML, snapshot .meta) are read whole, through the same read-only
// FileSource as everything else.
import path from 'node:path';
import { FileSource } from './file-source.js';
import { unreadableIssue } from './io-errors.js';
import type { FileDigest } from './digest.js';
import type { FileRecord, ScanIssue } from './node-index.js';

/** Largest file read whole; bigger ones (YAML, metadata) are evidence of damage, not data. */
export const SMALL_FILE_LIMIT = 1024 * 1024;

/** Reads a small regular file whole, or records why it could not; `digests` gets its sha256 when given. */
export function readSmallFile(
  dir: string,
  file: FileRecord,
  issues: ScanIssue[],
  digests?: Map<string, FileDigest>,
): Uint8Array | undefined {
  if (file.type !== 'file') {
    issues.push({
      file: file.name,
      kind: 'not-a-regular-file',
      offset: 0,
      message: `${file.name} is a ${file.type}, not a regular file`,
    });
    return undefined;
  }
  if (file.size > SMALL_FILE_LIMIT) {
    issues.push({
      file: file.name,
      kind: 'file-too-large',
      offset: SMALL_FILE_LIMIT,
      message: `${file.name} has ${file.size} bytes; only the first ${SMALL_FILE_LIMIT} were read`,
      data: { size: file.size },
    });
  }
  try {
    const source = new FileSource(path.join(dir, file.name), { hash: digests !== undefined });
    try {
      const bytes = source.read(0, Math.min(file.size, SMALL_FILE_LIMIT, source.size));
      if (digests) digests.set(file.name, { name: file.name, size: source.size, sha256: source.sha256() });
      return bytes;
    } finally {
      source.close();
    }
  } catch (error) {
    issues.push(unreadableIssue(file.name, error));
    return undefined;
  }
}
