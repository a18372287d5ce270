// sha256 of every regular file of every input node: what a repair plan pins its inputs with.
// Applying a plan recomputes these and refuses when anything changed in between (house style
// §10). Files are read read-only through FileSource (no symlink is ever followed).
import { createHash } from 'node:crypto';
import path from 'node:path';
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

/** Digests of the regular files of one node directory (other file types are not read). */
export function digestNode(node: NodeIndex, onFile?: (size: number) => void): Map<string, FileDigest> {
  const out = new Map<string, FileDigest>();
  for (const f of node.files) {
    if (f.type !== 'file') continue;
    const d = sha256File(path.join(node.dir, f.name));
    out.set(f.name, { name: f.name, ...d });
    onFile?.(d.size);
  }
  return out;
}

export function digestNodes(nodes: readonly NodeIndex[], onProgress?: (p: ScanProgress) => void): InputDigests {
  const count = progressCounter(nodes.flatMap((n) => n.files.filter((f) => f.type === 'file')), onProgress, 'hashing');
  return new Map(nodes.map((n) => [n.displayPath, digestNode(n, (size) => count(size, n.displayPath))]));
}
