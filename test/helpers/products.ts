// Case trees laid out the way each product lays out its machines, around real raft data (the
// sample sets, written by a real dqlite cluster): one folder per machine with the product's full
// paths inside, as a support bundle holds them. LXD's and Incus's local.db is written through
// SQLite (sql.js) with the products' real schema (lxd/db/node/schema.go, version 43; older
// versions drop the columns their schema lacked).
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { loadSqlite } from '../../src/core/sqlite-engine.js';
import { scratchDir } from './samples.js';

export interface SetMember {
  readonly dir: string;
  readonly id: bigint;
  readonly address: string;
}

/** The node directories of a set with info.yaml's ID and Address. */
export function membersOf(setDir: string): SetMember[] {
  return fs.readdirSync(setDir).filter((d) => fs.existsSync(path.join(setDir, d, 'info.yaml'))).sort().map((d) => {
    const text = fs.readFileSync(path.join(setDir, d, 'info.yaml'), 'utf8');
    return { dir: path.join(setDir, d), id: BigInt(/ID:\s*(\d+)/.exec(text)![1]!), address: /Address:\s*(\S+)/.exec(text)![1]! };
  });
}

const RAFT = /^(\d{16}-\d{16}|open-\d+|snapshot-\d+-\d+-\d+(\.meta)?|metadata[12])$/;

/** Copies a node's raft files (not its go-dqlite YAML) into `to`. */
export function copyRaftFiles(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const n of fs.readdirSync(from).filter((x) => RAFT.test(x))) fs.copyFileSync(path.join(from, n), path.join(to, n));
}

export interface LocalDbRow {
  readonly id: bigint;
  readonly address: string;
  readonly role?: number;
  readonly name?: string;
}

/** LXD's local.db bytes: the fresh schema of `version` (43: today's), config and raft_nodes filled. */
export async function localDbBytes(o: { clusterAddress?: string; rows: readonly LocalDbRow[]; version?: number }): Promise<Uint8Array> {
  const SQL = await loadSqlite();
  const db = new SQL.Database();
  const version = o.version ?? 43;
  db.run('CREATE TABLE schema (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, version INTEGER NOT NULL, updated_at DATETIME NOT NULL, UNIQUE (version))');
  db.run(`CREATE TABLE certificates (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, fingerprint TEXT NOT NULL, type INTEGER NOT NULL,
    name TEXT NOT NULL, certificate TEXT NOT NULL, UNIQUE (fingerprint))`);
  db.run(version >= 43
    ? 'CREATE TABLE "config" (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (key))'
    : 'CREATE TABLE config (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, key VARCHAR(255) NOT NULL, value TEXT, UNIQUE (key))');
  db.run('CREATE TABLE patches (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR(255) NOT NULL, applied_at DATETIME NOT NULL, UNIQUE (name))');
  const columns = ['id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL', 'address TEXT NOT NULL'];
  if (version >= 39) columns.push('role INTEGER NOT NULL DEFAULT 0');
  if (version >= 42) columns.push('name TEXT NOT NULL default ""');
  db.run(`CREATE TABLE raft_nodes (${columns.join(', ')}, UNIQUE (address))`);
  db.run('INSERT INTO schema (version, updated_at) VALUES (?, strftime("%s"))', [version]);
  db.run("INSERT INTO config (key, value) VALUES ('core.https_address', ?)", [o.clusterAddress ?? '']);
  if (o.clusterAddress !== undefined) db.run("INSERT INTO config (key, value) VALUES ('cluster.https_address', ?)", [o.clusterAddress]);
  for (const r of o.rows) {
    if (version >= 42) db.run('INSERT INTO raft_nodes (id, address, role, name) VALUES (?, ?, ?, ?)', [Number(r.id), r.address, r.role ?? 0, r.name ?? '']);
    else if (version >= 39) db.run('INSERT INTO raft_nodes (id, address, role) VALUES (?, ?, ?)', [Number(r.id), r.address, r.role ?? 0]);
    else db.run('INSERT INTO raft_nodes (id, address) VALUES (?, ?)', [Number(r.id), r.address]);
  }
  const bytes = db.export();
  db.close();
  return bytes;
}

export interface LxdTreeOptions {
  readonly product?: 'lxd' | 'incus';
  /** Member names (default lxd01, lxd02, …). */
  readonly names?: readonly string[];
  /** Machines left out of the tree (by index): a member whose machine is missing. */
  readonly omit?: readonly number[];
  /** Give machine `i` a database/global.bak copy of its global/ (a backup). */
  readonly globalBak?: number;
  /** Give machine `i` a db_backup tarball of its database/ (what lxd cluster edit makes). */
  readonly dbBackup?: number;
  /** local.db schema version (default 43). */
  readonly version?: number;
  /** Extra files in every database/global/ (db.bin, dqlite-lock). */
  readonly globalExtras?: readonly string[];
}

export const STATE_DIRS = { lxd: 'var/snap/lxd/common/lxd', incus: 'var/lib/incus' } as const;

/** An LXD (or Incus) case tree: <root>/<name>/var/snap/lxd/common/lxd/database/{global/, local.db}. */
export async function lxdTree(setDir: string, o: LxdTreeOptions = {}): Promise<{ root: string; members: SetMember[]; names: string[]; stateDir: (i: number) => string }> {
  const root = scratchDir('rr-lxd-tree-');
  const members = membersOf(setDir);
  const names = o.names ?? members.map((_, i) => `lxd0${i + 1}`);
  const rows = members.map((m, i) => ({ id: m.id, address: m.address, role: 0, name: names[i]! }));
  const stateDir = (i: number) => path.join(root, names[i]!, STATE_DIRS[o.product ?? 'lxd']);
  for (const [i, m] of members.entries()) {
    if (o.omit?.includes(i)) continue;
    const database = path.join(stateDir(i), 'database');
    copyRaftFiles(m.dir, path.join(database, 'global'));
    for (const extra of o.globalExtras ?? []) fs.writeFileSync(path.join(database, 'global', extra), extra === 'db.bin' ? 'SQLite format 3\0' : '');
    fs.writeFileSync(path.join(database, 'local.db'), await localDbBytes({ clusterAddress: m.address, rows, version: o.version }));
    if (o.globalBak === i) copyRaftFiles(m.dir, path.join(database, 'global.bak'));
    if (o.dbBackup === i) {
      await tar.c({ gzip: true, cwd: stateDir(i), file: path.join(stateDir(i), 'db_backup.2024-09-03T170440Z.tar.gz'), portable: true }, ['database']);
    }
  }
  return { root, members, names, stateDir };
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUdGVzdA==\n-----END CERTIFICATE-----\n';

/** A MicroK8s case tree: <root>/<machine>/var/snap/microk8s/current/var/kubernetes/backend/. */
export function microk8sTree(setDir: string, o: { omit?: readonly number[]; localnode?: boolean } = {}): { root: string; members: SetMember[]; backend: (i: number) => string } {
  const root = scratchDir('rr-mk8s-tree-');
  const members = membersOf(setDir);
  const backend = (i: number) => path.join(root, `node${i + 1}`, 'var/snap/microk8s/current/var/kubernetes/backend');
  for (const [i, m] of members.entries()) {
    if (o.omit?.includes(i)) continue;
    const dir = backend(i);
    fs.cpSync(m.dir, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'cluster.crt'), PEM);
    fs.writeFileSync(path.join(dir, 'cluster.key'), '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'failure-domain'), '1\n');
    if (o.localnode ?? true) fs.writeFileSync(path.join(dir, 'localnode.yaml'), `- ID: ${m.id}\n  Address: ${m.address}\n  Role: 0\n`);
  }
  return { root, members, backend };
}

/** A microcluster case tree: <root>/<name>/var/snap/<app>/common/state/{daemon.yaml, truststore/, database/}. */
export function microclusterTree(setDir: string, o: { app?: string; omit?: readonly number[]; names?: readonly string[] } = {}): { root: string; members: SetMember[]; names: string[]; stateDir: (i: number) => string } {
  const root = scratchDir('rr-mc-tree-');
  const members = membersOf(setDir);
  const names = o.names ?? members.map((_, i) => `micro0${i + 1}`);
  const stateDir = (i: number) => path.join(root, names[i]!, `var/snap/${o.app ?? 'microcloud'}/common/state`);
  for (const [i, m] of members.entries()) {
    if (o.omit?.includes(i)) continue;
    const state = stateDir(i);
    fs.cpSync(m.dir, path.join(state, 'database'), { recursive: true });
    fs.writeFileSync(path.join(state, 'daemon.yaml'), `name: ${names[i]}\naddress: ${m.address}\nservers: {}\n`);
    fs.mkdirSync(path.join(state, 'truststore'), { recursive: true });
    for (const [k, other] of members.entries()) {
      const cert = PEM.replace(/^/gm, '    ').trimEnd();
      fs.writeFileSync(path.join(state, 'truststore', `${names[k]}.yaml`), `name: ${names[k]}\naddress: ${other.address}\ncertificate: |\n${cert}\n`);
    }
    fs.writeFileSync(path.join(state, 'server.crt'), PEM);
  }
  return { root, members, names, stateDir };
}
