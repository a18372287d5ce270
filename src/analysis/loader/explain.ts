// Plain-words explanations of a predicted start-up and notes on what the engine does that the
// prediction's fields do not show. Every engine-specific sentence comes from the EngineProfile
// (engine/profiles.ts): its snapshot fallback, LZ4 reader, assertions and recovery-entry term.
import type { NodeIndex } from '../../scan/node-index.js';
import { DEFAULT_ENGINE, type EngineProfile } from '../engine/profiles.js';
import type { PassFailure, PassResult } from './load-pass.js';
import type { DirChanges } from './sim-dir.js';
import type { PredictedLog, PredictedSnapshot, StartupOutcome } from './types.js';

export interface FailureContext {
  readonly error?: string;
  readonly file?: string;
  readonly autoRecovery: boolean;
  readonly recoveredFrom?: PassFailure;
  readonly outcome?: StartupOutcome;
  readonly engine?: EngineProfile;
}

const BATCH_WORDS: Record<string, string> = {
  'short-preamble': 'ends inside a batch preamble (a torn write)',
  'short-count': 'ends inside a batch preamble (a torn write)',
  'zero-count': 'has zero bytes where a batch should start',
  'count-too-high': 'has garbage where a batch should start',
  'short-header': 'ends inside a batch header (a torn write, or garbage that claims more entries than the file holds)',
  'header-checksum': 'has a batch whose header checksum does not match (flipped bits or garbage)',
  'bad-entry-type': 'has a batch with an entry type raft does not know',
  'short-data': "ends inside a batch's entry data (a torn write)",
  'data-checksum': 'has a batch whose data checksum does not match (flipped bits)',
};

const INIT_WORDS: Record<string, string> = {
  'metadata-size': 'A metadata file is longer than 32 bytes; raft refuses to guess the term and vote.',
  'metadata-unreadable': 'A metadata file cannot be read.',
  'metadata-format':
    'A metadata file does not start with format version 1; raft refuses to start even if the other metadata file is fine.',
  'metadata-zero-version': 'A metadata file says version 0, which raft treats as corruption.',
  'metadata-equal-versions':
    'metadata1 and metadata2 carry the same version, so raft cannot tell which term and vote are current.',
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

/** How the engine treats a snapshot that fails to load. */
function fallbackWords(engine: EngineProfile): string {
  return engine.snapshots.fallback
    ? `${engine.name} tried every older snapshot too, and none loads`
    : `${engine.name} never falls back to an older snapshot`;
}

function snapshotWords(cause: string, file: string, engine: EngineProfile): string | undefined {
  const which = engine.snapshots.fallback ? "A snapshot's" : "The newest snapshot's";
  if (cause.startsWith('meta-') || cause.startsWith('config-')) {
    return `${which} metadata file ${file} is damaged; ${fallbackWords(engine)}.`;
  }
  if (cause === 'lz4-not-a-frame' || cause === 'lz4-too-short') {
    return (
      `${which} data file is not an LZ4 frame (uncompressed, as cowsql writes snapshots): ` +
      `${engine.name} reads every snapshot as LZ4; ${fallbackWords(engine)}.`
    );
  }
  if (cause === 'lz4-unavailable') {
    return `${which} data file is an LZ4 frame and ${engine.name} was built without LZ4; ${fallbackWords(engine)}.`;
  }
  if (cause.startsWith('lz4-') || cause === 'data-unreadable') {
    return `${which} data file is not a valid LZ4 frame; ${fallbackWords(engine)}.`;
  }
  return undefined;
}

const ASSERT_WORDS: Record<string, string> = {
  'assert-zero-id': 'holds a configuration with server ID 0: configurationAdd asserts `id != 0`',
  'assert-open-counter':
    'is one of two open segments with the same counter: uvSegmentInfoCompare asserts ' + '`s1->counter != s2->counter`',
  'assert-closed-below-start':
    'is a closed segment whose first index is below the start index: uvSegmentLoadAll ' +
    'asserts `info->first_index >= start_index`',
  'assert-closed-inverted':
    'is a closed segment whose name ends before it starts: uvSegmentLoadAll asserts ' +
    '`info->first_index <= info->end_index`',
};

function crashWords(cause: string, file: string, engine: EngineProfile): string {
  const assert = ASSERT_WORDS[cause];
  if (assert) {
    return `${file} ${assert}, and ${engine.name} keeps raft's assertions on: the process aborts (SIGABRT) without a raft message.`;
  }
  return (
    `Open segment ${file} ${BATCH_WORDS[cause.replace(/^open-/, '')] ?? 'is damaged'} after at least one good batch: ` +
    'raft frees the same buffer twice and the process dies without a message (glibc aborts on the double free, or it segfaults).'
  );
}

function recoveryTail(cause: string, ctx: FailureContext): string {
  const corruptSegment = /^(closed|open)-/.test(cause) && !cause.endsWith('unexpected-first');
  if (!corruptSegment || ctx.outcome) return '';
  if (!ctx.autoRecovery) return ' Auto-recovery is off, so nothing was moved aside.';
  if (cause.startsWith('closed-') && ctx.recoveredFrom)
    return ' It is not the last closed segment, so auto-recovery cannot move it aside.';
  return '';
}

export function explainFailure(cause: string, ctx: FailureContext): string {
  const file = ctx.file ?? '?';
  const engine = ctx.engine ?? DEFAULT_ENGINE;
  if (ctx.outcome === 'hang') {
    const what =
      cause === 'lz4-no-content-size'
        ? 'an LZ4 frame without a content size'
        : cause === 'lz4-content-overflow'
          ? 'an LZ4 frame whose blocks hold more than the content size it declares (none counts as 0)'
          : 'an LZ4 frame that is cut short';
    return (
      `The snapshot data file ${file} is ${what}: raft's decompression loop never finishes, so the node hangs at ` +
      'start-up (100% CPU, no message).'
    );
  }
  if (ctx.outcome === 'crash') return crashWords(cause, file, engine);
  if (cause === 'list-stat') {
    return (
      `stat(2) of the data file of ${file} fails (a symlink that cannot be followed): raft's directory listing ` +
      'fails with an I/O error and no message.'
    );
  }
  if (cause === 'lz4-short-read') {
    return (
      `The newest snapshot's data file is an LZ4 frame that is cut short: ${engine.name}'s reader stops at the end ` +
      `of the file; ${fallbackWords(engine)}.`
    );
  }
  if (INIT_WORDS[cause]) return `${INIT_WORDS[cause]} (${ctx.error ?? ''})`;
  if (cause === 'past-snapshot') {
    return `The log's oldest kept segment ${file} starts after the newest snapshot's index + 1: entries in between are missing (a segment file was probably deleted or lost).`;
  }
  if (cause === 'behind-snapshot') {
    return 'After loading, the last entry on disk is still older than the newest snapshot: the log after the snapshot is missing.';
  }
  const words =
    snapshotWords(cause, file, engine) ?? segmentWords(cause, file) ?? `Start-up fails: ${ctx.error ?? cause}.`;
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
    parts.push(
      `Only because auto-recovery moved ${changes.renamed.join(', ')} aside (${recoveredFrom.error}): the entries in them are lost from this node.`,
    );
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

/** Notes on the snapshot the engine used or failed on. */
function snapshotNotes(pass: PassResult | undefined, engine: EngineProfile): string[] {
  if (!pass) return [];
  const candidates = pass.candidates;
  const newest = candidates[candidates.length - 1];
  const older = candidates
    .slice(0, -1)
    .map((c) => c.name)
    .reverse();
  const notes: string[] = [];
  if (pass.kind === 'ok' && pass.snapshot) {
    const s = pass.snapshot;
    if (s.name !== newest?.name) {
      const skipped = candidates
        .filter((c) => c.index > s.index || c.term > s.term)
        .map((c) => c.name)
        .reverse();
      notes.push(
        `${engine.name} skipped the newer snapshot${skipped.length > 1 ? 's' : ''} ${skipped.join(', ')} ` +
          `(failed to load, left on disk) and used ${s.name}.`,
      );
    }
    if (!s.compressed && engine.snapshots.written === 'lz4') {
      notes.push(
        `${s.name} is uncompressed (written by cowsql, or with snapshot compression off): ${engine.name} ` +
          'finds no LZ4 magic and reads it as it is.',
      );
    }
    if (s.note) notes.push(s.note);
  } else if (pass.kind === 'hang' && engine.snapshots.fallback && older.length > 0) {
    const are = older.length > 1 ? 'are' : 'is';
    notes.push(
      `${engine.name} falls back to older snapshots only after an error: the hang on ${newest?.name} never ` +
        `returns, so ${older.join(', ')} ${are} never tried.`,
    );
  } else if (
    !engine.snapshots.fallback &&
    older.length > 0 &&
    (pass.kind === 'hang' || (pass.kind === 'error' && /^(meta|config|lz4|data)-/.test(pass.failure.cause)))
  ) {
    notes.push(
      `${engine.name} loads only the newest snapshot: the older ${older.join(', ')} ` +
        `${older.length > 1 ? 'are' : 'is'} not tried.`,
    );
  }
  return notes;
}

/** What a recovery (dqlite .reconfigure / node recover, uvRecover) would write after this log. */
function recoveryNote(pass: PassResult | undefined, lastTerm: bigint | undefined, engine: EngineProfile): string[] {
  if (pass?.kind !== 'ok') return [];
  const next = pass.startIndex + pass.entries; // uvRecover: next_index = start_index + n_entries
  const term = recoveryEntryTerm(engine, lastTerm ?? 0n);
  const rule = engine.recoveryEntryTerm === 'one' ? 'always 1' : "the last entry's or snapshot's term";
  return [
    `A recovery (dqlite .reconfigure / node recover) with ${engine.name} would write its configuration entry ` +
      `at index ${next} with term ${term} (${rule}).`,
  ];
}

/** The term of the RAFT_CHANGE entry uvRecover writes after a log whose last term is `lastTerm`. */
export function recoveryEntryTerm(engine: EngineProfile, lastTerm: bigint): bigint {
  return engine.recoveryEntryTerm === 'one' ? 1n : lastTerm;
}

/** Notes on what the engine does that the prediction's fields do not show, and on the prediction's own limits. */
export function notesFor(
  node: NodeIndex,
  pass: PassResult | undefined,
  engine: EngineProfile = DEFAULT_ENGINE,
  lastTerm?: bigint,
): string[] {
  const notes = snapshotNotes(pass, engine);
  notes.push(...recoveryNote(pass, lastTerm, engine));
  if (pass?.kind === 'crash' && !pass.cause.startsWith('assert-')) {
    notes.push(
      "The double free is in every engine's loader (libraft 0.15, canonical raft, dqlite's in-tree raft, " +
        'cowsql/raft): all of them crash here.',
    );
  }
  if (
    pass?.kind === 'ok' &&
    pass.snapshot &&
    !engine.snapshots.restoresWalPayload &&
    walBytesOf(node, pass.snapshot.name) > 0n
  ) {
    notes.push(
      `${pass.snapshot.name} carries a WAL image: raft loads it, then ${engine.name}'s restore asserts ` +
        'wal_size == 0 and raft_start aborts (fixed in dqlite 1.18.5).',
    );
  }
  if (pass?.kind === 'ok' && pass.recoveredFrom) {
    notes.push(
      'go-dqlite ReadLastEntryInfo / dqlite_node_describe_last_entry load with auto-recovery off and report this error instead.',
    );
  }
  if (!node.verifiedData)
    notes.push(
      'Payload checksums were not verified (header-only scan): a data checksum mismatch would change this prediction.',
    );
  if (hasOverlap(node))
    notes.push(
      'Closed segments overlap: C sorts them with an inconsistent comparator; this prediction follows glibc 2.36 qsort (merge sort).',
    );
  return notes;
}

function walBytesOf(node: NodeIndex, snapshot: string): bigint {
  return node.snapshots.find((s) => s.name === snapshot)?.data?.payload?.walBytes ?? 0n;
}
