// sha256 of every regular file of every input node: what a repair plan pins its inputs with.
// Applying a plan recomputes these and refuses when anything changed in between (house style
// §10). Files are read read-only through FileSource (no symlink is ever followed).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { checkpoint } from '../core/cancel.js';
import { FileSource, CHUNK_SIZE } from './file-source.js';
import type { NodeIndex } from './node-index.js';
import { progressCounter, type ScanProgress } from './scan-inputs.js';

export interface FileDigest {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/** Per node (keyed by NodeIndex.displayPath), per file name. */
export type InputDigests = ReadonlyMap<string, ReadonlyMap<string, FileDigest>>;

/** sha256 (hex) of a whole file, streamed in 1 MiB chunks. */
export function sha256File(file: string): { size: number; sha256: string } {
  const source = new FileSource(file);
  try {
    const hash = createHash('sha256');
    for (let off = 0; off < source.size; off += CHUNK_SIZE) {
      hash.update(source.read(off, Math.min(CHUNK_SIZE, source.size - off)));
    }
    return { size: source.size, sha256: hash.digest('hex') };
  } finally {
    source.close();
  }
}

/** sha256File that stops between chunks when `signal` is aborted (core/cancel.ts). */
export async function sha256FileAsync(file: string, signal?: AbortSignal): Promise<{ size: number; sha256: string }> {
  const source = new FileSource(file);
  try {
    const hash = createHash('sha256');
    for (let off = 0; off < source.size; off += CHUNK_SIZE) {
      await checkpoint(signal);
      hash.update(source.read(off, Math.min(CHUNK_SIZE, source.size - off)));
    }
    return { size: source.size, sha256: hash.digest('hex') };
  } finally {
    source.close();
  }
}

export interface DigestOptions {
  readonly onProgress?: (p: ScanProgress) => void;
  /** Aborted by bin/ on SIGINT/SIGTERM/SIGHUP: hashing stops with Cancelled. */
  readonly signal?: AbortSignal;
}

/** Digests of the regular files of one node directory (other file types are not read). */
export async function digestNode(
  node: NodeIndex,
  onFile?: (size: number) => void,
  signal?: AbortSignal,
): Promise<Map<string, FileDigest>> {
  const out = new Map<string, FileDigest>();
  for (const f of node.files) {
    if (f.type !== 'file') continue;
    const d = await sha256FileAsync(path.join(node.dir, f.name), signal);
    out.set(f.name, { name: f.name, ...d });
    onFile?.(d.size);
  }
  return out;
}

/**
 * A node's digests: the ones its scan computed in the same pass (scanned with `hash`: no byte is
 * read again), else read now.
 */
export async function nodeDigests(
  node: NodeIndex,
  onFile?: (size: number) => void,
  signal?: AbortSignal,
): Promise<ReadonlyMap<string, FileDigest>> {
  return node.digests ?? digestNode(node, onFile, signal);
}

export async function digestNodes(nodes: readonly NodeIndex[], options: DigestOptions = {}): Promise<InputDigests> {
  const files = nodes.filter((n) => !n.digests).flatMap((n) => n.files.filter((f) => f.type === 'file'));
  const count = progressCounter(files, options.onProgress, 'hashing');
  const out = new Map<string, ReadonlyMap<string, FileDigest>>();
  for (const n of nodes)
    out.set(n.displayPath, await nodeDigests(n, (size) => count(size, n.displayPath), options.signal));
  return out;
}
