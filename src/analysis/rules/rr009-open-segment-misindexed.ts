// RR009: open segments store no first index; uvSegmentLoadAll numbers their entries from the end
// of the previous segment + 1, or from the snapshot's index + 1 when no closed segment is kept
// (format-spec §2.4, §3.3, §9 item 4). After a deleted closed segment, or with only a snapshot
// before them, the entries get indexes they never had — silently. We flag the risky layouts and
// look for evidence: a term that goes down, a CHANGE entry where other nodes hold something else,
// or entry shapes that match another node's log only at a shifted index.
import { EntryType } from '../../format/segment.js';
import type { LoadedRun, LogView } from '../loader/index.js';
import type { Finding } from '../findings.js';
import type { NodeFacts, Rule, RuleContext } from './rule.js';
import { filterResult, goodEntries } from './segment-facts.js';
import { finding, span } from './util.js';

const WINDOW = 32;
const MAX_SHIFT = 64;

function risk(facts: NodeFacts, run: LoadedRun, prevCounter: bigint | undefined): string | undefined {
  const f = filterResult(facts);
  const counter = facts.node.segments.find((s) => s.name === run.source)?.counter;
  if (f?.ok && f.kept.length > 0 && f.kept.every((s) => s.isOpen)) {
    return `no closed segment is kept before it, so raft numbers its entries from snapshot ${facts.snapshot!.name}'s index + 1`;
  }
  if (counter !== undefined && prevCounter !== undefined && counter > prevCounter + 1n) {
    return `open-${prevCounter + 1n}${counter > prevCounter + 2n ? `…open-${counter - 1n}` : ''} is missing before it, so its entries follow the previous segment whatever that lost`;
  }
  return undefined;
}

/** Shape of entry k of the run vs. entry at index i of another log. */
function sameShape(
  a: { type: number; length: number } | undefined,
  b: { type: number; length: number } | undefined,
): boolean {
  return a !== undefined && b !== undefined && a.type === b.type && a.length === b.length;
}

/** A shift d ≠ 0 at which the run's first entries match another log's shapes, when d = 0 does not. */
function shapeShift(run: LoadedRun, other: LogView): bigint | undefined {
  const entries = goodEntries(run.record).slice(0, Math.min(WINDOW, run.count));
  if (entries.length < 4 || new Set(entries.map((e) => `${e.type}:${e.length}`)).size < 2) return undefined;
  const matches = (d: bigint): boolean =>
    entries.every((e, k) => sameShape(e, other.entryAt(run.firstIndex + BigInt(k) + d)?.entry));
  if (matches(0n)) return undefined;
  for (let d = 1n; d <= BigInt(MAX_SHIFT); d++) {
    if (matches(d)) return d;
    if (matches(-d)) return -d;
  }
  return undefined;
}

function evidence(ctx: RuleContext, facts: NodeFacts, run: LoadedRun): string[] {
  const out: string[] = [];
  const entries = goodEntries(run.record);
  const before = facts.diskLog.termAt(run.firstIndex - 1n);
  if (before !== undefined && entries[0] && entries[0].term < before) {
    out.push(`its first entry has term ${entries[0].term}, below the term ${before} at index ${run.firstIndex - 1n}`);
  }
  if (!facts.snapshot && run.firstIndex === 1n && entries[0]?.type !== EntryType.CHANGE) {
    out.push('the entry numbered 1 is not the bootstrap configuration (a CHANGE entry)');
  }
  for (const other of ctx.nodes.filter((o) => o !== facts)) {
    for (const c of run.record.configurations.filter((c) => c.position < run.count)) {
      const i = run.firstIndex + BigInt(c.position);
      const theirs = other.diskLog.entryAt(i);
      if (theirs && theirs.type !== EntryType.CHANGE)
        out.push(
          `it puts a configuration change at index ${i}, where ${other.node.name} holds a ${theirs.type === 1 ? 'command' : 'barrier'}`,
        );
    }
    const d = shapeShift(run, other.diskLog);
    if (d !== undefined)
      out.push(`its entries match ${other.node.name}'s entries from index ${run.firstIndex + d} (shifted by ${d})`);
  }
  return out;
}

function check(ctx: RuleContext, facts: NodeFacts): Finding[] {
  const out: Finding[] = [];
  let prevCounter: bigint | undefined;
  for (const s of facts.node.segments.filter((x) => x.kind === 'open')) {
    const run = facts.diskLog.runs.find((r) => r.source === s.name);
    const r = run ? risk(facts, run, prevCounter) : undefined;
    prevCounter = s.counter;
    if (!run) continue;
    const proof = evidence(ctx, facts, run);
    if (!r && proof.length === 0) continue;
    const range = span(run.firstIndex, run.firstIndex + BigInt(run.count) - 1n);
    out.push(
      finding(rule, facts.node.name, {
        severity: proof.length > 0 ? 'error' : 'warning',
        file: s.name,
        message: `open segment ${s.name} will be loaded as entries ${range}${r ? `: ${r}` : ''}${proof.length > 0 ? `; but ${proof.join('; ')}` : '; nothing on disk confirms those indexes'}.`,
        repairs: [
          'Lossless: when the true first index is known (matching terms and configurations on another node), write the entries as a closed segment with the right name and remove the open segment.',
          `Data loss: move ${s.name} aside and let the leader resend entries ${range}.`,
        ],
        data: { inferredFirst: run.firstIndex, entries: run.count, risk: r, evidence: proof },
      }),
    );
  }
  return out;
}

export const rule: Rule = {
  code: 'RR009',
  name: 'open-segment-misindexed',
  severity: 'warning',
  summary:
    'Open segments get indexes from their position only; after a snapshot alone or a missing segment they may be numbered wrongly (error with evidence).',
  check: (ctx) => ctx.nodes.flatMap((facts) => check(ctx, facts)),
};
