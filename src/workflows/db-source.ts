// Which log the `db` operations rebuild databases from, and rebuilding them:
//   default   the log `repair` would leave: the recommended source (rank, read as rank reads) with
//             the holes it fills from other nodes, cut where repair would cut it;
//   node      one node's own log as it is on disk (a gap before the index is an error naming it).
// The engine (given, or inferred with `auto`) decides how FRAMES apply (applyRulesOf).
import { heldDbLog, recoveryDbLog, type DbLog } from '../analysis/db/db-log.js';
import { materializeDatabases, type MaterializeResult } from '../analysis/db/materialize.js';
import { resolveEngine, type EngineResolution } from '../analysis/engine/infer.js';
import { applyRulesOf, DEFAULT_ENGINE, type EngineProfile } from '../analysis/engine/profiles.js';
import { diskLog } from '../analysis/loader/index.js';
import type { LostEntries } from '../analysis/recovery/types.js';
import type { RepairNeed } from '../analysis/verdict.js';
import { UsageError } from '../core/errors.js';
import type { NodeIndex } from '../scan/node-index.js';
import { openPayloadReader } from '../scan/payloads.js';
import { snapshotContentReader } from '../scan/snapshot-content.js';
import type { Inputs } from './inputs.js';
import { runRank } from './rank.js';

export interface DbRequest {
  /** One node's own log as it is on disk (its name, or its path as shown); default: what repair leaves. */
  readonly node?: string;
  /** The raft index to rebuild the databases at (default: the log's last index). */
  readonly at?: bigint;
  /** The engine that applies the entries, or `auto`; default libraft 0.15 / dqlite 1.11. */
  readonly engine?: EngineProfile | 'auto';
}

export interface DbSource {
  /** repair: the log a repair leaves (recommended source plus fills); node: a node's own log. */
  readonly kind: 'repair' | 'node';
  /** The node whose log it is (the recommended source for `repair`). */
  readonly node: NodeIndex;
  readonly log: DbLog;
  readonly engine: EngineResolution;
  /** For `repair`: how much repair the source needs, and what it loses. */
  readonly repair: { readonly need: RepairNeed; readonly lost: readonly LostEntries[] } | undefined;
}

/** The node named `name` (its name or displayed path) among `nodes`. */
export function findNodeNamed(nodes: readonly NodeIndex[], name: string): NodeIndex {
  const found = nodes.filter((n) => n.name === name || n.displayPath === name);
  if (found.length === 1) return found[0]!;
  const names = nodes.map((n) => n.name).join(', ');
  if (!found.length) throw new UsageError(`--node ${name}: no input node has that name (nodes: ${names})`);
  throw new UsageError(
    `--node ${name} matches ${found.length} nodes (${found.map((n) => n.displayPath).join(', ')}): give the path`,
  );
}

/** One node's own log, that node read in full (the others only as far as naming them needs). */
export async function nodeSource(
  inputs: Inputs,
  name: string,
  engine: EngineProfile | 'auto' | undefined,
): Promise<DbSource> {
  const all = await inputs.read('log-tail');
  const wanted = findNodeNamed(all, name);
  const nodes = await inputs.deepen([wanted], 'every-byte');
  const node = nodes.find((n) => n.dir === wanted.dir)!;
  const resolved = resolveEngine(engine ?? DEFAULT_ENGINE, nodes);
  return { kind: 'node', node, log: heldDbLog(node, diskLog(node)), engine: resolved, repair: undefined };
}

/** The log a repair would leave: rank's recommended source with its fills (read as rank reads). */
export async function repairSource(inputs: Inputs, engine: EngineProfile | 'auto' | undefined): Promise<DbSource> {
  const outcome = await runRank(inputs, { engine });
  const best = outcome.result.best?.verdict;
  if (!best) throw new UsageError('no input node to rebuild databases from');
  const c = best.contribution;
  return {
    kind: 'repair',
    node: best.node,
    log: recoveryDbLog(best.recovery),
    engine: best.engine,
    repair: { need: c.need, lost: c.lost },
  };
}

export function dbSource(inputs: Inputs, request: DbRequest): Promise<DbSource> {
  return request.node !== undefined
    ? nodeSource(inputs, request.node, request.engine)
    : repairSource(inputs, request.engine);
}

/** Every database of the source's log at `at` (default: its last index). */
export function rebuild(source: DbSource, at: bigint | undefined): MaterializeResult {
  const payloads = openPayloadReader();
  try {
    const rules = applyRulesOf(source.engine.profile);
    return materializeDatabases(source.log, { payloads, snapshots: snapshotContentReader }, { at, rules });
  } finally {
    payloads.close();
  }
}
