// Who a node is, as every command shows it: the product's own identity (LXD/Incus local.db,
// microcluster daemon.yaml, MicroK8s and go-dqlite info.yaml), whether it is a backup and of
// which member. Backups are never members: rank and repair leave them out as candidates, and
// they only donate entries nobody else holds.
import type { NodeIndex } from '../scan/node-index.js';
import type { ProductKind } from '../scan/product.js';

export interface NodeIdentity {
  readonly product: ProductKind | undefined;
  /** The member's raft ID: the product's (LXD raft_nodes row, microcluster info.yaml), else info.yaml's. */
  readonly id: bigint | undefined;
  readonly address: string | undefined;
  /** The member's name where the product has one (LXD, Incus, microcluster). */
  readonly memberName: string | undefined;
  /** For a backup: the name of the member it backs up (or what the backup says it is). */
  readonly backupOf: string | undefined;
}

export function isBackup(node: NodeIndex): boolean {
  return node.product?.backup !== undefined;
}

export function identityOf(node: NodeIndex): NodeIdentity {
  const p = node.product;
  const info = node.info?.value;
  const id = p?.id ?? (info && info.id !== 0n ? info.id : undefined);
  const backup = p?.backup;
  return {
    product: p?.kind,
    id,
    address: p?.address ?? (info?.address || undefined),
    memberName: p?.name,
    backupOf: backup ? (backup.of ?? p?.name ?? p?.address ?? 'an unknown member') : undefined,
  };
}

/** The member's raft ID, for matching it to the target membership (backups have none of their own). */
export function memberId(node: NodeIndex): bigint | undefined {
  return isBackup(node) ? undefined : identityOf(node).id;
}

/** The nodes that are members (not backups), in input order. */
export function memberNodes(nodes: readonly NodeIndex[]): NodeIndex[] {
  return nodes.filter((n) => !isBackup(n));
}
