// RR011: a snapshot data file whose `.meta` is missing. Term and index live only in the file
// name, the configuration only in the .meta; uvMaintenance deletes the data file at start-up as
// an orphan (raft src/uv.c), so the snapshot is lost unless the .meta is rebuilt first.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { finding, latestConfiguration, newerThanUsed, nonCanonical } from './util.js';

function check(facts: NodeFacts): Finding[] {
  return facts.node.snapshots
    .filter((s) => s.data && !s.meta && !nonCanonical(facts, s.name))
    .map((s) => {
      const conf = latestConfiguration(facts);
      const rebuild =
        conf && conf.index <= s.index
          ? [
              `Lossless: rebuild ${s.name}.meta from the configuration at index ${conf.index} (${conf.servers.length} servers), the newest one at or below the snapshot's index ${s.index}.`,
            ]
          : [];
      return finding(rule, facts.node.name, {
        file: s.name,
        message: `snapshot data file ${s.name} has no ${s.name}.meta: raft deletes it at start-up as an orphan${newerThanUsed(facts, s) ? ', and it is newer than the snapshot raft would use' : ''}.`,
        repairs: [...rebuild, `Delete ${s.name} (what start-up does anyway).`],
        data: { snapshot: s.name, term: s.term, index: s.index, size: s.data!.size, newest: newerThanUsed(facts, s) },
      });
    });
}

export const rule: Rule = {
  code: 'RR011',
  name: 'snapshot-data-without-meta',
  severity: 'warning',
  summary: 'A snapshot data file without its .meta: start-up deletes it as an orphan.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
