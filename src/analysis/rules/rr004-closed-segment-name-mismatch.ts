// RR004: a closed segment's name does not describe its content. uvSegmentLoadClosed compares the
// entries read with the name's range as an `unsigned` ("found %zu entries (expected %u)",
// RAFT_CORRUPT, format-spec §2.3); an inverted name (first > last) wraps that count; and
// "%016llu-%016llu" accepts a '-' sign (negated modulo 2^64) or saturates numbers above
// 2^64-1, so C can read a name as a range nobody would read in it.
import { formatClosedSegmentName } from '../../format/file-names.js';
import { fileNamed, type SegmentRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { fromSegmentOn, goodEntryCount, ignoredByFilter, isLastClosed } from './segment-facts.js';
import { finding, listWords, misleadingSpelling, plural } from './util.js';

function consequence(facts: NodeFacts, name: string): string {
  if (ignoredByFilter(facts).has(name)) return 'uvFilterSegments ignores this file, so start-up is not affected';
  if (isLastClosed(facts, name) && facts.autoRecovery) {
    return `RAFT_CORRUPT: auto-recovery renames ${listWords(fromSegmentOn(facts, name))} to corrupt-* and the node starts without them`;
  }
  return 'RAFT_CORRUPT: start-up fails';
}

function countFinding(facts: NodeFacts, s: SegmentRecord): Finding | undefined {
  if (s.decoded.failure || s.decoded.formatVersion !== 1n) return undefined; // other rules report damaged files
  const found = goodEntryCount(s);
  const first = s.firstIndex!;
  const last = s.lastIndex!;
  const expected = BigInt.asUintN(32, last - first + 1n);
  if (last >= first && BigInt(found) === last - first + 1n) return undefined;
  const fitting = found > 0 ? formatClosedSegmentName(first, first + BigInt(found) - 1n) : undefined;
  const inverted = last < first;
  return finding(rule, facts.node.name, {
    severity: ignoredByFilter(facts).has(s.name) ? 'warning' : 'error',
    file: s.name,
    message: `closed segment ${s.name} holds ${plural(found, 'entry')} but its name ${inverted ? `is inverted (first ${first} > last ${last}) and ` : ''}promises ${expected} ("found ${found} entries (expected ${expected})"); ${consequence(facts, s.name)}.`,
    repairs: fitting
      ? [
          `Rename it to ${fitting} if the entries really start at ${first} (check the terms against the neighbouring segments and other nodes); otherwise move it aside.`,
        ]
      : ['Move it aside: it holds no entries.'],
    data: { found, expected, first, last, inverted, suggestedName: fitting },
  });
}

function spellingFinding(facts: NodeFacts, s: SegmentRecord): Finding | undefined {
  const cls = fileNamed(facts.node, s.name)?.class;
  if (cls?.kind !== 'closed-segment' || !cls.nonCanonical || !misleadingSpelling(cls.reason)) return undefined;
  return finding(rule, facts.node.name, {
    severity: 'warning',
    file: s.name,
    message: `closed segment name ${JSON.stringify(s.name)} is read by C as ${cls.canonicalName} (${cls.reason}), not as the range it seems to show.`,
    repairs: [
      'Rename the file to the canonical name of the range its entries really hold (check the terms against the neighbouring segments).',
    ],
    data: { canonicalName: cls.canonicalName, reason: cls.reason, first: cls.first, last: cls.last },
  });
}

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.segments) {
    if (s.kind !== 'closed' || s.firstIndex === undefined || s.lastIndex === undefined) continue;
    const spelled = spellingFinding(facts, s);
    if (spelled) out.push(spelled);
    const count = countFinding(facts, s);
    if (count) out.push(count);
  }
  return out;
}

export const rule: Rule = {
  code: 'RR004',
  name: 'closed-segment-name-mismatch',
  severity: 'error',
  summary:
    'A closed segment holds a different number of entries than its name says, its name is inverted, or C reads the name as another range.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
