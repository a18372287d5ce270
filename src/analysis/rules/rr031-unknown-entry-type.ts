// RR031: an entry header whose type is not 1 (command), 2 (barrier) or 3 (change) while the
// header checksum matches (so it was written that way). uvDecodeBatchHeader returns
// RAFT_MALFORMED without a message; that is not RAFT_CORRUPT, so auto-recovery does not apply and
// start-up fails — and in an open segment after a good batch, libraft double-frees and crashes
// (format-spec §2.2, §9 item 3).
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { entriesBefore, firstIndexOf } from './segment-facts.js';
import { finding, plural } from './util.js';

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.segments) {
    const f = s.decoded.failure;
    if (!f || f.kind !== 'bad-entry-type') continue;
    const entry = Number(f.data['entry'] ?? 0);
    const first = firstIndexOf(facts, s);
    const index = first !== undefined ? first + BigInt(entriesBefore(s, f.ordinal) + entry) : undefined;
    const crash = s.kind === 'open' && f.ordinal > 0;
    const effect = crash
      ? 'after a good batch in an open segment libraft frees the same buffer twice and crashes'
      : 'start-up fails with RAFT_MALFORMED (no message; auto-recovery does not apply)';
    out.push(
      finding(rule, facts.node.name, {
        file: s.name,
        offset: f.offset,
        message: `${s.name}: entry ${entry + 1} of batch ${f.ordinal + 1} (${index !== undefined ? `index ${index}, ` : ''}header at byte ${f.offset - 8}) has type ${String(f.data['type'])}, which raft does not know: ${effect}.`,
        repairs: [
          'Lossless if another node holds this entry: rebuild the batch from its copy.',
          `Data loss: truncate ${s.name} to ${f.batchOffset} bytes, keeping ${plural(entriesBefore(s, f.ordinal), 'entry')}${s.kind === 'closed' ? ', and rename it to match' : ''}.`,
        ],
        data: { batch: f.ordinal, batchOffset: f.batchOffset, entry, type: f.data['type'], index, crash },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR031',
  name: 'unknown-entry-type',
  severity: 'error',
  summary:
    'An entry type other than command/barrier/change under a valid header checksum: start-up fails (MALFORMED) or crashes.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
