// Turns the user's input paths (node directories, trees holding them, tarballs of either) into
// NodeIndexes. Archives are unpacked, safely, into a private temp dir that the caller removes
// with `cleanup()`; the inputs themselves are only ever read. Every node is found first, so that
// progress can be reported against the total bytes and files to read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkpoint } from '../core/cancel.js';
import { InputError } from '../core/errors.js';
import { discoverNodes } from './discover.js';
import { readNodes } from './read-nodes.js';
import type { NodeIndex } from './node-index.js';
import { InputSet } from './path-identity.js';
import { extractArchive, isArchive } from './tarball.js';

export interface ScanProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly filesDone: number;
  readonly filesTotal: number;
  /** The node being read. */
  readonly node: string;
  /** What is being done, when it is not reading for a scan ("writing", "hashing", …). */
  readonly phase?: string;
}

export interface ScanOptions {
  readonly verifyData?: boolean;
  /** See BuildNodeIndexOptions.logTailOnly. */
  readonly logTailOnly?: boolean;
  /** Called before each node is read (progress reporting). */
  readonly onNode?: (displayPath: string) => void;
  /** Called after each file of a node is read, with totals over every input. */
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Worker threads for verifying segments: a number (0: none) or 'auto' (the default). */
  readonly workers?: number | 'auto';
  /** Aborted by bin/ on SIGINT/SIGTERM/SIGHUP: the scan stops between files, temp dirs are removed. */
  readonly signal?: AbortSignal;
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

interface Found {
  readonly dir: string;
  readonly displayPath: string;
  readonly origin: NodeIndex['origin'];
}

function discoverTree(root: string, display: (relative: string) => string, origin: (relative: string) => NodeIndex['origin'], found: Found[], skipped: SkippedPath[]): void {
  const result = discoverNodes(root);
  for (const s of result.skipped) skipped.push({ path: display(path.relative(root, s.path)), reason: s.reason });
  for (const n of result.nodes) found.push({ dir: n.dir, displayPath: display(n.relative), origin: origin(n.relative) });
}

/** Finds the nodes of one input (extracting an archive); returns the archive's cleanup. */
async function discoverInput(
  input: string,
  found: Found[],
  skipped: SkippedPath[],
  directoryInputs: readonly string[],
  signal?: AbortSignal,
): Promise<(() => void) | undefined> {
  let st: fs.Stats;
  try {
    st = fs.statSync(input);
  } catch (error) {
    throw new InputError(`cannot read ${input}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`, input);
  }
  if (st.isDirectory()) {
    discoverTree(path.resolve(input), (rel) => (rel ? path.join(input, rel) : input), () => ({ kind: 'directory' }), found, skipped);
    return undefined;
  }
  if (st.isFile() && isArchive(input)) {
    // Archives are unpacked under TMPDIR: never into a directory that is itself an input.
    const inside = new InputSet(directoryInputs).overlap(path.join(os.tmpdir(), 'raft-rescue-unpack'));
    if (inside) {
      const how = 'set TMPDIR to a directory outside the inputs';
      throw new InputError(`TMPDIR ${os.tmpdir()} is inside the input ${inside}, where ${input} would be unpacked; ${how}`, input);
    }
    const archive = await extractArchive(input, { signal });
    for (const r of archive.refused) skipped.push({ path: `${input}:${r.member}`, reason: r.reason });
    // e.g. no end-of-archive marker: members after the cut are missing, and nothing else says so.
    for (const w of archive.warnings) skipped.push({ path: input, reason: w.startsWith(`${input}: `) ? w.slice(input.length + 2) : w });
    try {
      discoverTree(archive.root, (rel) => `${input}:${rel || '.'}`, (rel) => ({ kind: 'archive', archive: input, member: rel || '.' }), found, skipped);
    } catch (error) {
      archive.cleanup();
      throw error;
    }
    return archive.cleanup;
  }
  throw new InputError(`${input} is neither a directory nor a .tar/.tar.gz archive`, input);
}

/** Regular files of a node directory and their sizes (what reading it will cost). */
function filesOf(dir: string): Map<string, number> {
  const sizes = new Map<string, number>();
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isFile()) sizes.set(e.name, fs.lstatSync(path.join(dir, e.name)).size);
    }
  } catch {
    // unreadable now: buildNodeIndex reports it
  }
  return sizes;
}

/** Counts bytes and files done against totals, for a progress bar; `phase` says what is done. */
export function progressCounter(files: readonly { readonly size: number }[], report: ((p: ScanProgress) => void) | undefined, phase?: string): (size: number, node: string) => void {
  const state = { bytesDone: 0, filesDone: 0, bytesTotal: files.reduce((n, f) => n + f.size, 0), filesTotal: files.length };
  return (size, node) => {
    state.bytesDone += size;
    state.filesDone++;
    report?.(phase === undefined ? { ...state, node } : { ...state, node, phase });
  };
}

/**
 * Progress by file name for one node read by buildNodeIndex, which reports only some files one
 * by one: each named file counts once, and `rest` counts the files it did not name.
 */
export function nodeFileProgress(sizes: ReadonlyMap<string, number>, node: string, count: (size: number, node: string) => void): { onFile(name: string): void; rest(): void } {
  const left = new Map(sizes);
  const onFile = (name: string): void => {
    const size = left.get(name);
    if (size === undefined) return;
    left.delete(name);
    count(size, node);
  };
  return { onFile, rest: () => [...left.keys()].forEach(onFile) };
}

async function buildAll(found: readonly Found[], options: ScanOptions): Promise<NodeIndex[]> {
  const report = options.onProgress;
  const sizes = report ? found.map((f) => filesOf(f.dir)) : [];
  const count = progressCounter(sizes.flatMap((s) => [...s.values()].map((size) => ({ size }))), report);
  const progress = report ? found.map((f, i) => nodeFileProgress(sizes[i]!, f.displayPath, count)) : [];
  for (const f of found) options.onNode?.(f.displayPath);
  await checkpoint(options.signal);
  const nodes = await readNodes(found.map((f) => ({
    dir: f.dir, options: { verifyData: options.verifyData, logTailOnly: options.logTailOnly, displayPath: f.displayPath, origin: f.origin },
  })), { workers: options.workers, signal: options.signal, onFile: (i, name) => progress[i]?.onFile(name) });
  for (const p of progress) p.rest();
  await checkpoint(options.signal);
  return nodes;
}

/** Scans every input. Throws InputError for a path that cannot be read or holds no node. */
export async function scanInputs(inputs: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const found: Found[] = [];
  const skipped: SkippedPath[] = [];
  const cleanups: Array<() => void> = [];
  const cleanup = () => {
    for (const c of cleanups.splice(0)) c();
  };
  const directoryInputs = inputs.filter((i) => {
    try {
      return fs.statSync(i).isDirectory();
    } catch {
      return false;
    }
  });
  try {
    for (const input of inputs) {
      const before = found.length;
      await checkpoint(options.signal);
      const done = await discoverInput(input, found, skipped, directoryInputs, options.signal);
      if (done) cleanups.push(done);
      if (found.length === before) {
        throw new InputError(`${input} holds no raft node directory (no metadata1/2, segments, snapshots or info.yaml found)`, input);
      }
    }
    return { nodes: await buildAll(found, options), skipped, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Reads nodes again, more deeply (e.g. every byte where a log-tail scan was not enough). */
export function rescanNodes(nodes: readonly NodeIndex[], options: Pick<ScanOptions, 'verifyData' | 'logTailOnly' | 'workers'>): Promise<NodeIndex[]> {
  const { workers, ...depth } = options;
  return readNodes(nodes.map((n) => ({ dir: n.dir, options: { ...depth, displayPath: n.displayPath, origin: n.origin } })), { workers });
}
