// Where a repair may write. Never into, over or around an input; a non-empty target only with
// --force, and then the old one is moved aside (renamed), never deleted.
import fs from 'node:fs';
import path from 'node:path';
import { RepairError, UsageError } from '../core/errors.js';
import type { NodeIndex } from '../scan/node-index.js';

export interface OutTarget {
  readonly out: string;
  readonly parent: string;
  readonly format: 'directory' | 'tar.gz';
  /** none: nothing there; empty-dir: an empty directory (replaced); replace: --force, moved aside. */
  readonly existing: 'none' | 'empty-dir' | 'replace';
}

export function isTarballPath(out: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(out);
}

function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

const within = (child: string, parent: string): boolean => child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

/** The input arguments (a tree holding nodes counts as a whole) and every node or archive in them. */
function inputPaths(nodes: readonly NodeIndex[], args: readonly string[]): string[] {
  return [...args.map(real), ...nodes.map((n) => real(n.origin.kind === 'archive' ? n.origin.archive : n.dir))];
}

function existingState(out: string, format: OutTarget['format'], force: boolean): OutTarget['existing'] {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(out);
  } catch {
    return 'none';
  }
  if (format === 'directory' && st.isDirectory() && fs.readdirSync(out).length === 0) return 'empty-dir';
  if (!force) {
    throw new RepairError(`${out} already exists${st.isDirectory() ? ' and is not empty' : ''}; choose another --out, or repeat with --force to move it aside`, 'E_OUT_EXISTS');
  }
  return 'replace';
}

export function checkOutPath(outArg: string, force: boolean, nodes: readonly NodeIndex[], args: readonly string[]): OutTarget {
  const format = isTarballPath(outArg) ? 'tar.gz' : 'directory';
  const parentArg = path.dirname(path.resolve(outArg));
  if (!fs.existsSync(parentArg) || !fs.statSync(parentArg).isDirectory()) {
    throw new UsageError(`--out ${outArg}: the directory that would hold it, ${parentArg}, does not exist`);
  }
  const parent = real(parentArg);
  const out = path.join(parent, path.basename(path.resolve(outArg)));
  for (const input of inputPaths(nodes, args)) {
    if (within(out, input) || within(input, out)) {
      throw new RepairError(`--out ${out} overlaps the input ${input}: a repair never writes into, over or around its inputs`, 'E_OUT_OVERLAP');
    }
  }
  return { out, parent, format, existing: existingState(out, format, force) };
}

/** Renames an existing --out to a free `<out>.replaced-N` name and returns it. */
export function moveAside(out: string): string {
  for (let i = 1; ; i++) {
    const aside = `${out}.replaced-${i}`;
    if (!fs.existsSync(aside)) {
      fs.renameSync(out, aside);
      return aside;
    }
  }
}
