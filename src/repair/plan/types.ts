// The repair plan: a versioned JSON document (house style §10, changesets' release plan as model).
// planRepair() builds it from NodeIndexes without touching the disk; applyPlan() is the only
// writer. Because the plan IS the document a person reviews and `repair --plan` reads back, u64
// values (IDs, indexes, terms) are stored as decimal strings (`Dec`), as core/u64.ts's toJson
// writes them; code converts with BigInt() at the edges.

import type { MemberYamlFormat } from '../../format/member-yaml.js';
import type { PlanProductFile, ProductName, ProductOrigin } from './product/types.js';

export const PLAN_VERSION = 3;

/** A u64 as a decimal string. */
export type Dec = string;

export interface IndexRange {
  readonly from: Dec;
  readonly to: Dec;
}

/** Where every byte of an output file comes from. */
export type FileOrigin =
  | { readonly kind: 'copy'; readonly node: string; readonly file: string }
  | {
      readonly kind: 'truncated-copy';
      readonly node: string;
      readonly file: string;
      /** Bytes kept from the start of the file. */
      readonly bytes: number;
      readonly originalSize: number;
      readonly why: string;
    }
  | {
      /** Entries re-encoded into a new closed segment: batches as in the donor file, zeroed unused bytes, fresh checksums. */
      readonly kind: 'entries';
      readonly node: string;
      readonly file: string;
      readonly firstIndex: Dec;
      readonly lastIndex: Dec;
      /** 0-based position of the first entry in `file` (over all its batches). */
      readonly firstPosition: number;
      readonly count: number;
    }
  | {
      /**
       * A snapshot data file with the same content in another form (engine/snapshot-form.ts): raw
       * data into an LZ4 frame of stored blocks with content size and checksum, or an LZ4 frame
       * decoded (every block, the content checksum checked) into raw data.
       */
      readonly kind: 'converted-snapshot';
      readonly node: string;
      readonly file: string;
      readonly to: 'lz4' | 'raw';
      /** The input file's size (it is pinned with its sha256 in inputs.nodes). */
      readonly originalSize: number;
    }
  | {
      readonly kind: 'generated';
      readonly what: 'configuration-segment' | 'metadata' | 'info.yaml' | 'cluster.yaml';
      readonly base64: string;
      /** The YAML text, for YAML files (same bytes as base64). */
      readonly text?: string;
    }
  | ProductOrigin;

export type PlannedFileRole = 'segment' | 'snapshot' | 'snapshot-meta' | 'metadata' | 'yaml' | 'identity' | 'product';

export interface PlannedFile {
  readonly name: string;
  readonly role: PlannedFileRole;
  readonly size: number;
  /** Known in advance for copies and generated files; null where apply computes it. */
  readonly sha256: string | null;
  readonly mode: number;
  /**
   * The subdirectory of the node's output directory it goes in, `/`-separated (a product's
   * layout: database/global for LXD's raft files); absent: the node's directory itself.
   */
  readonly dir?: string;
  /** Log files: the index range they hold. */
  readonly firstIndex?: Dec;
  readonly lastIndex?: Dec;
  readonly from: FileOrigin;
}

export interface PlannedNode {
  /** The output directory's name when it is not the address: the member's name (LXD, Incus, microcluster). */
  readonly dir?: string;
  /** The product whose layout the directory mirrors (its state directory); absent: go-dqlite's node directory. */
  readonly product?: ProductName;
  /** The member's name (LXD, Incus, microcluster). */
  readonly name?: string;
  readonly address: string;
  readonly id: Dec;
  /** go-dqlite role: 0 voter, 1 stand-by, 2 spare. */
  readonly role: number;
  readonly roleName: string;
  readonly isSource: boolean;
  /** Input node with the same ID (identity files come from it), if any. */
  readonly inputNode: string | null;
  readonly metadata: 'kept' | 'fresh';
  readonly files: readonly PlannedFile[];
}

export interface PlanInputNode {
  /** displayPath: the key every `node` field of the plan refers to. */
  readonly key: string;
  readonly name: string;
  readonly id: Dec | null;
  readonly address: string | null;
  readonly files: readonly { readonly name: string; readonly size: number; readonly sha256: string }[];
  /** Files of the node's product state directory the plan reads (LXD local.db, microcluster daemon.yaml …). */
  readonly productFiles?: readonly PlanProductFile[];
}

export interface PlanRankRow {
  readonly rank: number;
  readonly node: string;
  readonly name: string;
  readonly lastTerm: Dec;
  readonly lastIndex: Dec;
  /** none: starts as it is; lossless: repair keeps every entry; lossy: repair loses entries. */
  readonly repair: 'none' | 'lossless' | 'lossy';
  readonly startup: string;
}

export interface PlanSource {
  readonly node: string;
  readonly name: string;
  readonly id: Dec | null;
  readonly chosenBy: 'rank' | '--source';
  readonly reasons: readonly string[];
  readonly ranking: readonly PlanRankRow[];
}

export interface PlanMember {
  /** The member's name (LXD, Incus, microcluster), when known. */
  readonly name?: string;
  readonly id: Dec;
  readonly address: string;
  readonly role: number;
  readonly roleName: string;
  /** Raft's role byte in the configuration entry (voter 1, stand-by 0, spare 2). */
  readonly raftRole: number;
  readonly isNew: boolean;
  readonly previousAddress: string | null;
}

export interface PlanTarget {
  readonly from: 'cluster-file' | 'source-configuration';
  /** The --cluster file's format, when it is a product's (LXD/Incus `members:`, microcluster's list). */
  readonly format?: Exclude<MemberYamlFormat, 'go-dqlite'>;
  readonly file: string | null;
  readonly members: readonly PlanMember[];
}

export interface PlanProof {
  readonly donor: string;
  readonly range: IndexRange;
  /** The entry right after the range, which ties the donor's entries to the kept log. */
  readonly anchor: { readonly index: Dec; readonly rule: 'same-entry' | 'same-term'; readonly term: Dec };
  readonly termsCompared: number;
  readonly payloadsCompared: number;
  readonly bytesCompared: number;
  /** Past the anchor the logs differ from here on (a deposed leader's entries on the donor); not used. */
  readonly divergesFrom?: Dec;
}

export interface PlanRepair {
  readonly kind: string;
  readonly lossless: boolean;
  readonly description: string;
  readonly node?: string;
  readonly files?: readonly string[];
  readonly range?: IndexRange;
  readonly proofs?: readonly PlanProof[];
}

import type { LostKind } from '../../analysis/recovery/types.js';

export type { LostKind };

export interface PlanLost {
  /** unfillable-hole and damaged-tail need --allow-data-loss; source-choice needs --force. */
  readonly kind: LostKind;
  readonly from: Dec;
  /** null when the count is unknown (a batch torn before its header was complete). */
  readonly to: Dec | null;
  readonly reason: string;
  /**
   * true: the entries were completely written (and may have been committed), so dropping them
   * needs --allow-data-loss. false: a torn write the engine itself drops or crashes on.
   */
  readonly complete: boolean;
  /** What the entries change in the databases (null only while a source-choice comparison is pending). */
  readonly data: PlanLostData | null;
}

/** Lost entries' meaning for the data (analysis/db/lost-data.ts), as plain JSON. */
export interface PlanLostData {
  /**
   * compared: every lost entry was read and the databases as kept were matched row by row against
   * those with the entries (exact); unknown: some entries cannot be read from any node.
   */
  readonly rows: 'compared' | 'unknown';
  readonly readable: readonly IndexRange[];
  /** `to` null: the count is unknown (a torn batch). */
  readonly unreadable: readonly { readonly from: Dec; readonly to: Dec | null }[];
  /** FRAMES commits among the readable entries. */
  readonly transactions: number;
  readonly undecodable: number;
  readonly databases: readonly PlanLostDatabase[];
  /** For compared rows: the index of the data kept, of the data with the entries, and the log holding them. */
  readonly compared: { readonly keptIndex: Dec; readonly droppedIndex: Dec; readonly droppedLog: string } | null;
  readonly problem: string | null;
  /** The same in one sentence. */
  readonly words: string;
}

export interface PlanLostDatabase {
  readonly name: string;
  readonly transactions: number;
  /** Distinct pages written. */
  readonly pages: number;
  /** Tables whose rows differ (null when rows were not compared). */
  readonly tables:
    readonly { readonly table: string; readonly inserted: Dec; readonly updated: Dec; readonly deleted: Dec }[] | null;
}

export interface PlanLog {
  readonly snapshot: { readonly name: string; readonly term: Dec; readonly index: Dec } | null;
  /** First and last entry index before the configuration entry (startIndex > lastIndex: none). */
  readonly startIndex: Dec;
  readonly lastIndex: Dec;
  readonly lastTerm: Dec;
  readonly pieces: readonly {
    readonly file: string;
    readonly firstIndex: Dec;
    readonly lastIndex: Dec;
    readonly from: string;
  }[];
}

export interface PlanConfigurationEntry {
  readonly file: string;
  readonly index: Dec;
  readonly term: Dec;
  readonly termRule: string;
  readonly servers: readonly {
    readonly id: Dec;
    readonly address: string;
    readonly raftRole: number;
    readonly role: string;
  }[];
  readonly payloadBase64: string;
}

export interface PlanExpected {
  readonly startIndex: Dec;
  readonly lastIndex: Dec;
  readonly lastTerm: Dec;
  readonly snapshotIndex: Dec | null;
}

export interface RepairOptions {
  readonly allowDataLoss: boolean;
  readonly force: boolean;
  readonly source: string | null;
  readonly cluster: string | null;
  /** The engine the output is for: `auto` (inferred from the inputs) or a profile name (dqlite-1.18 …). */
  readonly engine: string;
  /** Snapshots written in this form whatever the engine needs (--convert-snapshots); null: as the engine needs. */
  readonly convertSnapshots: 'lz4' | 'raw' | null;
}

/** The engine the output is for: what it writes (recovery entry term, snapshot form) and what checks it. */
export interface PlanEngine {
  /** The profile name (engine/profiles.ts). */
  readonly name: string;
  /** flag: options.engine named it; evidence: inferred from the inputs; unknown: the inputs do not tell. */
  readonly source: 'flag' | 'evidence' | 'unknown';
  readonly evidence: readonly string[];
  /** The snapshot form the output gets (null: as they are). */
  readonly snapshotForm: 'lz4' | 'raw' | null;
  readonly notes: readonly string[];
}

export interface RepairPlan {
  readonly planVersion: typeof PLAN_VERSION;
  readonly tool: string;
  readonly status: 'ready' | 'refused';
  readonly refusals: readonly string[];
  readonly warnings: readonly string[];
  readonly options: RepairOptions;
  readonly engine: PlanEngine;
  readonly inputs: { readonly args: readonly string[]; readonly nodes: readonly PlanInputNode[] };
  readonly source: PlanSource | null;
  readonly target: PlanTarget | null;
  readonly log: PlanLog | null;
  readonly configurationEntry: PlanConfigurationEntry | null;
  readonly repairs: readonly PlanRepair[];
  readonly lost: readonly PlanLost[];
  readonly metadata: { readonly rule: string; readonly freshTerm: Dec } | null;
  readonly notCopied: readonly { readonly file: string; readonly reason: string }[];
  readonly outputs: readonly PlannedNode[];
  readonly expected: PlanExpected | null;
}
