// Finds the node directories of the user's inputs: directories walked by discover.ts, archives
// unpacked by tarball.ts, and archives inside either (a support bundle of per-node tarballs, or
// a folder of attachments). Nested archives are opened only where the tree around them holds no
// node directory of its own — a folder that holds both the extracted nodes and the tarball they
// came from would otherwise show every node twice, and an LXD tree holds instance backups that
// are tarballs too — and are bounded in nesting depth, number and total size. Archives left
// closed are named in the notes, except a product's own backups (db_backup.*.tar.gz in an LXD,
// Incus or microcluster state directory): those are opened as backups of their member, since
// they may hold entries no member has. Every node gets its product record here
// (scan/product-layout.ts). Everything that was not searched (limits, unreadable
// directories, an archive without its end marker) is collected as `incomplete` for the caller.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { discoverNodes, type DiscoverOptions, type SkippedPath } from './discover.js';
import { errnoAdvice, errnoText } from './io-errors.js';
import type { NodeOrigin } from './node-index.js';
import { InputSet } from './path-identity.js';
import { BACKUP_ARCHIVE, readProductLayout, type BackupArchive } from './product-layout.js';
import type { ProductIdentity } from './product.js';
import { DEFAULT_MAX_BYTES, detectArchiveKind, extractArchive, isArchive } from './tarball.js';

/** Archive nesting read through: an input archive holding archives holding archives. */
export const MAX_ARCHIVE_DEPTH = 3;
/** Nested archives opened over all inputs. */
export const MAX_NESTED_ARCHIVES = 1000;

export interface FoundNode {
  readonly dir: string;
  readonly displayPath: string;
  readonly origin: NodeOrigin;
  /** Who the node is in the product that laid it out (undefined: a plain go-dqlite directory). */
  readonly product?: ProductIdentity;
  /** Its unique name, once every node of the inputs was found (scan/product-names.ts). */
  readonly name?: string;
}

export interface DuplicateMembers {
  readonly archive: string;
  readonly member: string;
  readonly copies: number;
}

export interface NestedArchive {
  readonly path: string;
  readonly opened: boolean;
  /** Why it was left closed. */
  readonly reason?: string;
}

/** What the search met besides nodes; each kind is reported in every command's output. */
export interface InputNotes {
  readonly skipped: SkippedPath[];
  readonly incomplete: SkippedPath[];
  readonly duplicates: DuplicateMembers[];
  readonly archives: NestedArchive[];
  readonly warnings: string[];
}

export function emptyNotes(): InputNotes {
  return { skipped: [], incomplete: [], duplicates: [], archives: [], warnings: [] };
}

export interface FindState {
  readonly found: FoundNode[];
  readonly notes: InputNotes;
  readonly cleanups: (() => void)[];
  /** Bytes nested archives may still declare, over all of them. */
  budget: number;
  nestedOpened: number;
  readonly discovery: DiscoverOptions;
  /** Aborted by bin/ on SIGINT/SIGTERM/SIGHUP: unpacking stops and its temp dir is removed. */
  readonly signal: AbortSignal | undefined;
  /** The inputs that are directories: archives are never unpacked inside one. */
  readonly directoryInputs: readonly string[];
}

export function newFindState(
  discovery: DiscoverOptions = {},
  run: { signal?: AbortSignal; directoryInputs?: readonly string[] } = {},
): FindState {
  return {
    found: [],
    notes: emptyNotes(),
    cleanups: [],
    budget: DEFAULT_MAX_BYTES,
    nestedOpened: 0,
    discovery,
    signal: run.signal,
    directoryInputs: run.directoryInputs ?? [],
  };
}

/** Where a tree lives: how to show a path in it, and the origin of nodes found there. */
interface Place {
  /** Shows `relative` (a path inside the tree, '' for its root). */
  readonly display: (relative: string) => string;
  readonly origin: (relative: string) => NodeOrigin;
  /** Archive nesting depth of the tree (0 for a directory input). */
  readonly depth: number;
  /** Set when the tree is a product's backup archive. */
  readonly backupArchive?: BackupArchive;
}

/** An archive to open, and the member it is a backup of (a product's db_backup.*.tar.gz). */
interface ToOpen {
  readonly file: string;
  readonly backup?: BackupArchive;
}

/** Archives LXD and microcluster load at their next start: named, never opened (they replace the database). */
const RECOVERY_ARCHIVE = /^(?:lxd_)?recovery_db\.tar\.gz$/;

/** Which archives of a tree with node directories are opened: the products' backups beside a member. */
function archivesBeside(
  archives: readonly string[],
  products: readonly ProductIdentity[],
  show: (p: string) => string,
  state: FindState,
): ToOpen[] {
  const open: ToOpen[] = [];
  for (const a of archives) {
    const member = products.find((p) => !p.backup && p.kind !== 'microk8s' && p.stateDir === path.dirname(a));
    if (member && BACKUP_ARCHIVE.test(path.basename(a))) {
      open.push({
        file: a,
        backup: { kind: member.kind, app: member.app, memberStateDir: member.stateDir, source: path.basename(a) },
      });
      continue;
    }
    const reason = RECOVERY_ARCHIVE.test(path.basename(a))
      ? 'not opened: a recovery archive the product loads at its next start, replacing the database with its content'
      : 'not opened: the tree around it holds node directories (pass the archive as an input to read it)';
    state.notes.archives.push({ path: show(a), opened: false, reason });
  }
  return open;
}

async function searchTree(root: string, place: Place, state: FindState): Promise<ToOpen[]> {
  const result = discoverNodes(root, state.discovery);
  const show = (p: string) => place.display(path.relative(root, p));
  for (const s of result.skipped) state.notes.skipped.push({ path: show(s.path), reason: s.reason });
  for (const s of result.incomplete) state.notes.incomplete.push({ path: show(s.path), reason: s.reason });
  const products: ProductIdentity[] = [];
  const layout = {
    root,
    display: place.display,
    ...(place.backupArchive ? { backupArchive: place.backupArchive } : {}),
  };
  for (const n of result.nodes) {
    const product = await readProductLayout(n.dir, layout);
    if (product) products.push(product);
    state.found.push({
      dir: n.dir,
      displayPath: place.display(n.relative === '.' ? '' : n.relative),
      origin: place.origin(n.relative),
      ...(product ? { product } : {}),
    });
  }
  if (!result.nodes.length) return result.archives.map((file) => ({ file }));
  return archivesBeside(result.archives, products, show, state);
}

/** Opens the archives found in a tree that held no node directory of its own, and products' backups. */
async function openNested(root: string, archives: readonly ToOpen[], place: Place, state: FindState): Promise<void> {
  for (const { file, backup } of archives) {
    const rel = path.relative(root, file);
    const shown = place.display(rel);
    if (!isArchive(file) || detectArchiveKind(file) === undefined) continue; // named like one, is not
    if (place.depth + 1 > MAX_ARCHIVE_DEPTH || state.nestedOpened >= MAX_NESTED_ARCHIVES) {
      const why =
        place.depth + 1 > MAX_ARCHIVE_DEPTH
          ? `archives nested deeper than ${MAX_ARCHIVE_DEPTH} levels are not opened`
          : `more than ${MAX_NESTED_ARCHIVES} archives inside the inputs`;
      state.notes.archives.push({ path: shown, opened: false, reason: why });
      state.notes.incomplete.push({ path: shown, reason: `archive not opened: ${why}` });
      continue;
    }
    state.nestedOpened++;
    const outer = place.origin(rel);
    const nested: Place = {
      depth: place.depth + 1,
      ...(backup ? { backupArchive: backup } : {}),
      display: (r) => `${shown}:${r || '.'}`,
      // A nested node's origin names the archive on the user's disk (the outermost one), so that
      // checks against the inputs (repair's --out overlap guard) compare real files.
      origin: (r) =>
        outer.kind === 'archive'
          ? { kind: 'archive', archive: outer.archive, member: `${outer.member}:${r || '.'}` }
          : { kind: 'archive', archive: file, member: r || '.' },
    };
    state.notes.archives.push({ path: shown, opened: true });
    await searchArchive(file, shown, nested, state);
  }
}

async function searchArchive(file: string, shown: string, place: Place, state: FindState): Promise<void> {
  // Archives are unpacked under TMPDIR: never into a directory that is itself an input.
  const inside = new InputSet(state.directoryInputs).overlap(path.join(os.tmpdir(), 'raft-rescue-unpack'));
  if (inside) {
    const how = 'set TMPDIR to a directory outside the inputs';
    throw new InputError(
      `TMPDIR ${os.tmpdir()} is inside the input ${inside}, where ${shown} would be unpacked; ${how}`,
      shown,
    );
  }
  const x = await extractArchive(file, { maxBytes: state.budget, signal: state.signal }).catch((error: unknown) => {
    // Messages name the file on disk; for a nested archive that is our temp dir: show its place.
    if (error instanceof InputError && shown !== file)
      throw new InputError(error.message.split(file).join(shown), shown);
    throw error;
  });
  state.cleanups.push(x.cleanup);
  state.budget -= x.bytes;
  const name = (s: string) => (s.startsWith(`${file}: `) ? s.slice(file.length + 2) : s);
  for (const r of x.refused) state.notes.skipped.push({ path: `${shown}:${r.member}`, reason: r.reason });
  for (const d of x.duplicates) state.notes.duplicates.push({ archive: shown, member: d.member, copies: d.copies });
  for (const w of x.warnings) state.notes.warnings.push(`${shown}: ${name(w)}`);
  if (x.incomplete) state.notes.incomplete.push({ path: shown, reason: x.incomplete });
  const archives = await searchTree(x.root, place, state);
  await openNested(x.root, archives, place, state);
}

/** Finds the nodes of one input, unpacking archives (their cleanups go to state.cleanups). */
export async function findInputNodes(input: string, state: FindState): Promise<void> {
  let st: fs.Stats;
  try {
    st = fs.statSync(input);
  } catch (error) {
    throw new InputError(`cannot read ${input}: ${errnoText(error)}${errnoAdvice(error)}`, input);
  }
  if (st.isDirectory()) {
    const root = path.resolve(input);
    const place: Place = {
      depth: 0,
      display: (rel) => (rel ? path.join(input, rel) : input),
      origin: () => ({ kind: 'directory' }),
    };
    const archives = await searchTree(root, place, state);
    await openNested(root, archives, place, state);
    return;
  }
  if (st.isFile() && isArchive(input)) {
    // A product's backup given as an input is read as the backup it is (of the member it names).
    const source = path.basename(input);
    const backupArchive = BACKUP_ARCHIVE.test(source)
      ? { kind: undefined, app: undefined, memberStateDir: undefined, source }
      : undefined;
    const place: Place = {
      depth: 1,
      display: (rel) => `${input}:${rel || '.'}`,
      origin: (rel) => ({ kind: 'archive', archive: input, member: rel || '.' }),
      ...(backupArchive ? { backupArchive } : {}),
    };
    await searchArchive(input, input, place, state);
    return;
  }
  throw new InputError(`${input} is neither a directory nor a .tar/.tar.gz archive`, input);
}
