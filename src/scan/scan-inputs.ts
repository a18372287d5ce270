// Turns the user's input paths (node directories, trees holding them, tarballs of either) into
// NodeIndexes. Archives are unpacked, safely, into a private temp dir that the caller removes
// with `cleanup()`; the inputs themselves are only ever read.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { buildNodeIndex } from './build-node-index.js';
import { discoverNodes } from './discover.js';
import type { NodeIndex } from './node-index.js';
import { extractArchive, isArchive } from './tarball.js';

export interface ScanOptions {
  readonly verifyData?: boolean;
  /** Called before each node is read (progress reporting). */
  readonly onNode?: (displayPath: string) => void;
}

export interface SkippedPath {
  readonly path: string;
  readonly reason: string;
}

export interface ScanResult {
  readonly nodes: readonly NodeIndex[];
  readonly skipped: readonly SkippedPath[];
  cleanup(): void;
}

function scanTree(root: string, display: (relative: string) => string, origin: (relative: string) => NodeIndex['origin'], options: ScanOptions, out: NodeIndex[], skipped: SkippedPath[]): void {
  const found = discoverNodes(root);
  for (const s of found.skipped) skipped.push({ path: display(path.relative(root, s.path)), reason: s.reason });
  for (const n of found.nodes) {
    const displayPath = display(n.relative);
    options.onNode?.(displayPath);
    out.push(buildNodeIndex(n.dir, { verifyData: options.verifyData, displayPath, origin: origin(n.relative) }));
  }
}

/** Scans every input. Throws InputError for a path that cannot be read or holds no node. */
export async function scanInputs(inputs: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const nodes: NodeIndex[] = [];
  const skipped: SkippedPath[] = [];
  const cleanups: Array<() => void> = [];
  const cleanup = () => {
    for (const c of cleanups.splice(0)) c();
  };
  try {
    for (const input of inputs) {
      const before = nodes.length;
      let st: fs.Stats;
      try {
        st = fs.statSync(input);
      } catch (error) {
        throw new InputError(`cannot read ${input}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`, input);
      }
      if (st.isDirectory()) {
        const abs = path.resolve(input);
        scanTree(abs, (rel) => (rel ? path.join(input, rel) : input), () => ({ kind: 'directory' }), options, nodes, skipped);
      } else if (st.isFile() && isArchive(input)) {
        const archive = await extractArchive(input);
        cleanups.push(archive.cleanup);
        for (const r of archive.refused) skipped.push({ path: `${input}:${r.member}`, reason: r.reason });
        scanTree(archive.root, (rel) => `${input}:${rel || '.'}`, (rel) => ({ kind: 'archive', archive: input, member: rel || '.' }), options, nodes, skipped);
      } else {
        throw new InputError(`${input} is neither a directory nor a .tar/.tar.gz archive`, input);
      }
      if (nodes.length === before) {
        throw new InputError(`${input} holds no raft node directory (no metadata1/2, segments, snapshots or info.yaml found)`, input);
      }
    }
  } catch (error) {
    cleanup();
    throw error;
  }
  return { nodes, skipped, cleanup };
}
