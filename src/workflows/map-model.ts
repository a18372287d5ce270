// The log map: one row per node over a shared index axis, computed once from the nodes' verdicts
// and the ranking, then drawn by report/map-text.ts (the terminal) and report/map-svg.ts (the
// HTML report). A row holds every segment file on disk with its index range and what start-up
// does with it (loads it, ignores it, moves it aside, fails on it), the snapshots, the ranges no
// file holds (gaps), the ranges whose bytes cannot be read (damaged, with file and offset), the
// points where the term changes (with file and offset), and what a repair keeps with the node as
// its source. Pure: values in, values out.
import type { BatchTable } from '../format/batch-table.js';
import { parseClosedSegmentName } from '../format/file-names.js';
import { spansOf } from '../analysis/listed-log.js';
import type { RankResult } from '../analysis/rank.js';
import type { IndexRange } from '../analysis/recovery/types.js';
import type { DamagedSpan, NodeVerdict, ReadDepth, RepairNeed } from '../analysis/verdict.js';
import type { SegmentRecord } from '../scan/node-index.js';

/** What start-up does with a segment file. */
export type SegmentFate =
  | 'loaded' // its entries are in the log the node starts with
  | 'ignored' // left on disk, not loaded (older than the snapshot, or not needed)
  | 'moved-aside' // renamed corrupt-* by auto-recovery: its entries are dropped
  | 'removed' // deleted (an empty open segment)
  | 'fails' // start-up fails, crashes or hangs on this file
  | 'not-reached'; // start-up fails before it gets to use this file

export interface MapSegment {
  readonly file: string;
  readonly kind: 'closed' | 'open';
  /** Index range held (closed: by name; open: as the loader numbers it); undefined: holds no entry. */
  readonly range: IndexRange | undefined;
  readonly entries: number;
  readonly size: number;
  readonly firstTerm: bigint | undefined;
  readonly lastTerm: bigint | undefined;
  readonly fate: SegmentFate;
  /** Each batch's start offset and first entry's position in the file (for "which byte holds index N"). */
  readonly batches: BatchTable;
}

export type SnapshotFate = 'used' | 'newest' | 'older' | 'fails' | 'removed' | 'unusable';

export interface MapSnapshot {
  readonly file: string;
  readonly term: bigint;
  readonly index: bigint;
  readonly size: number | undefined;
  /** used: start-up loads it; newest: the one start-up would load, but it stops before; older: kept, not used. */
  readonly fate: SnapshotFate;
}

export interface TermChange {
  /** First index of the new term. */
  readonly index: bigint;
  readonly term: bigint;
  readonly previous: bigint;
  readonly file: string;
  /** Byte offset of the batch holding the entry. */
  readonly offset: number;
}

export interface MapStartup {
  readonly outcome: 'ok' | 'error' | 'crash' | 'hang';
  /** The engine's exact message, when it fails. */
  readonly error: string | undefined;
  readonly file: string | undefined;
  /** Where on the axis it fails (the failing file's first index, or the snapshot's index). */
  readonly failsAt: bigint | undefined;
  /** The log it starts with. */
  readonly keeps: IndexRange | undefined;
  readonly drops: IndexRange | undefined;
  readonly words: string;
}

export interface MapRow {
  readonly name: string;
  readonly path: string;
  readonly rank: number;
  readonly recommended: boolean;
  readonly read: ReadDepth;
  /** The entries the node holds in its newest run of segments (the snapshot is in `snapshots`). */
  readonly held: { readonly from: bigint; readonly to: bigint; readonly lastTerm: bigint } | undefined;
  readonly segments: readonly MapSegment[];
  readonly snapshots: readonly MapSnapshot[];
  readonly gaps: readonly IndexRange[];
  readonly damaged: readonly DamagedSpan[];
  readonly termChanges: readonly TermChange[];
  readonly firstTerm: bigint | undefined;
  readonly startup: MapStartup;
  readonly repair: {
    readonly need: RepairNeed;
    readonly lastIndex: bigint;
    readonly lastTerm: bigint;
    readonly fills: readonly { readonly range: IndexRange; readonly donors: readonly string[] }[];
    readonly lost: readonly { readonly from: bigint; readonly to: bigint | undefined; readonly reason: string }[];
  };
}

export interface LogMap {
  /** The shared axis: from the lowest index any node holds (or its snapshot) to the highest. */
  readonly axis: IndexRange;
  readonly rows: readonly MapRow[];
  readonly recommended: string | undefined;
  /** Why, in sentences (the ranking's explanation). */
  readonly reasons: readonly string[];
  readonly engine: string | undefined;
}

function fateOf(v: NodeVerdict, s: SegmentRecord, loaded: ReadonlySet<string>): SegmentFate {
  const p = v.startup;
  if (!p.ok && p.file === s.name) return 'fails';
  if (p.renamed.includes(s.name)) return 'moved-aside';
  if (loaded.has(s.name)) return 'loaded';
  if (p.removed.includes(s.name)) return 'removed';
  if (p.ignored.includes(s.name)) return 'ignored';
  return p.ok ? 'ignored' : 'not-reached';
}

function segmentsOf(v: NodeVerdict): MapSegment[] {
  const held = new Map(v.diskLog.runs.map((r) => [r.record, r]));
  const plain = new Map(spansOf(v.node).map((s) => [s.segment, s]));
  const loaded = new Set(v.startup.log?.runs.map((r) => r.source) ?? []);
  return v.node.segments.map((s) => {
    const run = held.get(s);
    const span = plain.get(s);
    const named = s.kind === 'closed' ? parseClosedSegmentName(s.name) : undefined;
    const entries = run?.count ?? span?.entries ?? 0;
    let range: IndexRange | undefined;
    if (named) range = { from: named.first, to: named.last };
    else if (run) range = { from: run.firstIndex, to: run.firstIndex + BigInt(run.count) - 1n };
    else if (span && span.entries > 0) range = { from: span.firstIndex, to: span.lastIndex };
    const table = s.decoded.batches;
    const firstTerm = entries > 0 && table.entryCount > 0 ? table.term(0) : undefined;
    const lastTerm = entries > 0 && table.entryCount >= entries ? table.term(entries - 1) : undefined;
    return {
      file: s.name,
      kind: s.kind,
      range,
      entries,
      size: s.size,
      firstTerm,
      lastTerm,
      fate: fateOf(v, s, loaded),
      batches: table,
    };
  });
}

function snapshotsOf(v: NodeVerdict): MapSnapshot[] {
  const p = v.startup;
  const newest = v.held.snapshot;
  const failsOn = (s: { name: string }) => !p.ok && (p.file === s.name || p.file === `${s.name}.meta`);
  // Start-up that fails on a snapshot does not fall back to an older one: none is "would use".
  let newestMarked = v.node.snapshots.some(failsOn);
  return v.node.snapshots.map((s) => {
    let fate: SnapshotFate;
    if (!s.meta || !s.data || s.data.size === 0)
      fate = p.removed.includes(s.name) || p.removed.includes(`${s.name}.meta`) ? 'removed' : 'unusable';
    else if (failsOn(s)) fate = 'fails';
    else if (p.snapshot?.name === s.name) fate = 'used';
    else if (!p.ok && !newestMarked && newest && newest.index === s.index && newest.term === s.term) fate = 'newest';
    else fate = 'older';
    if (fate === 'newest' || fate === 'used') newestMarked = true;
    return { file: s.name, term: s.term, index: s.index, size: s.data?.size, fate };
  });
}

/** Where the term changes along the log the node holds, with the batch that holds each first entry. */
function termChangesOf(v: NodeVerdict): { first: bigint | undefined; changes: TermChange[] } {
  const changes: TermChange[] = [];
  let previous: bigint | undefined;
  let first: bigint | undefined;
  for (const run of v.diskLog.runs) {
    const table = run.record.decoded.batches;
    const { runStart, runTerm } = table.columns();
    for (let k = 0; k < runStart.length; k++) {
      const position = runStart[k]!;
      if (position >= run.count) break;
      const term = runTerm[k]!;
      if (previous === undefined) first = term;
      else if (term !== previous) {
        changes.push({
          index: run.firstIndex + BigInt(position),
          term,
          previous,
          file: run.file,
          offset: table.offset(table.batchOf(position)),
        });
      }
      previous = term;
    }
    // The last run of a table may start before this run's entries end: the term at its last entry.
    if (run.count > 0) previous = table.term(run.count - 1);
  }
  return { first, changes };
}

function startupOf(
  v: NodeVerdict,
  segments: readonly MapSegment[],
  snapshots: readonly MapSnapshot[],
  words: string,
): MapStartup {
  const p = v.startup;
  const failing = p.ok
    ? undefined
    : (segments.find((s) => s.fate === 'fails')?.range?.from ?? snapshots.find((s) => s.fate === 'fails')?.index);
  const log = p.log;
  const keeps = log && log.entries > 0n ? { from: log.startIndex, to: log.lastIndex } : undefined;
  return { outcome: p.outcome, error: p.error, file: p.file, failsAt: failing, keeps, drops: v.startupDrops, words };
}

/** Lowest and highest index any row shows (segments by name, snapshots, held logs). */
function axisOf(rows: readonly MapRow[]): IndexRange {
  let from: bigint | undefined;
  let to: bigint | undefined;
  const see = (a: bigint, b: bigint) => {
    if (from === undefined || a < from) from = a;
    if (to === undefined || b > to) to = b;
  };
  for (const r of rows) {
    for (const s of r.segments) if (s.range) see(s.range.from, s.range.to);
    for (const s of r.snapshots) see(s.index, s.index);
    if (r.held) see(r.held.from, r.held.to);
  }
  if (from === undefined || to === undefined) return { from: 0n, to: 0n };
  return { from, to: to < from ? from : to };
}

/**
 * Gaps with the damaged ranges taken out: entries whose bytes are there but cannot be read are
 * drawn (and named) as damage, not as indexes no file holds.
 */
function gapsBesideDamage(gaps: readonly IndexRange[], damaged: readonly DamagedSpan[]): IndexRange[] {
  let out: IndexRange[] = [...gaps];
  for (const d of damaged) {
    const to = d.to ?? d.from;
    out = out.flatMap((g) => {
      if (to < g.from || d.from > g.to) return [g];
      const left = d.from > g.from ? [{ ...g, from: g.from, to: d.from - 1n }] : [];
      const right = to < g.to ? [{ ...g, from: to + 1n, to: g.to }] : [];
      return [...left, ...right];
    });
  }
  return out;
}

export interface MapInput {
  readonly verdicts: readonly NodeVerdict[];
  readonly ranking: RankResult;
  /** The start-up verdict in one line (workflows/documents/words.ts startupWords). */
  readonly startupWords: (v: NodeVerdict) => string;
}

export function buildLogMap({ verdicts, ranking, startupWords }: MapInput): LogMap {
  const rankOf = new Map(ranking.nodes.map((r) => [r.verdict, r.rank]));
  const best = ranking.best?.verdict;
  const ordered = [...verdicts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows = ordered.map((v): MapRow => {
    const segments = segmentsOf(v);
    const snapshots = snapshotsOf(v);
    const terms = termChangesOf(v);
    const h = v.held;
    const holds = h.lastIndex >= h.startIndex;
    const c = v.contribution;
    return {
      name: v.name,
      path: v.node.displayPath,
      rank: rankOf.get(v) ?? 0,
      recommended: v === best,
      read: v.read,
      held: holds ? { from: h.startIndex, to: h.lastIndex, lastTerm: h.lastTerm } : undefined,
      segments,
      snapshots,
      gaps: gapsBesideDamage(h.gaps, h.damaged),
      damaged: h.damaged,
      termChanges: terms.changes,
      firstTerm: terms.first,
      startup: startupOf(v, segments, snapshots, startupWords(v)),
      repair: {
        need: c.need,
        lastIndex: c.lastIndex,
        lastTerm: c.lastTerm,
        fills: c.fills,
        lost: c.lost.map((l) => ({ from: l.from, to: l.to, reason: l.reason })),
      },
    };
  });
  return {
    axis: axisOf(rows),
    rows,
    recommended: best?.name,
    reasons: ranking.explanation,
    engine: verdicts[0]?.engine.name,
  };
}
