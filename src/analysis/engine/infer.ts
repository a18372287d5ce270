// `--engine auto`: which engine runs these node directories, from what their files show (engine
// fact sheet §9). Files tell who WROTE them, and engines get upgraded (dqlite 1.16 → 1.18) or
// replaced (LXD → Incus moves dqlite data to cowsql), so evidence ranks the engines instead of
// ruling them out; only the product layout and two facts no older engine can produce exclude any.
// The engines left besides the chosen one are returned as alternatives: a verdict lists those that
// would treat a node differently instead of guessing.
import type { NodeIndex, SegmentRecord } from '../../scan/node-index.js';
import { ENGINE_NAMES, profileOf, type EngineName, type EngineProfile } from './profiles.js';

export type EngineSource = 'flag' | 'evidence' | 'unknown';

/** The product whose layout the nodes were found in (scan/ will tell; another change). */
export type ProductHint = 'incus' | 'lxd' | 'microk8s' | 'microcloud';

export interface EngineResolution {
  /** The engine the predictions are made for. */
  readonly name: string;
  readonly source: EngineSource;
  /** What decided it, in words (empty for a flag). */
  readonly evidence: readonly string[];
  readonly profile: EngineProfile;
  /** Engines still possible besides `profile` (auto only). */
  readonly alternatives: readonly EngineProfile[];
}

/** Preference among equally supported engines: the newest dqlite first (what LXD, MicroK8s, MicroCloud run). */
const ORDER: readonly EngineName[] = ['dqlite-1.18', 'dqlite-1.17', 'dqlite-1.16', 'dqlite-1.11', 'cowsql-1.15'];

interface Clue {
  readonly text: string;
  /** Engines it supports, and how strongly (2 strong, 1 medium, 0.5 weak). */
  readonly favours: readonly EngineName[];
  readonly weight: number;
  /** Engines it rules out (facts those engines cannot produce). */
  readonly excludes?: readonly EngineName[];
}

const DQLITE: readonly EngineName[] = ['dqlite-1.11', 'dqlite-1.16', 'dqlite-1.17', 'dqlite-1.18'];
const byLock = (lock: boolean): EngineName[] => ENGINE_NAMES.filter((n) => profileOf(n).lockFile === lock);

function names(nodes: readonly NodeIndex[]): string {
  return nodes.length > 3 ? `${nodes.slice(0, 3).map((n) => n.name).join(', ')} …` : nodes.map((n) => n.name).join(', ');
}

function lockClues(nodes: readonly NodeIndex[]): Clue[] {
  const locked = nodes.filter((n) => n.files.some((f) => f.class.kind === 'lock'));
  if (locked.length > 0) {
    return [{ text: `dqlite-lock in ${names(locked)}: a dqlite ≥ 1.16.5 started these directories`, favours: byLock(true), weight: 2, excludes: ['dqlite-1.11'] }];
  }
  return [{ text: 'no dqlite-lock in any node: not started by dqlite ≥ 1.16.5 (unless the file was left out of the copy)', favours: byLock(false), weight: 0.5 }];
}

/** Each node's newest snapshot with a data file. */
function newestSnapshots(nodes: readonly NodeIndex[]): { node: NodeIndex; data: NonNullable<NodeIndex['snapshots'][number]['data']>; name: string }[] {
  return nodes.flatMap((node) => {
    const s = node.snapshots.find((x) => x.data && x.data.size > 0);
    return s?.data ? [{ node, data: s.data, name: s.name }] : [];
  });
}

function snapshotClues(nodes: readonly NodeIndex[]): Clue[] {
  const newest = newestSnapshots(nodes);
  const clues: Clue[] = [];
  const raw = newest.filter((s) => !s.data.frame.compressed);
  const lz4 = newest.filter((s) => s.data.frame.compressed);
  if (raw.length > 0) {
    clues.push({ text: `uncompressed newest snapshot in ${names(raw.map((s) => s.node))}: written by cowsql (cowsql/raft ≥ 0.17.3 never compresses) or with compression off`, favours: ['cowsql-1.15'], weight: 2 });
  }
  if (lz4.length > 0) {
    clues.push({ text: `LZ4 newest snapshot in ${names(lz4.map((s) => s.node))}: written by libraft or dqlite (cowsql writes them uncompressed)`, favours: DQLITE, weight: 1 });
  }
  const payloads = newest.flatMap((s) => (s.data.payload && !s.data.payload.problem && s.data.payload.bytes > 16 ? [s] : []));
  const withWal = payloads.filter((s) => s.data.payload!.walBytes > 0n);
  if (payloads.length > 0 && withWal.length === 0) {
    clues.push({ text: `every newest snapshot payload has wal_size 0 (${names(payloads.map((s) => s.node))}): written by dqlite ≥ 1.17`, favours: ['dqlite-1.17', 'dqlite-1.18'], weight: 2, excludes: ['dqlite-1.11', 'dqlite-1.16'] });
  } else if (withWal.length > 0) {
    clues.push({ text: `snapshot payloads carry a WAL image (${names(withWal.map((s) => s.node))}): written by dqlite ≤ 1.16 or cowsql`, favours: ['dqlite-1.11', 'dqlite-1.16', 'cowsql-1.15'], weight: 1 });
  }
  return clues;
}

/** Segments newest first: open ones by counter, then closed ones by first index. */
function newestSegments(node: NodeIndex): SegmentRecord[] {
  const open = node.segments.filter((s) => s.kind === 'open').sort((a, b) => (a.counter! > b.counter! ? -1 : 1));
  const closed = node.segments.filter((s) => s.kind === 'closed').reverse();
  return [...open, ...closed].filter((s) => s.decoded.batches.entryCount > 0);
}

function paddingClues(nodes: readonly NodeIndex[]): Clue[] {
  let entries = 0;
  const stale: NodeIndex[] = [];
  for (const node of nodes) {
    for (const seg of newestSegments(node).slice(0, 2)) {
      const packed = seg.decoded.batches.columns().typeAndUnused.subarray(0, seg.decoded.batches.entryCount);
      entries += packed.length;
      if (packed.some((v) => v >>> 8 !== 0)) { stale.push(node); break; }
    }
  }
  if (stale.length > 0) {
    return [{ text: `stale bytes in unused entry-header bytes of the newest segments (${names(stale)}): written by libraft or dqlite (cowsql/raft ≥ 0.22.1 writes zeros)`, favours: DQLITE, weight: 1 }];
  }
  if (entries >= 64) return [{ text: `only zeros in the unused entry-header bytes of the newest ${entries} entries: as cowsql/raft ≥ 0.22.1 writes them (common by chance elsewhere)`, favours: ['cowsql-1.15'], weight: 0.5 }];
  return [];
}

/** A `.reconfigure` recovery entry: the newest closed segment N-N holding one RAFT_CHANGE entry, after a higher-term log. */
function recoveryClues(nodes: readonly NodeIndex[]): Clue[] {
  const clues: Clue[] = [];
  for (const node of nodes) {
    const closed = node.segments.filter((s) => s.kind === 'closed' && s.firstIndex !== undefined);
    const last = closed[closed.length - 1];
    if (!last || last.firstIndex !== last.lastIndex || last.decoded.batches.entryCount !== 1 || last.decoded.batches.type(0) !== 3) continue;
    const before = closed.find((s) => s.lastIndex === last.firstIndex! - 1n && s.decoded.batches.entryCount > 0);
    if (!before) continue;
    const prevTerm = before.decoded.batches.term(before.decoded.batches.entryCount - 1);
    const term = last.decoded.batches.term(0);
    if (prevTerm <= 1n) continue;
    if (term === prevTerm) clues.push({ text: `recovery entry ${last.name} in ${node.name} has the last log term ${term}: written by cowsql/raft ≥ 0.20 (.reconfigure)`, favours: ['cowsql-1.15'], weight: 2 });
    else if (term === 1n) clues.push({ text: `recovery entry ${last.name} in ${node.name} has term 1 after term ${prevTerm}: written by libraft or dqlite (.reconfigure)`, favours: DQLITE, weight: 2 });
  }
  return clues;
}

function hintClues(hint: ProductHint | undefined): Clue[] {
  if (!hint) return [];
  if (hint === 'incus') return [{ text: 'product layout: Incus runs cowsql', favours: ['cowsql-1.15'], weight: 4, excludes: DQLITE }];
  return [{ text: `product layout: ${hint === 'lxd' ? 'LXD' : hint === 'microk8s' ? 'MicroK8s' : 'MicroCloud'} runs dqlite`, favours: DQLITE, weight: 4, excludes: ['cowsql-1.15'] }];
}

/** Which engine runs these nodes, from their files (and the product layout, when known). */
export function inferEngine(nodes: readonly NodeIndex[], productHint?: ProductHint): EngineResolution {
  const clues = [...hintClues(productHint), ...lockClues(nodes), ...snapshotClues(nodes), ...recoveryClues(nodes), ...paddingClues(nodes)];
  const excluded = new Set(clues.flatMap((c) => c.excludes ?? []));
  const candidates = ORDER.filter((n) => !excluded.has(n));
  const score = (n: EngineName): number => clues.reduce((sum, c) => sum + (c.favours.includes(n) ? c.weight : 0), 0);
  const ranked = [...candidates].sort((a, b) => score(b) - score(a) || ORDER.indexOf(a) - ORDER.indexOf(b));
  const best = ranked[0] ?? ORDER[0]!;
  // Engines the files cannot tell apart tie; the order picks one and the rest stay alternatives.
  const decided = score(best) >= 1;
  const used = clues.filter((c) => c.favours.includes(best) || c.excludes?.length);
  return {
    name: best,
    source: decided ? 'evidence' : 'unknown',
    evidence: (decided ? used : clues).map((c) => c.text),
    profile: profileOf(best),
    alternatives: ranked.slice(1).map(profileOf),
  };
}

/** The engine for a set of nodes: a named profile (from --engine), or inferred for `auto`. */
export function resolveEngine(choice: EngineProfile | 'auto', nodes: readonly NodeIndex[], productHint?: ProductHint): EngineResolution {
  if (choice === 'auto') return inferEngine(nodes, productHint);
  return { name: choice.name, source: 'flag', evidence: [], profile: choice, alternatives: [] };
}
