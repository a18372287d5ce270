// Where a repair may write: --out, the temp data beside it, --plan-out. Never into, over or
// around an input, compared by device and inode (a bind mount or a second path to the same
// directory is the same directory), never through a symlink in the last component, and a
// non-empty target only with --force (the old one is moved aside, never deleted).
import fs from 'node:fs';
import path from 'node:path';
import { RepairError, UsageError } from '../../core/errors.js';
import type { NodeIndex } from '../../scan/node-index.js';
import { InputSet, statId } from '../../scan/path-identity.js';

export { InputSet };

export type OutFormat = 'directory' | 'tar' | 'tar.gz';

export interface OutTarget {
  readonly out: string;
  readonly parent: string;
  readonly format: OutFormat;
}

/** none: nothing there; empty-dir: an empty directory (replaced); replace: --force, moved aside. */
export type ExistingOut = 'none' | 'empty-dir' | 'replace';

export function outFormat(out: string): OutFormat {
  if (/\.(tar\.gz|tgz)$/i.test(out)) return 'tar.gz';
  return /\.tar$/i.test(out) ? 'tar' : 'directory';
}

export function isTarballPath(out: string): boolean {
  return outFormat(out) !== 'directory';
}

/** The paths a run reads: input arguments, node directories, archives, option files. */
export function inputPathsOf(
  nodes: readonly NodeIndex[],
  args: readonly string[],
  extra: readonly string[] = [],
): string[] {
  const out = [...args, ...extra];
  for (const n of nodes) {
    out.push(n.dir);
    if (n.origin.kind === 'archive') out.push(n.origin.archive);
  }
  return out.map((p) => path.resolve(p));
}

/** The directory that will hold `p`, which must exist; returned with symlinks resolved. */
export function existingParent(p: string, option: string): string {
  const parentArg = path.dirname(path.resolve(p));
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(parentArg);
  } catch {
    st = undefined;
  }
  if (!st?.isDirectory()) {
    throw new UsageError(`${option} ${p}: the directory that would hold it, ${parentArg}, does not exist`);
  }
  return fs.realpathSync(parentArg);
}

/** An output path (`option` names it in messages) that is none of the inputs, nor in or around one. */
export function guardOutputPath(p: string, option: string, inputs: InputSet): { path: string; parent: string } {
  const parent = existingParent(p, option);
  const full = path.join(parent, path.basename(path.resolve(p)));
  const hit = inputs.overlap(full);
  if (hit) {
    const why = 'raft-rescue never writes into, over or around its inputs';
    throw new RepairError(`${option} ${full} overlaps the input ${hit}: ${why}`, 'E_OUT_OVERLAP');
  }
  return { path: full, parent };
}

export function checkOutPath(outArg: string, inputs: InputSet): OutTarget {
  const { path: out, parent } = guardOutputPath(outArg, '--out', inputs);
  return { out, parent, format: outFormat(outArg) };
}

/** What is at --out now; a non-empty target without --force is refused. */
export function existingOut(target: OutTarget, force: boolean): ExistingOut {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(target.out);
  } catch {
    return 'none';
  }
  if (target.format === 'directory' && st.isDirectory() && fs.readdirSync(target.out).length === 0) return 'empty-dir';
  if (!force) {
    const what = st.isSymbolicLink() ? ' (a symbolic link)' : st.isDirectory() ? ' and is not empty' : '';
    const how = 'choose another --out, or repeat with --force to move it aside';
    throw new RepairError(`${target.out} already exists${what}; ${how}`, 'E_OUT_EXISTS');
  }
  return 'replace';
}

/** Renames an existing --out (or the symlink there) to a free `<out>.replaced-N` name and returns it. */
export function moveAside(out: string): string {
  for (let i = 1; ; i++) {
    const aside = `${out}.replaced-${i}`;
    if (!fs.existsSync(aside) && statId(aside, false) === undefined) {
      fs.renameSync(out, aside);
      return aside;
    }
  }
}
