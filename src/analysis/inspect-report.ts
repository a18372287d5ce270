// The data behind `raft-rescue inspect`: one plain record per node, built from its NodeIndex.
// Renderers in report/ turn it into a table or JSON; nothing here prints.
import type { BatchTable } from '../format/batch-table.js';
import { raftRoleName } from '../format/configuration.js';
import type { NodeInfo } from '../format/node-yaml.js';
import type { MetadataRecord, NodeIndex, ScanIssue } from '../scan/node-index.js';
import type { ProductIssue } from '../scan/product.js';
import { identityOf } from './identity.js';
import { listedLog, spansOf, type LatestConfiguration } from './listed-log.js';
import type { NodeVerdict } from './verdict.js';

export interface MemberView {
  readonly id: bigint;
  readonly address: string;
  /** voter, stand-by or spare. */
  readonly role: string;
  /** Raft's number for the role (1 voter, 0 stand-by, 2 spare). */
  readonly raftRole: number;
}

export interface MetadataView {
  readonly file: string;
  readonly size: number;
  readonly version?: bigint;
  readonly term?: bigint;
  readonly votedFor?: bigint;
  readonly problems: readonly string[];
}

export interface SnapshotView {
  readonly name: string;
  readonly term: bigint;
  readonly index: bigint;
  readonly timestamp: bigint;
  readonly size: number | null;
  readonly metaSize: number | null;
  readonly compressed: boolean | null;
  readonly contentSize: bigint | null;
  readonly configurationIndex: bigint | null;
  readonly members: readonly MemberView[];
  readonly metaChecksumOk: boolean | null;
}

export interface SegmentView {
  readonly name: string;
  readonly kind: 'closed' | 'open';
  readonly firstIndex: bigint;
  readonly lastIndex: bigint;
  readonly entries: number;
  readonly batches: number;
  readonly size: number;
  readonly validBytes: number;
  readonly firstTerm: bigint | null;
  readonly lastTerm: bigint | null;
  readonly badChecksumBatches: number;
  readonly stop: string | null;
}

/** The product identity of a node, as inspect shows it. */
export interface ProductView {
  readonly kind: string;
  readonly app: string | null;
  readonly stateDir: string;
  readonly raftPath: string;
  readonly machine: string | null;
  readonly memberName: string | null;
  readonly role: number | null;
  readonly backup: { readonly kind: string; readonly source: string; readonly of: string | null } | null;
  readonly members:
    | readonly {
        readonly id: bigint;
        readonly address: string;
        readonly role: number | null;
        readonly name: string | null;
      }[]
    | null;
  readonly schemaVersion: number | null;
  readonly pendingPatch: string | null;
  readonly files: readonly { readonly path: string; readonly size: number; readonly sha256: string }[];
  readonly issues: readonly ProductIssue[];
}

export interface NodeReport {
  readonly name: string;
  readonly path: string;
  /** The raft address and ID from the product's identity (else info.yaml). */
  readonly address: string | null;
  readonly id: bigint | null;
  /** Everything the product's identity files say (state directory, members, backup, issues). */
  readonly productLayout: ProductView | null;
  readonly backupOf: string | null;
  readonly info: { readonly id: bigint; readonly address: string; readonly role: number } | null;
  readonly cluster: readonly { readonly id: bigint; readonly address: string; readonly role: number }[] | null;
  readonly metadata: readonly MetadataView[];
  readonly snapshots: readonly SnapshotView[];
  readonly segments: readonly SegmentView[];
  readonly segmentTotals: {
    readonly closed: number;
    readonly open: number;
    readonly bytes: number;
    readonly entries: number;
  };
  /** The log as the node's verdict holds it (the same span every command quotes). */
  readonly log: { readonly firstIndex: bigint | null; readonly lastIndex: bigint; readonly lastTerm: bigint };
  readonly verdict: NodeVerdict;
  readonly configuration: readonly MemberView[];
  readonly configurationSource: { readonly index: bigint; readonly source: string; readonly file: string } | null;
  readonly otherFiles: readonly { readonly name: string; readonly kind: string; readonly size: number }[];
  readonly issues: readonly ScanIssue[];
}

function members(servers: LatestConfiguration['servers'] | undefined): MemberView[] {
  return (servers ?? []).map((s) => ({ id: s.id, address: s.address, role: raftRoleName(s.role), raftRole: s.role }));
}

function metadataView(m: MetadataRecord | undefined): MetadataView[] {
  if (!m) return [];
  const v = m.decoded.value;
  return [
    {
      file: m.name,
      size: m.size,
      version: v?.version,
      term: v?.term,
      votedFor: v?.votedFor,
      problems: m.decoded.issues.map((i) => i.message),
    },
  ];
}

function snapshotViews(node: NodeIndex): SnapshotView[] {
  return node.snapshots.map((s) => {
    const meta = s.meta?.decoded.value;
    return {
      name: s.name,
      term: s.term,
      index: s.index,
      timestamp: s.timestamp,
      size: s.data?.size ?? null,
      metaSize: s.meta?.size ?? null,
      compressed: s.data ? s.data.frame.compressed : null,
      contentSize: s.data?.frame.contentSize ?? null,
      configurationIndex: meta?.configurationIndex ?? null,
      members: members(meta?.configuration),
      metaChecksumOk: meta ? meta.crcOk : null,
    };
  });
}

function segmentViews(node: NodeIndex): SegmentView[] {
  return spansOf(node).map((span) => {
    const d = span.segment.decoded;
    return {
      name: span.segment.name,
      kind: span.segment.kind,
      firstIndex: span.firstIndex,
      lastIndex: span.lastIndex,
      entries: span.entries,
      batches: d.batches.length,
      size: span.segment.size,
      validBytes: d.validBytes,
      firstTerm: span.firstTerm ?? null,
      lastTerm: span.lastTerm ?? null,
      badChecksumBatches: badDataChecksums(d.batches) + (d.failure?.kind === 'header-checksum' ? 1 : 0),
      stop: !d.failure
        ? null
        : span.segment.kind === 'open' && d.tailIsZero && d.failure.kind === 'zero-count'
          ? `zeros from byte ${d.validBytes}`
          : `${d.failure.message} at byte ${d.failure.offset}`,
    };
  });
}

const plainInfo = (i: NodeInfo) => ({ id: i.id, address: i.address, role: i.role });

function productView(node: NodeIndex): ProductView | null {
  const p = node.product;
  if (!p) return null;
  return {
    kind: p.kind,
    app: p.app ?? null,
    stateDir: p.stateDisplay,
    raftPath: p.raftPath,
    machine: p.machine ?? null,
    memberName: p.name ?? null,
    role: p.role ?? null,
    backup: p.backup ? { kind: p.backup.kind, source: p.backup.source, of: p.backup.of ?? null } : null,
    members:
      p.members?.map((m) => ({ id: m.id, address: m.address, role: m.role ?? null, name: m.name ?? null })) ?? null,
    schemaVersion: p.schemaVersion ?? null,
    pendingPatch: p.pendingPatch ?? null,
    files: p.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
    issues: p.issues,
  };
}

export function buildNodeReport(verdict: NodeVerdict): NodeReport {
  const node = verdict.node;
  const log = listedLog(node);
  const held = verdict.held;
  const segments = segmentViews(node);
  const info = node.info?.value;
  const who = identityOf(node);
  const otherKinds = new Set(['tmp', 'corrupt', 'probe', 'lock', 'join', 'product', 'ignored']);
  return {
    name: node.name,
    path: node.displayPath,
    address: who.address ?? null,
    id: who.id ?? null,
    productLayout: productView(node),
    backupOf: who.backupOf ?? null,
    info: info ? plainInfo(info) : null,
    cluster: node.cluster?.value ? node.cluster.value.map(plainInfo) : null,
    metadata: [...metadataView(node.metadata1), ...metadataView(node.metadata2)],
    snapshots: snapshotViews(node),
    segments,
    segmentTotals: {
      closed: segments.filter((s) => s.kind === 'closed').length,
      open: segments.filter((s) => s.kind === 'open').length,
      bytes: segments.reduce((n, s) => n + s.size, 0),
      entries: segments.reduce((n, s) => n + s.entries, 0),
    },
    log: {
      firstIndex: held.lastIndex >= held.startIndex ? held.startIndex : null,
      lastIndex: held.lastIndex,
      lastTerm: held.lastTerm,
    },
    verdict,
    configuration: members(log.configuration?.servers),
    configurationSource: log.configuration
      ? { index: log.configuration.index, source: log.configuration.source, file: log.configuration.file }
      : null,
    otherFiles: node.files
      .filter((f) => otherKinds.has(f.class.kind) || f.type !== 'file')
      .map((f) => ({ name: f.name, kind: f.type === 'file' ? f.class.kind : f.type, size: f.size })),
    issues: [
      ...node.issues,
      ...(node.info?.issues.map((i) => ({ ...i, file: 'info.yaml' })) ?? []),
      ...(node.cluster?.issues.map((i) => ({ ...i, file: 'cluster.yaml' })) ?? []),
    ],
  };
}

function badDataChecksums(batches: BatchTable): number {
  let n = 0;
  for (let b = 0; b < batches.length; b++) if (batches.dataCrcOk(b) === false) n++;
  return n;
}
