// Reading the few files of a product's state directory that say who a member is (local.db,
// daemon.yaml, truststore/*.yaml, MicroK8s' localnode.yaml): read-only, never through a symlink,
// whole (they are small), with their sha256 (a repair that rewrites one pins it). A file that
// cannot be read (a permission, an I/O error) stops the scan, as a node file does: no identity
// rests on part of the evidence. A file that is missing or not a regular file is an issue.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { FileSource } from './file-source.js';
import { errnoText, readFailure } from './io-errors.js';
import type { ProductFile, ProductIssue } from './product.js';

/** Largest local.db read (LXD's is a few hundred KiB: config, certificates, raft_nodes). */
export const LOCAL_DB_LIMIT = 64 * 1024 * 1024;
/** Largest YAML file read (daemon.yaml, a truststore entry with its certificate). */
export const PRODUCT_YAML_LIMIT = 64 * 1024;
/** truststore entries read at most. */
export const TRUSTSTORE_LIMIT = 1000;

export type Entry = 'file' | 'directory' | 'other' | undefined;

/** What `p` is, without following a symlink (undefined: absent). */
export function entryAt(p: string): Entry {
  try {
    const st = fs.lstatSync(p);
    return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError(`cannot read ${p}: ${errnoText(error)}`, p);
  }
}

/**
 * What `p` is, for recognising a layout inside a node directory: a file the user may not reach
 * counts as absent here, so that reading the node itself refuses it with every file named.
 */
export function probeEntry(p: string): Entry {
  try {
    return entryAt(p);
  } catch {
    return undefined;
  }
}

/** Whether `p` lies in `root` (or is it). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Reads `relative` (a `/`-separated path in the state directory) whole. undefined with an issue
 * when it is missing, not a regular file or larger than `limit`.
 */
export function readProductFile(
  stateDir: string,
  relative: string,
  limit: number,
  issues: ProductIssue[],
): ProductFile | undefined {
  const file = path.join(stateDir, ...relative.split('/'));
  const kind = entryAt(file);
  if (kind === undefined) {
    issues.push({ kind: 'missing', level: 'warning', file: relative, message: `${relative} is missing` });
    return undefined;
  }
  if (kind !== 'file') {
    issues.push({ kind: 'not-a-file', level: 'error', file: relative, message: `${relative} is not a regular file` });
    return undefined;
  }
  let source: FileSource;
  try {
    source = new FileSource(file);
  } catch (error) {
    throw readFailure(file, error);
  }
  try {
    if (source.size > limit) {
      issues.push({
        kind: 'too-large',
        level: 'error',
        file: relative,
        message: `${relative} has ${source.size} bytes (more than ${limit}): not read`,
      });
      return undefined;
    }
    const bytes = Uint8Array.from(source.read(0, source.size));
    return { path: relative, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
  } catch (error) {
    throw readFailure(file, error);
  } finally {
    source.close();
  }
}

/** The names in a directory of the state directory (sorted), or [] when it is not one. */
export function listNames(dir: string): string[] {
  if (entryAt(dir) !== 'directory') return [];
  try {
    return fs.readdirSync(dir).sort();
  } catch (error) {
    throw readFailure(dir, error, 'list');
  }
}
