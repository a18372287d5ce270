// One repair at a time per --out: `<out>.raft-rescue.lock`, created with O_EXCL beside the target
// and holding the writer's pid. A second run refuses while that process lives; a lock whose pid is
// gone (the run was killed with SIGKILL, or the machine stopped) is stale and taken over. Taking
// a stale lock renames it to a name of our own first, so that two runs that both find it stale
// cannot both go on: only one rename succeeds.
import fs from 'node:fs';
import { RepairError } from '../../core/errors.js';
import { processAlive, registerTempPath, removeTempDir } from '../../scan/temp-dirs.js';
import { createTempFile, writeAll } from './out-files.js';

export interface OutLock {
  readonly path: string;
  release(): void;
}

export const lockPathFor = (out: string): string => `${out}.raft-rescue.lock`;

/** A lock file that is being written right now is empty for a moment; older than this it is junk. */
const EMPTY_LOCK_GRACE_MS = 10_000;

interface Holder {
  readonly pid: number | undefined;
  readonly ageMs: number;
  readonly regular: boolean;
}

function holderOf(lock: string): Holder | undefined {
  try {
    const st = fs.lstatSync(lock);
    if (!st.isFile()) return { pid: undefined, ageMs: 0, regular: false };
    const flag = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);
    const text = fs.readFileSync(lock, { encoding: 'utf8', flag }).slice(0, 32);
    const pid = /^\d+\n?$/.test(text) ? Number(text.trim()) : undefined;
    return { pid, ageMs: Date.now() - st.mtimeMs, regular: true };
  } catch {
    return undefined; // gone meanwhile
  }
}

function tryCreate(lock: string): boolean {
  let fd: number;
  try {
    fd = createTempFile(lock, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeAll(fd, Buffer.from(`${process.pid}\n`), lock);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** Moves a stale lock out of the way; false when it turned out to be live after all. */
function takeOverStale(lock: string, stalePid: number | undefined): boolean {
  const claimed = `${lock}.${process.pid}.stale`;
  try {
    fs.renameSync(lock, claimed);
  } catch {
    return true; // someone else moved it: try creating again
  }
  registerTempPath(claimed);
  const now = holderOf(claimed);
  if (now && now.pid !== stalePid && now.pid !== undefined && processAlive(now.pid)) {
    // We took a lock another run had just created over the stale one: give it back.
    try {
      fs.linkSync(claimed, lock);
    } catch {
      // a third run holds the name now; it holds the lock
    }
    removeTempDir(claimed);
    return false;
  }
  removeTempDir(claimed);
  return true;
}

function lockedError(out: string, lock: string, pid: number | undefined): RepairError {
  const who = pid === undefined ? 'another raft-rescue' : `another raft-rescue (pid ${pid})`;
  const what = `${lock} exists; wait for it to finish, or remove the lock if no such run is alive`;
  return new RepairError(`${out} is being written by ${who}: ${what}`, 'E_OUT_LOCKED');
}

/** Takes the lock for `out` or throws RepairError naming the holder's pid. */
export function lockOutput(out: string): OutLock {
  const lock = lockPathFor(out);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(lock)) return { path: lock, release: () => removeTempDir(lock) };
    const holder = holderOf(lock);
    if (!holder) continue;
    if (!holder.regular) {
      throw new RepairError(`${lock} exists and is not a lock file; remove it or choose another --out`, 'E_OUT_LOCKED');
    }
    const stale = holder.pid === undefined ? holder.ageMs > EMPTY_LOCK_GRACE_MS : !processAlive(holder.pid);
    if (!stale || !takeOverStale(lock, holder.pid)) throw lockedError(out, lock, holder.pid);
  }
  throw lockedError(out, lock, holderOf(lock)?.pid);
}
