// The loader simulation's result: plain data (bigint for u64 values; decimal strings only when a
// renderer turns it into JSON).
import type { ConfigurationServer } from '../../format/configuration.js';
import type { EngineProfile } from '../engine/profiles.js';
import type { RaftCodeName } from './errmsg.js';

export type StartupOutcome = 'ok' | 'error' | 'crash' | 'hang';

export interface PredictedSnapshot {
  /** Data file name (`snapshot-T-I-TS`). */
  readonly name: string;
  readonly term: bigint;
  readonly index: bigint;
  readonly configurationIndex: bigint;
  readonly members: number;
  readonly configuration: readonly ConfigurationServer[];
  readonly compressed: boolean;
}

export interface PredictedLog {
  /** uvLoad's start_index (1, the first closed segment's first index, or snapshot index + 1). */
  readonly startIndex: bigint;
  readonly entries: bigint;
  /** As raft-load.sh prints it: start + entries - 1, else the snapshot's index, else 0. */
  readonly lastIndex: bigint;
  /** Term of the last entry, else the snapshot's term, else 0. */
  readonly lastTerm: bigint;
  /** The last entry is in a segment a log-tail scan read by name only (lastTerm is then 0). */
  readonly lastTermUnread: boolean;
  /** From the metadata file with the higher version. */
  readonly term: bigint;
  readonly votedFor: bigint;
  /** The latest configuration: the last CHANGE entry in the loaded log, else the snapshot's. */
  readonly configuration: readonly ConfigurationServer[] | undefined;
  readonly configurationIndex: bigint | undefined;
  /** Where the entries come from, in index order. */
  readonly runs: readonly LogRunSummary[];
}

/** One segment file's share of the loaded log. */
export interface LogRunSummary {
  /** The file after start-up (a closed segment name). */
  readonly file: string;
  /** Its name before start-up (open-N when start-up finalized it). */
  readonly source: string;
  readonly firstIndex: bigint;
  readonly lastIndex: bigint;
  readonly entries: number;
}

export interface StartupPrediction {
  readonly ok: boolean;
  readonly outcome: StartupOutcome;
  /** Which raft_io call fails: io->init (metadata) or io->load. */
  readonly stage?: 'init' | 'load';
  readonly raftCode?: RaftCodeName;
  /** Numeric raft code (RAFT_CORRUPT = 12 …). */
  readonly code?: number;
  /** raft_strerror(code). */
  readonly codeName?: string;
  /** Exactly the text of io->errmsg (what raft-load.sh prints as "error"). */
  readonly error?: string;
  /** A stable key for the cause (e.g. 'past-snapshot', 'closed-data-checksum', 'open-short-data'). */
  readonly cause?: string;
  /** The file the failure is about. */
  readonly file?: string;
  /** Plain words for a tired operator. */
  readonly why: string;
  /** Original names auto-recovery moves to corrupt-<ns>-<name>. */
  readonly renamed: readonly string[];
  /** Files start-up deletes (tmp-*, orphan snapshot halves, empty open segments, short metadata). */
  readonly removed: readonly string[];
  /** Closed segments written by finalizing open segments. */
  readonly created: readonly string[];
  /** Segments left on disk but not loaded (uvFilterSegments). */
  readonly ignored: readonly string[];
  /** The CORRUPT failure of the first pass when auto-recovery retried the load. */
  readonly recoveredFrom?: { readonly cause: string; readonly error: string; readonly file?: string };
  readonly snapshot?: PredictedSnapshot;
  readonly log?: PredictedLog;
  /** What this engine does that the fields do not show, and caveats of the prediction. */
  readonly notes: readonly string[];
  /** The engine predicted (EngineProfile.name). */
  readonly engine: string;
}

export interface PredictOptions {
  /** raft_uv_set_auto_recovery; default true as in raft_uv_init (dqlite and go-dqlite too). */
  readonly autoRecovery?: boolean;
  /** The engine whose loader is simulated; default DEFAULT_ENGINE (Debian 12's libraft 0.15). */
  readonly engine?: EngineProfile;
}
