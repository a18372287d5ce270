// RR005: bytes after the last batch of a closed segment that already holds every entry its name
// promises. uvSegmentLoadClosed reads batches until the end of the file, so the extra bytes fail
// the segment: zeros (what a full disk or a preallocated copy leaves) are RAFT_CORRUPT "entries
// count in preamble is zero", and auto-recovery then renames this segment and every later one
// to corrupt-* if it is the last closed segment — silently losing them (format-spec §2.3, §9.5).
import type { SegmentRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { fromSegmentOn, ignoredByFilter, isLastClosed, trailingFrom } from './segment-facts.js';
import { entriesSpan, finding, listWords, plural } from './util.js';

function consequence(facts: NodeFacts, s: SegmentRecord): { text: string; lost?: [bigint, bigint] } {
  const f = s.decoded.failure!;
  if (ignoredByFilter(facts).has(s.name))
    return { text: 'uvFilterSegments ignores this file, so start-up is not affected today' };
  if (f.raftCode !== 'CORRUPT')
    return { text: `the short read is RAFT_${f.raftCode}: start-up fails and auto-recovery does not apply` };
  if (!isLastClosed(facts, s.name))
    return { text: 'it is not the last closed segment, so start-up fails with RAFT_CORRUPT' };
  if (!facts.autoRecovery) return { text: 'start-up fails with RAFT_CORRUPT (auto-recovery is off)' };
  const moved = fromSegmentOn(facts, s.name);
  // The same range RR027 and every command quote: the verdict's, from the start-up prediction.
  const drops = facts.verdict.startupDrops;
  if (!drops)
    return { text: `it is the last closed segment, so auto-recovery renames ${listWords(moved)} to corrupt-*` };
  return {
    text: `it is the last closed segment, so auto-recovery renames ${listWords(moved)} to corrupt-* and the node silently starts without ${entriesSpan(drops.from, drops.to)}`,
    lost: [drops.from, drops.to],
  };
}

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.segments) {
    if (s.kind !== 'closed') continue;
    const from = trailingFrom(s);
    if (from === undefined) continue;
    const extra = s.size - from;
    const zero = s.decoded.tailIsZero;
    const c = consequence(facts, s);
    out.push(
      finding(rule, facts.node.name, {
        severity: ignoredByFilter(facts).has(s.name) ? 'warning' : 'error',
        file: s.name,
        offset: from,
        message: `closed segment ${s.name} holds all its entries but has ${plural(extra, 'byte')} ${zero ? 'of zeros ' : ''}after its last batch (from byte ${from})${zero ? ', what a full disk leaves' : ''}: ${c.text}.`,
        repairs: [`Lossless: truncate ${s.name} to ${from} bytes (no entry is in the extra bytes).`],
        data: {
          validBytes: from,
          size: s.size,
          extraBytes: extra,
          zeros: zero,
          failure: s.decoded.failure!.kind,
          raftCode: s.decoded.failure!.raftCode,
          ...(c.lost ? { lostFrom: c.lost[0], lostTo: c.lost[1] } : {}),
        },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR005',
  name: 'closed-segment-trailing-bytes',
  severity: 'error',
  summary:
    'Bytes after the last batch of a complete closed segment: start-up fails, or auto-recovery silently drops this and every later segment.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
