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
export type ProductHint = 'incus' | 'lxd' | 'microk8s' | 'microcloud' | 'microcluster';

export interface EngineResolution {
  /** The engine the predictions are made for. */
  readonly name: string;
  readonly source: EngineSource;
  /** What decided it, in words (empty for a flag). */
  readonly evidence: readonly string[];
  /** The same clues as short facts for a one-line summary ("dqlite-lock in 3 nodes", "LZ4 snapshots"). */
  readonly facts: readonly string[];
  readonly profile: EngineProfile;
  /** Engines still possible besides `profile` (auto only). */
  readonly alternatives: readonly EngineProfile[];
}

/** Preference among equally supported engines: the newest dqlite first (what LXD, MicroK8s, MicroCloud run). */
const ORDER: readonly EngineName[] = ['dqlite-1.18', 'dqlite-1.17', 'dqlite-1.16', 'dqlite-1.11', 'cowsql-1.15'];

/**
 * The pick when the files decide nothing: libraft 0.15 (Debian 12's dqlite 1.11), the reference
 * the other profiles are described against. Where another engine would start a node differently,
 * the verdict lists it (otherEngines), so the pick is never a silent guess; and it keeps every
 * prediction for a Debian-made set right, which weak clues such as zero padding could not promise.
 */
const UNDECIDED: EngineName = 'dqlite-1.11';

interface Clue {
  readonly text: string;
  /** The observation alone, a few words. */
  readonly fact: string;
  /** Engines it supports, and how strongly (2 strong, 1 medium, 0.5 weak). */
  readonly favours: readonly EngineName[];
  readonly weight: number;
  /** Engines it rules out (facts those engines cannot produce). */
  readonly excludes?: readonly EngineName[];
}

/** The engines whose profile says `test`: every clue is a profile field, never a version list. */
const where = (test: (p: EngineProfile) => boolean): EngineName[] => ENGINE_NAMES.filter((n) => test(profileOf(n)));
const DQLITE = where((p) => p.family === 'dqlite');
const COWSQL = where((p) => p.family === 'cowsql');

function clue(
  fact: string,
  meaning: string,
  favours: readonly EngineName[],
  weight: number,
  excludes?: readonly EngineName[],
): Clue {
  const text = `${fact}: ${meaning}`;
  return excludes ? { text, fact, favours, weight, excludes } : { text, fact, favours, weight };
}

/** The nodes a clue was seen in: "all 3 nodes", or their names (the first three). */
function names(nodes: readonly NodeIndex[], all: readonly NodeIndex[]): string {
  if (all.length > 1 && nodes.length === all.length) return `all ${all.length} nodes`;
  const shown = nodes
    .slice(0, 3)
    .map((n) => n.name)
    .join(', ');
  return nodes.length > 3 ? `${shown} …` : shown;
}

function lockClues(nodes: readonly NodeIndex[]): Clue[] {
  const locked = nodes.filter((n) => n.files.some((f) => f.class.kind === 'lock'));
  if (locked.length > 0) {
    return [
      clue(
        `dqlite-lock in ${names(locked, nodes)}`,
        'a dqlite ≥ 1.16.5 started these directories',
        where((p) => p.lockFile),
        2,
        where((p) => p.family === 'dqlite' && !p.lockFile),
      ),
    ];
  }
  return [
    clue(
      'no dqlite-lock in any node',
      'not started by dqlite ≥ 1.16.5 (unless the file was left out of the copy)',
      where((p) => !p.lockFile),
      0.5,
    ),
  ];
}

type SnapshotData = NonNullable<NodeIndex['snapshots'][number]['data']>;

/** Each node's newest snapshot with a data file. */
function newestSnapshots(nodes: readonly NodeIndex[]): { node: NodeIndex; data: SnapshotData }[] {
  return nodes.flatMap((node) => {
    const s = node.snapshots.find((x) => x.data && x.data.size > 0);
    return s?.data ? [{ node, data: s.data }] : [];
  });
}

function snapshotClues(nodes: readonly NodeIndex[]): Clue[] {
  const newest = newestSnapshots(nodes);
  const clues: Clue[] = [];
  const raw = newest.filter((s) => !s.data.frame.compressed).map((s) => s.node);
  const lz4 = newest.filter((s) => s.data.frame.compressed).map((s) => s.node);
  if (raw.length > 0) {
    clues.push(
      clue(
        `uncompressed newest snapshot in ${names(raw, nodes)}`,
        'written by cowsql (cowsql/raft ≥ 0.17.3 never ' + 'compresses) or with compression off',
        where((p) => p.snapshots.written === 'raw'),
        2,
      ),
    );
  }
  if (lz4.length > 0) {
    clues.push(
      clue(
        `LZ4 newest snapshot in ${names(lz4, nodes)}`,
        'written by libraft or dqlite (cowsql writes them raw)',
        where((p) => p.snapshots.written === 'lz4'),
        1,
      ),
    );
  }
  const payloads = newest.filter((s) => s.data.payload && !s.data.payload.problem && s.data.payload.bytes > 16);
  const withWal = payloads.filter((s) => s.data.payload!.walBytes > 0n).map((s) => s.node);
  if (payloads.length > 0 && withWal.length === 0) {
    const which = names(
      payloads.map((s) => s.node),
      nodes,
    );
    clues.push(
      clue(
        `every newest snapshot payload has wal_size 0 (${which})`,
        'written by dqlite ≥ 1.17',
        where((p) => !p.snapshots.payloadWal),
        2,
        where((p) => p.family === 'dqlite' && p.snapshots.payloadWal),
      ),
    );
  } else if (withWal.length > 0) {
    clues.push(
      clue(
        `snapshot payloads carry a WAL image (${names(withWal, nodes)})`,
        'written by dqlite ≤ 1.16 or cowsql',
        where((p) => p.snapshots.payloadWal),
        1,
      ),
    );
  }
  return clues;
}

/** Segments newest first: open ones by counter, then closed ones by first index. */
function newestSegments(node: NodeIndex): SegmentRecord[] {
  const open = node.segments.filter((s) => s.kind === 'open').sort((a, b) => (a.counter! > b.counter! ? -1 : 1));
  const closed = node.segments.filter((s) => s.kind === 'closed').reverse();
  return [...open, ...closed].filter((s) => s.decoded.batches.entryCount > 0);
}

/** The unused entry-header bytes of each node's two newest segments (only a non-zero byte means much). */
function paddingClues(nodes: readonly NodeIndex[]): Clue[] {
  let entries = 0;
  const stale: NodeIndex[] = [];
  for (const node of nodes) {
    for (const seg of newestSegments(node).slice(0, 2)) {
      const packed = seg.decoded.batches.columns().typeAndUnused.subarray(0, seg.decoded.batches.entryCount);
      entries += packed.length;
      if (packed.some((v) => v >>> 8 !== 0)) {
        stale.push(node);
        break;
      }
    }
  }
  if (stale.length > 0) {
    return [
      clue(
        `stale bytes in unused entry-header bytes of the newest segments (${names(stale, nodes)})`,
        'written by libraft or dqlite (cowsql/raft ≥ 0.22.1 writes zeros)',
        where((p) => !p.zeroPadding),
        1,
      ),
    ];
  }
  if (entries < 64) return [];
  return [
    clue(
      `only zeros in the unused entry-header bytes of the newest ${entries} entries`,
      'as cowsql/raft ≥ 0.22.1 writes them (common by chance elsewhere)',
      where((p) => p.zeroPadding),
      0.5,
    ),
  ];
}

/** A `.reconfigure` entry: the newest closed segment N-N holding one RAFT_CHANGE entry, after a higher-term log. */
function recoveryClue(node: NodeIndex): Clue | undefined {
  const closed = node.segments.filter((s) => s.kind === 'closed' && s.firstIndex !== undefined);
  const last = closed[closed.length - 1];
  const table = last?.decoded.batches;
  const single = last && table && last.firstIndex === last.lastIndex && table.entryCount === 1 && table.type(0) === 3;
  if (!last || !table || !single) return undefined;
  const before = closed.find((s) => s.lastIndex === last.firstIndex! - 1n && s.decoded.batches.entryCount > 0);
  if (!before) return undefined;
  const prevTerm = before.decoded.batches.term(before.decoded.batches.entryCount - 1);
  const term = table.term(0);
  const what = `recovery entry ${last.name} in ${node.name}`;
  if (prevTerm <= 1n) return undefined;
  if (term === prevTerm) {
    return clue(
      `${what} has the last log term ${term}`,
      'written by cowsql/raft ≥ 0.20 (.reconfigure)',
      where((p) => p.recoveryEntryTerm === 'last-log-term'),
      2,
    );
  }
  if (term !== 1n) return undefined;
  return clue(
    `${what} has term 1 after term ${prevTerm}`,
    'written by libraft or dqlite (.reconfigure)',
    where((p) => p.recoveryEntryTerm === 'one'),
    2,
  );
}

const PRODUCT_WORDS: Readonly<Record<ProductHint, string>> = {
  incus: 'Incus',
  lxd: 'LXD',
  microk8s: 'MicroK8s',
  microcloud: 'MicroCloud',
  microcluster: 'microcluster',
};

function hintClues(hint: ProductHint | undefined): Clue[] {
  if (!hint) return [];
  const cowsql = hint === 'incus';
  return [
    clue(
      'product layout',
      `${PRODUCT_WORDS[hint]} runs ${cowsql ? 'cowsql' : 'dqlite'}`,
      cowsql ? COWSQL : DQLITE,
      4,
      cowsql ? DQLITE : COWSQL,
    ),
  ];
}

/** Which engine runs these nodes, from their files (and the product layout, when known). */
export function inferEngine(nodes: readonly NodeIndex[], productHint?: ProductHint): EngineResolution {
  const recovered = nodes.map(recoveryClue).filter((c): c is Clue => c !== undefined);
  const clues = [
    ...hintClues(productHint),
    ...lockClues(nodes),
    ...snapshotClues(nodes),
    ...recovered,
    ...paddingClues(nodes),
  ];
  const excluded = new Set(clues.flatMap((c) => c.excludes ?? []));
  const candidates = ORDER.filter((n) => !excluded.has(n));
  const score = (n: EngineName): number => clues.reduce((sum, c) => sum + (c.favours.includes(n) ? c.weight : 0), 0);
  const ranked = [...candidates].sort((a, b) => score(b) - score(a) || ORDER.indexOf(a) - ORDER.indexOf(b));
  const top = ranked[0] ?? ORDER[0]!;
  // Engines the files cannot tell apart tie; the order picks one and the rest stay alternatives.
  // Weak clues (zero padding, no lock) only order engines: alone they never decide, however many.
  const decided = score(top) >= 1 && clues.some((c) => c.weight >= 1 && c.favours.includes(top));
  const best = decided || !candidates.includes(UNDECIDED) ? top : UNDECIDED;
  const used = clues.filter((c) => c.favours.includes(best) || c.excludes?.length);
  return {
    name: best,
    source: decided ? 'evidence' : 'unknown',
    evidence: (decided ? used : clues).map((c) => c.text),
    facts: (decided ? used : clues).map((c) => c.fact),
    profile: profileOf(best),
    alternatives: ranked.filter((n) => n !== best).map(profileOf),
  };
}

/** The engine for a set of nodes: a named profile (from --engine), or inferred for `auto`. */
export function resolveEngine(
  choice: EngineProfile | 'auto',
  nodes: readonly NodeIndex[],
  productHint?: ProductHint,
): EngineResolution {
  if (choice === 'auto') return inferEngine(nodes, productHint);
  return { name: choice.name, source: 'flag', evidence: [], facts: [], profile: choice, alternatives: [] };
}
