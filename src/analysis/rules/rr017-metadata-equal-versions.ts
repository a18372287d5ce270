// RR017: metadata1 and metadata2 carry the same version. uvMetadataLoad (raft src/uv_metadata.c)
// cannot tell which term and vote are current: RAFT_CORRUPT
// "metadata1 and metadata2 are both at version %llu", and init fails.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

function check(facts: NodeFacts): Finding[] {
  const a = facts.node.metadata1;
  const b = facts.node.metadata2;
  const va = a?.size === 32 ? a.decoded.value : undefined;
  const vb = b?.size === 32 ? b.decoded.value : undefined;
  if (!va || !vb || va.format !== 1n || vb.format !== 1n || va.version === 0n || va.version !== vb.version) return [];
  const same = va.term === vb.term && va.votedFor === vb.votedFor;
  const keep = va.term > vb.term || (va.term === vb.term && va.votedFor !== 0n) ? 'metadata1' : 'metadata2';
  return [
    finding(rule, facts.node.name, {
      file: 'metadata2',
      offset: 8,
      message: `metadata1 and metadata2 are both at version ${va.version} (terms ${va.term} and ${vb.term}, votes ${va.votedFor} and ${vb.votedFor}): raft refuses to start ("metadata1 and metadata2 are both at version ${va.version}").`,
      repairs: [
        same
          ? `Lossless: delete ${keep === 'metadata1' ? 'metadata2' : 'metadata1'}; both files say the same.`
          : `Keep the file with the higher term (${keep}) and delete the other: the other vote is forgotten.`,
      ],
      data: {
        version: va.version,
        metadata1: { term: va.term, votedFor: va.votedFor },
        metadata2: { term: vb.term, votedFor: vb.votedFor },
      },
    }),
  ];
}

export const rule: Rule = {
  code: 'RR017',
  name: 'metadata-equal-versions',
  severity: 'error',
  summary:
    'metadata1 and metadata2 have the same version: raft cannot pick the current term and vote and refuses to start.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
