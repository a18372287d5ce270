// Plain-words explanations of a predicted start-up, and notes on where other engines differ
// (format-spec §8: dqlite ≥ 1.18.3 has no LZ4 auto-detection; cowsql ≥ 0.22 falls back to an older
// snapshot; the open-segment double free exists in every tree).
import type { NodeIndex } from '../../scan/node-index.js';
import type { PassFailure, PassResult } from './load-pass.js';
import type { DirChanges } from './sim-dir.js';
import type { PredictedLog, PredictedSnapshot, StartupOutcome } from './types.js';

export interface FailureContext {
  readonly error?: string;
  readonly file?: string;
  readonly autoRecovery: boolean;
  readonly recoveredFrom?: PassFailure;
  readonly outcome?: StartupOutcome;
}

const BATCH_WORDS: Record<string, string> = {
  'short-preamble': 'ends inside a batch preamble (a torn write)',
  'short-count': 'ends inside a batch preamble (a torn write)',
  'zero-count': 'has zero bytes where a batch should start',
  'count-too-high': 'has garbage where a batch should start',
  'short-header': 'ends inside a batch header (a torn write, or garbage that claims more entries than the file holds)',
  'header-checksum': 'has a batch whose header checksum does not match (flipped bits or garbage)',
  'bad-entry-type': 'has a batch with an entry type raft does not know',
  'short-data': 'ends inside a batch\'s entry data (a torn write)',
  'data-checksum': 'has a batch whose data checksum does not match (flipped bits)',
};

const INIT_WORDS: Record<string, string> = {
  'metadata-size': 'A metadata file is longer than 32 bytes; raft refuses to guess the term and vote.',
  'metadata-unreadable': 'A metadata file cannot be read.',
  'metadata-format': 'A metadata file does not start with format version 1; raft refuses to start even if the other metadata file is fine.',
  'metadata-zero-version': 'A metadata file says version 0, which raft treats as corruption.',
  'metadata-equal-versions': 'metadata1 and metadata2 carry the same version, so raft cannot tell which term and vote are current.',
};

function segmentWords(cause: string, file: string): string | undefined {
  const m = /^(closed|open)-(.+)$/.exec(cause);
  if (!m) return undefined;
  const [, kind, what] = m as unknown as [string, string, string];
  const name = `${kind === 'closed' ? 'Closed' : 'Open'} segment ${file}`;
  if (BATCH_WORDS[what]) return `${name} ${BATCH_WORDS[what]}.`;
  const words: Record<string, string> = {
    empty: 'is empty.',
    'too-short': 'is shorter than its 8-byte format header.',
    format: 'does not start with format version 1.',
    count: 'holds a different number of entries than its name promises.',
    'unexpected-first': 'does not continue the log: there is a gap or an overlap between segment files.',
  };
  return `${name} ${words[what] ?? 'cannot be read.'}`;
}

function snapshotWords(cause: string, file: string): string | undefined {
  if (cause.startsWith('meta-') || cause.startsWith('config-')) {
    return `The newest snapshot's metadata file ${file} is damaged; canonical raft and dqlite never fall back to an older snapshot.`;
  }
  if (cause.startsWith('lz4-') || cause === 'data-unreadable') {
    return `The newest snapshot's data file is not a valid LZ4 frame; canonical raft and dqlite never fall back to an older snapshot.`;
  }
  return undefined;
}

function recoveryTail(cause: string, ctx: FailureContext): string {
  const corruptSegment = /^(closed|open)-/.test(cause) && !cause.endsWith('unexpected-first');
  if (!corruptSegment || ctx.outcome) return '';
  if (!ctx.autoRecovery) return ' Auto-recovery is off, so nothing was moved aside.';
  if (cause.startsWith('closed-') && ctx.recoveredFrom) return ' It is not the last closed segment, so auto-recovery cannot move it aside.';
  return '';
}

export function explainFailure(cause: string, ctx: FailureContext): string {
  const file = ctx.file ?? '?';
  if (ctx.outcome === 'hang') {
    const what = cause === 'lz4-no-content-size' ? 'an LZ4 frame without a content size' : 'an LZ4 frame that is cut short';
    return `The newest snapshot's data file ${file} is ${what}: raft's decompression loop never finishes, so the node hangs at start-up (100% CPU, no message).`;
  }
  if (ctx.outcome === 'crash') {
    return `Open segment ${file} ${BATCH_WORDS[cause.replace(/^open-/, '')] ?? 'is damaged'} after at least one good batch: libraft frees the same buffer twice and the process dies without a message (glibc aborts on the double free, or it segfaults).`;
  }
  if (INIT_WORDS[cause]) return `${INIT_WORDS[cause]} (${ctx.error ?? ''})`;
  if (cause === 'past-snapshot') {
    return `The log's oldest kept segment ${file} starts after the newest snapshot's index + 1: entries in between are missing (a segment file was probably deleted or lost).`;
  }
  if (cause === 'behind-snapshot') {
    return 'After loading, the last entry on disk is still older than the newest snapshot: the log after the snapshot is missing.';
  }
  const words = snapshotWords(cause, file) ?? segmentWords(cause, file) ?? `Start-up fails: ${ctx.error ?? cause}.`;
  return `${words}${recoveryTail(cause, ctx)}`;
}

export function explainSuccess(
  log: PredictedLog,
  snapshot: PredictedSnapshot | undefined,
  changes: DirChanges,
  ignored: readonly string[],
  recoveredFrom: PassFailure | undefined,
): string {
  const parts: string[] = [];
  const snap = snapshot ? `snapshot ${snapshot.term}/${snapshot.index}` : 'no snapshot';
  const range = log.entries > 0n ? `entries ${log.startIndex}..${log.lastIndex}` : 'no log entries';
  parts.push(`The node starts: ${snap}, ${range} (last term ${log.lastTerm}).`);
  if (recoveredFrom) {
    parts.push(`Only because auto-recovery moved ${changes.renamed.join(', ')} aside (${recoveredFrom.error}): the entries in them are lost from this node.`);
  }
  if (changes.created.length > 0) parts.push(`Open segments are closed on the way: ${changes.created.join(', ')}.`);
  if (ignored.length > 0) parts.push(`Ignored (left on disk, not loaded): ${ignored.join(', ')}.`);
  return parts.join(' ');
}

function hasOverlap(node: NodeIndex): boolean {
  const closed = node.segments.filter((s) => s.kind === 'closed' && s.firstIndex !== undefined);
  for (let i = 1; i < closed.length; i++) {
    if (closed[i]!.firstIndex! <= closed[i - 1]!.lastIndex!) return true;
  }
  return false;
}

/** Notes on other engines and on the prediction's own limits. */
export function notesFor(node: NodeIndex, pass: PassResult | undefined): string[] {
  const notes: string[] = [];
  if (pass?.kind === 'ok' && pass.snapshot) {
    notes.push(pass.snapshot.compressed
      ? 'dqlite ≥ 1.18.3 does not auto-detect LZ4: it reads this compressed snapshot only with snapshot compression on (its default). The LZ4 content checksum was not verified here.'
      : 'dqlite ≥ 1.18.3 with snapshot compression on (its default) expects an LZ4 frame and would fail on this uncompressed snapshot; raft, cowsql and dqlite ≤ 1.18.2 auto-detect.');
  }
  const failedSnapshot = pass && pass.kind !== 'ok' && pass.candidates.length > 1
    && (pass.kind === 'hang' || (pass.kind === 'error' && /^(meta|config|lz4|data)-/.test(pass.failure.cause)));
  if (failedSnapshot) {
    const older = pass.candidates.slice(0, -1).map((c) => c.name).reverse();
    notes.push(`cowsql ≥ 0.22 would skip the unloadable newest snapshot and try older ones: ${older.join(', ')}.`);
  }
  if (pass?.kind === 'ok') {
    const next = pass.startIndex + pass.entries; // uvRecover: next_index = start_index + n_entries
    notes.push(`A recovery (dqlite .reconfigure / node recover) would write its configuration entry at index ${next} with term 1 (cowsql ≥ 0.20: the last entry's or snapshot's term).`);
  }
  if (pass?.kind === 'crash') notes.push('The double free is also in canonical raft HEAD, cowsql and dqlite\'s in-tree raft: all of them crash here.');
  if (pass?.kind === 'ok' && pass.recoveredFrom) {
    notes.push('go-dqlite ReadLastEntryInfo / dqlite_node_describe_last_entry load with auto-recovery off and report this error instead.');
  }
  if (!node.verifiedData) notes.push('Payload checksums were not verified (header-only scan): a data checksum mismatch would change this prediction.');
  if (hasOverlap(node)) notes.push('Closed segments overlap: C sorts them with an inconsistent comparator; this prediction follows glibc 2.36 qsort (merge sort).');
  return notes;
}
