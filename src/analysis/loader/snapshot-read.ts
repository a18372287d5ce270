// uvSnapshotLoadData as each engine does it: which files are LZ4 (EngineProfile.snapshots.read)
// and what reads a frame (EngineProfile.snapshots.lz4Decoder).
//   raft-decompress  libraft 0.15 src/compress.c Decompress (also canonical raft, dqlite ≤ 1.18.2,
//                    cowsql/raft): what it does with each problem is the issue's data.cOutcome /
//                    data.cError, computed by format/lz4-frame.ts and lz4-verify.ts.
//   dqlite-stream    dqlite ≥ 1.18.3 src/raft/uv_fs.c UvFsReadCompressedFile: reads up to 19
//                    bytes, "compressed file is too short" below 7, LZ4F_getFrameInfo (no magic:
//                    ERROR_frameType_unknown), returns OK with no data when the content size is 0 or
//                    absent, then reads chunks of LZ4_COMPRESSBOUND(4 MiB) bytes and calls
//                    LZ4F_decompress until content-size bytes are out: the end of the file first is
//                    "short read: <bytes out> bytes instead of <content size>"; the end mark and
//                    content checksum are checked only if they are in the chunk that completes the
//                    content.
import type { SnapshotRecord } from '../../scan/node-index.js';
import type { EngineProfile } from '../engine/profiles.js';
import type { ErrMsg, RaftCodeName } from './errmsg.js';

export type DataRead =
  | { readonly ok: true; readonly compressed: boolean; readonly note?: string }
  | { readonly ok: false; readonly hang?: false; readonly code: RaftCodeName; readonly cause: string }
  | { readonly ok: false; readonly hang: true; readonly cause: string };

type Data = NonNullable<SnapshotRecord['data']>;
type Issue = Data['frame']['issues'][number];

/** LZ4_COMPRESSBOUND(4 MiB): UvFsReadCompressedFile's input buffer, hence its read(2) size. */
export const STREAM_CHUNK = 4 * 1024 * 1024 + Math.floor((4 * 1024 * 1024) / 255) + 16;
/** LZ4F_HEADER_SIZE_MIN. */
const HEADER_MIN = 7;
const NO_CONTENT_SIZE =
  'The LZ4 frame declares no content size: dqlite ≥ 1.18.3 hands raft an unset buffer ' +
  '("Not really an error"); dqlite\'s restore then reads garbage.';

const outcomeOf = (i: Issue): unknown => i.data?.['cOutcome'];
const isHeaderError = (i: Issue): boolean => String(i.data?.['cError'] ?? '').startsWith('LZ4F_getFrameInfo');

function fail(errmsg: ErrMsg, code: RaftCodeName, cause: string, text?: string): DataRead {
  if (text !== undefined) errmsg.printf(text);
  return { ok: false, code, cause };
}

/** Decompress (src/compress.c) on a file IsCompressed accepted. */
function raftDecompress(data: Data, errmsg: ErrMsg): DataRead {
  for (const issue of data.frame.issues) {
    const outcome = outcomeOf(issue);
    if (outcome === 'hang') return { ok: false, hang: true, cause: issue.kind };
    if (outcome === 'NOMEM') return fail(errmsg, 'NOMEM', issue.kind); // malloc failed: no message
    if (outcome === 'IOERR') return fail(errmsg, 'IOERR', issue.kind, String(issue.data?.['cError'] ?? issue.message));
  }
  return { ok: true, compressed: true };
}

/**
 * Content bytes out when the input ends: measured by decoding, else whole blocks of the maximum
 * size (exact for the frames raft and dqlite write: every block but the last is full).
 */
function bytesAtEnd(data: Data, contentSize: bigint): bigint {
  const f = data.frame;
  if (f.decodedBytes !== undefined) return f.decodedBytes;
  const estimate = BigInt(f.blocks) * BigInt(f.descriptor?.blockMaxSize ?? 0);
  return estimate < contentSize ? estimate : contentSize;
}

/** Whether the read(2) chunk holding the byte before `end` also holds `suffixEnd` (then the checksum is checked). */
function suffixInSameChunk(end: number, suffixEnd: number, fileSize: number): boolean {
  const chunkEnd = Math.min((Math.floor((end - 1) / STREAM_CHUNK) + 1) * STREAM_CHUNK, fileSize);
  return suffixEnd <= chunkEnd;
}

/** UvFsReadCompressedFile (dqlite ≥ 1.18.3). */
function dqliteStream(data: Data, errmsg: ErrMsg): DataRead {
  const f = data.frame;
  if (data.size < HEADER_MIN) return fail(errmsg, 'INVALID', 'lz4-too-short', 'compressed file is too short');
  if (!f.compressed) return fail(errmsg, 'IOERR', 'lz4-not-a-frame', 'LZ4F_getFrameInfo ERROR_frameType_unknown');
  const header = f.issues.find(isHeaderError);
  if (header) return fail(errmsg, 'IOERR', header.kind, String(header.data!['cError']));
  const size = f.contentSize ?? 0n;
  if (size === 0n) {
    return { ok: true, compressed: true, note: NO_CONTENT_SIZE };
  }
  const nomem = f.issues.find((i) => outcomeOf(i) === 'NOMEM');
  if (nomem) return fail(errmsg, 'NOMEM', nomem.kind);
  const stop = f.issues.find((i) => outcomeOf(i) === 'IOERR' || outcomeOf(i) === 'hang');
  if (!stop || stop.kind === 'lz4-content-overflow') return { ok: true, compressed: true };
  if (stop.kind === 'lz4-truncated') {
    const out = bytesAtEnd(data, size);
    if (out >= size) return { ok: true, compressed: true }; // only the end mark or checksum is missing
    return fail(errmsg, 'IOERR', 'lz4-short-read', `short read: ${out} bytes instead of ${size}`);
  }
  // The content checksum is the frame's last 4 bytes, after the 4-byte end mark.
  if (stop.kind === 'lz4-content-checksum' && !suffixInSameChunk(stop.offset - 4, stop.offset + 4, data.size)) {
    return { ok: true, compressed: true };
  }
  return fail(errmsg, 'IOERR', stop.kind, String(stop.data?.['cError'] ?? stop.message));
}

/**
 * The data half of UvSnapshotLoad for one snapshot: ok (with whether the file was LZ4), an error
 * (code, message in errmsg), or a hang. `data` undefined: the file is not a regular file.
 */
export function readSnapshotData(data: Data | undefined, errmsg: ErrMsg, engine: EngineProfile): DataRead {
  if (!data) return fail(errmsg, 'IOERR', 'data-unreadable', 'read: illegal operation on a directory');
  const mode = engine.snapshots.read;
  if (mode !== 'always-lz4' && !data.frame.compressed) return { ok: true, compressed: false };
  if (mode === 'no-lz4') return fail(errmsg, 'INVALID', 'lz4-unavailable', 'LZ4 not available');
  if (engine.snapshots.lz4Decoder === 'dqlite-stream') return dqliteStream(data, errmsg);
  if (!data.frame.compressed) {
    // Decompress on a file without the magic: LZ4F_getFrameInfo refuses it.
    const why = data.size < 5 ? 'frameHeader_incomplete' : 'frameType_unknown';
    return fail(errmsg, 'IOERR', 'lz4-not-a-frame', `LZ4F_getFrameInfo ERROR_${why}`);
  }
  return raftDecompress(data, errmsg);
}
