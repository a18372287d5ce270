// Finds raft node directories under an input directory, at any depth: people hand us
// `/var/snap/microk8s/current/var/kubernetes/backend/`, a whole backup tree, or one node dir.
// A directory is a node directory when it directly holds a file named like raft's or
// go-dqlite's (metadata1/2, segments, snapshots, info.yaml); we do not descend into it.
// Symlinks inside the tree are never followed (they are reported), special files are skipped,
// and depth and directory count are bounded so a hostile or looping tree cannot hang the scan.
// The order is deterministic (names sorted by code unit) so reports are stable.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';

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
  readonly skipped: SkippedPath[];
}

export interface DiscoverOptions {
  /** Levels below the input that are searched (default 12). */
  readonly maxDepth?: number;
  /** Directories read before giving up (default 10000). */
  readonly maxDirs?: number;
}

// TODO: switch to classifyFileName from format/file-names.ts (written concurrently); this local
// pattern only has to recognise that a directory belongs to a node.
const NODE_FILE = /^(?:metadata[12]|info\.yaml|open-\d+|\d+-\d+|snapshot-\d+-\d+-\d+(?:\.meta)?)$/;

export function looksLikeNodeFile(name: string): boolean {
  return NODE_FILE.test(name);
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

function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
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
  readonly result: DiscoverResult;
}

function isNodeDir(entries: fs.Dirent[]): boolean {
  // Any non-directory entry counts: a node dir whose segment is a symlink is still a node dir,
  // and the node reader reports the symlink.
  return entries.some((e) => !e.isDirectory() && looksLikeNodeFile(e.name));
}

function visit(walk: Walk, dir: string, depth: number): void {
  const { result } = walk;
  if (walk.dirsRead >= walk.maxDirs) {
    result.skipped.push({ path: dir, reason: `not searched: limit of ${walk.maxDirs} directories reached` });
    return;
  }
  walk.dirsRead++;
  let entries: fs.Dirent[];
  try {
    entries = readSorted(dir);
  } catch (error) {
    if (depth === 0) throw new InputError(`cannot read input directory ${dir}: ${errnoText(error)}`, dir);
    result.skipped.push({ path: dir, reason: `unreadable directory: ${errnoText(error)}` });
    return;
  }
  if (isNodeDir(entries)) {
    result.nodes.push({ dir, relative: path.relative(walk.root, dir) || '.' });
    return;
  }
  for (const entry of entries) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth + 1 > walk.maxDepth) {
        result.skipped.push({ path: child, reason: `not searched: deeper than ${walk.maxDepth} levels` });
      } else {
        visit(walk, child, depth + 1);
      }
    } else if (!entry.isFile()) {
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
    maxDepth: options.maxDepth ?? 12,
    maxDirs: options.maxDirs ?? 10_000,
    dirsRead: 0,
    result: { nodes: [], skipped: [] },
  };
  visit(walk, root, 0);
  walk.result.nodes.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return walk.result;
}
