// predictStartup: what an engine's raft (libraft 0.15, the `uv` backend of dqlite 1.11, by default;
// see engine/profiles.ts for the others) does with one node directory at start-up, as
// raft_uv_init + io->init (uvInit) + io->load (uvLoad) in raft src/uv.c do it.
// Pure: the NodeIndex is read, a SimDir stands in for the directory, nothing touches the disk.
import type { NodeIndex } from '../../scan/node-index.js';
import { DEFAULT_ENGINE, type EngineProfile } from '../engine/profiles.js';
import { ErrMsg, RaftCode, type RaftCodeName, raftStrerror } from './errmsg.js';
import { explainFailure, explainSuccess, notesFor } from './explain.js';
import { simulateInit, type MetadataState } from './init.js';
import { loadSnapshotAndEntries, type PassResult } from './load-pass.js';
import { makeLogView } from './log-view.js';
import { SimDir } from './sim-dir.js';
import type { PredictOptions, PredictedLog, PredictedSnapshot, StartupPrediction } from './types.js';

/** The full simulation, also giving the pass result to callers inside analysis/loader. */
export interface Simulation {
  readonly prediction: StartupPrediction;
  readonly pass: PassResult | undefined;
  readonly metadata: MetadataState | undefined;
}

function errorFields(
  code: RaftCodeName,
  error: string,
  engine: EngineProfile,
): Pick<StartupPrediction, 'raftCode' | 'code' | 'codeName' | 'error'> {
  return { raftCode: code, code: RaftCode[code], codeName: raftStrerror(code, engine.loader.strerror), error };
}

function buildLog(pass: Extract<PassResult, { kind: 'ok' }>, metadata: MetadataState): PredictedLog {
  const snap = pass.snapshot;
  const view = makeLogView(pass.runs, snap, pass.startIndex);
  const conf = view.latestConfiguration(
    snap ? { index: snap.configurationIndex, servers: snap.configuration } : undefined,
  );
  return {
    startIndex: pass.startIndex,
    entries: pass.entries,
    lastIndex: view.lastIndex,
    lastTerm: view.lastTerm,
    lastTermUnread: view.lastTermUnread,
    term: metadata.term,
    votedFor: metadata.votedFor,
    configuration: conf?.servers,
    configurationIndex: conf?.index,
    runs: view.runs.map((r) => ({
      file: r.file,
      source: r.source,
      firstIndex: r.firstIndex,
      lastIndex: r.firstIndex + BigInt(r.count) - 1n,
      entries: r.count,
    })),
  };
}

function snapshotOf(pass: PassResult): PredictedSnapshot | undefined {
  if (pass.kind !== 'ok' || !pass.snapshot) return undefined;
  const s = pass.snapshot;
  return {
    name: s.name,
    term: s.term,
    index: s.index,
    configurationIndex: s.configurationIndex,
    members: s.members,
    configuration: s.configuration,
    compressed: s.compressed,
  };
}

export function simulateStartup(node: NodeIndex, options: PredictOptions = {}): Simulation {
  const autoRecovery = options.autoRecovery ?? true;
  const engine = options.engine ?? DEFAULT_ENGINE;
  const dir = new SimDir(node);
  const errmsg = new ErrMsg();
  const init = simulateInit(node, dir, errmsg, engine);
  if (!init.ok) {
    const prediction: StartupPrediction = {
      ok: false,
      outcome: 'error',
      stage: 'init',
      ...errorFields(init.code, errmsg.text, engine),
      cause: init.cause,
      why: explainFailure(init.cause, { error: errmsg.text, autoRecovery, engine }),
      ...dir.changes(),
      ignored: [],
      notes: notesFor(node, undefined, engine),
      engine: engine.name,
    };
    return { prediction, pass: undefined, metadata: undefined };
  }
  const pass = loadSnapshotAndEntries({ node, dir, errmsg, autoRecovery, engine });
  const changes = dir.changes();
  const okLog = pass.kind === 'ok' ? buildLog(pass, init.metadata) : undefined;
  const notes = notesFor(node, pass, engine, okLog?.lastTerm);
  const recoveredFrom = 'recoveredFrom' in pass ? pass.recoveredFrom : undefined;
  let prediction: StartupPrediction;
  if (pass.kind === 'ok') {
    const log = okLog!;
    prediction = {
      ok: true,
      outcome: 'ok',
      ...changes,
      ignored: pass.ignored.map((s) => s.name),
      ...(recoveredFrom ? { recoveredFrom } : {}),
      snapshot: snapshotOf(pass),
      log,
      notes,
      engine: engine.name,
      why: explainSuccess(
        log,
        snapshotOf(pass),
        changes,
        pass.ignored.map((s) => s.name),
        recoveredFrom,
      ),
    };
  } else if (pass.kind === 'error') {
    const f = pass.failure;
    prediction = {
      ok: false,
      outcome: 'error',
      stage: 'load',
      ...errorFields(f.code, f.error, engine),
      cause: f.cause,
      ...(f.file ? { file: f.file } : {}),
      ...changes,
      ignored: [],
      notes,
      engine: engine.name,
      ...(recoveredFrom ? { recoveredFrom } : {}),
      why: explainFailure(f.cause, { error: f.error, file: f.file, autoRecovery, recoveredFrom, engine }),
    };
  } else {
    prediction = {
      ok: false,
      outcome: pass.kind,
      stage: 'load',
      cause: pass.cause,
      file: pass.file,
      ...changes,
      ignored: [],
      notes,
      engine: engine.name,
      why: explainFailure(pass.cause, { file: pass.file, autoRecovery, outcome: pass.kind, engine }),
    };
  }
  return { prediction, pass, metadata: init.metadata };
}

/** What the real loader does with this node at start-up. */
export function predictStartup(node: NodeIndex, options: PredictOptions = {}): StartupPrediction {
  return simulateStartup(node, options).prediction;
}
