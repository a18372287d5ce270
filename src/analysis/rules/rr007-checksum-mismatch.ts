// RR007: a batch whose header checksum (crc1, over the count and entry headers) or data checksum
// (crc2, over the payloads) does not match (uvLoadEntriesBatch, RAFT_CORRUPT). The first one is
// where C stops: a closed segment then fails start-up, or — the last closed segment, with
// auto-recovery — is renamed to corrupt-* with every later segment; an open segment is cut
// quietly before the bad batch (removed when it is the first). Later bad batches are evidence.
import type { DecodeIssue } from '../../format/issue.js';
import type { SegmentRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule } from './rule.js';
import {
  batchRange,
  entriesBefore,
  firstIndexOf,
  fromSegmentOn,
  ignoredByFilter,
  isLastClosed,
  trailingFrom,
} from './segment-facts.js';
import { entriesSpan, finding, listWords } from './util.js';

const hex = (v: unknown): string => (typeof v === 'number' ? `0x${v.toString(16).padStart(8, '0')}` : String(v));

function affected(facts: NodeFacts, s: SegmentRecord, issue: DecodeIssue): string {
  const ordinal = Number(issue.data?.['batch']);
  if (issue.kind === 'data-checksum') {
    const r = batchRange(facts, s, ordinal);
    return r ? `${entriesSpan(r.from, r.to)}` : 'its entries';
  }
  const first = firstIndexOf(facts, s);
  if (first === undefined) return 'the entries from there on';
  const from = first + BigInt(entriesBefore(s, ordinal));
  return s.kind === 'closed' && s.lastIndex !== undefined && s.lastIndex >= from
    ? `${entriesSpan(from, s.lastIndex)}`
    : `the entries from ${from} on`;
}

function consequence(facts: NodeFacts, s: SegmentRecord, ordinal: number, at: number): string {
  if (s.kind === 'open') {
    return ordinal === 0
      ? 'raft removes this open segment at start-up without a word'
      : `raft silently truncates this open segment to ${at} bytes at start-up, dropping this batch and everything after it`;
  }
  if (ignoredByFilter(facts).has(s.name)) return 'uvFilterSegments ignores this file, so start-up is not affected';
  if (!isLastClosed(facts, s.name))
    return 'it is not the last closed segment, so start-up fails hard with RAFT_CORRUPT';
  if (!facts.autoRecovery) return 'start-up fails with RAFT_CORRUPT (auto-recovery is off)';
  return `auto-recovery renames ${listWords(fromSegmentOn(facts, s.name))} to corrupt-* and the node starts without them`;
}

function check(facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.node.segments) {
    const tail = trailingFrom(s);
    const bad = s.decoded.issues.filter(
      (i) =>
        (i.kind === 'header-checksum' || i.kind === 'data-checksum') &&
        (tail === undefined || Number(i.data?.['batchOffset']) < tail),
    );
    const first = bad[0];
    if (!first) continue;
    const ordinal = Number(first.data?.['batch']);
    const at = Number(first.data?.['batchOffset']);
    const which = first.kind === 'header-checksum' ? 'header' : 'data';
    const lastBatch = ordinal >= s.decoded.batches.length - 1;
    const severity =
      s.kind === 'open' ? (lastBatch ? 'warning' : 'error') : ignoredByFilter(facts).has(s.name) ? 'warning' : 'error';
    out.push(
      finding(rule, facts.node.name, {
        severity,
        file: s.name,
        offset: at,
        message: `${s.kind} segment ${s.name}: batch ${ordinal + 1} at byte ${at} has a ${which} checksum mismatch (expected ${hex(first.data?.['expected'])}, found ${hex(first.data?.['found'])}), affecting ${affected(facts, s, first)}${bad.length > 1 ? ` (${bad.length - 1} more bad batches after it)` : ''}: ${consequence(facts, s, ordinal, at)}.`,
        repairs: [
          'Lossless if another node holds the same entries with the same terms: rebuild this segment from its copy.',
          `Data loss: truncate ${s.name} to ${at} bytes${s.kind === 'closed' ? ' and rename it to the entries before the damage' : ''}, dropping this batch and every later one.`,
        ],
        data: {
          batches: bad.map((i) => ({
            batch: Number(i.data?.['batch']),
            offset: Number(i.data?.['batchOffset']),
            kind: i.kind,
            expected: i.data?.['expected'],
            found: i.data?.['found'],
          })),
          verifiedData: facts.node.verifiedData,
        },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR007',
  name: 'checksum-mismatch',
  severity: 'error',
  summary:
    'A batch header or data checksum does not match: a closed segment fails start-up or is quarantined; an open one is silently cut.',
  check: (ctx) => ctx.nodes.flatMap(check),
};
