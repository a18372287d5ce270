// Turns the user's input paths (node directories, trees holding them, tarballs of either, and
// archives inside those) into NodeIndexes. Archives are unpacked, safely, into private temp dirs
// that the caller removes with `cleanup()`; the inputs themselves are only ever read. Every node
// is found first, so that progress can be reported against the total bytes and files to read.
// The scan fails closed: an input that could not be searched completely (a discovery limit, an
// unreadable directory, an archive without its end marker) is refused unless the caller accepts
// a partial scan, and a node file that cannot be read (a permission, an I/O error, a file that
// shrinks) is refused outright, because every verdict about that node would rest on a guess.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkpoint } from '../core/cancel.js';
import { InputError } from '../core/errors.js';
import type { DiscoverOptions, SkippedPath } from './discover.js';
import { findInputNodes, newFindState, type FoundNode, type InputNotes } from './find-nodes.js';
import { errnoAdvice } from './io-errors.js';
import type { NodeIndex } from './node-index.js';
import { nameFoundNodes } from './product-names.js';
import { readNodes } from './read-nodes.js';

export type { SkippedPath } from './discover.js';
export type { DuplicateMembers, FoundNode, InputNotes, NestedArchive } from './find-nodes.js';

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
  /**
   * Go on when part of an input could not be searched (limits, unreadable directories, an
   * archive without its end marker); what was left out is in `notes.incomplete`. Default: refuse.
   */
  readonly acceptPartialScan?: boolean;
  /** Discovery bounds (default: discover.ts's); tests lower them. */
  readonly discovery?: DiscoverOptions;
  /** Called before each node is read (progress reporting). */
  readonly onNode?: (displayPath: string) => void;
  /** Called after each file of a node is read, with totals over every input. */
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Worker threads for verifying segments: a number (0: none) or 'auto' (the default). */
  readonly workers?: number | 'auto';
  /** sha256 every regular file in the same pass (NodeIndex.digests): a repair pins its inputs so. */
  readonly hash?: boolean;
  /** Aborted by bin/ on SIGINT/SIGTERM/SIGHUP: the scan stops between files, temp dirs are removed. */
  readonly signal?: AbortSignal;
}

export interface ScanResult {
  readonly nodes: readonly NodeIndex[];
  /** Same as notes.skipped. */
  readonly skipped: readonly SkippedPath[];
  /** Everything about the inputs that every command's output must mention. */
  readonly notes: InputNotes;
  cleanup(): void;
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
export function progressCounter(
  files: readonly { readonly size: number }[],
  report: ((p: ScanProgress) => void) | undefined,
  phase?: string,
): (size: number, node: string) => void {
  const state = {
    bytesDone: 0,
    filesDone: 0,
    bytesTotal: files.reduce((n, f) => n + f.size, 0),
    filesTotal: files.length,
  };
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
export function nodeFileProgress(
  sizes: ReadonlyMap<string, number>,
  node: string,
  count: (size: number, node: string) => void,
): { onFile(name: string): void; rest(): void } {
  const left = new Map(sizes);
  const onFile = (name: string): void => {
    const size = left.get(name);
    if (size === undefined) return;
    left.delete(name);
    count(size, node);
  };
  return { onFile, rest: () => [...left.keys()].forEach(onFile) };
}

async function buildAll(found: readonly FoundNode[], options: ScanOptions): Promise<NodeIndex[]> {
  const report = options.onProgress;
  const sizes = report ? found.map((f) => filesOf(f.dir)) : [];
  const count = progressCounter(
    sizes.flatMap((s) => [...s.values()].map((size) => ({ size }))),
    report,
  );
  const progress = report ? found.map((f, i) => nodeFileProgress(sizes[i]!, f.displayPath, count)) : [];
  for (const f of found) options.onNode?.(f.displayPath);
  await checkpoint(options.signal);
  const nodes = await readNodes(
    found.map((f) => ({
      dir: f.dir,
      options: {
        verifyData: options.verifyData,
        logTailOnly: options.logTailOnly,
        hash: options.hash,
        displayPath: f.displayPath,
        origin: f.origin,
        name: f.name,
        product: f.product,
      },
    })),
    { workers: options.workers, signal: options.signal, onFile: (i, name) => progress[i]?.onFile(name) },
  );
  for (const p of progress) p.rest();
  nodes.forEach(refuseUnreadable);
  await checkpoint(options.signal);
  return nodes;
}

/** A node file that could not be read stops the scan: nothing about the node can be trusted. */
export function refuseUnreadable(node: NodeIndex): void {
  const bad = node.issues.filter((i) => i.kind === 'unreadable');
  const first = bad[0];
  if (!first) return;
  const errno = first.data?.['errno'];
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more files of this node)` : '';
  const advice = typeof errno === 'string' ? errnoAdvice({ code: errno }) : '';
  const reason = first.message.replace(/^cannot read: /, '');
  throw new InputError(
    `cannot read ${node.displayPath}/${first.file}: ${reason}${more}${advice}; raft-rescue does not judge a node from part of its files`,
    node.displayPath,
  );
}

function refuseIncomplete(notes: InputNotes): void {
  const first = notes.incomplete[0];
  if (!first) return;
  const more = notes.incomplete.length > 1 ? ` (and ${notes.incomplete.length - 1} more places)` : '';
  throw new InputError(
    `${first.path}: ${first.reason}${more}; nodes there would be missing from every verdict. Pass --accept-partial-scan to go on with the nodes found`,
    first.path,
  );
}

function noNodeMessage(input: string, notes: InputNotes): string {
  const opened = notes.archives.filter((a) => a.opened && a.path.startsWith(input));
  const inside = opened.length
    ? `; searched ${opened.length} archive${opened.length === 1 ? '' : 's'} inside it (${opened
        .slice(0, 3)
        .map((a) => a.path)
        .join(', ')}${opened.length > 3 ? ', …' : ''})`
    : '';
  return `${input} holds no raft node directory (no metadata1/2, segments, snapshots or info.yaml found${inside})`;
}

/** The nodes of the inputs, found (archives unpacked) but not read yet. */
export interface FoundInputs {
  readonly found: readonly FoundNode[];
  readonly notes: InputNotes;
  /** Removes every temp dir made for archives. */
  cleanup(): void;
}

/**
 * Finds the node directories of every input, unpacking archives. Throws InputError for a path
 * that cannot be read or holds no node, and for an input searched only in part (unless
 * options.acceptPartialScan); nothing is left behind then.
 */
export async function findInputs(inputs: readonly string[], options: ScanOptions = {}): Promise<FoundInputs> {
  const directoryInputs = inputs.filter((i) => {
    try {
      return fs.statSync(i).isDirectory();
    } catch {
      return false;
    }
  });
  const state = newFindState(options.discovery, { signal: options.signal, directoryInputs });
  const cleanup = () => {
    for (const c of state.cleanups.splice(0)) c();
  };
  try {
    for (const input of inputs) {
      const before = state.found.length;
      await checkpoint(options.signal);
      await findInputNodes(input, state);
      if (state.found.length === before && !state.notes.incomplete.length)
        throw new InputError(noNodeMessage(input, state.notes), input);
    }
    if (!options.acceptPartialScan) refuseIncomplete(state.notes);
    if (!state.found.length) throw new InputError(noNodeMessage(inputs.join(', '), state.notes), inputs[0]);
    return { found: nameFoundNodes(state.found), notes: state.notes, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Reads found nodes at the depth `options` asks for (refusing a node with a file it cannot read). */
export function readFound(found: readonly FoundNode[], options: ScanOptions = {}): Promise<NodeIndex[]> {
  return buildAll(found, options);
}

/**
 * Scans every input: findInputs, then readFound. Throws InputError for a path that cannot be read
 * or holds no node, for an input searched only in part (unless options.acceptPartialScan), and for
 * a node file that cannot be read.
 */
export async function scanInputs(inputs: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const found = await findInputs(inputs, options);
  try {
    return {
      nodes: await readFound(found.found, options),
      skipped: found.notes.skipped,
      notes: found.notes,
      cleanup: found.cleanup,
    };
  } catch (error) {
    found.cleanup();
    throw error;
  }
}

/** Reads nodes again, more deeply (e.g. every byte where a log-tail scan was not enough). */
export async function rescanNodes(
  nodes: readonly NodeIndex[],
  options: Pick<ScanOptions, 'verifyData' | 'logTailOnly' | 'workers' | 'signal'>,
): Promise<NodeIndex[]> {
  const { workers, signal, ...depth } = options;
  const read = await readNodes(
    nodes.map((n) => ({
      dir: n.dir,
      options: { ...depth, displayPath: n.displayPath, origin: n.origin, name: n.name, product: n.product },
    })),
    { workers, signal },
  );
  read.forEach(refuseUnreadable);
  return read;
}
