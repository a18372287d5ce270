// microcluster's layout (canonical/microcluster internal/sys/os.go): the state directory holds
// daemon.yaml (the member's name and address, internal/config/daemon.go), truststore/<name>.yaml
// (one per member: name, address, certificate; internal/trust/remotes.go) and database/, go-dqlite's
// app directory (raft files, info.yaml with the member's dqlite ID, cluster.yaml). The dqlite
// address is the member's API address, so info.yaml's Address, daemon.yaml's address and the
// truststore entry should agree; the truststore and cluster.yaml are joined by address
// (internal/recover/recover.go GetDqliteClusterMembers, which drops a cluster.yaml entry that has no
// truststore entry at its address).
import path from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { parseClusterYaml, parseNodeInfo, type NodeInfo } from '../format/node-yaml.js';
import { entryAt, listNames, PRODUCT_YAML_LIMIT, readProductFile, TRUSTSTORE_LIMIT } from './product-files.js';
import type { ProductFile, ProductIssue, ProductMember } from './product.js';

export const DAEMON_YAML = 'daemon.yaml';
export const MICROCLUSTER_PATCH = 'patch.global.sql';

export interface MicroclusterIdentity {
  readonly id: bigint | undefined;
  readonly address: string | undefined;
  readonly name: string | undefined;
  readonly role: number | undefined;
  readonly members: readonly ProductMember[] | undefined;
  readonly pendingPatch: string | undefined;
  readonly files: readonly ProductFile[];
  readonly issues: readonly ProductIssue[];
}

/** A top-level mapping's string values (failsafe schema: every scalar as written). */
export function yamlStrings(file: ProductFile, issues: ProductIssue[]): Map<string, string> | undefined {
  const doc = parseDocument(Buffer.from(file.bytes).toString('utf8'), {
    schema: 'failsafe',
    uniqueKeys: false,
    prettyErrors: false,
  });
  const bad = doc.errors[0];
  if (bad || !isMap(doc.contents)) {
    issues.push({
      kind: 'yaml',
      level: 'error',
      file: file.path,
      message: `${file.path}: ${bad ? `YAML syntax error: ${bad.message}` : 'not a mapping'}`,
    });
    return undefined;
  }
  const out = new Map<string, string>();
  for (const pair of doc.contents.items) {
    if (isScalar(pair.key) && isScalar(pair.value)) out.set(String(pair.key.value), String(pair.value.value));
  }
  return out;
}

function truststore(stateDir: string, files: ProductFile[], issues: ProductIssue[]): Map<string, string> {
  const byName = new Map<string, string>();
  const names = listNames(path.join(stateDir, 'truststore')).filter((n) => n.endsWith('.yaml'));
  if (names.length > TRUSTSTORE_LIMIT) {
    issues.push({
      kind: 'truststore',
      level: 'error',
      file: 'truststore',
      message: `truststore holds ${names.length} entries; only the first ${TRUSTSTORE_LIMIT} were read`,
    });
  }
  for (const n of names.slice(0, TRUSTSTORE_LIMIT)) {
    const file = readProductFile(stateDir, `truststore/${n}`, PRODUCT_YAML_LIMIT, issues);
    const values = file && yamlStrings(file, issues);
    if (!file || !values) continue;
    files.push(file);
    const [name, address] = [values.get('name'), values.get('address')];
    if (!name || !address) {
      issues.push({
        kind: 'truststore',
        level: 'error',
        file: file.path,
        message: `${file.path} has no name or address`,
      });
      continue;
    }
    if (`${name}.yaml` !== n) {
      issues.push({
        kind: 'truststore',
        level: 'warning',
        file: file.path,
        message: `${file.path} holds member ${name}: microcluster names the file ${name}.yaml`,
      });
    }
    byName.set(name, address);
  }
  return byName;
}

function nodeYaml(dir: string, name: string): { info?: NodeInfo; cluster?: NodeInfo[] } {
  const issues: ProductIssue[] = [];
  const file = readProductFile(dir, name, PRODUCT_YAML_LIMIT, issues);
  if (!file) return {};
  const text = Buffer.from(file.bytes).toString('utf8');
  return name === 'info.yaml' ? { info: parseNodeInfo(text).value } : { cluster: parseClusterYaml(text).value };
}

function crossCheck(
  info: NodeInfo | undefined,
  daemon: { name?: string; address?: string },
  trust: Map<string, string>,
  members: readonly ProductMember[],
  issues: ProductIssue[],
): void {
  if (info && daemon.address && info.address !== daemon.address) {
    issues.push({
      kind: 'address-mismatch',
      level: 'error',
      file: 'database/info.yaml',
      message: `database/info.yaml says ${info.address}, daemon.yaml ${daemon.address}: go-dqlite refuses to start ("address in info.yaml does not match")`,
    });
  }
  if (daemon.name && trust.size && !trust.has(daemon.name)) {
    issues.push({
      kind: 'truststore',
      level: 'warning',
      file: 'truststore',
      message: `the truststore has no entry for this member (${daemon.name})`,
    });
  } else if (
    daemon.name &&
    daemon.address &&
    trust.get(daemon.name) !== undefined &&
    trust.get(daemon.name) !== daemon.address
  ) {
    issues.push({
      kind: 'truststore',
      level: 'warning',
      file: `truststore/${daemon.name}.yaml`,
      message: `truststore/${daemon.name}.yaml says ${trust.get(daemon.name)}, daemon.yaml ${daemon.address}`,
    });
  }
  for (const m of members.filter((x) => x.name === undefined)) {
    issues.push({
      kind: 'truststore',
      level: 'warning',
      file: 'database/cluster.yaml',
      message: `cluster.yaml member ${m.id} at ${m.address} has no truststore entry at that address: microcluster's recovery leaves it out`,
    });
  }
}

/** The member's identity from daemon.yaml, the truststore and database/info.yaml + cluster.yaml. */
export function readMicroclusterIdentity(stateDir: string, raftDir: string): MicroclusterIdentity {
  const issues: ProductIssue[] = [];
  const files: ProductFile[] = [];
  const daemonFile = entryAt(path.join(stateDir, DAEMON_YAML))
    ? readProductFile(stateDir, DAEMON_YAML, PRODUCT_YAML_LIMIT, issues)
    : undefined;
  if (daemonFile) files.push(daemonFile);
  const values = daemonFile ? yamlStrings(daemonFile, issues) : undefined;
  const daemon = { name: values?.get('name') || undefined, address: values?.get('address') || undefined };
  const trust = truststore(stateDir, files, issues);
  const byAddress = new Map([...trust].map(([n, a]) => [a, n]));
  const { info } = nodeYaml(raftDir, 'info.yaml');
  const { cluster } = entryAt(path.join(raftDir, 'cluster.yaml'))
    ? nodeYaml(raftDir, 'cluster.yaml')
    : { cluster: undefined };
  const members = (cluster ?? []).map((m) => ({
    id: m.id,
    address: m.address,
    role: m.role,
    name: byAddress.get(m.address),
  }));
  crossCheck(info, daemon, trust, members, issues);
  const pendingPatch = entryAt(path.join(stateDir, MICROCLUSTER_PATCH)) === 'file' ? MICROCLUSTER_PATCH : undefined;
  return {
    id: info?.id,
    address: daemon.address ?? info?.address,
    name: daemon.name,
    role: members.find((m) => m.id === info?.id)?.role,
    members: cluster ? members : undefined,
    pendingPatch,
    files,
    issues,
  };
}
