// LXD's and Incus's node-local database, database/local.db, read with a real SQLite (sql.js, in
// memory: the user's file is only read). What identifies the member (lxd/node/raft.go
// DetermineRaftNode; Incus internal/server/node/raft.go): the config key cluster.https_address is
// its own address, canonicalised as util.CanonicalNetworkAddress does (default port 8443), and
// raft_nodes(id, address, role, name) lists the database members; self is the row at that address.
// Roles use dqlite's numbering (0 voter, 1 stand-by, 2 spare). Old schemas lack columns: role came
// with schema 39 (every row a voter before), name with 42 (lxd/db/node/update.go).
import type { Database, SqlValue } from '../core/sql-js-types.js';
import { loadSqlite } from '../core/sqlite-engine.js';
import type { ProductIssue, ProductMember } from './product.js';

export const LXD_DEFAULT_PORT = 8443;

export interface LocalDbIdentity {
  /** config cluster.https_address, canonical; undefined when unset (not clustered). */
  readonly clusterAddress: string | undefined;
  /** raft_nodes ordered by id (as GetRaftNodes reads them); undefined when unreadable. */
  readonly raftNodes: readonly ProductMember[] | undefined;
  readonly schemaVersion: number | undefined;
  /** Columns raft_nodes has (a repair writes only those). */
  readonly raftColumns: readonly string[];
  readonly issues: readonly ProductIssue[];
}

/** Go's net.SplitHostPort, enough for addresses: [v6]:port or host:port with one colon. */
function splitHostPort(a: string): { host: string; port: string } | undefined {
  const v6 = /^\[([^\]]*)\]:([^:]*)$/.exec(a);
  if (v6) return { host: v6[1]!, port: v6[2]! };
  const colon = a.indexOf(':');
  if (colon < 0 || colon !== a.lastIndexOf(':') || a.startsWith('[')) return undefined;
  return { host: a.slice(0, colon), port: a.slice(colon + 1) };
}

function ipLiteral(host: string): string | undefined {
  if (/^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(host)) return host;
  if (!host.includes(':')) return undefined;
  try {
    return `[${new URL(`http://[${host}]/`).hostname.slice(1, -1)}]`;
  } catch {
    return undefined;
  }
}

/** util.CanonicalNetworkAddress: a bare IP or host gets the default port, a bare IPv6 brackets. */
export function canonicalNetworkAddress(address: string, defaultPort = LXD_DEFAULT_PORT): string {
  const split = splitHostPort(address);
  if (!split) {
    const ip = ipLiteral(address);
    return `${ip ?? address}:${defaultPort}`;
  }
  if (split.port === '' && address.endsWith(':')) {
    const host = split.host.includes(':') ? `[${split.host}]` : split.host;
    return `${host}:${defaultPort}`;
  }
  return address;
}

const BIG = { useBigInt: true } as const;

function rows(db: Database, sql: string): SqlValue[][] {
  return db.exec(sql, [], BIG)[0]?.values ?? [];
}

/** SQLite's file header says WAL (bytes 18 and 19 are 2): read the main file as a rollback-journal one. */
function asRollbackJournal(bytes: Uint8Array, file: string, issues: ProductIssue[]): Uint8Array {
  if (bytes.length < 100 || (bytes[18] !== 2 && bytes[19] !== 2)) return bytes;
  issues.push({
    kind: 'wal-mode',
    level: 'warning',
    file,
    message: `${file} is in WAL mode: changes still in ${file}-wal (not read) are missing from what is shown here`,
  });
  const copy = bytes.slice();
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}

function readSchemaVersion(db: Database, file: string, issues: ProductIssue[]): number | undefined {
  try {
    const v = rows(db, 'SELECT MAX(version) FROM schema')[0]?.[0];
    return typeof v === 'bigint' ? Number(v) : undefined;
  } catch (error) {
    issues.push({
      kind: 'schema',
      level: 'warning',
      file,
      message: `${file}: no schema version (${(error as Error).message})`,
    });
    return undefined;
  }
}

function readClusterAddress(db: Database, file: string, issues: ProductIssue[]): string | undefined {
  try {
    const v = rows(db, "SELECT value FROM config WHERE key = 'cluster.https_address'")[0]?.[0];
    return typeof v === 'string' && v !== '' ? canonicalNetworkAddress(v) : undefined;
  } catch (error) {
    issues.push({
      kind: 'config',
      level: 'error',
      file,
      message: `${file}: its config table cannot be read (${(error as Error).message})`,
    });
    return undefined;
  }
}

function member(
  columns: readonly string[],
  row: readonly SqlValue[],
  file: string,
  issues: ProductIssue[],
): ProductMember | undefined {
  const at = (c: string): SqlValue | undefined => (columns.includes(c) ? row[columns.indexOf(c)] : undefined);
  const [id, address, role, name] = [at('id'), at('address'), at('role'), at('name')];
  if (typeof id !== 'bigint' || id <= 0n || typeof address !== 'string') {
    issues.push({
      kind: 'raft-nodes',
      level: 'error',
      file,
      message: `${file}: raft_nodes row ${JSON.stringify(String(id))} has no usable ID and address`,
    });
    return undefined;
  }
  return {
    id,
    address,
    // Before schema 39 there was no role column: every row was a voter (the column's default).
    role: role === undefined ? 0 : typeof role === 'bigint' ? Number(role) : undefined,
    name: typeof name === 'string' && name !== '' ? name : undefined,
  };
}

function readRaftNodes(
  db: Database,
  file: string,
  issues: ProductIssue[],
): { members?: ProductMember[]; columns: string[] } {
  try {
    const columns = rows(db, 'PRAGMA table_info(raft_nodes)').map((r) => String(r[1]));
    if (!columns.includes('id') || !columns.includes('address')) {
      issues.push({
        kind: 'raft-nodes',
        level: 'error',
        file,
        message: `${file} has no raft_nodes table with id and address`,
      });
      return { columns };
    }
    const wanted = ['id', 'address', 'role', 'name'].filter((c) => columns.includes(c));
    const members = rows(db, `SELECT ${wanted.join(', ')} FROM raft_nodes ORDER BY id`)
      .map((r) => member(wanted, r, file, issues))
      .filter((m): m is ProductMember => m !== undefined);
    return { members, columns };
  } catch (error) {
    issues.push({
      kind: 'raft-nodes',
      level: 'error',
      file,
      message: `${file}: raft_nodes cannot be read (${(error as Error).message})`,
    });
    return { columns: [] };
  }
}

/** Reads the member's identity from local.db's bytes (`file` names it in issues). */
export async function readLocalDb(bytes: Uint8Array, file: string): Promise<LocalDbIdentity> {
  const issues: ProductIssue[] = [];
  const SQL = await loadSqlite();
  let db: Database;
  try {
    db = new SQL.Database(asRollbackJournal(bytes, file, issues));
    rows(db, 'SELECT count(*) FROM sqlite_schema');
  } catch (error) {
    issues.push({
      kind: 'not-sqlite',
      level: 'error',
      file,
      message: `${file} is not a SQLite database SQLite can open (${(error as Error).message})`,
    });
    return { clusterAddress: undefined, raftNodes: undefined, schemaVersion: undefined, raftColumns: [], issues };
  }
  try {
    const schemaVersion = readSchemaVersion(db, file, issues);
    const clusterAddress = readClusterAddress(db, file, issues);
    const raft = readRaftNodes(db, file, issues);
    return { clusterAddress, raftNodes: raft.members, schemaVersion, raftColumns: raft.columns, issues };
  } finally {
    db.close();
  }
}
