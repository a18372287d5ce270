// Who a node directory is, in the product that wrote it: LXD and Incus keep a member's identity
// in database/local.db beside the raft directory database/global/, MicroK8s in the backend's
// info.yaml, microcluster (MicroCloud, MicroCeph, MicroOVN, k8sd) in database/info.yaml plus the
// state directory's daemon.yaml and truststore/. Read by scan/product-layout.ts when the nodes are
// found; everything after scan/ works on these values only.

export type ProductKind = 'lxd' | 'incus' | 'microk8s' | 'microcluster';

/** Which microcluster application (from the state directory's path), when it can be told. */
export type MicroclusterApp = 'microcloud' | 'microceph' | 'microovn' | 'k8sd';

export const PRODUCT_WORDS: Readonly<Record<ProductKind, string>> = {
  lxd: 'LXD',
  incus: 'Incus',
  microk8s: 'MicroK8s',
  microcluster: 'microcluster',
};

export const APP_WORDS: Readonly<Record<MicroclusterApp, string>> = {
  microcloud: 'MicroCloud',
  microceph: 'MicroCeph',
  microovn: 'MicroOVN',
  k8sd: 'k8sd (Canonical Kubernetes)',
};

/** A database member as the product lists it (LXD raft_nodes; microcluster cluster.yaml + truststore). */
export interface ProductMember {
  readonly id: bigint;
  readonly address: string;
  /** dqlite's numbering: 0 voter, 1 stand-by, 2 spare; undefined when the product did not record it. */
  readonly role: number | undefined;
  /** The member's name (LXD/Incus raft_nodes.name, microcluster truststore), when known. */
  readonly name: string | undefined;
}

/** A file of the product's state directory that a repair may rewrite, read whole once. */
export interface ProductFile {
  /** Path relative to the state directory, `/`-separated: database/local.db, daemon.yaml, truststore/a.yaml. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly bytes: Uint8Array;
}

/** Something wrong or notable in the product's identity files (RR041 reports these). */
export interface ProductIssue {
  readonly kind: string;
  readonly level: 'error' | 'warning' | 'info';
  /** The file, relative to the state directory. */
  readonly file: string;
  readonly message: string;
}

export type BackupKind = 'global.bak' | 'db_backup' | 'backend.backup';

/** A backup of a member's raft directory, kept by the product (never a member itself). */
export interface ProductBackup {
  readonly kind: BackupKind;
  /** How it is named on disk: `global.bak`, `db_backup.2024-09-03T170440Z.tar.gz`, `backend.backup`. */
  readonly source: string;
  /** The state directory of the member it backs up (absolute, as read), when known. */
  readonly memberStateDir: string | undefined;
  /** The name of the member node it backs up, when that node is among the inputs (set once all are found). */
  readonly of: string | undefined;
}

export interface ProductIdentity {
  readonly kind: ProductKind;
  readonly app: MicroclusterApp | undefined;
  /** Why LXD and Incus could not be told apart, when the kind is a guess. */
  readonly kindGuess: string | undefined;
  /** The product's state directory (LXD /var/snap/lxd/common/lxd, MicroK8s' backend/), as read and as shown. */
  readonly stateDir: string;
  readonly stateDisplay: string;
  /** Where the raft directory lies in the state directory: database/global, database, or `.` (MicroK8s). */
  readonly raftPath: string;
  /** The folder of the machine the state directory came from, when the tree shows one (customer tarballs). */
  readonly machine: string | undefined;
  /** Set when this directory is a backup; its identity fields are then those of the member it backs up. */
  readonly backup: ProductBackup | undefined;
  readonly id: bigint | undefined;
  readonly address: string | undefined;
  readonly name: string | undefined;
  readonly role: number | undefined;
  /** The database members the product lists (LXD/Incus raft_nodes, microcluster cluster.yaml by truststore). */
  readonly members: readonly ProductMember[] | undefined;
  /** LXD/Incus local.db schema version (MAX(version) of its schema table). */
  readonly schemaVersion: number | undefined;
  /** MicroK8s' legacy localnode.yaml, as parsed (its entry should be the node's own info.yaml). */
  readonly localNode: { readonly id: bigint; readonly address: string } | undefined;
  /** Whether the state directory holds an unapplied database/patch.global.sql (or patch.global.sql). */
  readonly pendingPatch: string | undefined;
  readonly files: readonly ProductFile[];
  readonly issues: readonly ProductIssue[];
}

/** "LXD", "microcluster (MicroCloud)". */
export function productWords(p: Pick<ProductIdentity, 'kind' | 'app'>): string {
  return p.kind === 'microcluster' && p.app ? `${PRODUCT_WORDS[p.kind]} (${APP_WORDS[p.app]})` : PRODUCT_WORDS[p.kind];
}

/** Whether the product names its members (the output directory of a repair is then named so). */
export function namesMembers(kind: ProductKind): boolean {
  return kind !== 'microk8s';
}
