// The last steps of a repair: pack the written set into a tarball (when --out names one) and put
// the new output in place. The old --out (with --force) is moved aside only now, when the new
// output is complete; if putting the new one in place fails, the old one is moved back.
import fs from 'node:fs';
import path from 'node:path';
import { checkpoint } from '../../core/cancel.js';
import { describeErrno, isErrnoError, RepairError } from '../../core/errors.js';
import { toJson } from '../../core/u64.js';
import { releaseTempPath, removeTempDir } from '../../scan/temp-dirs.js';
import { createTempFile, fsyncDir, tempNameBeside, writeAll } from './out-files.js';
import { moveAside, type ExistingOut, type OutFormat, type OutTarget } from './out-path.js';
import type { RepairPlan } from '../plan/types.js';

const describe = (error: unknown): string => (isErrnoError(error) ? describeErrno(error) : String(error));

export const MANIFEST_NAME = 'raft-rescue-manifest.json';

/** Files of the output are private to their owner (they may hold TLS keys): so is a tarball of them. */
const TARBALL_MODE = 0o600;

export interface ManifestFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export function writeManifest(root: string, plan: RepairPlan, format: OutFormat, files: readonly ManifestFile[]): void {
  const body = Buffer.from(`${toJson({ manifestVersion: 1, tool: plan.tool, format, files, plan })}\n`, 'utf8');
  const file = path.join(root, MANIFEST_NAME);
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
  const fd = fs.openSync(file, flags, 0o600);
  try {
    writeAll(fd, body, file);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(root);
}

/** Packs `root` into a temp tarball beside --out (every byte checked, fsynced); returns its path. */
export async function packTarball(root: string, target: OutTarget, signal?: AbortSignal): Promise<string> {
  const tmp = tempNameBeside(target.out);
  const fd = createTempFile(tmp, TARBALL_MODE);
  try {
    const entries = fs.readdirSync(root).sort();
    const tar = await import('tar'); // here, not at the top: loading tar costs every start ~20 ms
    const pack = tar.c({ gzip: target.format === 'tar.gz', cwd: root, portable: true }, entries);
    let failure: unknown;
    pack.on('error', (error: unknown) => (failure ??= error));
    try {
      for await (const chunk of pack as AsyncIterable<Uint8Array>) {
        writeAll(fd, chunk, tmp);
        await checkpoint(signal);
      }
    } finally {
      (pack as unknown as { destroy?: () => void }).destroy?.();
    }
    if (failure) throw failure;
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    removeTempDir(tmp);
    throw error;
  }
  fs.closeSync(fd);
  return tmp;
}

/**
 * Puts the staged output (a directory or a tarball, beside --out) in place: an empty directory
 * there is removed, an old output (--force) is moved aside, and put back if the rename fails. A
 * new tarball is linked into place (link(2) never replaces an existing name), a directory renamed.
 */
export function swapIn(staged: string, target: OutTarget, existing: ExistingOut): string | null {
  let aside: string | null = null;
  if (existing === 'replace') aside = moveAside(target.out);
  else if (existing === 'empty-dir') fs.rmdirSync(target.out);
  try {
    if (target.format !== 'directory' && existing === 'none') {
      fs.linkSync(staged, target.out);
      removeTempDir(staged);
    } else {
      fs.renameSync(staged, target.out);
      releaseTempPath(staged);
    }
  } catch (error) {
    if (aside) {
      try {
        fs.renameSync(aside, target.out);
      } catch {
        throw new RepairError(`${describe(error)}; the old output stays at ${aside}`, 'E_OUTPUT_IO');
      }
    }
    throw error;
  }
  fsyncDir(target.parent);
  return aside;
}
