// The map operation: every node read in full, one verdict per node, ranked, and the log map
// (map-model.ts) built once from them; `map --json` prints mapDocument, people get
// report/map-text.ts, the HTML report report/map-svg.ts.
import type { EngineProfile } from '../analysis/engine/profiles.js';
import { rankVerdicts, type RankResult } from '../analysis/rank.js';
import type { NodeVerdict } from '../analysis/verdict.js';
import { verdictsOf } from './check.js';
import {
  dec,
  inputNotesDocument,
  rangeDocument,
  type Dec,
  type InputNotesDocument,
  type RangeDocument,
} from './documents/verdict.js';
import { startupWords } from './documents/words.js';
import type { Inputs } from './inputs.js';
import { buildLogMap, type LogMap, type MapRow, type SegmentFate, type SnapshotFate } from './map-model.js';

export interface MapRequest {
  /** raft_uv_set_auto_recovery as the nodes will run (default true). */
  readonly autoRecovery?: boolean;
  /** The engine to predict for, or `auto`; default libraft 0.15 (analysis/engine). */
  readonly engine?: EngineProfile | 'auto';
}

export interface MapOutcome {
  readonly map: LogMap;
  readonly verdicts: readonly NodeVerdict[];
  readonly ranking: RankResult;
}

/** The map of verdicts already built (the report shares them with check and rank). */
export function mapOf(verdicts: readonly NodeVerdict[], ranking: RankResult = rankVerdicts(verdicts)): MapOutcome {
  const map = buildLogMap({ verdicts, ranking, startupWords: (v) => startupWords(v.startup, v.startupDrops) });
  return { map, verdicts, ranking };
}

export async function runMap(inputs: Inputs, request: MapRequest = {}): Promise<MapOutcome> {
  const nodes = await inputs.read('every-byte');
  return mapOf(verdictsOf(nodes, { autoRecovery: request.autoRecovery, engine: request.engine }));
}

/** One row of `map --json`. */
export interface MapRowDocument {
  readonly name: string;
  readonly path: string;
  readonly rank: number;
  readonly recommended: boolean;
  readonly held: { readonly from: Dec; readonly to: Dec; readonly lastTerm: Dec } | null;
  readonly segments: readonly {
    readonly file: string;
    readonly kind: 'closed' | 'open';
    readonly range: RangeDocument | null;
    readonly entries: number;
    readonly size: number;
    readonly firstTerm: Dec | null;
    readonly lastTerm: Dec | null;
    readonly fate: SegmentFate;
  }[];
  readonly snapshots: readonly {
    readonly file: string;
    readonly term: Dec;
    readonly index: Dec;
    readonly fate: SnapshotFate;
  }[];
  readonly gaps: readonly RangeDocument[];
  readonly damaged: readonly {
    readonly file: string;
    readonly offset: number;
    readonly from: Dec;
    readonly to: Dec | null;
    readonly what: string;
  }[];
  readonly termChanges: readonly {
    readonly index: Dec;
    readonly term: Dec;
    readonly previous: Dec;
    readonly file: string;
    readonly offset: number;
  }[];
  readonly startup: {
    readonly outcome: string;
    readonly error: string | null;
    readonly file: string | null;
    readonly failsAt: Dec | null;
    readonly keeps: RangeDocument | null;
    readonly drops: RangeDocument | null;
    readonly words: string;
  };
  readonly repair: {
    readonly need: string;
    readonly lastIndex: Dec;
    readonly lastTerm: Dec;
    readonly fills: readonly { readonly range: RangeDocument; readonly donors: readonly string[] }[];
    readonly lost: readonly { readonly from: Dec; readonly to: Dec | null; readonly reason: string }[];
  };
}

/** `map --json` without its envelope. */
export interface MapDocument {
  readonly axis: RangeDocument;
  readonly recommended: string | null;
  readonly reasons: readonly string[];
  readonly engine: string | null;
  readonly rows: readonly MapRowDocument[];
  readonly inputNotes: InputNotesDocument;
}

const decOrNull = (v: bigint | undefined): Dec | null => (v === undefined ? null : dec(v));
const rangeOrNull = (r: { from: bigint; to: bigint } | undefined): RangeDocument | null =>
  r ? rangeDocument(r) : null;

function rowDocument(r: MapRow): MapRowDocument {
  return {
    name: r.name,
    path: r.path,
    rank: r.rank,
    recommended: r.recommended,
    held: r.held ? { from: dec(r.held.from), to: dec(r.held.to), lastTerm: dec(r.held.lastTerm) } : null,
    segments: r.segments.map((s) => ({
      file: s.file,
      kind: s.kind,
      range: rangeOrNull(s.range),
      entries: s.entries,
      size: s.size,
      firstTerm: decOrNull(s.firstTerm),
      lastTerm: decOrNull(s.lastTerm),
      fate: s.fate,
    })),
    snapshots: r.snapshots.map((s) => ({ file: s.file, term: dec(s.term), index: dec(s.index), fate: s.fate })),
    gaps: r.gaps.map(rangeDocument),
    damaged: r.damaged.map((d) => ({
      file: d.file,
      offset: d.offset,
      from: dec(d.from),
      to: decOrNull(d.to),
      what: d.what,
    })),
    termChanges: r.termChanges.map((t) => ({
      index: dec(t.index),
      term: dec(t.term),
      previous: dec(t.previous),
      file: t.file,
      offset: t.offset,
    })),
    startup: {
      outcome: r.startup.outcome,
      error: r.startup.error ?? null,
      file: r.startup.file ?? null,
      failsAt: decOrNull(r.startup.failsAt),
      keeps: rangeOrNull(r.startup.keeps),
      drops: rangeOrNull(r.startup.drops),
      words: r.startup.words,
    },
    repair: {
      need: r.repair.need,
      lastIndex: dec(r.repair.lastIndex),
      lastTerm: dec(r.repair.lastTerm),
      fills: r.repair.fills.map((f) => ({ range: rangeDocument(f.range), donors: f.donors })),
      lost: r.repair.lost.map((l) => ({ from: dec(l.from), to: decOrNull(l.to), reason: l.reason })),
    },
  };
}

export function mapDocument(inputs: Pick<Inputs, 'notes'>, outcome: MapOutcome): MapDocument {
  const m = outcome.map;
  return {
    axis: rangeDocument(m.axis),
    recommended: m.recommended ?? null,
    reasons: m.reasons,
    engine: m.engine ?? null,
    rows: m.rows.map(rowDocument),
    inputNotes: inputNotesDocument(inputs.notes),
  };
}

/** Public API: the log map, as `map --json` gives it. */
export async function map(inputs: Inputs, request: MapRequest = {}): Promise<MapDocument> {
  return mapDocument(inputs, await runMap(inputs, request));
}
