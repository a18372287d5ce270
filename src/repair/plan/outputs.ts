// Per output node: the shared data files, the new configuration entry, metadata (kept for the
// source, fresh for the others: see METADATA_RULE), info.yaml, cluster.yaml and identity files
// of the input node with the same ID.
import {
  encodeConfiguration,
  raftRoleName,
  yamlRoleToRaft,
  type ConfigurationServer,
} from '../../format/configuration.js';
import { formatClosedSegmentName } from '../../format/file-names.js';
import { memberId } from '../../analysis/identity.js';
import type { TargetMember } from '../../format/member-yaml.js';
import { roleName, type NodeInfo } from '../../format/node-yaml.js';
import { EntryType, encodeSegment } from '../../format/segment.js';
import type { InputDigests } from '../../scan/digest.js';
import type { NodeIndex } from '../../scan/node-index.js';
import { FILE_MODE } from './log-files.js';
import { freshMetadata, identityFiles, keptMetadata, sha256, yamlFiles } from './node-files.js';
import { productOutputNode, type ProductContext } from './product/outputs.js';
import type { PlanConfigurationEntry, PlannedFile, PlannedNode } from './types.js';

/** The recovery entry's term and its rule in words, as the output's engine writes it (engine-plan.ts). */
export interface EntryTerm {
  readonly term: bigint;
  readonly rule: string;
}
/** `.reconfigure` refuses a configuration above block size - 40 bytes (RAFT_TOOBIG); a normal load does not. */
export const RECOVERY_PAYLOAD_LIMIT = 4096 - 40;

export function configurationServers(members: readonly NodeInfo[]): ConfigurationServer[] {
  return members.map((m) => ({ id: m.id, address: m.address, role: yamlRoleToRaft(m.role) }));
}

/** The closed segment N-N holding one RAFT_CHANGE entry with the target configuration (uvRecover). */
export function configurationEntry(
  index: bigint,
  members: readonly NodeInfo[],
  term: EntryTerm,
): { entry: PlanConfigurationEntry; file: PlannedFile } {
  const servers = configurationServers(members);
  const payload = encodeConfiguration(servers);
  const bytes = encodeSegment([[{ term: term.term, type: EntryType.CHANGE, payload }]]);
  const name = formatClosedSegmentName(index, index);
  const entry: PlanConfigurationEntry = {
    file: name,
    index: index.toString(),
    term: term.term.toString(),
    termRule: term.rule,
    servers: servers.map((s) => ({
      id: s.id.toString(),
      address: s.address,
      raftRole: s.role,
      role: raftRoleName(s.role),
    })),
    payloadBase64: Buffer.from(payload).toString('base64'),
  };
  const file: PlannedFile = {
    name,
    role: 'segment',
    size: bytes.length,
    sha256: sha256(bytes),
    mode: FILE_MODE,
    firstIndex: index.toString(),
    lastIndex: index.toString(),
    from: { kind: 'generated', what: 'configuration-segment', base64: Buffer.from(bytes).toString('base64') },
  };
  return { entry, file };
}

export interface OutputContext {
  readonly members: readonly TargetMember[];
  /** The product whose layout the outputs mirror (the source's), if any. */
  readonly product?: ProductContext;
  readonly dataFiles: readonly PlannedFile[];
  readonly source: NodeIndex;
  readonly sourceId: bigint | undefined;
  readonly keepSourceMetadata: boolean;
  readonly freshTerm: bigint;
  /** Input nodes in rank order (the first with a member's ID gives its identity files). */
  readonly nodes: readonly NodeIndex[];
  readonly digests: InputDigests;
}

/** The input member with this ID (its product identity, else info.yaml); never a backup. */
export function inputWithId(ctx: OutputContext, id: bigint): NodeIndex | undefined {
  if (ctx.sourceId === id) return ctx.source;
  return ctx.nodes.find((n) => memberId(n) === id);
}

export function outputNode(
  ctx: OutputContext,
  member: TargetMember,
  left: { file: string; reason: string }[],
): PlannedNode {
  if (ctx.product) return productOutputNode(ctx, ctx.product, member, left);
  const input = inputWithId(ctx, member.id);
  const isSource = ctx.sourceId !== undefined && member.id === ctx.sourceId;
  const kept = isSource && ctx.keepSourceMetadata;
  const metadata = kept ? keptMetadata(ctx.source, ctx.digests) : [freshMetadata(ctx.freshTerm)];
  const identity = input ? identityFiles(input, ctx.digests) : { files: [], left: [] };
  for (const l of identity.left) left.push({ file: `${input!.name}:${l.file}`, reason: l.reason });
  return {
    address: member.address,
    id: member.id.toString(),
    role: member.role,
    roleName: roleName(member.role),
    isSource,
    inputNode: input?.displayPath ?? null,
    metadata: kept ? 'kept' : 'fresh',
    files: [...ctx.dataFiles, ...metadata, ...yamlFiles(member, ctx.members), ...identity.files],
  };
}
