// RR038: the inputs hold nodes of more than one cluster. Two nodes hold an entry (or a snapshot)
// with the same index and term but different content, which raft's Log Matching property rules
// out within one cluster (analysis/cluster-identity.ts finds it: configurations, snapshots, and
// payload bytes where the logs overlap). Ranking them together could pick the other cluster's
// node if its log is longer, and repair would merge them, so repair refuses without --force.
// Backups are left out here: an LXD global.bak is made before a schema update of a server that
// was not clustered yet, so it may well hold another history; RR043 says so for backups.
import { clusterGroups } from '../cluster-identity.js';
import { isBackup } from '../identity.js';
import type { Finding } from '../findings.js';
import type { Rule, RuleContext } from './rule.js';
import { finding, listWords } from './util.js';

function check(ctx: RuleContext): Finding[] {
  const members = ctx.nodes.filter((f) => !isBackup(f.node));
  const paths = new Set(members.map((f) => f.node.displayPath));
  const conflicts = members
    .flatMap((f) => f.verdict.clusterConflicts)
    .filter((c) => paths.has(c.nodes[0]) && paths.has(c.nodes[1]));
  if (!conflicts.length) return [];
  const groups = clusterGroups(
    members.map((f) => f.node.displayPath),
    conflicts,
  );
  const c = conflicts[0]!;
  const where = `${c.nodes[0]}: ${c.at[0].file} @${c.at[0].offset}; ${c.nodes[1]}: ${c.at[1].file} @${c.at[1].offset}`;
  return [
    finding(rule, '*', {
      file: `${c.nodes[0]}:${c.at[0].file}`,
      offset: c.at[0].offset,
      message:
        `the inputs hold ${groups.length} different clusters (${groups.map((g) => `{${listWords(g)}}`).join(' and ')}): ` +
        `${c.nodes[0]} and ${c.nodes[1]} both hold index ${c.index} in term ${c.term} (${where}), but ${c.what}. ` +
        "Within one cluster that cannot happen (raft's log matching).",
      repairs: [
        "Check where each input came from and repair each cluster on its own; `repair --force` repairs from the chosen node's cluster and leaves the other cluster's nodes out.",
      ],
      data: { groups, conflicts },
    }),
  ];
}

export const rule: Rule = {
  code: 'RR038',
  name: 'mixed-clusters',
  severity: 'error',
  summary:
    'Nodes of different clusters among the inputs: the same index and term with different content (configuration, snapshot or entry bytes).',
  check,
};
