// RR021: go-dqlite's node-store files (format-spec §7.2). info.yaml (this node's ID and address)
// and cluster.yaml must both exist or both be absent, or the go-dqlite app refuses to start
// ("inconsistent info.yaml and cluster.yaml"); each must parse the way go-dqlite parses it; and
// an ID of 0 is never valid for a node.
import type { DecodeIssue } from '../../format/issue.js';
import type { YamlRecord } from '../../scan/node-index.js';
import type { Finding, SeverityName } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

function issueFindings(facts: NodeFacts, record: YamlRecord<unknown> | undefined): Finding[] {
  if (!record) return [];
  return record.issues
    .filter((i: DecodeIssue) => i.data?.['level'] === 'error' || i.data?.['level'] === 'warning')
    .map((i) =>
      finding(rule, facts.node.name, {
        severity: i.data!['level'] as SeverityName,
        file: record.name,
        offset: i.offset,
        message: `${i.message}.`,
        repairs: [
          `Fix ${record.name} by hand or rewrite it from the raft configuration (raft-rescue can format it the way go-dqlite writes it).`,
        ],
        data: { kind: i.kind, ...i.data },
      }),
    );
}

function presence(facts: NodeFacts): Finding[] {
  const { info, cluster } = facts.node;
  if (info && cluster) return [];
  if (!info && !cluster) {
    return [
      finding(rule, facts.node.name, {
        severity: 'info',
        message:
          "neither info.yaml nor cluster.yaml is present: not a go-dqlite app directory (or they were not copied), so the node's identity cannot be checked.",
        repairs: ["If the node runs under go-dqlite's app package, copy both files from the original directory."],
        data: {},
      }),
    ];
  }
  const [have, miss] = info ? ['info.yaml', 'cluster.yaml'] : ['cluster.yaml', 'info.yaml'];
  return [
    finding(rule, facts.node.name, {
      file: have,
      message: `${have} is present but ${miss} is missing: the go-dqlite app refuses to start ("inconsistent info.yaml and cluster.yaml").`,
      repairs: [
        miss === 'cluster.yaml'
          ? 'Write cluster.yaml from the raft configuration (IDs, addresses, roles).'
          : "Write info.yaml with this node's ID and address from the raft configuration (Role: 0).",
      ],
      data: { present: have, missing: miss },
    }),
  ];
}

function check(facts: NodeFacts): Finding[] {
  const out = presence(facts);
  const info = facts.node.info;
  if (info && !info.value && !info.issues.some((i) => i.data?.['level'] === 'error')) {
    out.push(
      finding(rule, facts.node.name, {
        file: 'info.yaml',
        message: 'info.yaml holds no node mapping: the go-dqlite app cannot tell which node this is.',
        repairs: ["Write info.yaml with this node's ID and address from the raft configuration."],
        data: {},
      }),
    );
  }
  if (info?.value && info.value.id === 0n) {
    out.push(
      finding(rule, facts.node.name, {
        file: 'info.yaml',
        message: `info.yaml gives ID 0 for ${info.value.address || 'this node'}: raft node IDs are never 0.`,
        repairs: ['Set the ID to the one the raft configuration lists for this address.'],
        data: { address: info.value.address },
      }),
    );
  }
  return [...out, ...issueFindings(facts, info), ...issueFindings(facts, facts.node.cluster)];
}

export const rule: Rule = {
  code: 'RR021',
  name: 'info-yaml-problems',
  severity: 'error',
  summary: 'info.yaml/cluster.yaml missing one without the other, unparsable as go-dqlite parses them, or ID 0.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
