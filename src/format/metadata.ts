// metadata1 / metadata2 (format-spec §5). Checked against uvMetadataEncode / uvMetadataDecode /
// uvMetadataLoadN / uvMetadataLoad in raft src/uv_metadata.c (v0.15.0), and the message texts
// against what libraft 0.15 prints (raft-load.sh on copies of a real node).
//
//   +0    u64  format = 1 (UV__DISK_FORMAT)
//   +8    u64  version (≥ 1; odd versions live in metadata1, even ones in metadata2)
//   +16   u64  term
//   +24   u64  voted_for (server ID, 0 = none)
//
// No checksum. Loading (uvMetadataLoadN), in order: missing → version 0; size < 32 → the file is
// DELETED and treated as missing; size > 32 → RAFT_CORRUPT "%s has size %jd instead of 32";
// format ≠ 1 → RAFT_MALFORMED "decode content of %s: bad format version %ju"; version 0 →
// RAFT_CORRUPT "decode content of %s: version is set to zero". metadata1 is loaded (and fails)
// first. Then uvMetadataLoad: both 0 → fresh (term 0, vote 0); equal → RAFT_CORRUPT
// "metadata1 and metadata2 are both at version %llu"; else the higher version wins.
import { Writer } from './cursor.js';
import { issue, type DecodeIssue } from './issue.js';

export const METADATA_FORMAT = 1n;
export const METADATA_BYTES = 32;

export type MetadataFileName = 'metadata1' | 'metadata2';

export interface Metadata {
  format: bigint;
  version: bigint;
  term: bigint;
  votedFor: bigint;
}

export interface MetadataDecodeResult {
  /** Present whenever 32 bytes are there (also for a longer file: its first 32 bytes). */
  value?: Metadata;
  /** In C check order; the first with data.raftCode is C's verdict. */
  issues: DecodeIssue[];
}

/** Tolerant uvMetadataLoadN on a file's bytes; `name` only shapes the messages. */
export function decodeMetadata(bytes: Uint8Array, name: string = 'metadata'): MetadataDecodeResult {
  const issues: DecodeIssue[] = [];
  if (bytes.length < METADATA_BYTES) {
    issues.push(
      issue(
        'metadata-short',
        bytes.length,
        `${name} has size ${bytes.length} instead of 32: C deletes it and treats it as missing`,
        { size: bytes.length, cAction: 'delete' },
      ),
    );
    return { issues };
  }
  if (bytes.length > METADATA_BYTES) {
    issues.push(
      issue('metadata-size', METADATA_BYTES, `${name} has size ${bytes.length} instead of 32`, {
        size: bytes.length,
        raftCode: 'CORRUPT',
      }),
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const value: Metadata = {
    format: view.getBigUint64(0, true),
    version: view.getBigUint64(8, true),
    term: view.getBigUint64(16, true),
    votedFor: view.getBigUint64(24, true),
  };
  if (value.format !== METADATA_FORMAT) {
    issues.push(
      issue('metadata-bad-format', 0, `decode content of ${name}: bad format version ${value.format}`, {
        found: value.format,
        raftCode: 'MALFORMED',
      }),
    );
  } else if (value.version === 0n) {
    // uvMetadataDecode returns at the format check, so C never reaches this one then.
    issues.push(
      issue('metadata-zero-version', 8, `decode content of ${name}: version is set to zero`, { raftCode: 'CORRUPT' }),
    );
  }
  return { value, issues };
}

/** uvMetadataEncode. Format is always 1. */
export function encodeMetadata(m: { version: bigint; term: bigint; votedFor: bigint }): Uint8Array {
  return new Writer(METADATA_BYTES).u64(METADATA_FORMAT).u64(m.version).u64(m.term).u64(m.votedFor).finish();
}

/** uvMetadataFileIndex: the file a given version is stored in. */
export function metadataFileFor(version: bigint): MetadataFileName {
  return version % 2n === 1n ? 'metadata1' : 'metadata2';
}
