// The membership a repair writes: from a target cluster YAML (--cluster) or from the source
// node's latest raft configuration. Validated here: data identity comes from the
// node ID, the directory name and the raft address from Address.
import type { ConfigurationServer } from '../../format/configuration.js';
import { raftRoleToYaml, yamlRoleToRaft } from '../../format/configuration.js';
import { parseMemberYaml, type MemberYamlFormat, type TargetMember } from '../../format/member-yaml.js';
import { roleName, type NodeInfo } from '../../format/node-yaml.js';
import type { PlanMember } from './types.js';

export interface TargetCheck {
  readonly members: readonly TargetMember[];
  /** The --cluster file's format (go-dqlite cluster.yaml, LXD/Incus `members:`, microcluster's list). */
  readonly format?: MemberYamlFormat;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** IDs and addresses the inputs know: info.yaml of every node and the source's configuration. */
export type KnownAddresses = ReadonlyMap<bigint, string>;

// host:port with a non-empty host (a name, IPv4, or [IPv6]) and a port 1..65535. The address
// also names the node's output directory, so no `/`, NUL, white space or other control characters.
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]\u0000-\u001f\u007f-\u009f]+):([0-9]{1,5})$/;

export function addressProblem(address: string): string | undefined {
  const m = HOST_PORT.exec(address);
  if (!m) return `address ${JSON.stringify(address)} is not host:port`;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return `address ${address} has port ${port}, outside 1..65535`;
  return undefined;
}

function structuralErrors(members: readonly NodeInfo[]): string[] {
  const errors: string[] = [];
  if (members.length === 0) errors.push('the target membership is empty');
  const ids = new Set<bigint>();
  const addresses = new Set<string>();
  for (const m of members) {
    if (m.id === 0n) errors.push(`member ${m.address || '?'} has ID 0 (IDs must be non-zero)`);
    else if (ids.has(m.id)) errors.push(`ID ${m.id} appears more than once`);
    ids.add(m.id);
    const bad = addressProblem(m.address);
    if (bad) errors.push(bad);
    else if (addresses.has(m.address)) errors.push(`address ${m.address} appears more than once`);
    addresses.add(m.address);
    if (m.role < 0 || m.role > 2)
      errors.push(`member ${m.address} has role ${m.role}; use 0 voter, 1 stand-by or 2 spare`);
  }
  if (members.length > 0 && !members.some((m) => m.role === 0))
    errors.push('the target has no voter: at least one member needs Role 0 (voter)');
  return errors;
}

function identityWarnings(members: readonly NodeInfo[], known: KnownAddresses): string[] {
  const warnings: string[] = [];
  const voters = members.filter((m) => m.role === 0).length;
  if (members.length >= 3 && voters < 3) {
    warnings.push(
      `only ${voters} voter(s) among ${members.length} members: the cluster tolerates no voter failure${voters === 2 ? ' (2 voters need both up)' : ''}`,
    );
  }
  const byAddress = new Map([...known].map(([id, a]) => [a, id]));
  for (const m of members) {
    const previous = known.get(m.id);
    if (previous === undefined) {
      warnings.push(
        `ID ${m.id} (${m.address}) is new: no input node has it; it gets the source's data and fresh metadata`,
      );
    } else if (previous !== m.address) {
      warnings.push(`ID ${m.id} moves from ${previous} to ${m.address}: every node must reach it at the new address`);
    }
    const owner = byAddress.get(m.address);
    if (owner !== undefined && owner !== m.id) {
      warnings.push(`address ${m.address} belonged to ID ${owner}, now given to ID ${m.id}`);
    }
  }
  return warnings;
}

/**
 * Parses and validates a target membership: go-dqlite's cluster.yaml (roles numbers or words),
 * LXD/Incus `members:` YAML or microcluster's member list (format/member-yaml.ts).
 */
export function checkTargetText(text: string, file: string, known: KnownAddresses): TargetCheck {
  const parsed = parseMemberYaml(text, file);
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const issue of parsed.issues) {
    const level = issue.data?.['level'];
    if (level === 'error') errors.push(issue.message);
    else if (level === 'warning') warnings.push(issue.message);
  }
  const members = parsed.value ?? [];
  if (!parsed.value && errors.length === 0) errors.push(`${file}: not a list of members`);
  return { ...checkMembers(members, known, errors, warnings), format: parsed.format };
}

export function checkMembers(
  members: readonly TargetMember[],
  known: KnownAddresses,
  errors: string[] = [],
  warnings: string[] = [],
): TargetCheck {
  const structural = structuralErrors(members);
  const identity = structural.length === 0 ? identityWarnings(members, known) : [];
  return { members, errors: [...errors, ...structural], warnings: [...warnings, ...identity] };
}

/** The members of a raft configuration, roles translated back to go-dqlite's. */
export function membersFromConfiguration(servers: readonly ConfigurationServer[]): {
  members: NodeInfo[];
  errors: string[];
} {
  const errors: string[] = [];
  const members = servers.map((s) => {
    const role = raftRoleToYaml(s.role);
    if (role === undefined) errors.push(`server ${s.id} (${s.address}) has unknown raft role ${s.role}`);
    return { id: s.id, address: s.address, role: role ?? 0 };
  });
  return { members, errors };
}

export function planMembers(members: readonly TargetMember[], known: KnownAddresses): PlanMember[] {
  return members.map((m) => ({
    ...(m.name !== undefined ? { name: m.name } : {}),
    id: m.id.toString(),
    address: m.address,
    role: m.role,
    roleName: roleName(m.role),
    raftRole: yamlRoleToRaft(m.role),
    isNew: !known.has(m.id),
    previousAddress: known.get(m.id) !== undefined && known.get(m.id) !== m.address ? known.get(m.id)! : null,
  }));
}
