// RR008: an open segment that ends inside a batch (a torn write, or 1..15 stray bytes after the
// last batch, e.g. a batch ending 8 bytes before the preallocated size). uvLoadEntriesBatch's
// short read is RAFT_IOERR, which uvSegmentLoadOpen does not forgive: with at least one good
// batch before it, the error path frees the file buffer that uvSegmentLoadAll frees again —
// a double free, the process dies (format-spec §2.4, §9 item 3). Without one, a clean IOERR.
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { firstIndexOf, goodEntryCount } from './segment-facts.js';
import { entriesSpan, finding, plural } from './util.js';

const SHORT = new Set(['short-preamble', 'short-count', 'short-header', 'short-data']);

function tornEntries(kind: string, data: Record<string, unknown>): string {
  if (kind === 'short-preamble' || kind === 'short-count') return 'no entry (the bytes are too few to be a batch)';
  if (kind === 'short-header' && data['count'] !== undefined)
    return `the torn batch's ${plural(Number(data['count']), 'entry')}`;
  return "the torn batch's entries";
}

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.segments) {
    const f = s.decoded.failure;
    if (s.kind !== 'open' || !f || !SHORT.has(f.kind) || s.decoded.formatVersion !== 1n) continue;
    const good = f.ordinal;
    const at = f.batchOffset;
    const first = firstIndexOf(facts, s);
    const kept = goodEntryCount(s);
    const range = first !== undefined && kept > 0 ? ` (${entriesSpan(first, first + BigInt(kept) - 1n)})` : '';
    const lost = tornEntries(f.kind, f.data);
    const fate =
      good > 0
        ? `after ${good} good batch${good === 1 ? '' : 'es'}${range}, so libraft frees the same buffer twice and the process crashes at start-up without a message`
        : 'before any good batch, so start-up fails with RAFT_IOERR';
    out.push(
      finding(rule, facts.node.name, {
        file: s.name,
        offset: at,
        message: `open segment ${s.name} ends inside batch ${good + 1} at byte ${at} (${s.size - at} bytes left, ${f.kind}) ${fate}.`,
        repairs: [
          `Truncate ${s.name} to ${at} bytes: keeps ${plural(kept, 'entry')} and loses ${lost}, which was never fully written.`,
        ],
        data: {
          kind: f.kind,
          batch: good,
          batchOffset: at,
          truncateTo: at,
          size: s.size,
          keptEntries: kept,
          crash: good > 0,
          tornEntries: f.kind === 'short-header' ? f.data['count'] : undefined,
        },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR008',
  name: 'open-segment-torn-tail',
  severity: 'error',
  summary:
    'An open segment ends inside a batch: after a good batch the real loader crashes (double free), otherwise it fails with an I/O error.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
