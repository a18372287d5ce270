// RR026: two nodes hold different terms at the same index. raft's Log Matching property says
// that equal (index, term) implies equal logs up to there, so a divergence is only legitimate
// at an uncommitted tail (a deposed leader's entries, overwritten once a new leader replicates).
// It is an error when the logs agree again after diverging, or when the divergence lies at or
// below a snapshot (snapshots hold committed entries only). Disk logs are compared as runs of
// equal terms, so millions of entries cost no more than their term changes.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { compareSpans, termSpans, type TermSpan } from './term-spans.js';
import { finding, plural } from './util.js';

function pairFinding(
  a: NodeFacts,
  b: NodeFacts,
  sa: readonly TermSpan[],
  sb: readonly TermSpan[],
): Finding | undefined {
  const c = compareSpans(sa, sb);
  if (c.firstDivergent === undefined) return undefined;
  const at = c.firstDivergent;
  const [ta, tb] = c.termsAtDivergence!;
  const snaps = [a.diskLog.snapshot?.index, b.diskLog.snapshot?.index].filter((x): x is bigint => x !== undefined);
  const committed = snaps.some((s) => at <= s);
  const winner = ta > tb ? a.node.name : b.node.name;
  const why =
    c.reconverged !== undefined
      ? `they agree again from index ${c.reconverged}, which raft's log matching rule forbids`
      : committed
        ? 'the divergence lies at or below a snapshot, i.e. among committed entries'
        : `an uncommitted tail: a leader with the higher term (${winner}'s) would overwrite the other's entries from ${at}`;
  return finding(rule, '*', {
    severity: c.reconverged !== undefined || committed ? 'error' : 'warning',
    message: `${a.node.name} and ${b.node.name} hold different terms from index ${at} (term ${ta} vs ${tb}); ${plural(c.differing, 'index')} of ${c.common} held by both differ: ${why}.`,
    repairs: [
      `Treat ${winner} (higher term at ${at}) as the reference when choosing a node to recover from; the other's entries from ${at} on are not part of the agreed history.`,
    ],
    data: {
      nodes: [a.node.name, b.node.name],
      firstDivergent: at,
      terms: [ta, tb],
      differing: c.differing,
      common: c.common,
      reconverged: c.reconverged,
      committed,
      lastIndexes: [a.diskLog.lastIndex, b.diskLog.lastIndex],
      lastTerms: [a.diskLog.lastTerm, b.diskLog.lastTerm],
    },
  });
}

function check(ctx: RuleContext): Finding[] {
  const spans = ctx.nodes.map((f) => termSpans(f.diskLog));
  const out: Finding[] = [];
  for (let i = 0; i < ctx.nodes.length; i++) {
    for (let j = i + 1; j < ctx.nodes.length; j++) {
      const f = pairFinding(ctx.nodes[i]!, ctx.nodes[j]!, spans[i]!, spans[j]!);
      if (f) out.push(f);
    }
  }
  return out;
}

export const rule: Rule = {
  code: 'RR026',
  name: 'log-matching-violated',
  severity: 'error',
  summary:
    'Two nodes hold different terms at the same index: error when committed or when the logs agree again; warning for an uncommitted tail.',
  check,
};
