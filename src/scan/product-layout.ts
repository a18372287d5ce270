// Which product laid out a node directory, recognised by content wherever it sits in a tree
// (customer tarballs hold one folder per machine with the product's full paths inside):
//   LXD / Incus   <state>/database/global/ with <state>/database/local.db (scan/product-lxd.ts);
//                 database/global.bak/ beside it is a backup of that member
//   microcluster  <state>/database/ holding go-dqlite's info.yaml, with daemon.yaml or truststore/
//                 beside database/ (scan/product-microcluster.ts)
//   MicroK8s      …/var/kubernetes/backend/, or a directory holding cluster.crt and cluster.key
//                 with failure-domain, localnode.yaml or kine's socket; backend.backup/ beside it
//                 is the backend `microk8s join` set aside
// Plain go-dqlite directories (dqlite-demo's) have no product record. The state directory is never
// looked for above the input (or the archive) the node was found in.
import path from 'node:path';
import { parseClusterYaml } from '../format/node-yaml.js';
import { entryAt, isInside, probeEntry, PRODUCT_YAML_LIMIT, readProductFile } from './product-files.js';
import { lxdOrIncus, readLxdIdentity } from './product-lxd.js';
import { readMicroclusterIdentity } from './product-microcluster.js';
import type { BackupKind, MicroclusterApp, ProductIdentity, ProductIssue, ProductKind } from './product.js';

/** Where a tree of the inputs lives, and what is known about it before its nodes are read. */
export interface LayoutContext {
  /** The tree's root on disk (a directory input, or where an archive was unpacked). */
  readonly root: string;
  /** Shows a path relative to the root as people see it (`case.tar.gz:m1/var/…`). */
  readonly display: (relative: string) => string;
  /** Set for a product backup archive (db_backup.*.tar.gz) found in a member's state directory. */
  readonly backupArchive?: BackupArchive;
}

export interface BackupArchive {
  /** The member's product, when the archive was found in its state directory (else read from the archive). */
  readonly kind: ProductKind | undefined;
  readonly app: MicroclusterApp | undefined;
  /** The state directory of the member it backs up (absolute), when known. */
  readonly memberStateDir: string | undefined;
  /** The archive's file name. */
  readonly source: string;
}

/** db_backup.<time>.tar.gz: the backup LXD (≥ 5.21.3, 6.2) and microcluster make before a recovery. */
export const BACKUP_ARCHIVE = /^db_backup\..+\.tar\.gz$/;

const APPS: readonly MicroclusterApp[] = ['microcloud', 'microceph', 'microovn', 'k8sd'];

/** The words of a shown path (path components and archive names), for telling products apart. */
function words(shown: string): string[] {
  return shown.split(/[/:]/).filter(Boolean);
}

/** The machine folder: the component before `var` (…/m1/var/snap/lxd/…), an archive's name without its extension. */
export function machineOf(shownStateDir: string): string | undefined {
  const parts = words(shownStateDir);
  const at = parts.indexOf('var');
  if (at <= 0) return undefined;
  return parts[at - 1]!.replace(/\.(?:tar|tgz)(?:\.gz)*$/i, '');
}

function appOf(parts: readonly string[]): MicroclusterApp | undefined {
  if (parts.includes('k8s') && parts.includes('k8sd')) return 'k8sd';
  return APPS.find((a) => parts.includes(a));
}

interface Found {
  readonly kind: ProductKind | 'lxd-like';
  readonly stateDir: string;
  readonly raftPath: string;
  readonly backup?: { kind: BackupKind; source: string; memberStateDir: string | undefined };
}

function lxdLike(dir: string, ctx: LayoutContext): Found | undefined {
  const base = path.basename(dir);
  const database = path.dirname(dir);
  if ((base !== 'global' && base !== 'global.bak') || path.basename(database) !== 'database') return undefined;
  const stateDir = path.dirname(database);
  if (!isInside(ctx.root, database)) return undefined;
  const hasDb = entryAt(path.join(database, 'local.db')) !== undefined;
  const named = /(^|[/:])(lxd|incus)([/:]|$)/.test(ctx.display(path.relative(ctx.root, stateDir)));
  if (!hasDb && !named) return undefined;
  const backup =
    base === 'global.bak'
      ? { kind: 'global.bak' as const, source: 'database/global.bak', memberStateDir: stateDir }
      : undefined;
  return { kind: 'lxd-like', stateDir, raftPath: `database/${base}`, ...(backup ? { backup } : {}) };
}

function microcluster(dir: string, ctx: LayoutContext): Found | undefined {
  if (path.basename(dir) !== 'database' || probeEntry(path.join(dir, 'info.yaml')) !== 'file') return undefined;
  const stateDir = path.dirname(dir);
  if (!isInside(ctx.root, stateDir)) return undefined;
  const beside =
    entryAt(path.join(stateDir, 'daemon.yaml')) === 'file' ||
    entryAt(path.join(stateDir, 'truststore')) === 'directory';
  const archive = ctx.backupArchive;
  const fromBackup =
    archive !== undefined && (archive.kind === 'microcluster' || archive.kind === undefined) && stateDir === ctx.root;
  return beside || fromBackup ? { kind: 'microcluster', stateDir, raftPath: 'database' } : undefined;
}

function microk8s(dir: string): Found | undefined {
  const base = path.basename(dir);
  const parent = path.dirname(dir);
  const kubernetes = path.basename(parent) === 'kubernetes' && (base === 'backend' || base === 'backend.backup');
  const has = (n: string) => probeEntry(path.join(dir, n)) !== undefined;
  const marked =
    has('cluster.crt') &&
    has('cluster.key') &&
    (has('failure-domain') || has('localnode.yaml') || has('kine.sock') || has('kine.sock:12379'));
  if (!kubernetes && !marked) return undefined;
  const backup =
    base === 'backend.backup'
      ? { kind: 'backend.backup' as const, source: 'backend.backup', memberStateDir: path.join(parent, 'backend') }
      : undefined;
  return { kind: 'microk8s', stateDir: dir, raftPath: '.', ...(backup ? { backup } : {}) };
}

function microk8sIdentity(dir: string): Pick<ProductIdentity, 'localNode' | 'issues'> {
  const issues: ProductIssue[] = [];
  if (entryAt(path.join(dir, 'localnode.yaml')) === undefined) return { localNode: undefined, issues };
  const file = readProductFile(dir, 'localnode.yaml', PRODUCT_YAML_LIMIT, issues);
  const parsed = file ? parseClusterYaml(Buffer.from(file.bytes).toString('utf8'), 'localnode.yaml') : undefined;
  const first = parsed?.value?.[0];
  if (file && !first)
    issues.push({
      kind: 'localnode',
      level: 'warning',
      file: 'localnode.yaml',
      message: 'localnode.yaml holds no node entry',
    });
  return { localNode: first ? { id: first.id, address: first.address } : undefined, issues };
}

const NO_IDENTITY = {
  id: undefined,
  address: undefined,
  name: undefined,
  role: undefined,
  members: undefined,
  schemaVersion: undefined,
  localNode: undefined,
  pendingPatch: undefined,
  files: [],
  issues: [],
  kindGuess: undefined,
} as const;

async function identityOf(
  found: Found,
  dir: string,
  parts: readonly string[],
  ctx: LayoutContext,
): Promise<Omit<ProductIdentity, 'stateDir' | 'stateDisplay' | 'raftPath' | 'machine' | 'backup'>> {
  if (found.kind === 'lxd-like') {
    const hinted = ctx.backupArchive?.kind;
    const kind = hinted === 'lxd' || hinted === 'incus' ? { kind: hinted } : lxdOrIncus(parts, dir);
    return { ...NO_IDENTITY, app: undefined, localNode: undefined, ...(await readLxdIdentity(found.stateDir, kind)) };
  }
  if (found.kind === 'microcluster') {
    return {
      ...NO_IDENTITY,
      kind: 'microcluster',
      app: ctx.backupArchive?.app ?? appOf(parts),
      ...readMicroclusterIdentity(found.stateDir, dir),
    };
  }
  return { ...NO_IDENTITY, kind: 'microk8s', app: undefined, ...microk8sIdentity(dir) };
}

/** The product record of the node directory `dir`, or undefined for a plain go-dqlite directory. */
export async function readProductLayout(dir: string, ctx: LayoutContext): Promise<ProductIdentity | undefined> {
  const found = lxdLike(dir, ctx) ?? microcluster(dir, ctx) ?? microk8s(dir);
  if (!found) return undefined;
  const stateDisplay = ctx.display(path.relative(ctx.root, found.stateDir));
  const parts = words(stateDisplay);
  const identity = await identityOf(found, dir, parts, ctx);
  const archive = ctx.backupArchive;
  const backup =
    found.backup ??
    (archive
      ? { kind: 'db_backup' as const, source: archive.source, memberStateDir: archive.memberStateDir }
      : undefined);
  return {
    ...identity,
    stateDir: found.stateDir,
    stateDisplay,
    raftPath: found.raftPath,
    machine: machineOf(stateDisplay),
    backup: backup ? { ...backup, of: undefined } : undefined,
  };
}
