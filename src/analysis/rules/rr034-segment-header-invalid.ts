// RR034: a segment file without a usable 8-byte format header (uvSegmentLoadClosed /
// uvSegmentLoadOpen, format-spec §2.3, §2.4): a closed one that is empty ("file is empty",
// RAFT_CORRUPT), 1..7 bytes ("file has only N bytes", RAFT_IOERR, fatal for open ones too), or
// whose format word is not 1 ("unexpected format version", RAFT_CORRUPT). An open segment that is
// empty or zeros throughout is normal (start-up removes it) and not reported.
import type { SegmentRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import { fromSegmentOn, ignoredByFilter, isLastClosed } from './segment-facts.js';
import { finding, listWords } from './util.js';

function problem(s: SegmentRecord): { text: string; code: 'CORRUPT' | 'IOERR' } | undefined {
  const d = s.decoded;
  if (s.size === 0) return s.kind === 'closed' ? { text: 'is empty', code: 'CORRUPT' } : undefined;
  if (s.size < 8) return { text: `has only ${s.size} bytes, fewer than its 8-byte format header`, code: 'IOERR' };
  if (d.formatVersion === 1n) return undefined;
  const zeroFilled =
    d.formatVersion === 0n && d.batches.length === 0 && d.validBytes === 8 && (!d.failure || d.tailIsZero);
  if (s.kind === 'open' && zeroFilled) return undefined;
  return { text: `starts with format version ${String(d.formatVersion)}, not 1`, code: 'CORRUPT' };
}

function consequence(facts: NodeFacts, s: SegmentRecord, code: string): string {
  if (ignoredByFilter(facts).has(s.name)) return 'uvFilterSegments ignores this file';
  if (code !== 'CORRUPT') return 'start-up fails with RAFT_IOERR';
  if (!facts.autoRecovery || (s.kind === 'closed' && !isLastClosed(facts, s.name)))
    return 'start-up fails with RAFT_CORRUPT';
  return `auto-recovery renames ${listWords(fromSegmentOn(facts, s.name))} to corrupt-* and the node starts without them`;
}

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.segments) {
    const p = problem(s);
    if (!p) continue;
    out.push(
      finding(rule, facts.node.name, {
        severity: ignoredByFilter(facts).has(s.name) ? 'warning' : 'error',
        file: s.name,
        offset: 0,
        message: `${s.kind} segment ${s.name} ${p.text}: ${consequence(facts, s, p.code)}.`,
        repairs: [
          'Lossless if another node holds these entries: rebuild the segment from its copy.',
          `Data loss: move ${s.name} aside${s.kind === 'closed' ? ' (and every later segment, which then no longer continues the log)' : ''}.`,
        ],
        data: { size: s.size, formatVersion: s.decoded.formatVersion, raftCode: p.code },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR034',
  name: 'segment-header-invalid',
  severity: 'error',
  summary: 'A segment file is empty (closed), shorter than 8 bytes, or does not start with format version 1.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
