// One verdict per node, computed once and rendered by every command (inspect, rank, check, dump,
// repair), so that no two of them can say different things about the same node:
//   held          what the node holds on disk: its log's span, the ranges missing between files
//                 and the ranges whose bytes are damaged (file and offset);
//   startup       what the engine does with the directory at start-up (the loader simulation,
//                 for the engine named or inferred: engine/); otherEngines lists the engines still
//                 possible that would do something else;
//   startupDrops  entries it holds that start-up would move aside (auto-recovery);
//   contribution  what a repair keeps if this node is the source: the log after filling its
//                 holes from other nodes (proven to agree), what would be lost, and how much
//                 repair that takes (none, lossless, lossy). Ranking orders nodes by this.
import { parseClosedSegmentName } from '../format/file-names.js';
import type { NodeIndex, SegmentRecord } from '../scan/node-index.js';
import type { PayloadReader } from '../scan/payloads.js';
import { resolveEngine, type EngineResolution, type ProductHint } from './engine/infer.js';
import { DEFAULT_ENGINE, type EngineProfile } from './engine/profiles.js';
import { snapshotFormFor, type SnapshotForm } from './engine/snapshot-form.js';
import { diskLog, simulateStartup, type LogView, type Simulation, type StartupPrediction } from './loader/index.js';
import { clusterConflicts, type ClusterConflict } from './cluster-identity.js';
import { assembleRecovery, type Recovery } from './recovery/assemble.js';
import type { Donor } from './recovery/fill.js';
import type { IndexRange, LostEntries, RecoveryStep } from './recovery/types.js';

/** How much of the node was read: every byte with every checksum, batch headers, or the log's tail. */
export type ReadDepth = 'every-byte' | 'headers' | 'log-tail';

/** Entries present in a file whose bytes cannot be read back (C's reader stops there). */
export interface DamagedSpan {
  readonly file: string;
  readonly offset: number;
  readonly from: bigint;
  /** undefined when the count is unknown (an open segment's damaged batch). */
  readonly to: bigint | undefined;
  readonly what: string;
}

export interface HeldLog {
  readonly snapshot: { readonly term: bigint; readonly index: bigint } | undefined;
  readonly startIndex: bigint;
  readonly lastIndex: bigint;
  readonly lastTerm: bigint;
  /** Ranges between startIndex and lastIndex that no file holds. */
  readonly gaps: readonly IndexRange[];
  readonly damaged: readonly DamagedSpan[];
}

/** none: starts as it is with everything it holds; lossless: repair keeps every entry; lossy: some are lost. */
export type RepairNeed = 'none' | 'lossless' | 'lossy';

export const REPAIR_NEED_ORDER: Readonly<Record<RepairNeed, number>> = { none: 0, lossless: 1, lossy: 2 };

export interface Contribution {
  readonly startIndex: bigint;
  readonly lastIndex: bigint;
  readonly lastTerm: bigint;
  readonly need: RepairNeed;
  readonly steps: readonly RecoveryStep[];
  /** Entries lost that were completely written (torn writes, never acknowledged, are not counted). */
  readonly lost: readonly LostEntries[];
  /** Holes filled from other nodes. */
  readonly fills: readonly { readonly range: IndexRange; readonly donors: readonly string[] }[];
  /** Nodes whose bytes the fills rest on. */
  readonly donors: readonly NodeIndex[];
  /**
   * Nodes not read in full whose bytes decide a fill that failed (read by name only, or rejected
   * on bytes whose checksums were not verified): the contribution is undecided until they are.
   */
  readonly undecidedBy: readonly NodeIndex[];
}

/** What other possible engines would do at start-up, where it differs from `startup`. */
export interface EngineOutcome {
  /** Profile names of the engines that would all do this. */
  readonly engines: readonly string[];
  readonly startup: StartupPrediction;
}

export interface NodeVerdict {
  readonly node: NodeIndex;
  readonly name: string;
  readonly read: ReadDepth;
  readonly held: HeldLog;
  /** The engine the verdict is for (the same object in every verdict of one buildVerdicts call). */
  readonly engine: EngineResolution;
  readonly startup: StartupPrediction;
  /** Engines still possible (auto) that would start this node differently; empty for a named engine. */
  readonly otherEngines: readonly EngineOutcome[];
  readonly startupDrops: IndexRange | undefined;
  readonly contribution: Contribution;
  /** The repaired log with this node as the source (repair builds its plan from it). */
  readonly recovery: Recovery;
  /** The loader simulation behind `startup` (rules read its pass). */
  readonly simulation: Simulation;
  /** The on-disk log behind `held`. */
  readonly diskLog: LogView;
  /** Evidence that this node and another belong to different clusters (cluster-identity.ts). */
  readonly clusterConflicts: readonly ClusterConflict[];
}

export interface VerdictOptions {
  /** raft_uv_set_auto_recovery as the node will run (default true, as in dqlite and go-dqlite). */
  readonly autoRecovery?: boolean;
  /** The engine (a profile), or `auto` to infer it from the nodes; default DEFAULT_ENGINE (libraft 0.15). */
  readonly engine?: EngineProfile | 'auto';
  /** For `auto`: the product whose layout the nodes came from (default: what their layout says, when they agree). */
  readonly productHint?: ProductHint;
  /**
   * The form a repair writes snapshots in (repair --convert-snapshots); by default the one the
   * engine needs (LZ4 for dqlite ≥ 1.18.3), else as they are. `contribution` counts on it.
   */
  readonly convertSnapshots?: SnapshotForm;
}

/** The product every node's layout names (scan/product-layout.ts), for engine inference. */
export function productHintOf(nodes: readonly NodeIndex[]): ProductHint | undefined {
  const kinds = new Set(nodes.map((n) => n.product?.kind));
  const [only] = [...kinds];
  return kinds.size === 1 && only !== undefined ? only : undefined;
}

/** What an interop test or an operator compares: the outcome, the message and what the loader leaves. */
function startupKey(p: StartupPrediction): string {
  const l = p.log;
  const log = l ? [l.startIndex, l.entries, l.lastIndex, l.lastTerm, l.term, l.votedFor].map(String) : [];
  return JSON.stringify([
    p.outcome,
    p.stage,
    p.code,
    p.codeName,
    p.error,
    p.renamed,
    p.removed,
    p.created,
    p.snapshot?.name,
    log,
  ]);
}

/** The alternatives' predictions that differ from `main`, engines with the same outcome grouped. */
function otherEnginesFor(
  node: NodeIndex,
  main: StartupPrediction,
  alternatives: readonly EngineProfile[],
  autoRecovery: boolean,
): EngineOutcome[] {
  const groups = new Map<string, { engines: string[]; startup: StartupPrediction }>();
  const mainKey = startupKey(main);
  for (const engine of alternatives) {
    const startup = simulateStartup(node, { autoRecovery, engine }).prediction;
    const key = startupKey(startup);
    if (key === mainKey) continue;
    const group = groups.get(key);
    if (group) group.engines.push(engine.name);
    else groups.set(key, { engines: [engine.name], startup });
  }
  return [...groups.values()];
}

export function readDepthOf(node: NodeIndex): ReadDepth {
  if (node.logTailOnly && node.segments.some((s) => s.depth === 'name')) return 'log-tail';
  return node.verifiedData ? 'every-byte' : 'headers';
}

function damagedSpan(record: SegmentRecord, firstIndex: bigint, good: number): DamagedSpan | undefined {
  const f = record.decoded.failure;
  if (!f) return undefined;
  // An open segment's written batches end where its preallocated zeros begin: not damage.
  if (record.kind === 'open' && f.kind === 'zero-count' && record.decoded.tailIsZero) return undefined;
  const from = firstIndex + BigInt(good);
  const count = typeof f.data['count'] === 'number' ? BigInt(f.data['count'] as number) : undefined;
  const to =
    record.kind === 'closed' && record.lastIndex !== undefined && record.lastIndex >= from
      ? record.lastIndex
      : count !== undefined
        ? from + count - 1n
        : undefined;
  if (record.kind === 'closed' && to === undefined) return undefined; // every promised entry was read: trailing bytes only
  return { file: record.name, offset: f.batchOffset, from, to, what: f.message };
}

function heldLog(view: LogView): HeldLog {
  const damaged: DamagedSpan[] = [];
  for (const run of view.runs.length ? view.runs : []) {
    const span = damagedSpan(run.record, run.firstIndex, run.count);
    if (span) damaged.push(span);
  }
  return {
    snapshot: view.snapshot,
    startIndex: view.startIndex,
    lastIndex: view.lastIndex,
    lastTerm: view.lastTerm,
    gaps: view.gaps,
    damaged,
  };
}

/** Entries held on disk that the node would not have after start-up (moved aside by auto-recovery). */
function startupDrops(p: StartupPrediction, held: HeldLog): IndexRange | undefined {
  if (!p.ok || !p.log) return undefined;
  let last = held.lastIndex;
  for (const name of p.renamed) {
    const c = parseClosedSegmentName(name);
    if (c && c.last > last) last = c.last;
  }
  return last > p.log.lastIndex ? { from: p.log.lastIndex + 1n, to: last } : undefined;
}

function contributionOf(r: Recovery, p: StartupPrediction): Contribution {
  const lost = r.lost.filter((l) => l.complete);
  const startsAsIs =
    p.ok &&
    p.log !== undefined &&
    p.renamed.length === 0 &&
    p.log.lastIndex === r.lastIndex &&
    p.log.lastTerm === r.lastTerm;
  const need: RepairNeed = lost.length ? 'lossy' : startsAsIs ? 'none' : 'lossless';
  const fills = r.fills
    .filter((f) => !f.unfilled)
    .map((f) => ({ range: f.hole, donors: [...new Set(f.pieces.map((x) => x.donor.node.name))] }));
  const donors = [...new Set(r.fills.flatMap((f) => (f.unfilled ? [] : f.pieces.map((x) => x.donor.node))))];
  const failed = r.fills.filter((f) => f.unfilled);
  // A failed fill is final only when every byte it rests on was read: the donors it tried, the
  // donors read by name only, and the source itself (its own entries anchor and check the fill).
  const undecidedBy = [
    ...new Set(failed.flatMap((f) => [r.source.node, ...(f.unread ?? []), ...f.rejectedNodes])),
  ].filter((n) => !n.verifiedData);
  return {
    startIndex: r.startIndex,
    lastIndex: r.lastIndex,
    lastTerm: r.lastTerm,
    need,
    steps: r.steps,
    lost,
    fills,
    donors,
    undecidedBy,
  };
}

/**
 * Verdicts for a set of nodes. `order` lists the nodes in the order their logs are offered as
 * donors (best first: pass the previous ranking when there is one); `payloads` reads the entry
 * bytes that prove a donor's entries are the ones a node lacks.
 */
export function buildVerdicts(
  nodes: readonly NodeIndex[],
  payloads: PayloadReader,
  options: VerdictOptions = {},
): NodeVerdict[] {
  const autoRecovery = options.autoRecovery ?? true;
  const engine = resolveEngine(options.engine ?? DEFAULT_ENGINE, nodes, options.productHint ?? productHintOf(nodes));
  const form = snapshotFormFor(engine.profile, options.convertSnapshots);
  const logs = new Map(nodes.map((n) => [n, diskLog(n)]));
  const conflicts = clusterConflicts(
    nodes.map((n) => ({ node: n, view: logs.get(n)! })),
    payloads,
  );
  return nodes.map((node) => {
    const simulation = simulateStartup(node, { autoRecovery, engine: engine.profile });
    const view = logs.get(node)!;
    const held = heldLog(view);
    const donors: Donor[] = nodes.filter((n) => n !== node).map((n) => ({ node: n, view: logs.get(n)! }));
    const recovery = assembleRecovery(node, donors, payloads, engine.profile, form);
    const startup = simulation.prediction;
    return {
      node,
      name: node.name,
      read: readDepthOf(node),
      held,
      engine,
      startup,
      otherEngines: otherEnginesFor(node, startup, engine.alternatives, autoRecovery),
      startupDrops: startupDrops(startup, held),
      contribution: contributionOf(recovery, startup),
      recovery,
      simulation,
      diskLog: view,
      clusterConflicts: conflicts.filter((c) => c.nodes.includes(node.displayPath)),
    };
  });
}
