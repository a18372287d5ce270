// RR027: what the simulated start-up (analysis/loader, libraft 0.15's uvLoad) ends with. Always
// emitted for a node that would not start, crash or hang — with the exact text raft leaves in
// io->errmsg — so that every failing node has an error even when no narrower rule explains it.
// A node that starts only because auto-recovery moved segments aside gets a warning naming the
// files and the index range it loses.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { entriesSpan, finding, listWords } from './util.js';

function failure(facts: NodeFacts): Finding {
  const p = facts.prediction;
  const what =
    p.outcome === 'crash'
      ? `the process crashes (${p.cause?.startsWith('assert-') ? `a failed assertion in ${facts.engine.name}'s loader` : 'double free'}) without a message`
      : p.outcome === 'hang'
        ? 'start-up hangs forever without a message'
        : `raft fails with RAFT_${p.raftCode ?? '?'} (${p.codeName ?? ''}): "${p.error ?? ''}"`;
  return finding(rule, facts.node.name, {
    ...(p.file ? { file: p.file } : {}),
    message: `the node would not start: ${what}. ${p.why}`,
    repairs: ['See the other findings for this node for the cause and its repair.'],
    data: {
      outcome: p.outcome,
      stage: p.stage,
      cause: p.cause,
      raftCode: p.raftCode,
      error: p.error,
      renamed: p.renamed,
      removed: p.removed,
      notes: p.notes,
    },
  });
}

function recovered(facts: NodeFacts): Finding | undefined {
  const p = facts.prediction;
  if (!p.ok || !p.recoveredFrom || p.renamed.length === 0) return undefined;
  const drops = facts.verdict.startupDrops;
  const lost = drops ? ([drops.from, drops.to] as const) : undefined;
  return finding(rule, facts.node.name, {
    severity: 'warning',
    ...(p.recoveredFrom.file ? { file: p.recoveredFrom.file } : {}),
    message: `the node starts only because auto-recovery renames ${listWords(p.renamed)} to corrupt-* after "${p.recoveredFrom.error}"${lost ? `: it silently loses ${entriesSpan(lost[0], lost[1])}` : ''}.`,
    repairs: [
      'Repair the damaged segment before starting the node (see the other findings), or accept the loss and let the leader resend the entries.',
    ],
    data: { renamed: p.renamed, recoveredFrom: p.recoveredFrom, lostFrom: lost?.[0], lostTo: lost?.[1] },
  });
}

function check(facts: NodeFacts): Finding[] {
  if (!facts.prediction.ok) return [failure(facts)];
  const r = recovered(facts);
  return r ? [r] : [];
}

export const rule: Rule = {
  code: 'RR027',
  name: 'startup-failure',
  severity: 'error',
  summary:
    'The simulated start-up fails, crashes or hangs (exact C message); warning when it succeeds only by auto-recovery dropping segments.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
