// What the source node holds, as the output log will be built from it: the snapshot to keep (the
// newest that loads: a damaged or cut-short newer one is dropped, the fix of dqlite#309 and
// lxd#7101), the segment runs the loader simulation reads (analysis/loader diskLog), the holes
// between them, runs below the snapshot that a hole cuts off (dropped, no loss), and a damaged
// tail (lost unless another node holds those entries).
import type { NodeIndex, SnapshotRecord } from '../../scan/node-index.js';
import { DEFAULT_ENGINE, type EngineProfile } from '../engine/profiles.js';
import { conversionReader, convertsTo, formWords, type SnapshotForm } from '../engine/snapshot-form.js';
import { ErrMsg } from '../loader/errmsg.js';
import { diskLog, snapshotCandidates, type LogView } from '../loader/index.js';
import type { LoadedRun } from '../loader/segments.js';
import { loadSnapshot, type LoadedSnapshot } from '../loader/snapshots.js';
import type { IndexRange, LostEntries, RecoveryStep } from './types.js';

export type Hole = IndexRange;

export interface SnapshotChoice {
  readonly chosen: LoadedSnapshot | undefined;
  /** Newer candidates the engine would try first and fail on, hang on or abort on. */
  readonly dropped: readonly { readonly name: string; readonly cause: string; readonly hang: boolean }[];
  /** The engine the choice was made for. */
  readonly engine: EngineProfile;
  /** The chosen snapshot's data is written in this form, not as it is (engine/snapshot-form.ts). */
  readonly convertTo?: SnapshotForm;
  /** The form asked for or needed (undefined: as they are). */
  readonly form?: SnapshotForm;
}

export interface SourceLog {
  readonly node: NodeIndex;
  readonly view: LogView;
  readonly snapshot: SnapshotChoice;
  /** Runs kept for the output, in index order. */
  readonly runs: readonly LoadedRun[];
  /** Index ranges above the snapshot, inside the log, that the source does not hold. */
  readonly holes: readonly Hole[];
  /** Last index the source holds (the snapshot's when no run is kept). */
  readonly lastIndex: bigint;
  readonly repairs: readonly RecoveryStep[];
  readonly lost: readonly LostEntries[];
}

export const runLast = (r: LoadedRun): bigint => r.firstIndex + BigInt(r.count) - 1n;

/** Why the engine's dqlite cannot restore a snapshot raft loads (RR037), if it cannot. */
export function restoreProblem(record: SnapshotRecord | undefined, engine: EngineProfile): string | undefined {
  const payload = record?.data?.payload;
  if (payload?.problem) return payload.problem.message;
  if (payload && payload.walBytes > 0n && !engine.snapshots.restoresWalPayload) {
    return `it carries a WAL image (${payload.walBytes} bytes) and ${engine.name} asserts wal_size == 0 when restoring`;
  }
  return undefined;
}

/**
 * The newest snapshot that `engine` loads and whose content its dqlite restores, in C's order
 * (uvSnapshotCompare), and the newer ones that fail either. With a `form` (a repair that writes
 * snapshots as LZ4 frames or raw), a snapshot to be converted is judged by what it converts to.
 */
export function chooseSnapshot(
  node: NodeIndex,
  engine: EngineProfile = DEFAULT_ENGINE,
  form?: SnapshotForm,
): SnapshotChoice {
  const candidates = snapshotCandidates(node);
  const dropped: { name: string; cause: string; hang: boolean }[] = [];
  const base = form ? { engine, form } : { engine };
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i]!;
    const data = c.record?.data;
    const convert = data !== undefined && convertsTo(data.frame.compressed, form);
    const r = loadSnapshot(c, new ErrMsg(), convert ? conversionReader(engine) : engine);
    // raft loads it, but dqlite's restore would fail on its content (RR037): as bad as not loading.
    const restore = restoreProblem(c.record, engine);
    if (r.ok && !restore) return { chosen: r.snapshot, dropped, ...base, ...(convert ? { convertTo: form } : {}) };
    const cause = r.ok
      ? `dqlite cannot restore its content: ${restore!}`
      : r.crash
        ? `${r.cause} (the process aborts)`
        : r.cause;
    dropped.push({ name: c.name, cause, hang: !r.ok && r.hang === true });
  }
  return { chosen: undefined, dropped, ...base };
}

/** The step that writes the chosen snapshot in another form, if it is converted. */
function convertStep(node: NodeIndex, choice: SnapshotChoice): RecoveryStep[] {
  const s = choice.chosen;
  if (!s || !choice.convertTo) return [];
  const why =
    choice.engine.snapshots.read === 'always-lz4' && choice.convertTo === 'lz4'
      ? `: ${choice.engine.name} reads snapshots only as LZ4 frames`
      : choice.engine.snapshots.read === 'no-lz4'
        ? `: ${choice.engine.name} is built without LZ4`
        : ' (as asked)';
  return [
    {
      kind: 'convert-snapshot',
      lossless: true,
      node: node.displayPath,
      files: [s.name],
      description:
        `${s.name} is ${s.compressed ? 'an LZ4 frame' : 'raw data (as cowsql writes snapshots)'}: ` +
        `it is written as ${formWords(choice.convertTo)}, with the same content${why}.`,
    },
  ];
}

function holesOf(runs: readonly LoadedRun[], required: bigint): Hole[] {
  const holes: Hole[] = [];
  let next = required;
  for (const r of runs) {
    if (r.firstIndex > next) holes.push({ from: next, to: r.firstIndex - 1n });
    const last = runLast(r);
    if (last + 1n > next) next = last + 1n;
  }
  return holes;
}

function dropSnapshotRepairs(node: NodeIndex, choice: SnapshotChoice): RecoveryStep[] {
  const fallback = choice.engine.snapshots.fallback;
  return choice.dropped.map((d) => ({
    kind: 'drop-snapshot',
    lossless: true,
    node: node.displayPath,
    files: [d.name, `${d.name}.meta`],
    description:
      `${d.name} is not copied: the engine would ` +
      `${d.hang ? 'hang on it at start-up (cut-short LZ4 data)' : `refuse it (${d.cause})`}` +
      `${d.hang || !fallback ? ' and never falls back to an older snapshot' : ', then try older snapshots'}. ` +
      (choice.chosen
        ? `${choice.chosen.name} is kept instead; the log must cover the entries after it (checked below).`
        : 'No older snapshot loads: the log must start at index 1.'),
  }));
}

/** Drops runs below the snapshot that a hole separates from the rest (the snapshot holds their effect). */
function dropTrailing(
  node: NodeIndex,
  runs: LoadedRun[],
  holes: Hole[],
  s: bigint,
): { runs: LoadedRun[]; holes: Hole[]; repairs: RecoveryStep[] } {
  const repairs: RecoveryStep[] = [];
  let kept = runs;
  const remaining: Hole[] = [];
  for (const h of holes) {
    if (h.from > s) {
      remaining.push(h);
      continue;
    }
    const cut = kept.filter((r) => runLast(r) < h.from);
    if (cut.length) {
      kept = kept.filter((r) => runLast(r) >= h.from);
      repairs.push({
        kind: 'drop-entries-below-snapshot',
        lossless: true,
        node: node.displayPath,
        files: cut.map((r) => r.source),
        range: { from: cut[0]!.firstIndex, to: runLast(cut[cut.length - 1]!) },
        description: `entries ${cut[0]!.firstIndex}..${runLast(cut[cut.length - 1]!)} are older than the snapshot (index ${s}) and cut off from the rest of the log by missing entries ${h.from}..${h.to}: not copied (the snapshot holds their effect)`,
      });
    }
    if (h.to > s) remaining.push({ from: s + 1n, to: h.to });
  }
  return { runs: kept, holes: remaining, repairs };
}

/**
 * Closed segments that continue the kept log but cannot be read past it (damaged from their first
 * bytes or part-way): the entries their names promise beyond the last one read. Nothing readable
 * follows them, or those entries would be a hole between runs instead.
 */
function closedTailLoss(node: NodeIndex, lastIndex: bigint): LostEntries[] {
  const damaged: string[] = [];
  let t = lastIndex;
  for (;;) {
    const rec = node.segments.find(
      (g) =>
        g.kind === 'closed' &&
        g.firstIndex !== undefined &&
        g.lastIndex !== undefined &&
        g.firstIndex <= t + 1n &&
        g.lastIndex > t &&
        g.firstIndex <= g.lastIndex &&
        (g.decoded.failure !== undefined || g.decoded.formatVersion !== 1n),
    );
    if (!rec) break;
    damaged.push(`${rec.name} from byte ${rec.decoded.failure?.batchOffset ?? rec.decoded.validBytes}`);
    t = rec.lastIndex!;
  }
  if (!damaged.length) return [];
  return [
    {
      kind: 'damaged-tail',
      from: lastIndex + 1n,
      to: t,
      complete: true,
      reason:
        `closed segment${damaged.length > 1 ? 's' : ''} ${damaged.join(', ')} ${damaged.length > 1 ? 'are' : 'is'} damaged: ` +
        "these entries were written but cannot be read, and no other node's log was used for them",
    },
  ];
}

export function analyseSource(node: NodeIndex, engine: EngineProfile = DEFAULT_ENGINE, form?: SnapshotForm): SourceLog {
  const snapshot = chooseSnapshot(node, engine, form);
  const view = diskLog(node);
  const s = snapshot.chosen?.index ?? 0n;
  let runs = [...view.runs];
  const repairs = [...dropSnapshotRepairs(node, snapshot), ...convertStep(node, snapshot)];
  if (runs.length && runLast(runs[runs.length - 1]!) < s) {
    repairs.push({
      kind: 'drop-entries-below-snapshot',
      lossless: true,
      node: node.displayPath,
      files: runs.map((r) => r.source),
      description: `every entry on disk (up to ${runLast(runs[runs.length - 1]!)}) is older than the snapshot (index ${s}): not copied`,
    });
    runs = [];
  }
  const trailing = dropTrailing(node, runs, holesOf(runs, snapshot.chosen ? (runs[0]?.firstIndex ?? s + 1n) : 1n), s);
  runs = trailing.runs;
  repairs.push(...trailing.repairs);
  const required = snapshot.chosen ? s + 1n : 1n;
  const holes = runs.length ? holesOf(runs, runs[0]!.firstIndex <= required ? runs[0]!.firstIndex : required) : [];
  const lastIndex = runs.length ? runLast(runs[runs.length - 1]!) : s;
  return { node, view, snapshot, runs, holes, lastIndex, repairs, lost: closedTailLoss(node, lastIndex) };
}
