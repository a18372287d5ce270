// RR022: cluster.yaml (go-dqlite's cached member list, rewritten from the leader on every
// refresh) differs from the newest raft configuration this node holds. Usually just stale
// (info), but an ID listed at another address, or an address with another ID, misleads anything
// that uses the file — notably `dqlite .reconfigure`. Roles are compared through the mapping
// (YAML 0 voter / 1 stand-by / 2 spare vs raft 1 voter / 0 standby / 2 spare).
import { raftRoleName, yamlRoleToRaft, type ConfigurationServer } from '../../format/configuration.js';
import { roleName, type NodeInfo } from '../../format/node-yaml.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding, latestConfiguration } from './util.js';

interface Diff {
  readonly text: string;
  readonly conflict: boolean;
}

function compareMember(s: ConfigurationServer, listed: readonly NodeInfo[]): Diff | undefined {
  const byId = listed.find((c) => c.id !== 0n && c.id === s.id);
  const byAddress = listed.find((c) => c.address === s.address);
  const c = byId ?? byAddress;
  if (!c) return { text: `${s.id} (${s.address}, ${raftRoleName(s.role)}) is missing`, conflict: false };
  if (byId && byId.address !== s.address)
    return { text: `ID ${s.id} is listed at ${byId.address}, raft has ${s.address}`, conflict: true };
  if (!byId && c.id !== 0n) return { text: `${s.address} is listed with ID ${c.id}, raft has ${s.id}`, conflict: true };
  if (yamlRoleToRaft(c.role) !== s.role) {
    return {
      text: `${s.address} is listed as ${roleName(c.role)} (Role: ${c.role}), raft has ${raftRoleName(s.role)}`,
      conflict: false,
    };
  }
  return undefined;
}

function check(facts: NodeFacts): Finding[] {
  const listed = facts.node.cluster?.value;
  const conf = latestConfiguration(facts);
  if (!listed || !conf) return [];
  const diffs: Diff[] = [];
  for (const s of conf.servers) {
    const d = compareMember(s, listed);
    if (d) diffs.push(d);
  }
  for (const c of listed) {
    const known = conf.servers.some((s) => (c.id !== 0n && s.id === c.id) || s.address === c.address);
    if (!known)
      diffs.push({ text: `${c.address} (ID ${c.id}) is listed but not in the configuration`, conflict: false });
  }
  if (diffs.length === 0) return [];
  const conflict = diffs.some((d) => d.conflict);
  return [
    finding(rule, facts.node.name, {
      severity: conflict ? 'warning' : 'info',
      file: 'cluster.yaml',
      message: `cluster.yaml differs from the raft configuration at index ${conf.index} (${conf.source}): ${diffs.map((d) => d.text).join('; ')}.`,
      repairs: [
        `Rewrite cluster.yaml from the configuration at index ${conf.index} (go-dqlite also refreshes it from the leader once the cluster runs).`,
      ],
      data: { configurationIndex: conf.index, differences: diffs.map((d) => d.text), conflict },
    }),
  ];
}

export const rule: Rule = {
  code: 'RR022',
  name: 'cluster-yaml-stale',
  severity: 'info',
  summary:
    'cluster.yaml differs from the newest raft configuration (stale: info; an ID or address that contradicts it: warning).',
  check: (ctx) => ctx.nodes.flatMap(check),
};
