// LXD's and Incus's layout: <state>/database/global/ is the raft directory (db.Node.DqliteDir,
// lxd/db/db.go), <state>/database/local.db the member's identity (scan/local-db.ts),
// <state>/database/global.bak/ a copy of global/ made before a schema update, and
// <state>/db_backup.<time>.tar.gz the backup `lxd cluster edit` and recover-from-quorum-loss make
// (lxd/cluster/recover.go createDatabaseBackup). The state directory is /var/snap/lxd/common/lxd or
// /var/lib/lxd for LXD, /var/lib/incus for Incus; the two also differ in their engine: only
// dqlite (LXD) leaves a dqlite-lock file in global/ (cowsql has no lock).
import path from 'node:path';
import { readLocalDb } from './local-db.js';
import { entryAt, LOCAL_DB_LIMIT, readProductFile } from './product-files.js';
import type { ProductFile, ProductIssue, ProductKind, ProductMember } from './product.js';

export const LOCAL_DB = 'database/local.db';
export const LXD_PATCH = 'database/patch.global.sql';

export interface LxdIdentity {
  readonly kind: ProductKind;
  readonly kindGuess: string | undefined;
  readonly id: bigint | undefined;
  readonly address: string | undefined;
  readonly name: string | undefined;
  readonly role: number | undefined;
  readonly members: readonly ProductMember[] | undefined;
  readonly schemaVersion: number | undefined;
  readonly pendingPatch: string | undefined;
  readonly files: readonly ProductFile[];
  readonly issues: readonly ProductIssue[];
}

/** LXD or Incus, from the state directory's path (its words), else from the engine's lock file. */
export function lxdOrIncus(words: readonly string[], raftDir: string): { kind: ProductKind; guess?: string } {
  if (words.includes('incus')) return { kind: 'incus' };
  if (words.includes('lxd')) return { kind: 'lxd' };
  if (entryAt(path.join(raftDir, 'dqlite-lock')) === 'file') return { kind: 'lxd' };
  return {
    kind: 'lxd',
    guess:
      'the state directory is not named lxd or incus and its raft directory has no dqlite-lock file: read as LXD (Incus lays out the same files)',
  };
}

function self(
  members: readonly ProductMember[] | undefined,
  address: string | undefined,
  issues: ProductIssue[],
): ProductMember | undefined {
  if (!address) {
    issues.push({
      kind: 'not-clustered',
      level: 'warning',
      file: LOCAL_DB,
      message: `${LOCAL_DB} has no cluster.https_address: the member is not clustered (LXD then runs the database in memory as ID 1)`,
    });
    return undefined;
  }
  if (!members?.length) return undefined;
  const row = members.find((m) => m.address === address);
  if (!row) {
    issues.push({
      kind: 'no-raft-role',
      level: 'error',
      file: LOCAL_DB,
      message: `${LOCAL_DB}: cluster.https_address ${address} is not in raft_nodes (${members.map((m) => `${m.id}@${m.address}`).join(', ')}): LXD finds no database role for this member ("This cluster member has no raft role")`,
    });
  }
  return row;
}

/** The member's identity from <stateDir>/database/local.db (and whether a patch is pending). */
export async function readLxdIdentity(
  stateDir: string,
  kind: { kind: ProductKind; guess?: string },
): Promise<LxdIdentity> {
  const issues: ProductIssue[] = [];
  const file = readProductFile(stateDir, LOCAL_DB, LOCAL_DB_LIMIT, issues);
  const pendingPatch = entryAt(path.join(stateDir, 'database', 'patch.global.sql')) === 'file' ? LXD_PATCH : undefined;
  const base = { kind: kind.kind, kindGuess: kind.guess, pendingPatch };
  if (!file) {
    return {
      ...base,
      id: undefined,
      address: undefined,
      name: undefined,
      role: undefined,
      members: undefined,
      schemaVersion: undefined,
      files: [],
      issues,
    };
  }
  const db = await readLocalDb(file.bytes, LOCAL_DB);
  issues.push(...db.issues);
  const unreadable = db.issues.some((i) => i.kind === 'not-sqlite');
  const me = unreadable ? undefined : self(db.raftNodes, db.clusterAddress, issues);
  return {
    ...base,
    id: me?.id,
    address: db.clusterAddress,
    name: me?.name,
    role: me?.role,
    members: db.raftNodes,
    schemaVersion: db.schemaVersion,
    files: [file],
    issues,
  };
}
