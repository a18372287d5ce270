// RR002: a hole between two closed segments' name ranges. Without a snapshot uvSegmentLoadAll
// fails with "unexpected closed segment %s: first index should have been %llu"; with one,
// uvFilterSegments keeps only the newest contiguous run and silently ignores every older
// segment (format-spec §9 item 6) — harmless when the snapshot covers the hole, fatal when not.
import type { SegmentRecord } from '../../scan/node-index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { formatClosedSegmentName } from '../../format/file-names.js';
import { filterResult } from './segment-facts.js';
import { entriesSpan, finding, holders, listWords, plural } from './util.js';

function closedByFirst(facts: NodeFacts): SegmentRecord[] {
  return facts.node.segments.filter(
    (s) =>
      s.kind === 'closed' && s.firstIndex !== undefined && s.lastIndex !== undefined && s.lastIndex >= s.firstIndex,
  );
}

function gapFinding(
  ctx: RuleContext,
  facts: NodeFacts,
  prev: SegmentRecord,
  next: SegmentRecord,
  older: string[],
): Finding {
  const from = prev.lastIndex! + 1n;
  const to = next.firstIndex! - 1n;
  const snap = facts.snapshot;
  const gap = `closed segment ${next.name} starts at ${next.firstIndex} but ${prev.name} ends at ${prev.lastIndex}: ${entriesSpan(from, to)} ${from === to ? 'is' : 'are'} on no file`;
  const have = holders(ctx, facts, from, to);
  const fill =
    have.length > 0
      ? [
          `Lossless: copy ${entriesSpan(from, to)} from ${listWords(have)} into a closed segment named ${formatClosedSegmentName(from, to)} on this node.`,
        ]
      : [];
  const data = { before: prev.name, after: next.name, missingFrom: from, missingTo: to, ignored: older, holders: have };
  if (!snap) {
    return finding(rule, facts.node.name, {
      file: next.name,
      data,
      message: `${gap}. With no snapshot raft loads segments from index 1 and stops here ("unexpected closed segment ${next.name}: first index should have been ${from}").`,
      repairs: [
        ...fill,
        `Data loss: move ${next.name} and every later segment aside; the node keeps entries up to ${prev.lastIndex}.`,
      ],
    });
  }
  const ignoredWords = `uvFilterSegments ignores the ${plural(older.length, 'file')} before the hole (${listWords(older)}): left on disk, not loaded`;
  if (to <= snap.index) {
    return finding(rule, facts.node.name, {
      severity: 'info',
      file: next.name,
      data,
      message: `${gap}. ${ignoredWords}; snapshot ${snap.name} covers the hole, so nothing is lost.`,
      repairs: ['None needed. Optionally delete the ignored older segments to save space.'],
    });
  }
  return finding(rule, facts.node.name, {
    file: next.name,
    data,
    message: `${gap}, above snapshot ${snap.name} (index ${snap.index}). ${ignoredWords}, and the entries in the hole exist nowhere on this node.`,
    repairs: [
      ...fill,
      `Data loss: move ${next.name} and every later segment aside; the node keeps entries up to ${prev.lastIndex}.`,
    ],
  });
}

function check(ctx: RuleContext, facts: NodeFacts): Finding[] {
  const closed = closedByFirst(facts);
  const f = filterResult(facts);
  const out: Finding[] = [];
  let reach = closed[0];
  for (let i = 1; i < closed.length; i++) {
    const next = closed[i]!;
    const prev = reach!;
    if (next.lastIndex! > prev.lastIndex!) reach = next;
    if (next.firstIndex! <= prev.lastIndex! + 1n) continue;
    if (f && !f.ok && f.segment.name === next.name) continue; // RR001 reports this one
    out.push(
      gapFinding(
        ctx,
        facts,
        prev,
        next,
        closed.slice(0, i).map((s) => s.name),
      ),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR002',
  name: 'closed-segment-gap',
  severity: 'error',
  summary:
    'A hole between closed segments: fatal without a snapshot or above it; info when a snapshot covers it (older segments are ignored).',
  check: (ctx) => ctx.nodes.flatMap((facts) => check(ctx, facts)),
};
