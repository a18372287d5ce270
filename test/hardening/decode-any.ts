// Runs every decoder that reads a given file type over (possibly damaged) bytes, in-process and
// without touching the disk, the way scan/ and the commands use them: segments through a
// BufferSource with and without payload checksums, then the configurations and dqlite commands in
// their payloads; LZ4 snapshot frames walked and decompressed, then the snapshot payload; YAML
// through every parser that reads it.
import { BufferSource } from '../../src/format/byte-source.js';
import { decodeConfiguration } from '../../src/format/configuration.js';
import { decodeCommand, summarizeCommand } from '../../src/format/dqlite-command.js';
import type { DecodeIssue } from '../../src/format/issue.js';
import { walkLz4Frame } from '../../src/format/lz4-frame.js';
import { decompressLz4Frame, verifyLz4Frame } from '../../src/format/lz4-verify.js';
import { decodeMetadata } from '../../src/format/metadata.js';
import { parseClusterYaml, parseNodeInfo, parseTargetCluster } from '../../src/format/node-yaml.js';
import { EntryType, decodeSegment, type SegmentDecodeResult } from '../../src/format/segment.js';
import { decodeSnapshotData } from '../../src/format/snapshot-data.js';
import { decodeSnapshotDatabases } from '../../src/format/snapshot-databases.js';
import { DqliteFsm } from '../../src/format/dqlite-apply.js';
import { decodeSnapshotMeta } from '../../src/format/snapshot-meta.js';
import { YAML_SIZE_LIMIT, yamlText } from '../../src/scan/build-node-index.js';
import type { FileKind } from './specimens.js';

export interface DecodeOutcome {
  readonly issues: readonly DecodeIssue[];
  /** Issues that report damage (an open segment's zero tail after its last batch is normal). */
  readonly damage: readonly DecodeIssue[];
}

/** What the scanner treats as a normal open-segment tail (scan/build-node-index.ts isNormalOpenTail). */
function normalOpenTail(d: SegmentDecodeResult, issue: DecodeIssue): boolean {
  if (!d.tailIsZero) return false;
  if (issue.kind === 'zero-count') return d.failure?.kind === 'zero-count';
  return issue.kind === 'bad-format-version' && d.formatVersion === 0n && d.batches.length === 0;
}

function payloadIssues(bytes: Uint8Array, d: SegmentDecodeResult): DecodeIssue[] {
  const out: DecodeIssue[] = [];
  const fsm = new DqliteFsm();
  let commands = 0;
  for (const batch of d.batches) {
    for (const e of batch.entries) {
      if (e.payloadOffset + e.length > bytes.length) continue;
      const payload = bytes.subarray(e.payloadOffset, e.payloadOffset + e.length);
      if (e.type === EntryType.CHANGE) out.push(...decodeConfiguration(payload, e.payloadOffset).issues);
      else if (e.type === EntryType.COMMAND && commands++ < 4) {
        const decoded = decodeCommand(payload, e.payloadOffset);
        out.push(...decoded.issues);
        summarizeCommand(payload);
        // Rebuilding databases applies what decodes (analysis/db): it must survive it too.
        if (decoded.value) fsm.apply(decoded.value, payload, { index: BigInt(commands), file: 'segment', offset: e.payloadOffset });
      }
    }
  }
  return out;
}

function segment(bytes: Uint8Array, open: boolean): DecodeOutcome {
  const d = decodeSegment(new BufferSource(bytes), { verifyData: true });
  decodeSegment(new BufferSource(bytes), { verifyData: false });
  const issues = [...d.issues, ...payloadIssues(bytes, d)];
  const damage = open ? d.issues.filter((i) => !normalOpenTail(d, i)) : d.issues;
  return { issues, damage };
}

function snapshotData(bytes: Uint8Array): DecodeOutcome {
  const walk = walkLz4Frame(new BufferSource(bytes));
  const issues: DecodeIssue[] = [...walk.issues];
  let payload: Uint8Array | undefined = bytes;
  if (walk.compressed) {
    issues.push(...verifyLz4Frame(new BufferSource(bytes), walk).issues);
    const d = decompressLz4Frame(bytes);
    issues.push(...d.issues.filter((i) => !walk.issues.some((w) => w.kind === i.kind && w.offset === i.offset)));
    payload = d.data;
  }
  // Payload offsets are in the decompressed stream, so they stay out of the file-offset check.
  const inner = payload ? decodeSnapshotData(payload).issues : [];
  if (payload) decodeSnapshotDatabases(payload); // the rebuild of its databases must survive it (issues not counted)
  const damage = [...issues, ...inner];
  return { issues, damage };
}

/** As the scanner reads them (scan/build-node-index.ts readYaml). */
function yaml(kind: FileKind, bytes: Uint8Array, name: string): DecodeOutcome {
  if (bytes.length > YAML_SIZE_LIMIT) return { issues: [{ kind: 'file-too-large', offset: YAML_SIZE_LIMIT, message: 'too large' }], damage: [{ kind: 'file-too-large', offset: YAML_SIZE_LIMIT, message: 'too large' }] };
  const { text, firstInvalid } = yamlText(bytes);
  const issues = kind === 'info-yaml' ? parseNodeInfo(text, name).issues : parseClusterYaml(text, name).issues;
  if (kind === 'cluster-yaml') parseTargetCluster(text, name);
  if (firstInvalid !== undefined) issues.unshift({ kind: 'invalid-utf8', offset: firstInvalid, message: 'not UTF-8' });
  return { issues, damage: issues };
}

export function decodeAny(kind: FileKind, name: string, bytes: Uint8Array, partner?: Uint8Array): DecodeOutcome {
  switch (kind) {
    case 'metadata': {
      const r = decodeMetadata(bytes, name);
      if (partner !== undefined) decodeMetadata(partner, name);
      return { issues: r.issues, damage: r.issues };
    }
    case 'closed-segment':
      return segment(bytes, false);
    case 'open-segment':
      return segment(bytes, true);
    case 'snapshot-meta': {
      const r = decodeSnapshotMeta(bytes);
      return { issues: r.issues, damage: r.issues };
    }
    case 'snapshot-data':
      return snapshotData(bytes);
    case 'info-yaml':
    case 'cluster-yaml':
      return yaml(kind, bytes, name);
  }
}
