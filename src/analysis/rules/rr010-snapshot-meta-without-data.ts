// RR010: a snapshot `.meta` whose data file is missing. UvList never lists it, and uvMaintenance
// (raft src/uv.c) deletes it at start-up as an orphan: start-up uses the next older snapshot, or
// none, and the entries only this snapshot covered must then come from the segments.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding, metaFileName, newerThanUsed, nonCanonical } from './util.js';

function check(facts: NodeFacts): Finding[] {
  return facts.node.snapshots
    .filter((s) => s.meta && !s.data && !nonCanonical(facts, metaFileName(facts, s)))
    .map((s) => {
      const meta = metaFileName(facts, s);
      const used = facts.snapshot ? `snapshot ${facts.snapshot.name}` : 'no snapshot at all';
      const effect = newerThanUsed(facts, s)
        ? `; it would have been the newest snapshot, so raft starts from ${used} instead`
        : '';
      return finding(rule, facts.node.name, {
        file: meta,
        message: `snapshot metadata ${meta} has no data file ${s.name}: raft deletes the .meta at start-up as an orphan${effect}.`,
        repairs: [
          `Lossless: if the data file survives elsewhere (another copy of this directory, a renamed file), put it back as ${s.name}.`,
          `Delete ${meta} (what start-up does anyway).`,
        ],
        data: { snapshot: s.name, term: s.term, index: s.index, newest: newerThanUsed(facts, s) },
      });
    });
}

export const rule: Rule = {
  code: 'RR010',
  name: 'snapshot-meta-without-data',
  severity: 'warning',
  summary: 'A snapshot .meta without its data file: start-up deletes it and uses an older snapshot (or none).',
  check: (ctx) => ctx.nodes.flatMap(check),
};
