// RR012: an empty snapshot data file. UvSnapshotInfoAppendIfMatch (raft src/uv_snapshot.c)
// skips a snapshot whose data file is empty, so the pair is invisible: start-up uses an older
// snapshot, or none (format-spec §3.2). The snapshot's content is gone.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding, metaFileName, newerThanUsed } from './util.js';

function check(facts: NodeFacts): Finding[] {
  return facts.node.snapshots
    .filter((s) => s.data && s.data.size === 0)
    .map((s) => {
      const used = facts.snapshot ? `snapshot ${facts.snapshot.name}` : 'no snapshot';
      return finding(rule, facts.node.name, {
        file: s.name,
        message: `snapshot data file ${s.name} is empty: raft does not see this snapshot${newerThanUsed(facts, s) ? ` and starts from ${used} instead` : ''}.`,
        repairs: [
          `Delete ${s.name}${s.meta ? ` and ${metaFileName(facts, s)}` : ''}: the snapshot's content is lost; the log or the leader must provide the entries it covered.`,
        ],
        data: { snapshot: s.name, term: s.term, index: s.index, hasMeta: s.meta !== undefined },
      });
    });
}

export const rule: Rule = {
  code: 'RR012',
  name: 'snapshot-empty-data',
  severity: 'warning',
  summary: 'An empty snapshot data file: raft ignores the snapshot and uses an older one (or none).',
  check: (ctx) => ctx.nodes.flatMap(check),
};
