// The one registry of temporary paths the tool makes: private temp directories (extracted
// archives) under TMPDIR, and the output side's temp directories and files beside --out and
// --plan-out (registered by repair/). Every name carries the pid of the process that made it
// (`raft-rescue-<pid>-XXXXXX`, `.<name>.raft-rescue-<pid>-XXXXXX`, `.<name>.raft-rescue-<pid>.tmp`),
// so a later run can tell the leftovers of a killed run (its pid is gone) from a run in progress,
// and remove them. Nothing here listens for signals or exits: bin/ catches SIGINT/SIGTERM/SIGHUP,
// the run stops at its next checkpoint and its `finally` blocks remove what it made; bin/'s exit
// hook calls removeAllTempPaths() as the last resort.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeErrno, InputError, isErrnoError } from '../core/errors.js';

const live = new Set<string>();

/** Whether a process with this pid exists (EPERM: it exists, under another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface TempDirOptions {
  /** Parent directory (default os.tmpdir()). Tests pass a sandbox. */
  readonly parent?: string;
  /** Name prefix; the pid and a random suffix follow it (default `raft-rescue-`). */
  readonly prefix?: string;
}

const DEFAULT_PREFIX = 'raft-rescue-';
/** `raft-rescue-<pid>-XXXXXX`: mkdtemp's six random characters. */
const TMPDIR_LEFTOVER = /^raft-rescue-(\d+)-[A-Za-z0-9]{6}$/;
const cleanedParents = new Set<string>();

/** A fresh directory, mode 0700, registered for removal. Stale leftovers in `parent` go first. */
export function createTempDir(options: TempDirOptions = {}): string {
  const parent = options.parent ?? os.tmpdir();
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (prefix === DEFAULT_PREFIX) removeStaleTempDirs(parent);
  // An errno here (a missing, full or read-only TMPDIR) is for the caller to phrase: extractArchive
  // makes it an input error naming the archive and the errno (exit 2).
  const dir = fs.mkdtempSync(path.join(parent, `${prefix}${process.pid}-`));
  // mkdtemp already uses 0700; chmod again so a permissive umask or platform cannot widen it.
  fs.chmodSync(dir, 0o700);
  live.add(dir);
  return dir;
}

/** Registers a path made elsewhere (a temp dir or file beside an output) for removal. */
export function registerTempPath(p: string): void {
  live.add(p);
}

/** Forgets a registered path without removing it (it was renamed into place: published). */
export function releaseTempPath(p: string): void {
  live.delete(p);
}

/** Removes one registered path (idempotent). */
export function removeTempDir(p: string): void {
  if (!live.has(p)) return;
  fs.rmSync(p, { recursive: true, force: true, maxRetries: 2 });
  live.delete(p); // only once gone: a failed removal stays registered for the exit hook
}

/** Removes every registered path; errors are swallowed (this runs on the way out). */
export function removeAllTempPaths(): void {
  for (const p of [...live]) {
    try {
      removeTempDir(p);
    } catch {
      live.delete(p);
    }
  }
}

/** The older name of removeAllTempPaths. */
export const removeAllTempDirs = removeAllTempPaths;

/** Paths still registered (for tests and diagnostics). */
export function liveTempDirs(): string[] {
  return [...live];
}

/**
 * Removes entries of `dir` whose name `pattern` matches (group 1: the pid) and whose process is
 * gone: leftovers of runs killed before they could clean up. Only entries owned by this user.
 * Returns what was removed.
 */
export function removeLeftovers(dir: string, pattern: RegExp): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed; // an unreadable parent: the write that follows reports it
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    const p = path.join(dir, name);
    try {
      if (uid !== undefined && fs.lstatSync(p).uid !== uid) continue;
      fs.rmSync(p, { recursive: true, force: true });
      removed.push(p);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Leftover `raft-rescue-<pid>-XXXXXX` dirs of dead processes under `parent` (once per process). */
export function removeStaleTempDirs(parent: string = os.tmpdir()): string[] {
  if (cleanedParents.has(parent)) return [];
  cleanedParents.add(parent);
  return removeLeftovers(parent, TMPDIR_LEFTOVER);
}
