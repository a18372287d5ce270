// A member's output directory in its product's layout (repair/product/layout.ts): the raft files
// every member gets, moved into the product's raft directory, plus what the product needs rewritten
// for the target membership — LXD/Incus local.db and patch.global.sql; microcluster daemon.yaml,
// the truststore and patch.global.sql; MicroK8s localnode.yaml and its certificates and keys.
import { createHash } from 'node:crypto';
import { InternalError } from '../../../core/errors.js';
import { loadedSqlite } from '../../../core/sqlite-engine.js';
import type { TargetMember } from '../../../format/member-yaml.js';
import { roleName } from '../../../format/node-yaml.js';
import type { NodeIndex } from '../../../scan/node-index.js';
import { namesMembers, type ProductFile, type ProductIdentity } from '../../../scan/product.js';
import { FILE_MODE } from '../log-files.js';
import { freshMetadata, identityFiles, keptMetadata, yamlFiles } from '../node-files.js';
import { inputWithId, type OutputContext } from '../outputs.js';
import { plainNameProblem } from '../plan-schema.js';
import type { PlannedFile, PlannedNode } from '../types.js';
import { raftDirOf } from './layout.js';
import { localNodeText, patchText, rewriteLocalDb, setYamlAddress } from './rewrite.js';
import type { PlanRaftNode, ProductName } from './types.js';

/** What the plan knows about the product it writes for. */
export interface ProductContext {
  readonly kind: ProductName;
  /** The microcluster application (MicroCloud, MicroCeph …), for wording. */
  readonly app: ProductIdentity['app'];
  /** The input nodes of that product (members, best first): product files and names come from them. */
  readonly inputs: readonly NodeIndex[];
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Files a member's output leaves out, with why ("Not copied"). */
type Left = { file: string; reason: string }[];

function inDir(files: readonly PlannedFile[], dir: string): PlannedFile[] {
  return dir ? files.map((f) => ({ ...f, dir })) : [...files];
}

/** The member's name: the target's, else the one any input of the product gives that ID. */
export function memberNameOf(member: TargetMember, p: ProductContext): string | undefined {
  if (member.name) return member.name;
  for (const n of p.inputs) {
    const m = n.product?.members?.find((x) => x.id === member.id && x.name !== undefined);
    if (m) return m.name;
    if (n.product?.id === member.id && n.product.name) return n.product.name;
  }
  return undefined;
}

/** The output directory's name: the member's name where the product names members (and it is a plain name), else the address. */
export function outputDirName(member: TargetMember, p: ProductContext | undefined): string {
  const name = p && namesMembers(p.kind) ? memberNameOf(member, p) : undefined;
  return name !== undefined && plainNameProblem(name) === undefined ? name : member.address;
}

function productFile(node: NodeIndex, path: string): ProductFile | undefined {
  return node.product?.files.find((f) => f.path === path);
}

function edited(name: string, dir: string, bytes: Uint8Array, from: PlannedFile['from']): PlannedFile {
  return {
    name,
    role: 'product',
    size: bytes.length,
    sha256: sha(bytes),
    mode: FILE_MODE,
    ...(dir ? { dir } : {}),
    from,
  };
}

function generated(name: string, dir: string, text: string, what: 'patch.global.sql' | 'localnode.yaml'): PlannedFile {
  const bytes = Buffer.from(text, 'utf8');
  return edited(name, dir, bytes, { kind: 'product-generated', what, base64: bytes.toString('base64'), text });
}

export function raftNodesOf(members: readonly TargetMember[], p: ProductContext): PlanRaftNode[] {
  return members.map((m) => ({
    id: m.id.toString(),
    address: m.address,
    role: m.role,
    name: memberNameOf(m, p) ?? '',
  }));
}

function localDbFile(
  input: NodeIndex,
  member: TargetMember,
  members: readonly TargetMember[],
  p: ProductContext,
): PlannedFile | undefined {
  const file = productFile(input, 'database/local.db');
  if (!file) return undefined;
  const SQL = loadedSqlite();
  if (!SQL) throw new InternalError('SQLite is not loaded, though a local.db was read: the scan loads it');
  const raftNodes = raftNodesOf(members, p);
  const bytes = rewriteLocalDb(SQL, file.bytes, member.address, raftNodes);
  const from = {
    kind: 'product-edit',
    what: 'local.db',
    node: input.displayPath,
    file: file.path,
    address: member.address,
    raftNodes,
  } as const;
  return edited('local.db', 'database', bytes, from);
}

function lxdFiles(
  input: NodeIndex | undefined,
  member: TargetMember,
  members: readonly TargetMember[],
  p: ProductContext,
  left: Left,
): PlannedFile[] {
  const db = input ? localDbFile(input, member, members, p) : undefined;
  const reason = "no input holds this member's local.db: only its raft files and patch.global.sql are written";
  if (!db) left.push({ file: `${member.address}:database/local.db`, reason });
  const patch = generated('patch.global.sql', 'database', patchText(p.kind, members), 'patch.global.sql');
  return [...(db ? [db] : []), patch];
}

/** The truststore entry named `name`: the member's own copy, else any input's (certificates are shared). */
function trustEntry(
  input: NodeIndex | undefined,
  name: string,
  p: ProductContext,
): { node: NodeIndex; file: ProductFile } | undefined {
  const path = `truststore/${name}.yaml`;
  for (const n of [...(input ? [input] : []), ...p.inputs]) {
    const file = productFile(n, path);
    if (file) return { node: n, file };
  }
  return undefined;
}

function microclusterFiles(
  input: NodeIndex | undefined,
  member: TargetMember,
  members: readonly TargetMember[],
  p: ProductContext,
  left: Left,
): PlannedFile[] {
  const out: PlannedFile[] = [];
  const daemon = input && productFile(input, 'daemon.yaml');
  if (daemon) {
    const bytes = setYamlAddress(daemon.bytes, member.address, 'daemon.yaml');
    const from = {
      kind: 'product-edit',
      what: 'daemon.yaml',
      node: input!.displayPath,
      file: daemon.path,
      address: member.address,
    } as const;
    out.push(edited('daemon.yaml', '', bytes, from));
  } else
    left.push({
      file: `${member.address}:daemon.yaml`,
      reason: "no input holds this member's daemon.yaml: it is not written",
    });
  for (const m of members) {
    const name = memberNameOf(m, p);
    const entry = name === undefined ? undefined : trustEntry(input, name, p);
    if (!entry || name === undefined) {
      const reason = "no input's truststore holds this member: its entry is not written";
      left.push({ file: `${member.address}:truststore/${name ?? m.address}.yaml`, reason });
      continue;
    }
    const bytes = setYamlAddress(entry.file.bytes, m.address, entry.file.path);
    const from = {
      kind: 'product-edit',
      what: 'truststore',
      node: entry.node.displayPath,
      file: entry.file.path,
      address: m.address,
    } as const;
    out.push(edited(`${name}.yaml`, 'truststore', bytes, from));
  }
  const patch = patchText(
    'microcluster',
    members.map((m) => ({ ...m, name: memberNameOf(m, p) })),
  );
  out.push(generated('patch.global.sql', '', patch, 'patch.global.sql'));
  return out;
}

/**
 * MicroK8s: certificates, keys and failure-domain of the member's input (the cluster's pair from
 * the source when it has none), localnode.yaml rewritten.
 */
function microk8sFiles(
  ctx: OutputContext,
  input: NodeIndex | undefined,
  member: TargetMember,
  p: ProductContext,
  left: Left,
): PlannedFile[] {
  const own = input ? identityFiles(input, ctx.digests) : { files: [], left: [] };
  for (const l of own.left) left.push({ file: `${input!.name}:${l.file}`, reason: l.reason });
  const carried = own.files.filter((f) => f.name !== 'localnode.yaml');
  const clusterPair = (f: PlannedFile) => f.name === 'cluster.crt' || f.name === 'cluster.key';
  if (!input) carried.push(...identityFiles(ctx.source, ctx.digests).files.filter(clusterPair));
  const hadLocalNode = (input ? [input] : p.inputs).some((n) => n.files.some((f) => f.name === 'localnode.yaml'));
  return [
    ...carried,
    ...(hadLocalNode ? [generated('localnode.yaml', '', localNodeText(member), 'localnode.yaml')] : []),
  ];
}

/** One member's output in its product's layout. */
export function productOutputNode(
  ctx: OutputContext,
  p: ProductContext,
  member: TargetMember,
  left: Left,
): PlannedNode {
  const input = inputWithId(ctx, member.id);
  const isSource = ctx.sourceId !== undefined && member.id === ctx.sourceId;
  const kept = isSource && ctx.keepSourceMetadata;
  const raftDir = raftDirOf(p.kind);
  const metadata = kept ? keptMetadata(ctx.source, ctx.digests) : [freshMetadata(ctx.freshTerm)];
  const yaml = p.kind === 'lxd' || p.kind === 'incus' ? [] : yamlFiles(member, ctx.members);
  const raft = inDir([...ctx.dataFiles, ...metadata, ...yaml], raftDir);
  const extra =
    p.kind === 'microk8s'
      ? microk8sFiles(ctx, input, member, p, left)
      : p.kind === 'microcluster'
        ? microclusterFiles(input, member, ctx.members, p, left)
        : lxdFiles(input, member, ctx.members, p, left);
  const name = namesMembers(p.kind) ? memberNameOf(member, p) : undefined;
  const dir = outputDirName(member, p);
  return {
    ...(dir !== member.address ? { dir } : {}),
    product: p.kind,
    ...(name !== undefined ? { name } : {}),
    address: member.address,
    id: member.id.toString(),
    role: member.role,
    roleName: roleName(member.role),
    isSource,
    inputNode: input?.displayPath ?? null,
    metadata: kept ? 'kept' : 'fresh',
    files: [...raft, ...extra],
  };
}
