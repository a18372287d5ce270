// The log a repair builds from one source node: its runs and the donor ranges that fill its holes,
// in index order, cut at the first hole no node can fill (that cut loses every entry after the
// hole, so repair needs --allow-data-loss for it; no open segment survives to be misindexed).
// rank, check and repair all read a node's contribution from here, so they cannot disagree.
import type { ConfigurationServer } from '../../format/configuration.js';
import type { NodeIndex } from '../../scan/node-index.js';
import { heldDbLog } from '../db/db-log.js';
import { uncomparedLoss } from '../db/lost-data.js';
import type { PayloadReader } from '../../scan/payloads.js';
import { DEFAULT_ENGINE, type EngineProfile } from '../engine/profiles.js';
import type { SnapshotForm } from '../engine/snapshot-form.js';
import { diskLog, type LogView } from '../loader/index.js';
import type { LoadedRun } from '../loader/segments.js';
import { fillHoles, fillStep, type Donor, type DonorPiece, type HoleFill } from './fill.js';
import { treatRun, type RunOutcome } from './run-treatment.js';
import { analyseSource, runLast, type SourceLog } from './source-log.js';
import type { LostEntries, RecoveryStep } from './types.js';

export type Piece =
  | {
      readonly kind: 'run';
      readonly first: bigint;
      readonly last: bigint;
      readonly run: LoadedRun;
      readonly outcome: RunOutcome;
    }
  | { readonly kind: 'donor'; readonly first: bigint; readonly last: bigint; readonly piece: DonorPiece };

export interface Recovery {
  readonly source: SourceLog;
  readonly fills: readonly HoleFill[];
  readonly pieces: readonly Piece[];
  readonly startIndex: bigint;
  /** Last index of the repaired log before the new configuration entry. */
  readonly lastIndex: bigint;
  readonly lastTerm: bigint;
  /** Everything repair does to the data, in order (source steps, run steps, fills, a cut). */
  readonly steps: readonly RecoveryStep[];
  readonly lost: readonly LostEntries[];
  /** Explanations for holes that could not be filled. */
  readonly unfilled: readonly string[];
}

function ordered(src: SourceLog, fills: readonly HoleFill[]): Piece[] {
  const pieces: Piece[] = src.runs.map((run) => ({
    kind: 'run',
    first: run.firstIndex,
    last: runLast(run),
    run,
    outcome: treatRun(src.node, run),
  }));
  for (const f of fills) {
    if (f.unfilled) continue;
    for (const p of f.pieces) pieces.push({ kind: 'donor', first: p.firstIndex, last: p.lastIndex, piece: p });
  }
  return pieces.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
}

function termOf(src: SourceLog, p: Piece | undefined): bigint {
  if (!p) return src.snapshot.chosen?.term ?? 0n;
  return (p.kind === 'run' ? src.view.termAt(p.last) : p.piece.donor.view.termAt(p.last)) ?? 0n;
}

/** Pieces of a donor or run, named for people: `open-5` or `127.0.0.1:9002:0000000000001025-0000000000002040`. */
export function pieceSourceName(p: Piece): string {
  return p.kind === 'run' ? p.run.source : `${p.piece.donor.node.name}:${p.piece.file}`;
}

function cutLoss(src: SourceLog, f: HoleFill, dropped: readonly Piece[]): { lost: LostEntries; step: RecoveryStep } {
  const claimed = src.lost.find((l) => l.kind === 'damaged-tail')?.to;
  const to = claimed !== undefined && claimed > src.lastIndex ? claimed : src.lastIndex;
  const why = f.rejected.length ? ` (tried: ${f.rejected.join('; ')})` : '';
  const lost: LostEntries = {
    kind: 'unfillable-hole',
    from: f.hole.from,
    to,
    complete: true,
    reason:
      `entries ${f.unfilled!.from}..${f.unfilled!.to} are held by no node whose log can be proven to agree${why}; ` +
      `the log is cut before ${f.hole.from}, so entries ${f.hole.from}..${to} are lost`,
  };
  const step: RecoveryStep = {
    kind: 'drop-segments',
    lossless: false,
    node: src.node.displayPath,
    files: dropped.map(pieceSourceName),
    range: { from: f.hole.from, to },
    description:
      `the segments after the hole at ${f.hole.from}..${f.hole.to} are not kept (needs --allow-data-loss): ` +
      `entries ${f.hole.from}..${to} are lost`,
  };
  return { lost, step };
}

/** The repaired log with `source` as the source node and `donors` (best first) to fill its holes. */
export function assembleRecovery(
  source: NodeIndex,
  donors: readonly Donor[],
  payloads: PayloadReader,
  engine: EngineProfile = DEFAULT_ENGINE,
  form?: SnapshotForm,
): Recovery {
  const src = analyseSource(source, engine, form);
  const fills = fillHoles(src, donors, payloads);
  let pieces = ordered(src, fills);
  const steps: RecoveryStep[] = [...src.repairs];
  const lost: LostEntries[] = [];
  const gap = fills.find((f) => f.unfilled);
  if (gap) {
    const c = cutLoss(
      src,
      gap,
      pieces.filter((p) => p.first > gap.hole.from),
    );
    pieces = pieces.filter((p) => p.first < gap.hole.from);
    steps.push(c.step);
    lost.push(c.lost);
  } else lost.push(...src.lost);
  for (const p of pieces) {
    if (p.kind !== 'run') continue;
    if (p.outcome.step) steps.push(p.outcome.step);
    if (p.outcome.lost) lost.push(p.outcome.lost);
  }
  for (const f of fills) {
    if (f.unfilled || (gap && f.hole.from > gap.hole.from)) continue;
    steps.push(fillStep(f, src.node.displayPath));
  }
  const last = pieces[pieces.length - 1];
  const s = src.snapshot.chosen;
  // What the lost entries held, from what the source can read of them (only when something is lost).
  const held = lost.length ? heldDbLog(src.node, src.view) : undefined;
  const withData = lost.map((l) => ({ ...l, data: uncomparedLoss(held!, l.from, l.to, payloads) }));
  return {
    source: src,
    fills,
    pieces,
    steps,
    lost: withData,
    startIndex: pieces[0]?.first ?? (s ? s.index + 1n : 1n),
    lastIndex: last?.last ?? s?.index ?? 0n,
    lastTerm: termOf(src, last),
    unfilled: fills
      .filter((f) => f.unfilled)
      .map(
        (f) =>
          `entries ${f.unfilled!.from}..${f.unfilled!.to}: ${f.rejected.length ? f.rejected.join('; ') : 'no other node holds them'}`,
      ),
  };
}

/** Donors for a source: every other node's on-disk log, in the order given (best first). */
export function donorsFor(source: NodeIndex, nodes: readonly NodeIndex[]): Donor[] {
  return nodes.filter((n) => n !== source).map((node) => ({ node, view: diskLog(node) as LogView }));
}

/** The last configuration in the repaired log (a CHANGE entry), else the snapshot's. */
export function latestConfiguration(
  r: Recovery,
): { index: bigint; servers: readonly ConfigurationServer[] | undefined } | undefined {
  for (let i = r.pieces.length - 1; i >= 0; i--) {
    const p = r.pieces[i]!;
    const record = p.kind === 'run' ? p.run.record : p.piece.record;
    const from = p.kind === 'run' ? 0 : p.piece.firstPosition;
    const count = Number(p.last - p.first + 1n);
    const inRange = record.configurations.filter((c) => c.position >= from && c.position < from + count);
    const c = inRange[inRange.length - 1];
    if (c) return { index: p.first + BigInt(c.position - from), servers: c.servers };
  }
  const s = r.source.snapshot.chosen;
  return s ? { index: s.configurationIndex, servers: s.configuration } : undefined;
}
