// The immutable index of one node directory: every file classified, every structure decoded.
// Built by scan/build-node-index.ts; everything after scan/ works on these values only.
import type { ConfigurationServer } from '../format/configuration.js';
import type { FileDigest } from './digest.js';
import type { DecodeIssue } from '../format/issue.js';
import type { MetadataDecodeResult } from '../format/metadata.js';
import type { FileNameClass } from '../format/file-names.js';
import type { Lz4FrameInfo } from '../format/lz4-frame.js';
import type { NodeInfo } from '../format/node-yaml.js';
import type { ProductIdentity } from './product.js';
import type { SegmentDecodeResult } from '../format/segment.js';
import type { SnapshotMetaDecodeResult } from '../format/snapshot-meta.js';
import type { SnapshotPayloadCheck } from '../format/snapshot-payload.js';

export type FileType = 'file' | 'directory' | 'symlink' | 'socket' | 'fifo' | 'device' | 'other';

export interface FileRecord {
  readonly name: string;
  readonly type: FileType;
  readonly size: number;
  readonly mtimeMs: number;
  readonly class: FileNameClass;
  /**
   * A symlink whose target stat(2) cannot reach: the errno name (ELOOP, ENOENT, EACCES …). raft's
   * UvList stats snapshot data files through links; the tool itself never follows them.
   */
  readonly statError?: string;
}

/** A finding-to-be from decoding, tied to a file of the node. */
export interface ScanIssue extends DecodeIssue {
  readonly file: string;
}

export interface MetadataRecord {
  readonly name: 'metadata1' | 'metadata2';
  readonly size: number;
  readonly decoded: MetadataDecodeResult;
}

export interface SnapshotRecord {
  /** Data file name, `snapshot-TERM-INDEX-TS` (the .meta is this plus `.meta`). */
  readonly name: string;
  readonly term: bigint;
  readonly index: bigint;
  readonly timestamp: bigint;
  /** undefined when the .meta file is missing. */
  readonly meta:
    { readonly size: number; readonly mtimeMs: number; readonly decoded: SnapshotMetaDecodeResult } | undefined;
  /** undefined when the data file is missing. */
  readonly data:
    | {
        readonly size: number;
        readonly mtimeMs: number;
        readonly frame: Lz4FrameInfo;
        /** What dqlite's restore makes of the content; only with verifyData and a frame that decodes. */
        readonly payload: SnapshotPayloadCheck | undefined;
      }
    | undefined;
}

/** A raft configuration found in a CHANGE entry of the log. */
export interface LogConfiguration {
  /** Position of the entry within its segment (0-based over all batches). */
  readonly position: number;
  readonly offset: number;
  readonly term: bigint;
  readonly servers: readonly ConfigurationServer[] | undefined;
  readonly issues: readonly DecodeIssue[];
}

/**
 * How much of a segment file was read: every byte ('data': both checksums verified), every batch
 * header ('headers': payloads skipped), or only its name and format word ('name': a closed
 * segment that a log-tail scan trusts to hold the entries its name promises; `decoded` then has
 * no batches and ends at the file's size).
 */
export type SegmentReadDepth = 'data' | 'headers' | 'name';

export interface SegmentRecord {
  readonly name: string;
  readonly kind: 'closed' | 'open';
  readonly depth: SegmentReadDepth;
  /** From the name, for closed segments. */
  readonly firstIndex: bigint | undefined;
  readonly lastIndex: bigint | undefined;
  /** open-N counter. */
  readonly counter: bigint | undefined;
  readonly size: number;
  readonly mtimeMs: number;
  readonly decoded: SegmentDecodeResult;
  readonly configurations: readonly LogConfiguration[];
}

export interface YamlRecord<T> {
  readonly name: string;
  readonly value: T | undefined;
  readonly issues: readonly DecodeIssue[];
}

export type NodeOrigin =
  { readonly kind: 'directory' } | { readonly kind: 'archive'; readonly archive: string; readonly member: string };

export interface NodeIndex {
  /**
   * Who the node is, unique among the inputs: a product member's name or address, info.yaml's
   * Address, `<member>/<backup>` for a backup, else the directory's name (scan/product-names.ts).
   */
  readonly name: string;
  /** Where the bytes are read from (a private temp dir for archives). */
  readonly dir: string;
  /** What to show people: the input path, or `archive.tar.gz:member/dir`. */
  readonly displayPath: string;
  readonly origin: NodeOrigin;
  readonly files: readonly FileRecord[];
  readonly info: YamlRecord<NodeInfo> | undefined;
  readonly cluster: YamlRecord<readonly NodeInfo[]> | undefined;
  readonly metadata1: MetadataRecord | undefined;
  readonly metadata2: MetadataRecord | undefined;
  /** Sorted newest first by (term, index, timestamp), as uvSnapshotCompare orders them. */
  readonly snapshots: readonly SnapshotRecord[];
  /** Closed segments by first index, then open segments by counter. */
  readonly segments: readonly SegmentRecord[];
  /** Problems reading files (unreadable, vanished) and decode issues, with file names. */
  readonly issues: readonly ScanIssue[];
  /** Whether payload checksums were verified (false for header-only scans). */
  readonly verifiedData: boolean;
  /** Whether closed segments before the last two were read by name only (rank's fast scan). */
  readonly logTailOnly: boolean;
  /**
   * sha256 of every regular file, computed in the same pass that read it (a repair pins its
   * inputs with these); undefined when the scan was not asked to hash.
   */
  readonly digests: ReadonlyMap<string, FileDigest> | undefined;
  /** Who the node is in the product whose layout it came from (undefined: a plain go-dqlite directory). */
  readonly product: ProductIdentity | undefined;
}

const byName = new WeakMap<NodeIndex, Map<string, FileRecord>>();

/**
 * The file record named `name`, from a map built once per node: rules and planners look files
 * up per segment, and a list search there makes a node with 100 000 segments take minutes.
 */
export function fileNamed(node: NodeIndex, name: string): FileRecord | undefined {
  let map = byName.get(node);
  if (!map) {
    map = new Map(node.files.map((f) => [f.name, f]));
    byName.set(node, map);
  }
  return map.get(name);
}
