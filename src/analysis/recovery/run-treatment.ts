// How one run of the source's log reaches a repaired node: copied as it is, cut after its last
// good batch (an open segment finalized the way uvSegmentLoadOpen does it, zeros a full disk left,
// damage), or re-encoded entry by entry (a closed segment that holds fewer entries than its file).
// Also what that costs: the repair step, and the entries a torn write loses. repair/ turns the
// treatment into a planned file.
import type { NodeIndex } from '../../scan/node-index.js';
import { formatClosedSegmentName } from '../../format/file-names.js';
import type { LoadedRun } from '../loader/segments.js';
import { runLast } from './source-log.js';
import type { LostEntries, RecoveryStep } from './types.js';

export type RunTreatment =
  | { readonly kind: 'copy'; readonly name: string }
  | { readonly kind: 'truncate'; readonly name: string; readonly bytes: number; readonly why: string }
  | { readonly kind: 'entries' };

export interface RunOutcome {
  readonly treatment: RunTreatment;
  readonly step?: RecoveryStep;
  readonly lost?: LostEntries;
}

function tornTail(node: NodeIndex, run: LoadedRun, end: number): Pick<RunOutcome, 'step' | 'lost'> {
  const f = run.record.decoded.failure!;
  const next = runLast(run) + 1n;
  const count = typeof f.data['count'] === 'number' ? BigInt(f.data['count'] as number) : undefined;
  const lost: LostEntries = {
    kind: 'torn-tail',
    from: next,
    to: count === undefined ? undefined : next + count - 1n,
    complete: false,
    reason:
      `open segment ${run.record.name}: the batch at byte ${f.batchOffset} was never completely written (${f.message}); ` +
      `the engine would ${f.raftCode === 'CORRUPT' ? 'drop it silently' : 'crash on it (double free)'}`,
  };
  const step: RecoveryStep = {
    kind: 'truncate-torn-tail',
    lossless: false,
    node: node.displayPath,
    files: [run.record.name],
    description: `${run.record.name} is cut after its last good batch (byte ${end} of ${run.record.size}): ${lost.reason}`,
  };
  return { step, lost };
}

/** What repair does with one run of the source's log. */
export function treatRun(node: NodeIndex, run: LoadedRun): RunOutcome {
  const rec = run.record;
  const d = rec.decoded;
  if (d.batches.entriesBefore(run.batches) !== run.count) return { treatment: { kind: 'entries' } };
  const name = formatClosedSegmentName(run.firstIndex, runLast(run));
  const end = run.batches > 0 ? d.batches.end(run.batches - 1) : 8;
  if (rec.kind === 'closed' && rec.name === name && end === rec.size) return { treatment: { kind: 'copy', name } };
  const cleanTail =
    !d.failure || (d.failure.kind === 'zero-count' && d.tailIsZero && d.failure.ordinal === run.batches);
  if (rec.kind === 'open') {
    const why =
      'open segment finalized as uvSegmentLoadOpen does: cut after its last good batch and given its closed name';
    const extra = cleanTail
      ? {
          step: {
            kind: 'finalize-open-segment',
            lossless: true,
            node: node.displayPath,
            files: [rec.name],
            description:
              `${rec.name} becomes closed segment ${name} (its ${run.count} entries, the zero-filled rest cut off), ` +
              'as the engine itself would do at start-up: an open segment must not follow the new configuration entry',
          },
        }
      : tornTail(node, run, end);
    return { treatment: { kind: 'truncate', name, bytes: end, why }, ...extra };
  }
  if (cleanTail && rec.name === name) {
    const step: RecoveryStep = {
      kind: 'truncate-trailing-zeros',
      lossless: true,
      node: node.displayPath,
      files: [rec.name],
      description:
        `${rec.name} has ${rec.size - end} zero bytes after its last batch (what a full disk leaves): they are cut off. ` +
        `Left in place, the engine would move the segment aside as corrupt and lose its ${run.count} entries`,
    };
    return { treatment: { kind: 'truncate', name, bytes: end, why: 'zero bytes after the last batch removed' }, step };
  }
  return {
    treatment: {
      kind: 'truncate',
      name,
      bytes: end,
      why: `damaged from byte ${end}: only its first ${run.count} entries are kept`,
    },
  };
}
