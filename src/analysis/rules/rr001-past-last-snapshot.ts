// RR001: uvFilterSegments (raft src/uv.c) keeps the newest contiguous run of closed segments and
// refuses it with RAFT_CORRUPT "closed segment %s is past last snapshot %s" when the run starts
// after the snapshot's index + 1 (format-spec §3.3 step 4, §9 item 6): the entries in between
// are on no file of this node. Auto-recovery cannot help (nothing is quarantined).
import type { Finding } from '../findings.js';
import { filterSegments, type SegmentInfo } from '../loader/index.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { filterResult } from './segment-facts.js';
import { entriesSpan, finding, holders, listWords } from './util.js';

/** An older snapshot that the kept segments continue from, once the newer ones are dropped. */
function olderSnapshotThatFits(facts: NodeFacts): { name: string; dropped: string[] } | undefined {
  const newest = facts.snapshot;
  const usable = facts.node.snapshots.filter(
    (s) => s.meta?.decoded.value && s.data && s.data.size > 0 && s.name !== newest?.name,
  );
  for (const s of usable) {
    const f = filterSegments(s.index, s.name, facts.segmentInfos);
    if (!f.ok || f.kept.length === 0) continue;
    const dropped = facts.node.snapshots
      .filter(
        (o) =>
          o.term > s.term ||
          (o.term === s.term && o.index > s.index) ||
          (o.term === s.term && o.index === s.index && o.timestamp > s.timestamp),
      )
      .map((o) => o.name);
    return { name: s.name, dropped };
  }
  return undefined;
}

function repairs(ctx: RuleContext, facts: NodeFacts, from: bigint, to: bigint, run: readonly SegmentInfo[]): string[] {
  const out: string[] = [];
  const have = holders(ctx, facts, from, to);
  if (have.length > 0) {
    out.push(
      `Lossless: copy ${entriesSpan(from, to)} from ${listWords(have)} (which hold${have.length === 1 ? 's' : ''} the whole range) into new closed segments on this node.`,
    );
  }
  const older = olderSnapshotThatFits(facts);
  if (older) {
    out.push(
      `Drop the newer snapshot${older.dropped.length === 1 ? '' : 's'} ${listWords(older.dropped)} so that ${older.name} becomes the newest: the segments continue from it.`,
    );
  }
  const closed = run.filter((s) => !s.isOpen).map((s) => s.name);
  const last = facts.diskLog.lastIndex;
  out.push(
    `Data loss: move the segments ${listWords(closed)}${run.some((s) => s.isOpen) ? ' and the open segments' : ''} aside; the node then starts from snapshot ${facts.snapshot!.name} and loses ${entriesSpan(to + 1n, last > to ? last : to + 1n)} (it can catch up from the leader).`,
  );
  return out;
}

function check(ctx: RuleContext, facts: NodeFacts): Finding[] {
  const f = filterResult(facts);
  if (!f || f.ok) return [];
  const snap = facts.snapshot!;
  const from = snap.index + 1n;
  const to = f.segment.first - 1n;
  const at = facts.segmentInfos.indexOf(f.segment);
  const run = facts.segmentInfos.slice(at < 0 ? 0 : at);
  return [
    finding(rule, facts.node.name, {
      file: f.segment.name,
      message: `closed segment ${f.segment.name} starts at index ${f.segment.first} but the newest snapshot (${snap.name}) ends at ${snap.index}: ${entriesSpan(from, to)} ${from === to ? 'is' : 'are'} missing, so raft refuses to start ("${f.message}").`,
      repairs: repairs(ctx, facts, from, to, run),
      data: {
        snapshot: snap.name,
        snapshotIndex: snap.index,
        segment: f.segment.name,
        missingFrom: from,
        missingTo: to,
        holders: holders(ctx, facts, from, to),
        cError: f.message,
      },
    }),
  ];
}

export const rule: Rule = {
  code: 'RR001',
  name: 'past-last-snapshot',
  severity: 'error',
  summary:
    'The oldest kept closed segment starts after the newest snapshot index + 1: entries in between are missing and raft refuses to start.',
  check: (ctx) => ctx.nodes.flatMap((facts) => check(ctx, facts)),
};
