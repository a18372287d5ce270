// RR032: a closed segment that ends inside a batch before holding all the entries its name
// promises — cut short by a copy, a full disk or a crash during a finalization. The short read is
// RAFT_IOERR (uvLoadEntriesBatch), so start-up fails and auto-recovery does not apply.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { goodEntryCount, ignoredByFilter, namedCount, trailingFrom } from './segment-facts.js';
import { entriesSpan, finding, plural } from './util.js';

const SHORT = new Set(['short-preamble', 'short-count', 'short-header', 'short-data']);

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.segments) {
    const f = s.decoded.failure;
    if (s.kind !== 'closed' || !f || !SHORT.has(f.kind) || trailingFrom(s) !== undefined) continue;
    const kept = goodEntryCount(s);
    const named = namedCount(s);
    const from = s.firstIndex! + BigInt(kept);
    const missing =
      named !== undefined && s.lastIndex! >= from
        ? `${entriesSpan(from, s.lastIndex!)} ${from === s.lastIndex ? 'is' : 'are'} missing`
        : 'the rest is missing';
    const ignored = ignoredByFilter(facts).has(s.name);
    out.push(
      finding(rule, facts.node.name, {
        severity: ignored ? 'warning' : 'error',
        file: s.name,
        offset: f.batchOffset,
        message: `closed segment ${s.name} ends inside batch ${f.ordinal + 1} at byte ${f.batchOffset} (file is ${s.size} bytes): ${missing}; ${ignored ? 'uvFilterSegments ignores this file' : 'start-up fails with RAFT_IOERR (a short read; auto-recovery does not apply)'}.`,
        repairs: [
          ...(named !== undefined && s.lastIndex! >= from
            ? [`Lossless if another node holds ${entriesSpan(from, s.lastIndex!)}: rebuild the segment from its copy.`]
            : []),
          `Data loss: truncate ${s.name} to ${f.batchOffset} bytes and rename it to the ${plural(kept, 'entry')} it keeps; later segments then no longer continue it.`,
        ],
        data: {
          kind: f.kind,
          batch: f.ordinal,
          batchOffset: f.batchOffset,
          size: s.size,
          keptEntries: kept,
          missingFrom: from,
          missingTo: s.lastIndex,
        },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR032',
  name: 'closed-segment-truncated',
  severity: 'error',
  summary: 'A closed segment is cut inside a batch before its named entries end: start-up fails with an I/O error.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
