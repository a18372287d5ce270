// Loader simulation: what libraft 0.15 (dqlite 1.11's `uv` backend) does with a node directory at
// start-up, predicted from a NodeIndex without touching the disk.
export { predictStartup, simulateStartup, type Simulation } from './predict.js';
export type {
  LogRunSummary,
  PredictOptions,
  PredictedLog,
  PredictedSnapshot,
  StartupOutcome,
  StartupPrediction,
} from './types.js';
export { RaftCode, raftStrerror, type RaftCodeName } from './errmsg.js';
export { selectSnapshot, snapshotCandidates, type SnapshotCandidate } from './snapshots.js';
export {
  filterSegments,
  listSegments,
  segmentInfoOf,
  uvSegmentInfoCompare,
  type FilterResult,
  type SegmentInfo,
} from './filter-segments.js';
export { diskLog, inferOpenFirstIndexes, loadedLog, openSegmentFirstIndexes } from './loaded-log.js';
export { makeLogView, type LogEntryRef, type LogGap, type LogView } from './log-view.js';
export type { LoadedRun } from './segments.js';
export { recoveryEntryTerm } from './explain.js';
