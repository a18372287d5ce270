// What uvLoadEntriesBatch (raft v0.15.0 src/uv_segment.c) makes of a segment's batches, and the
// exact message it leaves in io->errmsg when it stops. scan/'s decodeSegment already found the
// first failure; this module turns it into C's text:
//   uvConsumeContent      "short read: %zu bytes instead of %zu", moved into io->errmsg and
//                         wrapped "read preamble" / "read header" / "read data" (ErrMsgTransfer);
//   the count and checksum checks print their own text; a bad entry type prints nothing;
//   the caller then wraps "entries batch %u starting at byte %zu" (batch from 1, the batch's
//   start offset; after a short read of the count word C has already advanced by 8 bytes).
import type { BatchFailure, RaftErrorCode } from '../../format/segment.js';
import type { ErrMsg } from './errmsg.js';
import type { SegmentContent } from './sim-dir.js';

/** A failure as C sees it (decodeSegment's, or the short read C hits in a file of 8 bytes). */
export interface LoaderBatchFailure {
  readonly kind: BatchFailure['kind'];
  readonly raftCode: RaftErrorCode;
  readonly ordinal: number;
  readonly batchOffset: number;
  readonly offset: number;
  readonly data: Record<string, unknown>;
}

export interface BatchRead {
  /** Batches C accepts before stopping (all of them when `failure` is undefined). */
  readonly good: number;
  /** Entries in those batches. */
  readonly entries: number;
  /** End offset of the last good batch (8 when none). */
  readonly end: number;
  readonly failure: LoaderBatchFailure | undefined;
}

/** Batches of a segment file whose size is at least 8 and whose format word is 1. */
export function readBatches(content: SegmentContent): BatchRead {
  const d = content.record.decoded;
  if (content.record.depth === 'name') return trustedByName(content);
  const limit = content.batchLimit;
  let failure: LoaderBatchFailure | undefined = limit === undefined ? d.failure : undefined;
  if (limit === undefined && !failure && d.batches.length === 0) {
    // The C loop always tries one batch: a file holding only the format word is a short read.
    failure = { kind: 'short-preamble', raftCode: 'IOERR', ordinal: 0, batchOffset: 8, offset: 8, data: {} };
  }
  const good = limit ?? (failure ? failure.ordinal : d.batches.length);
  const entries = d.batches.entriesBefore(good);
  const end = good > 0 ? d.batches.end(good - 1) : 8;
  return { good, entries, end, failure };
}

/**
 * A closed segment a log-tail scan did not read: taken to hold exactly the entries its name
 * promises (no batch of it is known, so `good` is 0 and terms inside it are unknown).
 */
function trustedByName(content: SegmentContent): BatchRead {
  const { firstIndex, lastIndex, size } = content.record;
  // scan/ trusts only names whose count fits the file (≤ size / 16), so this is a safe number.
  const entries =
    firstIndex !== undefined && lastIndex !== undefined && lastIndex >= firstIndex
      ? Number(lastIndex - firstIndex + 1n)
      : 0;
  return { good: 0, entries, end: size, failure: undefined };
}

/**
 * Writes C's message for `f` into `errmsg` (size = the file's size). uvLoadEntriesBatch writes
 * straight into io->errmsg, so even a CORRUPT batch that merely ends an open segment (the zeros
 * after its last batch) leaves "entries count in preamble is zero" there; only the failing path
 * of the callers adds the "entries batch %u starting at byte %zu" wrap (`wrapBatch`).
 */
export function describeBatchFailure(f: LoaderBatchFailure, size: number, errmsg: ErrMsg, wrapBatch = true): void {
  let at = f.batchOffset;
  switch (f.kind) {
    case 'short-preamble':
      errmsg.printf(`short read: ${size - f.batchOffset} bytes instead of 8`);
      errmsg.wrap('read preamble');
      break;
    case 'short-count':
      errmsg.printf(`short read: ${size - f.batchOffset - 8} bytes instead of 8`);
      errmsg.wrap('read preamble');
      at = f.batchOffset + 8; // returned without restoring *offset = start
      break;
    case 'zero-count':
      errmsg.printf('entries count in preamble is zero');
      break;
    case 'count-too-high':
      errmsg.printf(`entries count ${String(f.data['count'])} in preamble is too high`);
      break;
    case 'short-header':
      errmsg.printf(`short read: ${size - f.batchOffset - 16} bytes instead of ${16 * Number(f.data['count'])}`);
      errmsg.wrap('read header');
      break;
    case 'header-checksum':
      errmsg.printf('header checksum mismatch');
      break;
    case 'bad-entry-type':
      break; // uvDecodeBatchHeader returns RAFT_MALFORMED without a message
    case 'short-data':
      errmsg.printf(`short read: ${size - f.offset} bytes instead of ${String(f.data['needed'])}`);
      errmsg.wrap('read data');
      break;
    case 'data-checksum':
      errmsg.printf('data checksum mismatch');
      break;
  }
  if (wrapBatch) errmsg.wrap(`entries batch ${f.ordinal + 1} starting at byte ${at}`);
}
