// RR006: a batch preamble whose entry count is 0 or above 262144 (uvLoadEntriesBatch,
// RAFT_CORRUPT "entries count in preamble is zero" / "... is too high"), other than the zero
// tail of a preallocated open segment (scan/ leaves that out) and other than bytes after a
// complete closed segment (RR005). In a closed segment the named entries from here on cannot be
// read; in an open segment C stops reading quietly and drops the rest of the file.
import type { SegmentRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import {
  entriesBefore,
  firstIndexOf,
  fromSegmentOn,
  ignoredByFilter,
  isLastClosed,
  trailingFrom,
} from './segment-facts.js';
import { finding, listWords, plural, span } from './util.js';

function closedConsequence(facts: NodeFacts, s: SegmentRecord): string {
  if (ignoredByFilter(facts).has(s.name)) return 'uvFilterSegments ignores this file, so start-up is not affected';
  if (!isLastClosed(facts, s.name)) return 'it is not the last closed segment, so start-up fails with RAFT_CORRUPT';
  if (!facts.autoRecovery) return 'start-up fails with RAFT_CORRUPT (auto-recovery is off)';
  return `auto-recovery renames ${listWords(fromSegmentOn(facts, s.name))} to corrupt-* and the node starts without them`;
}

function describe(kind: string, count: unknown): string {
  return kind === 'zero-count' ? 'an entry count of 0' : `an entry count of ${String(count)} (more than 262144)`;
}

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  const bySegment = new Map(facts.node.segments.map((s) => [s.name, s]));
  for (const issue of facts.node.issues) {
    if (issue.kind !== 'zero-count' && issue.kind !== 'count-too-high') continue;
    const s = bySegment.get(issue.file);
    if (!s) continue;
    const ordinal = Number(issue.data?.['batch'] ?? 0);
    const at = Number(issue.data?.['batchOffset'] ?? issue.offset);
    const tail = trailingFrom(s);
    if (tail !== undefined && at >= tail) continue; // RR005
    if (s.decoded.failure && at > s.decoded.failure.batchOffset) continue; // past C's first stop: never read
    const what = describe(issue.kind, issue.data?.['count']);
    const first = firstIndexOf(facts, s);
    const from = first !== undefined ? first + BigInt(entriesBefore(s, ordinal)) : undefined;
    const base = {
      batch: ordinal,
      batchOffset: at,
      kind: issue.kind,
      count: issue.data?.['count'],
      goodBatches: ordinal,
    };
    if (s.kind === 'closed') {
      const lost =
        from !== undefined && s.lastIndex !== undefined && s.lastIndex >= from ? span(from, s.lastIndex) : undefined;
      out.push(
        finding(rule, facts.node.name, {
          severity: ignoredByFilter(facts).has(s.name) ? 'warning' : 'error',
          file: s.name,
          offset: at,
          message: `closed segment ${s.name} has ${what} in batch ${ordinal + 1} at byte ${at}${lost ? `, so entries ${lost} cannot be read` : ''}: ${closedConsequence(facts, s)}.`,
          repairs: [
            ...(lost
              ? [
                  `Lossless if another node holds entries ${lost} with the same terms: rebuild the segment from its copy.`,
                ]
              : []),
            `Data loss: truncate ${s.name} to ${at} bytes and rename it to match the ${plural(entriesBefore(s, ordinal), 'entry')} before the damage.`,
          ],
          data: { ...base, lostFrom: from, lostTo: s.lastIndex },
        }),
      );
    } else {
      const rest = s.size - at;
      out.push(
        finding(rule, facts.node.name, {
          severity: 'warning',
          file: s.name,
          offset: at,
          message: `open segment ${s.name} has ${what} at byte ${at} after ${plural(ordinal, 'batch')}, followed by non-zero bytes: raft stops reading there and drops the last ${plural(rest, 'byte')}${from !== undefined ? ` (its entries end at ${from - 1n})` : ''}.`,
          repairs: [
            `Truncate ${s.name} to ${at} bytes (what start-up does anyway); inspect the dropped bytes first if entries may have been written after a hole.`,
          ],
          data: { ...base, droppedBytes: rest },
        }),
      );
    }
  }
  return out;
}

export const rule: Rule = {
  code: 'RR006',
  name: 'entry-count-invalid',
  severity: 'error',
  summary:
    "A batch says it holds 0 or more than 262144 entries (not an open segment's normal zero tail): entries after it are unreadable.",
  check: (ctx) => ctx.nodes.flatMap(check),
};
