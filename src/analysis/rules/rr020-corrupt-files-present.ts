// RR020: `corrupt-<ns>-<name>` files: uvMoveCorruptSegment (raft src/uv_segment.c) renamed these
// segments aside during an earlier start-up with auto-recovery, and raft never looks at them
// again. They are evidence that this node already rolled its log back (format-spec §2.5).
import { parseClosedSegmentName } from '../../format/file-names.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { entriesSpan, finding } from './util.js';

/** <ns> is CLOCK_REALTIME in nanoseconds. */
function when(ns: bigint): string | undefined {
  const ms = Number(ns / 1_000_000n);
  return ns > 0n && ms < 8.64e15 ? new Date(ms).toISOString() : undefined;
}

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const f of facts.node.files) {
    if (f.class.kind !== 'corrupt') continue;
    const { ns, original } = f.class;
    const closed = parseClosedSegmentName(original);
    const range = closed && closed.last >= closed.first ? closed : undefined;
    const at = when(ns);
    const held = range
      ? `${entriesSpan(range.first, range.last)}`
      : original.startsWith('open-')
        ? `the entries of open segment ${original}`
        : original;
    out.push(
      finding(rule, facts.node.name, {
        file: f.name,
        message: `${f.name} is ${held}, moved aside by raft's auto-recovery${at ? ` at ${at}` : ''}: this node already dropped it from its log.`,
        repairs: [
          'If other nodes hold these entries the cluster has them; delete the file once the node is healthy again.',
          ...(range
            ? [
                `If this node is the only copy, check the damage (raft-rescue inspect) and restore ${original} after repairing it.`,
              ]
            : []),
        ],
        data: { original, ns, movedAt: at, first: range?.first, last: range?.last, size: f.size },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR020',
  name: 'corrupt-files-present',
  severity: 'warning',
  summary:
    'corrupt-* files: an earlier start-up with auto-recovery already moved segments aside and dropped their entries.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
