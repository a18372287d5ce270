// Where a repair puts each file in a member's output directory, which mirrors that member's
// product state directory so that it can be copied over the original:
//   LXD, Incus    <name>/database/global/ (raft files), <name>/database/local.db,
//                 <name>/database/patch.global.sql          (state: /var/snap/lxd/common/lxd)
//   microcluster  <name>/database/ (raft files, info.yaml, cluster.yaml), <name>/daemon.yaml,
//                 <name>/truststore/<member>.yaml, <name>/patch.global.sql
//   MicroK8s      <address>/ = the backend directory (raft files, info.yaml, cluster.yaml,
//                 localnode.yaml, cluster.crt, cluster.key, failure-domain)
//   go-dqlite     <address>/ = the node directory
// Directories are made private (0700: local.db, keys and the database itself are secrets); the
// products own them as root.
import type { ProductName } from './types.js';

/** The raft directory inside a member's output directory ('' for MicroK8s and go-dqlite). */
export function raftDirOf(product: ProductName | undefined): string {
  return product === 'lxd' || product === 'incus' ? 'database/global' : product === 'microcluster' ? 'database' : '';
}

/** Subdirectories a plan may put files in, per product (validated: nothing else is ever written). */
export function allowedDirs(product: ProductName | undefined): readonly string[] {
  if (product === 'lxd' || product === 'incus') return ['database/global', 'database'];
  if (product === 'microcluster') return ['database', 'truststore', ''];
  return [''];
}

/** Mode of the directories a repair makes (the products' own are 0700 to 0750, root-owned). */
export const DIR_MODE = 0o700;

/** The subdirectories to make for these file directories, parents first. */
export function dirsToMake(dirs: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const d of dirs) {
    const parts = d.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('/'));
  }
  return [...all].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
}
