// Finds raft node directories under an input directory, at any depth: people hand us
// `/var/snap/microk8s/current/var/kubernetes/backend/`, a whole backup tree, or one node dir.
// A directory is a node directory when it directly holds a file whose name raft or go-dqlite
// uses (metadata1/2, segments, snapshots, info.yaml: format/file-names.ts classifies names the
// way the C code parses them); we do not descend into it.
// Symlinks inside the tree are never followed (they are reported), special files are skipped,
// a directory reached twice (a bind mount of a parent) is searched once, and depth and
// directory count are bounded so a hostile or looping tree cannot hang the scan. The bounds are
// far above what real trees need (a tarball of a whole /var/snap/lxd with many instances), and
// whatever they or an unreadable directory leave unsearched is returned as `incomplete`: callers
// refuse to go on without the user's consent, since a node left out changes every verdict.
// The order is deterministic (names sorted by code unit) so reports are stable.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { classifyFileName } from '../format/file-names.js';
import { errnoText } from './io-errors.js';

export interface DiscoveredNode {
  /** Absolute path of the node directory. */
  readonly dir: string;
  /** Path relative to the input, `.` when the input itself is the node directory. */
  readonly relative: string;
}

export interface SkippedPath {
  readonly path: string;
  readonly reason: string;
}

export interface DiscoverResult {
  readonly nodes: DiscoveredNode[];
  /** Left out on purpose, nothing of a node lost: symlinks, special files, repeated directories. */
  readonly skipped: SkippedPath[];
  /** Not searched (limits, unreadable directories): nodes there would be missing. */
  readonly incomplete: SkippedPath[];
  /** Regular files named like tar archives, outside node directories (absolute paths). */
  readonly archives: string[];
}

export interface DiscoverOptions {
  /** Levels below the input that are searched (default DEFAULT_MAX_DEPTH). */
  readonly maxDepth?: number;
  /** Directories read before giving up (default DEFAULT_MAX_DIRS). */
  readonly maxDirs?: number;
}

export const DEFAULT_MAX_DEPTH = 40;
export const DEFAULT_MAX_DIRS = 1_000_000;
/** Paths listed in `incomplete`; the rest are counted in the last entry. */
const MAX_LISTED = 100;

const NODE_KINDS = new Set([
  'metadata1',
  'metadata2',
  'closed-segment',
  'open-segment',
  'snapshot-meta',
  'snapshot-data',
  'info-yaml',
]);

/** A name that makes its directory a node directory (cluster.yaml alone does not). */
export function looksLikeNodeFile(name: string): boolean {
  return NODE_KINDS.has(classifyFileName(name).kind);
}

/** Names of archives a bundle holds (node1.tar.gz, case.tgz, a .tar.gz gzipped again). */
export function looksLikeArchiveName(name: string): boolean {
  return /\.(?:tar|tgz)(?:\.gz){0,3}$/i.test(name);
}

function skipReason(entry: fs.Dirent): string {
  if (entry.isSymbolicLink()) return 'symbolic link (not followed)';
  return `${specialKind(entry)} (skipped)`;
}

function specialKind(entry: fs.Dirent): string {
  if (entry.isSocket()) return 'socket';
  if (entry.isFIFO()) return 'fifo';
  if (entry.isBlockDevice()) return 'block device';
  if (entry.isCharacterDevice()) return 'character device';
  return 'special file';
}

function readSorted(dir: string): fs.Dirent[] {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

interface Walk {
  readonly root: string;
  readonly maxDepth: number;
  readonly maxDirs: number;
  dirsRead: number;
  /** Set once the directory limit stopped the walk. */
  stopped: boolean;
  unlisted: number;
  readonly seen: Set<string>;
  readonly result: DiscoverResult;
}

function isNodeDir(entries: fs.Dirent[]): boolean {
  // Any non-directory entry counts: a node dir whose segment is a symlink is still a node dir,
  // and the node reader reports the symlink.
  return entries.some((e) => !e.isDirectory() && looksLikeNodeFile(e.name));
}

function notSearched(walk: Walk, dir: string, reason: string): void {
  if (walk.result.incomplete.length < MAX_LISTED) walk.result.incomplete.push({ path: dir, reason });
  else walk.unlisted++;
}

/** The directory's identity; false when it was searched already (a bind mount of a parent). */
function firstVisit(walk: Walk, dir: string): boolean {
  let id: string;
  try {
    const st = fs.statSync(dir, { bigint: true });
    id = `${st.dev}:${st.ino}`;
  } catch {
    return true; // readdir below reports the problem
  }
  if (walk.seen.has(id)) return false;
  walk.seen.add(id);
  return true;
}

function visit(walk: Walk, dir: string, depth: number): void {
  const { result } = walk;
  if (walk.stopped) return;
  if (walk.dirsRead >= walk.maxDirs) {
    walk.stopped = true;
    notSearched(
      walk,
      dir,
      `not searched: limit of ${walk.maxDirs} directories reached here (this directory and every one after it in name order)`,
    );
    return;
  }
  walk.dirsRead++;
  if (!firstVisit(walk, dir)) {
    result.skipped.push({ path: dir, reason: 'the same directory was searched already (a bind mount?)' });
    return;
  }
  let entries: fs.Dirent[];
  try {
    entries = readSorted(dir);
  } catch (error) {
    if (depth === 0) throw new InputError(`cannot read input directory ${dir}: ${errnoText(error)}`, dir);
    notSearched(walk, dir, `unreadable directory: ${errnoText(error)}`);
    return;
  }
  if (isNodeDir(entries)) {
    result.nodes.push({ dir, relative: path.relative(walk.root, dir) || '.' });
    return;
  }
  for (const entry of entries) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth + 1 > walk.maxDepth) notSearched(walk, child, `not searched: deeper than ${walk.maxDepth} levels`);
      else visit(walk, child, depth + 1);
    } else if (entry.isFile()) {
      if (looksLikeArchiveName(entry.name)) result.archives.push(child);
    } else {
      result.skipped.push({ path: child, reason: skipReason(entry) });
    }
  }
}

/**
 * Node directories under `input`. The input itself may be reached through symlinks (the user
 * named it); nothing below it is. Throws InputError when the input is missing, not a directory
 * or unreadable.
 */
export function discoverNodes(input: string, options: DiscoverOptions = {}): DiscoverResult {
  const root = path.resolve(input);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch (error) {
    throw new InputError(`input not found or not accessible: ${input} (${errnoText(error)})`, input);
  }
  if (!stat.isDirectory()) throw new InputError(`input is not a directory: ${input}`, input);
  const walk: Walk = {
    root,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxDirs: options.maxDirs ?? DEFAULT_MAX_DIRS,
    dirsRead: 0,
    stopped: false,
    unlisted: 0,
    seen: new Set(),
    result: { nodes: [], skipped: [], incomplete: [], archives: [] },
  };
  visit(walk, root, 0);
  if (walk.unlisted > 0)
    walk.result.incomplete.push({ path: root, reason: `and ${walk.unlisted} more places not searched` });
  walk.result.nodes.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return walk.result;
}
