// Snapshot metadata file `snapshot-T-I-TS.meta` (format-spec §3.1). Writer UvSnapshotPut
// (raft src/uv_snapshot.c), reader uvSnapshotLoadMeta (checked against libraft 0.15.0).
//
//   +0    u64  format = 1 (UV__DISK_FORMAT)
//   +8    u64  crc: byteCrc32 over [+16, +32+L) written as a u64; the reader keeps (uint32_t)crc
//   +16   u64  configuration index
//   +24   u64  configuration length L (already 8-padded by configurationEncode)
//   +32   L    encoded configuration (configuration.ts)
//   then  bytes never read by C (ignored)
//
// Term and index are not stored here: they come only from the file name.
// C outcomes, in check order: short header or body → RAFT_IOERR; format ≠ 1 → RAFT_MALFORMED;
// L > 1 MiB (UV__META_MAX_CONFIGURATION_SIZE) or L == 0 → RAFT_CORRUPT; crc mismatch →
// RAFT_CORRUPT "read %s: checksum mismatch"; configuration decode error → RAFT_MALFORMED.
import { Writer } from './cursor.js';
import { crc32 } from './crc32.js';
import { type ConfigurationServer, decodeConfiguration, encodeConfiguration } from './configuration.js';
import { issue, type DecodeIssue } from './issue.js';

export const SNAPSHOT_META_FORMAT = 1n;
export const SNAPSHOT_META_HEADER_BYTES = 32;
/** UV__META_MAX_CONFIGURATION_SIZE (src/uv.h). */
export const MAX_META_CONFIGURATION_BYTES = 1024 * 1024;

/** Raft error class of the C reader's failure. */
export type RaftCode = 'IOERR' | 'MALFORMED' | 'CORRUPT';

export interface SnapshotMeta {
  format: bigint;
  /** The full stored u64; only crcLow32 is compared by C. */
  crc: bigint;
  crcLow32: number;
  computedCrc: number;
  crcOk: boolean;
  configurationIndex: bigint;
  configurationLength: bigint;
  /** Absent when the configuration does not decode structurally. */
  configuration?: ConfigurationServer[];
  /** Bytes after 32 + L, which C never reads. */
  trailingBytes: number;
}

export interface SnapshotMetaDecodeResult {
  /** Present when the header and all L configuration bytes are there and 0 < L ≤ 1 MiB. */
  value?: SnapshotMeta;
  /** In C check order: the first issue carrying data.raftCode is what the C loader reports. */
  issues: DecodeIssue[];
  /** 32 + L when the file holds all of it, else the end of the readable header fields. */
  validBytes: number;
}

/** A decode issue carrying the raft error code C would return for it. */
function metaIssue(
  kind: string,
  offset: number,
  message: string,
  raftCode: RaftCode | undefined,
  data: Record<string, unknown> = {},
): DecodeIssue {
  return issue(kind, offset, message, raftCode ? { raftCode, ...data } : data);
}

function shortHeader(bytes: Uint8Array): SnapshotMetaDecodeResult {
  const have = bytes.length;
  const fields = ['format', 'crc', 'configurationIndex', 'configurationLength'];
  const field = fields[Math.floor(have / 8)] ?? 'configurationLength';
  return {
    issues: [
      metaIssue(
        'meta-short-header',
        have,
        `short read: .meta has ${have} bytes, the header needs 32 (ends inside ${field})`,
        'IOERR',
        { field, needed: SNAPSHOT_META_HEADER_BYTES, available: have },
      ),
    ],
    validBytes: have - (have % 8),
  };
}

/** Tolerant uvSnapshotLoadMeta on the file's bytes. Never throws on bad data. */
export function decodeSnapshotMeta(bytes: Uint8Array): SnapshotMetaDecodeResult {
  if (bytes.length < SNAPSHOT_META_HEADER_BYTES) return shortHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getBigUint64(0, true);
  const crc = view.getBigUint64(8, true);
  const configurationIndex = view.getBigUint64(16, true);
  const configurationLength = view.getBigUint64(24, true);
  const issues: DecodeIssue[] = [];
  if (format !== SNAPSHOT_META_FORMAT) {
    issues.push(metaIssue('meta-bad-format', 0, `unsupported format ${format}`, 'MALFORMED', { found: format }));
  }
  if (configurationLength > BigInt(MAX_META_CONFIGURATION_BYTES)) {
    issues.push(
      metaIssue('meta-configuration-too-big', 24, `configuration data too big (${configurationLength})`, 'CORRUPT', {
        length: configurationLength,
        max: MAX_META_CONFIGURATION_BYTES,
      }),
    );
    return { issues, validBytes: SNAPSHOT_META_HEADER_BYTES };
  }
  if (configurationLength === 0n) {
    issues.push(metaIssue('meta-no-configuration', 24, 'no configuration data', 'CORRUPT'));
    return { issues, validBytes: SNAPSHOT_META_HEADER_BYTES };
  }
  const length = Number(configurationLength);
  const end = SNAPSHOT_META_HEADER_BYTES + length;
  if (bytes.length < end) {
    issues.push(
      metaIssue(
        'meta-short-configuration',
        SNAPSHOT_META_HEADER_BYTES,
        `short read: configuration needs ${length} bytes at offset 32, only ${bytes.length - 32} left`,
        'IOERR',
        { field: 'configuration', needed: length, available: bytes.length - 32 },
      ),
    );
    return { issues, validBytes: SNAPSHOT_META_HEADER_BYTES };
  }
  return {
    value: checkBody(bytes, issues, { format, crc, configurationIndex, configurationLength }),
    issues,
    validBytes: end,
  };
}

interface Header {
  format: bigint;
  crc: bigint;
  configurationIndex: bigint;
  configurationLength: bigint;
}

function checkBody(bytes: Uint8Array, issues: DecodeIssue[], h: Header): SnapshotMeta {
  const end = SNAPSHOT_META_HEADER_BYTES + Number(h.configurationLength);
  const computedCrc = crc32(bytes.subarray(16, end));
  const crcLow32 = Number(h.crc & 0xffffffffn);
  const crcOk = crcLow32 === computedCrc;
  if (!crcOk) {
    issues.push(
      metaIssue('meta-checksum', 8, 'checksum mismatch', 'CORRUPT', {
        expected: computedCrc,
        found: crcLow32,
      }),
    );
  }
  const conf = decodeConfiguration(bytes.subarray(SNAPSHOT_META_HEADER_BYTES, end), SNAPSHOT_META_HEADER_BYTES);
  issues.push(...conf.issues);
  const meta: SnapshotMeta = {
    format: h.format,
    crc: h.crc,
    crcLow32,
    computedCrc,
    crcOk,
    configurationIndex: h.configurationIndex,
    configurationLength: h.configurationLength,
    trailingBytes: bytes.length - end,
  };
  if (conf.value) meta.configuration = conf.value;
  return meta;
}

/** UvSnapshotPut's .meta with an exact configuration encoding (e.g. one copied from a log entry). */
export function encodeSnapshotMetaRaw(configurationIndex: bigint, configuration: Uint8Array): Uint8Array {
  const w = new Writer(SNAPSHOT_META_HEADER_BYTES + configuration.length);
  w.u64(SNAPSHOT_META_FORMAT).u64(0n).u64(configurationIndex).u64(BigInt(configuration.length)).bytes(configuration);
  const bytes = w.finish();
  // The crc field is a u64 whose upper half stays zero; patch the low 32 bits in place.
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(8, crc32(bytes.subarray(16)), true);
  return bytes;
}

/** A .meta for the given configuration, padding zeroed, crc correct. */
export function encodeSnapshotMeta(configurationIndex: bigint, servers: readonly ConfigurationServer[]): Uint8Array {
  return encodeSnapshotMetaRaw(configurationIndex, encodeConfiguration(servers));
}
