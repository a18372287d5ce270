// Low-level writing for every file the tool publishes: all bytes or an error (write(2) may write
// fewer bytes than asked, e.g. when the disk fills), temp names beside the target that carry the
// pid (so a later run can remove what a killed run left), and atomic replacement: a temp file,
// fsynced, renamed over the target, the directory fsynced. A failed write leaves the target as it
// was and no temp file behind.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RepairError } from '../../core/errors.js';
import { registerTempPath, releaseTempPath, removeLeftovers, removeTempDir } from '../../scan/temp-dirs.js';

/** Writes every byte of `bytes` at the fd's position; a write that makes no progress is an error. */
export function writeAll(fd: number, bytes: Uint8Array, what: string): void {
  for (let done = 0; done < bytes.length;) {
    let n: number;
    try {
      n = fs.writeSync(fd, bytes, done, bytes.length - done);
    } catch (error) {
      // write(2) errors carry no path: name the file, so the one-line message says what filled up.
      if (error instanceof Error && !(error as NodeJS.ErrnoException).path) Object.assign(error, { path: what });
      throw error;
    }
    if (n <= 0) {
      const why = `the system wrote ${done} of ${bytes.length} bytes and then nothing (disk full?)`;
      throw new RepairError(`writing ${what}: ${why}`, 'E_SHORT_WRITE');
    }
    done += n;
  }
}

/** fsync(2) on a directory, so the names in it are durable. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | (fs.constants.O_DIRECTORY ?? 0));
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

const random = (): string => crypto.randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);

/** `.<name>.raft-rescue-<pid>-XXXXXX[.tmp]` beside `target`: hidden, and marked as ours. */
export function tempNameBeside(target: string, suffix = '.tmp'): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.raft-rescue-${process.pid}-${random()}${suffix}`);
}

/** Temp dirs and files made by tempNameBeside / mkdtemp beside an output; group 1 is the pid. */
const OUTPUT_LEFTOVER = /^\..+\.raft-rescue-(\d+)-[A-Za-z0-9]{6}(?:\.tmp)?$/;

/** Removes the temp data of killed runs (their pid is gone) from the directory of an output. */
export function removeOutputLeftovers(dir: string): string[] {
  return removeLeftovers(dir, OUTPUT_LEFTOVER);
}

/** A fresh, registered temp directory beside `target` (mode 0700 until it is published). */
export function makeTempDirBeside(target: string): string {
  const dir = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.raft-rescue-${process.pid}-`));
  registerTempPath(dir);
  return dir;
}

/** Creates a new file (never through a symlink, never over anything), registered for removal. */
export function createTempFile(file: string, mode: number): number {
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
  const fd = fs.openSync(file, flags, mode);
  registerTempPath(file);
  return fd;
}

/**
 * Writes `bytes` to `target` atomically: a temp file beside it, fsynced, renamed over it, the
 * directory fsynced. A symlink at `target` is replaced, not followed. On any error the temp file
 * is removed and the error rethrown; `target` is untouched.
 */
export function writeFileAtomic(target: string, bytes: Uint8Array, mode: number): void {
  const tmp = tempNameBeside(target);
  try {
    const fd = createTempFile(tmp, mode);
    try {
      writeAll(fd, bytes, target);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
    releaseTempPath(tmp);
    fsyncDir(path.dirname(target));
  } catch (error) {
    removeTempDir(tmp);
    throw error;
  }
}
