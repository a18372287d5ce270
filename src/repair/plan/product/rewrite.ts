// The bytes of a product's own files after a repair, made the way the products make them in a
// recovery: pure functions of the input file's bytes and the target, so the plan can state the
// result's sha256 and applying it can make the same bytes again.
//   local.db          LXD/Incus ReplaceRaftNodes (DELETE FROM raft_nodes, then a row per member:
//                     id, address, role, name) and updateLocalAddress (config
//                     cluster.https_address), through SQLite (sql.js, in memory), then read back.
//   daemon.yaml,      microcluster updateDaemonAddress / updateTrustStore: only `address` changes;
//   truststore/*.yaml every other byte (name, servers, the certificate) stays as it was.
//   patch.global.sql  the statements the products write, one line each, Go's %q quoting:
//                     LXD/Incus (lxd/cluster/recover.go writeGlobalNodesPatch)
//                       UPDATE nodes SET address = "<address>" WHERE id = <id>;
//                     microcluster (internal/recover/recover.go writeGlobalMembersPatch)
//                       UPDATE core_cluster_members SET address = "<address>" WHERE name = "<name>";
//   localnode.yaml    MicroK8s' kine peer file, as k8s-dqlite wrote it: a one-item cluster.yaml
//                     holding the node's own entry.
import type { Database, SqlJsStatic, SqlValue } from '../../../core/sql-js-types.js';
import { RepairError } from '../../../core/errors.js';
import { formatClusterYaml, type NodeInfo } from '../../../format/node-yaml.js';
import { isMap, isScalar, parseDocument } from 'yaml';
import type { PlanRaftNode, ProductName } from './types.js';

/** Go's %q for the ASCII strings addresses and names are: backslash and double quote escaped. */
export function goQuote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** patch.global.sql as the product writes it for these members. */
export function patchText(
  product: ProductName,
  members: readonly { id: bigint; address: string; name?: string }[],
): string {
  if (product === 'microcluster') {
    return members
      .map(
        (m) =>
          `UPDATE core_cluster_members SET address = ${goQuote(m.address)} WHERE name = ${goQuote(m.name ?? '')};\n`,
      )
      .join('');
  }
  return members.map((m) => `UPDATE nodes SET address = ${goQuote(m.address)} WHERE id = ${m.id};\n`).join('');
}

/** MicroK8s' localnode.yaml for a member: its own entry, as a one-item list. */
export function localNodeText(member: NodeInfo): string {
  return formatClusterYaml([member]);
}

const BIG = { useBigInt: true } as const;

function readBack(
  SQL: SqlJsStatic,
  bytes: Uint8Array,
): { columns: string[]; rows: SqlValue[][]; address: SqlValue | undefined } {
  const db = new SQL.Database(bytes);
  try {
    const columns = raftColumns(db);
    const rows = db.exec(`SELECT ${columns.join(', ')} FROM raft_nodes ORDER BY id`, [], BIG)[0]?.values ?? [];
    const address = db.exec("SELECT value FROM config WHERE key = 'cluster.https_address'")[0]?.values[0]?.[0];
    return { columns, rows, address };
  } finally {
    db.close();
  }
}

/** The raft_nodes columns LXD writes that this schema has. */
function raftColumns(db: Database): string[] {
  const columns = (db.exec('PRAGMA table_info(raft_nodes)')[0]?.values ?? []).map((r) => String(r[1]));
  return ['id', 'address', 'role', 'name'].filter((c) => columns.includes(c));
}

function rowValues(n: PlanRaftNode): Record<string, SqlValue> {
  return { id: BigInt(n.id), address: n.address, role: BigInt(n.role), name: n.name };
}

/** Whether local.db now says what was written (rows in ID order, the address). */
function checkBack(SQL: SqlJsStatic, bytes: Uint8Array, address: string, nodes: readonly PlanRaftNode[]): void {
  const back = readBack(SQL, bytes);
  const sorted = [...nodes].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  const text = (rows: readonly (readonly SqlValue[])[]) =>
    JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  const want = sorted.map((n) => back.columns.map((c) => rowValues(n)[c]!));
  if (back.address !== address || text(back.rows) !== text(want)) {
    throw new RepairError(
      `local.db was rewritten, but reading it back gives raft_nodes ${text(back.rows)} and address ${String(back.address)}`,
    );
  }
}

/**
 * local.db with raft_nodes replaced by `nodes` and cluster.https_address set to `address`. Only
 * the columns the file's schema has are written (role came with schema 39, name with 42). A WAL
 * file is read as a rollback-journal one (the main file is all a copy holds). The result is read
 * back and compared; any difference is a RepairError.
 */
export function rewriteLocalDb(
  SQL: SqlJsStatic,
  input: Uint8Array,
  address: string,
  nodes: readonly PlanRaftNode[],
): Uint8Array {
  const bytes = input.slice();
  if (bytes.length >= 100 && (bytes[18] === 2 || bytes[19] === 2)) bytes.set([1, 1], 18);
  const db = new SQL.Database(bytes);
  let out: Uint8Array;
  try {
    const columns = raftColumns(db);
    db.run('BEGIN');
    db.run('DELETE FROM raft_nodes');
    for (const n of nodes) {
      const values = rowValues(n);
      db.run(
        `INSERT INTO raft_nodes (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        columns.map((c) => values[c]!),
      );
    }
    db.run("UPDATE config SET value = ? WHERE key = 'cluster.https_address'", [address]);
    if (db.getRowsModified() === 0)
      db.run("INSERT INTO config (key, value) VALUES ('cluster.https_address', ?)", [address]);
    db.run('COMMIT');
    out = db.export();
  } catch (error) {
    throw new RepairError(`local.db could not be rewritten: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  checkBack(SQL, out, address, nodes);
  return out;
}

/** A scalar as yaml.v3 writes an address: plain when it can be, else single-quoted. */
function yamlScalar(s: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(s) ? s : `'${s.replace(/'/g, "''")}'`;
}

/** A YAML file (daemon.yaml, a truststore entry) with its top-level `address` set; every other byte kept. */
export function setYamlAddress(input: Uint8Array, address: string, file: string): Uint8Array {
  const text = Buffer.from(input).toString('utf8');
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: false });
  if (doc.errors.length || !isMap(doc.contents))
    throw new RepairError(`${file} is not a YAML mapping; its address cannot be set`);
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'address');
  const value = pair?.value;
  if (!pair || !isScalar(value) || !value.range) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return Buffer.from(`${text}${sep}address: ${yamlScalar(address)}\n`, 'utf8');
  }
  const [start, end] = value.range;
  return Buffer.from(`${text.slice(0, start)}${yamlScalar(address)}${text.slice(end)}`, 'utf8');
}
