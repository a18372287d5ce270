// RR015: the snapshot is ahead of the log. uvLoadSnapshotAndEntries fails with RAFT_CORRUPT
// "last entry on disk has index N, which is behind last snapshot's index M" when the loaded
// segments end before the snapshot (format-spec §3.3); and when every closed segment ends before
// the snapshot with no open segment, uvFilterSegments drops them all: the node starts from the
// snapshot alone (normal after InstallSnapshot, but those segment files are then dead weight).
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { filterResult } from './segment-facts.js';
import { finding, listWords, plural } from './util.js';

const BEHIND = /last entry on disk has index (\d+), which is behind last snapshot's index (\d+)/;

function behind(facts: NodeFacts): Finding | undefined {
  const p = facts.prediction;
  const text =
    p.cause === 'behind-snapshot'
      ? p.error
      : p.recoveredFrom?.cause === 'behind-snapshot'
        ? p.recoveredFrom.error
        : undefined;
  const m = text ? BEHIND.exec(text) : null;
  if (!m) return undefined;
  const last = BigInt(m[1]!);
  const snap = BigInt(m[2]!);
  return finding(rule, facts.node.name, {
    file: facts.snapshot?.name,
    message: `the segments raft loads end at index ${last}, behind snapshot ${facts.snapshot?.name ?? ''} at ${snap}: raft refuses to start ("${m[0]}"). The open segments were probably numbered from an older closed segment.`,
    repairs: [
      'Move the open segments and the closed segments that end before the snapshot aside: the node then starts from the snapshot alone (their entries are older than the snapshot or misnumbered).',
    ],
    data: { lastIndex: last, snapshotIndex: snap, cError: m[0] },
  });
}

function ignoredAll(facts: NodeFacts): Finding | undefined {
  const f = filterResult(facts);
  if (!f?.ok || f.kept.length > 0 || f.ignored.length === 0) return undefined;
  const names = f.ignored.map((s) => s.name);
  const end = f.ignored.reduce((m, s) => (s.end > m ? s.end : m), 0n);
  return finding(rule, facts.node.name, {
    severity: 'info',
    file: facts.snapshot!.name,
    message: `every closed segment ends before snapshot ${facts.snapshot!.name} (index ${facts.snapshot!.index}; the newest segment ends at ${end}) and there is no open segment: raft ignores the ${plural(names.length, 'file')} and starts from the snapshot with an empty log.`,
    repairs: [`None needed. Optionally delete ${listWords(names)}.`],
    data: { snapshotIndex: facts.snapshot!.index, segmentsEndAt: end, ignored: names },
  });
}

function check(facts: NodeFacts): Finding[] {
  return [behind(facts), ignoredAll(facts)].filter((f): f is Finding => f !== undefined);
}

export const rule: Rule = {
  code: 'RR015',
  name: 'snapshot-beyond-log',
  severity: 'error',
  summary:
    'The loaded log ends before the newest snapshot (raft refuses to start), or every segment is older than the snapshot and ignored.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
