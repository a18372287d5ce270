// The log the output will hold: the source's runs and the donor ranges in index order, cut at the
// first hole no node could fill (only with --allow-data-loss: seed method C.1.1, everything after
// the hole is dropped, and no open segment survives to be misindexed).
import type { LoadedRun } from '../analysis/loader/segments.js';
import type { ConfigurationServer } from '../format/configuration.js';
import type { InputDigests } from '../scan/digest.js';
import type { DonorPiece, HoleFill } from './fill.js';
import { fillRepair } from './fill.js';
import { pieceFile, runOutput } from './log-files.js';
import { runLast, type SourceLog } from './source-log.js';
import type { PlanLost, PlanRepair, PlannedFile } from './types.js';

export type Piece =
  | { readonly kind: 'run'; readonly first: bigint; readonly last: bigint; readonly run: LoadedRun }
  | { readonly kind: 'donor'; readonly first: bigint; readonly last: bigint; readonly piece: DonorPiece };

export interface FinalLog {
  readonly pieces: readonly Piece[];
  readonly files: readonly PlannedFile[];
  readonly startIndex: bigint;
  readonly lastIndex: bigint;
  readonly lastTerm: bigint;
  readonly repairs: readonly PlanRepair[];
  readonly lost: readonly PlanLost[];
  /** Explanations for holes that could not be filled. */
  readonly unfilled: readonly string[];
}

function ordered(src: SourceLog, fills: readonly HoleFill[]): Piece[] {
  const pieces: Piece[] = src.runs.map((run) => ({ kind: 'run', first: run.firstIndex, last: runLast(run), run }));
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

function cutLoss(src: SourceLog, f: HoleFill, dropped: readonly Piece[]): { lost: PlanLost; repair: PlanRepair } {
  const claimed = src.lost.find((l) => l.kind === 'damaged-tail')?.to;
  const to = claimed !== undefined && claimed !== null && BigInt(claimed) > src.lastIndex ? BigInt(claimed) : src.lastIndex;
  const why = f.rejected.length ? ` (tried: ${f.rejected.join('; ')})` : '';
  const lost: PlanLost = {
    kind: 'unfillable-hole', from: f.hole.from.toString(), to: to.toString(), complete: true,
    reason: `entries ${f.unfilled!.from}..${f.unfilled!.to} are held by no node whose log can be proven to agree${why}; the log is cut before ${f.hole.from}, so entries ${f.hole.from}..${to} are lost`,
  };
  const files = dropped.map((p) => (p.kind === 'run' ? p.run.source : `${p.piece.donor.node.name}:${p.piece.file}`));
  const repair: PlanRepair = {
    kind: 'drop-segments', lossless: false, node: src.node.displayPath, files,
    range: { from: f.hole.from.toString(), to: to.toString() },
    description: `seed method C.1.1 (--allow-data-loss): the segments after the hole at ${f.hole.from}..${f.hole.to} are not copied: entries ${f.hole.from}..${to} are lost`,
  };
  return { lost, repair };
}

export function buildFinalLog(src: SourceLog, fills: readonly HoleFill[], digests: InputDigests): FinalLog {
  let pieces = ordered(src, fills);
  const repairs: PlanRepair[] = [];
  const lost: PlanLost[] = [];
  const gap = fills.find((f) => f.unfilled);
  if (gap) {
    const dropped = pieces.filter((p) => p.first > gap.hole.from);
    pieces = pieces.filter((p) => p.first < gap.hole.from);
    const c = cutLoss(src, gap, dropped);
    repairs.push(c.repair);
    lost.push(c.lost);
  } else lost.push(...src.lost);
  const files: PlannedFile[] = [];
  for (const p of pieces) {
    if (p.kind === 'run') {
      const out = runOutput(src.node, p.run, digests);
      files.push(out.file);
      if (out.repair) repairs.push(out.repair);
      if (out.lost) lost.push(out.lost);
    } else files.push(pieceFile(p.piece));
  }
  for (const f of fills) {
    if (f.unfilled || f.hole.from > (gap?.hole.from ?? f.hole.from)) continue;
    repairs.push(fillRepair(f, src.node.displayPath, f.pieces.map((p) => pieceFile(p).name)));
  }
  const last = pieces[pieces.length - 1];
  const s = src.snapshot.chosen;
  return {
    pieces, files, repairs, lost,
    startIndex: pieces[0]?.first ?? (s ? s.index + 1n : 1n),
    lastIndex: last?.last ?? s?.index ?? 0n,
    lastTerm: termOf(src, last),
    unfilled: fills.filter((f) => f.unfilled).map((f) => `entries ${f.unfilled!.from}..${f.unfilled!.to}: ${f.rejected.length ? f.rejected.join('; ') : 'no other node holds them'}`),
  };
}

/** The last configuration in the final log (a CHANGE entry), else the snapshot's. */
export function latestConfiguration(src: SourceLog, log: FinalLog): { index: bigint; servers: readonly ConfigurationServer[] | undefined } | undefined {
  for (let i = log.pieces.length - 1; i >= 0; i--) {
    const p = log.pieces[i]!;
    const record = p.kind === 'run' ? p.run.record : p.piece.record;
    const from = p.kind === 'run' ? 0 : p.piece.firstPosition;
    const count = Number(p.last - p.first + 1n);
    const inRange = record.configurations.filter((c) => c.position >= from && c.position < from + count);
    const c = inRange[inRange.length - 1];
    if (c) return { index: p.first + BigInt(c.position - from), servers: c.servers };
  }
  const s = src.snapshot.chosen;
  return s ? { index: s.configurationIndex, servers: s.configuration } : undefined;
}
