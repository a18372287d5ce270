// One fault rule = one file = one stable code (house style §7). A rule reads the node indexes and
// the loader predictions (already computed once for all rules) and returns findings.
import type { NodeIndex } from '../../scan/node-index.js';
import type { NodeDatabaseFacts } from '../db/node-databases.js';
import type { EngineProfile } from '../engine/profiles.js';
import type { SegmentInfo, SnapshotCandidate, StartupPrediction } from '../loader/index.js';
import type { LogView } from '../loader/log-view.js';
import type { Finding, SeverityName } from '../findings.js';
import type { NodeVerdict } from '../verdict.js';

export interface NodeFacts {
  readonly node: NodeIndex;
  /** The node's verdict: the start-up prediction, what it holds, what start-up drops, what repair keeps. */
  readonly verdict: NodeVerdict;
  readonly prediction: StartupPrediction;
  /** What the node holds on disk, even when the loader would refuse it. */
  readonly diskLog: LogView;
  /** What start-up would load; undefined when the node would not start. */
  readonly loadedLog: LogView | undefined;
  /** Segment files as UvList sorts them (uvSegmentSort, glibc qsort), before any filtering. */
  readonly segmentInfos: readonly SegmentInfo[];
  /** The engine the verdict is for: rules word what it does (fallback, LZ4 reader, asserts, lock file). */
  readonly engine: EngineProfile;
  /**
   * The snapshot start-up ends up with (after uvMaintenance): the newest candidate, or with the
   * engine's snapshot fallback the newest that loads (selectSnapshot).
   */
  readonly snapshot: SnapshotCandidate | undefined;
  /** Whether the prediction assumed raft_uv_set_auto_recovery(true) (the default). */
  readonly autoRecovery: boolean;
  /**
   * The node's databases rebuilt from its own log (analysis/db/node-databases.ts): undefined when
   * the caller did not rebuild them (they need SQLite, loaded asynchronously; `check` does).
   */
  readonly databases?: NodeDatabaseFacts;
}

export interface RuleContext {
  readonly nodes: readonly NodeFacts[];
}

export interface Rule {
  /** RRnnn, never renumbered or reused. */
  readonly code: string;
  /** Short kebab-case name, e.g. 'past-last-snapshot'. */
  readonly name: string;
  /** Severity of its usual finding (a rule may emit others, stated in its description). */
  readonly severity: SeverityName;
  /** One line for --list-rules and the README table. */
  readonly summary: string;
  check(ctx: RuleContext): Finding[];
}
