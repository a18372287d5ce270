// RR036: the term in the current metadata file is lower than the term of the last entry (or the
// snapshot) this node holds. raft persists a term before it accepts entries of that term, so the
// metadata is older than the log — typically restored from another copy. The node may vote again
// in a term it already voted in (raft's election safety relies on the persisted term and vote).
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding } from './util.js';

function current(facts: NodeFacts): { file: string; version: bigint; term: bigint } | undefined {
  const ok = [facts.node.metadata1, facts.node.metadata2]
    .map((m) =>
      m?.size === 32 && m.decoded.issues.length === 0 && m.decoded.value
        ? { file: m.name, ...m.decoded.value }
        : undefined,
    )
    .filter((m): m is NonNullable<typeof m> => m !== undefined);
  return ok.sort((a, b) => (a.version > b.version ? -1 : 1))[0];
}

function check(facts: NodeFacts): Finding[] {
  const m = current(facts);
  const logTerm = facts.diskLog.lastTerm;
  if (!m || m.term >= logTerm) return [];
  return [
    finding(rule, facts.node.name, {
      file: m.file,
      message: `${m.file} (version ${m.version}) holds term ${m.term}, but the log already has entries of term ${logTerm}: the metadata is older than the log, and the node may vote twice in a term.`,
      repairs: [
        `Write ${m.version % 2n === 0n ? 'metadata1' : 'metadata2'} with version ${m.version + 1n}, term ${logTerm} and no vote.`,
      ],
      data: { metadataTerm: m.term, logTerm, version: m.version },
    }),
  ];
}

export const rule: Rule = {
  code: 'RR036',
  name: 'metadata-term-behind-log',
  severity: 'warning',
  summary: 'The current metadata term is below the last log term: the metadata is older than the log.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
